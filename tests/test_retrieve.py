"""Retrieve stage: question scope (places, years, filters), fused search, round trips."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import DEV_REPORTS, GOV_REPORTS, SAMPLES, RecordingEmbedder, fake_settings

from qa.config import Settings
from qa.index.build import load_report, update_index
from qa.index.core import (
    Index,
    chunk_all,
    embed_passages,
    load_index,
    make_faiss,
    passage_int_id,
    passage_texts,
)
from qa.index.embed import Embedder, HashEmbedder
from qa.index.keywords import KeywordIndex
from qa.ingest.clean import to_simplified
from qa.query.places import known_places, parent_aliases, place_aliases
from qa.query.scope import Scope, analyze_question
from qa.records import Hit
from qa.search.rerank import MAX_MATCH, bigram_counts, rerank
from qa.search.retrieve import CANDIDATES, _candidates, search

JINGYAN = "000_4eefaf65ada41b4d"
YOUYANG = "001_8e3adc1f376f5290"
XIANGTAN = "002_73c7b93b254d5d56"  # the traditional-script report
QUXIAN = "003_77051ec3706f57bb"
HUANGZHONG = "004_58886ce9b326548b"
QUESTIONS = [
    "收缴罚款多少",
    "湘潭县开展了哪些普法活动",
    "2023年行政复议案件",
    "耕地保护执法检查",
    "渠县2021年工作计划",
    "地质灾害隐患排查",
]


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """The five samples indexed with the HashEmbedder (scope tests need no real model)."""
    settings = fake_settings(tmp_path_factory.mktemp("fake-index"))
    update_index([SAMPLES], settings, HashEmbedder())
    return load_index(settings)


def build_in_memory(paths: Sequence[Path], settings: Settings, embedder: Embedder) -> Index:
    """An Index assembled from the stage functions without touching the disk."""
    reports = [load_report(p) for p in paths]
    passages = [p for ps in chunk_all(reports, settings) for p in ps]
    vectors = embed_passages(passages, embedder, settings.batch_size, None)
    return Index(
        path=Path("memory"),
        manifest={"embed_model": settings.embed_model},
        reports={r.doc_id: r for r in reports},
        passages=passages,
        vectors=vectors,
        faiss_index=make_faiss(vectors, passages),
        keywords=KeywordIndex.build(passage_texts(passages)),
        by_int_id={passage_int_id(p.passage_id): i for i, p in enumerate(passages)},
    )


def hit_rows(hits: list[Hit]) -> list[tuple[str, float, float, float]]:
    return [(h.passage.passage_id, h.score, h.dense, h.keyword) for h in hits]


def assert_same_hits(a: list[Hit], b: list[Hit]) -> None:
    assert [h.passage for h in a] == [h.passage for h in b]
    np.testing.assert_allclose(
        [r[1:] for r in hit_rows(a)], [r[1:] for r in hit_rows(b)], rtol=1e-5, atol=1e-6
    )


# --- round trip --------------------------------------------------------------------------


def test_round_trip_gives_the_same_hits(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    files = sorted(SAMPLES.glob("*.txt"))
    memory = build_in_memory(files, settings, HashEmbedder())
    update_index([SAMPLES], settings, HashEmbedder())
    loaded = load_index(settings)
    assert len(loaded.passages) == len(memory.passages)
    for question in QUESTIONS:
        for per_report in (None, 2):
            want = search(question, memory, HashEmbedder(), k=8, per_report=per_report)
            got = search(question, loaded, HashEmbedder(), k=8, per_report=per_report)
            assert want, question
            assert_same_hits(got, want)


@pytest.mark.slow
def test_round_trip_with_the_real_model(tmp_path: Path, real_embedder: Embedder) -> None:
    from conftest import model_cache_dir

    files = [SAMPLES / f"{XIANGTAN}.txt"]  # one report: embedding is the slow part
    settings = Settings(index_root=tmp_path, model_cache_dir=model_cache_dir())
    recorder = RecordingEmbedder(real_embedder)
    update_index(files, settings, recorder)
    loaded = load_index(settings)
    # The in-memory index reuses the vectors the build computed (embedding twice is slow).
    reports = [load_report(p) for p in files]
    passages = [p for ps in chunk_all(reports, settings) for p in ps]
    vectors = np.concatenate(recorder.vectors)
    assert [p.passage_id for p in passages] == [p.passage_id for p in loaded.passages]
    np.testing.assert_array_equal(loaded.vectors, vectors)
    memory = Index(
        Path("memory"),
        {},
        {r.doc_id: r for r in reports},
        passages,
        vectors,
        make_faiss(vectors, passages),
        KeywordIndex.build(passage_texts(passages)),
        {passage_int_id(p.passage_id): i for i, p in enumerate(passages)},
    )
    for question in ("面向重点对象精准普法", "湘潭县耕地保护", "行政执法人员培训", "2025年工作"):
        want = search(question, memory, real_embedder, k=5)
        assert want
        assert_same_hits(search(question, loaded, real_embedder, k=5), want)


# --- scope: places, years, filters -------------------------------------------------------


def test_question_naming_a_county_selects_its_report(fake_index: Index) -> None:
    scope = analyze_question("湘潭县开展了哪些普法活动", fake_index)
    assert scope.doc_ids == (XIANGTAN,)
    assert any("湘潭县" in m for m in scope.matched)
    assert scope.unmatched == ()
    hits = search("湘潭县开展了哪些普法活动", fake_index, HashEmbedder(), k=10)
    assert hits and {h.passage.doc_id for h in hits} == {XIANGTAN}
    assert all(h.metadata_match == scope.matched for h in hits)


@pytest.mark.parametrize(
    "question, doc_id",
    [
        ("井研縣收繳罰款多少", JINGYAN),  # traditional place name
        ("井研县收缴罚款多少", JINGYAN),
        ("酉阳县的行政复议", YOUYANG),  # short form of 酉阳土家族苗族自治县
        ("酉阳土家族苗族自治县的行政复议", YOUYANG),
        ("湟中区耕地保护", HUANGZHONG),
        ("渠县的普法宣传", QUXIAN),
    ],
)
def test_place_names_and_aliases_select_their_report(
    fake_index: Index, question: str, doc_id: str
) -> None:
    assert analyze_question(question, fake_index).doc_ids == (doc_id,)


@pytest.mark.parametrize(
    ("question", "other"),
    [
        ("井研县公安局2023年收到了多少起行政诉讼案件？", "井研县公安局"),
        ("湘潭縣司法局的行政复议", "湘潭县司法局"),
        # the indexed office under a short or old name is the same office
        ("酉阳规资局有几个法律顾问", None),
        ("酉阳县规划局的行政复议", None),
        ("湟中局2024年巡查多少次", None),
        ("井研县国土局罚款多少", None),
        ("井研自然资源局罚款多少", None),
        # another office as the topic, not the subject, of the question
        ("湟中区自然资源局的案卷由区司法局评查", None),
        ("井研和酉阳两个局各收了多少罚款", None),
        ("井研县和湟中区自然资源局各收到多少信访件", None),
        # words ending in 局 or 厅 that name no office
        ("湟中区全局共接待和接收信访案件多少起？", None),
        ("酉阳县参加市局和依法治县办组织的法治培训班几次？", None),
        ("渠县国土空间布局有什么要求？", None),
        ("湘潭县政务服务大厅有什么变化？", None),
        # an office the county's report works with and mentions
        ("湟中区司法局对案卷评查的结果？", None),
        ("井研县法院判了几起", "井研县法院"),
        # words of the question before 市局 are no place (结合的是市)
        ("渠县解决不动产登记历史遗留问题时，结合的是市局哪份文件？", None),
        # another office as the subject, even one the report mentions (县应急局)
        ("井研县应急局2023年罚款多少", "井研县应急局"),
        ("井研县应急局和自然资源局联合举办了几次森林防灭火演练？", None),
        # an office of a county no report is by, named in full
        ("秀山县规划和自然资源局2023年罚款总额是多少？", "秀山县规划和自然资源局"),
    ],
)
def test_another_office_of_an_indexed_place_is_unmatched(
    fake_index: Index, question: str, other: str | None
) -> None:
    scope = analyze_question(question, fake_index)
    assert scope.unmatched == ((other,) if other else ())


def test_place_aliases_are_worked_out_once_per_loaded_index(fake_index: Index) -> None:
    reports = fake_index.reports.values()
    every = {a for r in reports for a in place_aliases(r) | parent_aliases(r)}
    assert known_places(fake_index) == every
    assert known_places(fake_index) is known_places(fake_index)


def test_a_district_s_office_goes_by_the_level_and_its_name(fake_index: Index) -> None:
    from dataclasses import replace

    report = next(iter(fake_index.reports.values()))
    office = replace(report, region="上海市普陀区", agency="上海市普陀区人民政府办公室")
    assert {"区政府办公室", "普陀区政府办公室", "区府办", "普陀区政府办"} <= place_aliases(office)
    government = replace(report, region="上海市普陀区", agency="上海市普陀区人民政府")
    assert "区政府" not in place_aliases(government)  # every district's government


def test_question_without_place_or_year_is_not_restricted(fake_index: Index) -> None:
    scope = analyze_question("收缴罚款多少", fake_index)
    assert scope == type(scope)(None, (), ())
    hits = search("收缴罚款多少", fake_index, HashEmbedder(), k=20)
    assert len({h.passage.doc_id for h in hits}) > 1


def test_county_not_in_the_index_is_unmatched(fake_index: Index) -> None:
    scope = analyze_question("仁寿县2023年罚款多少", fake_index)
    assert "仁寿县" in scope.unmatched
    assert "湘潭县" not in scope.unmatched
    assert analyze_question("仁寿县的普法工作", fake_index).unmatched == ("仁寿县",)


def test_year_the_county_has_no_report_for_is_unmatched(fake_index: Index) -> None:
    scope = analyze_question("湘潭县2024年做了什么", fake_index)
    assert any("2024年" in u for u in scope.unmatched)  # 2024年 or 湘潭县2024年
    assert scope.doc_ids == ()
    assert search("湘潭县2024年做了什么", fake_index, HashEmbedder()) == []
    assert analyze_question("湘潭县2025年做了什么", fake_index).doc_ids == (XIANGTAN,)


def test_year_selects_reports_of_that_year(fake_index: Index) -> None:
    scope = analyze_question("2023年行政复议案件", fake_index)
    assert scope.doc_ids is not None and set(scope.doc_ids) == {JINGYAN, YOUYANG}
    assert "2023年" in scope.matched
    hits = search("2023年行政复议案件", fake_index, HashEmbedder(), k=10)
    assert {h.passage.doc_id for h in hits} <= {JINGYAN, YOUYANG}


def test_plan_question_for_next_year_selects_the_report_before(fake_index: Index) -> None:
    assert analyze_question("渠县2021年工作计划", fake_index).doc_ids == (QUXIAN,)
    assert analyze_question("渠县2021年的罚款", fake_index).doc_ids == ()


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"year": 2023}, {JINGYAN, YOUYANG}),
        ({"year": "2020"}, {QUXIAN}),
        ({"agency": "湘潭县"}, {XIANGTAN}),  # the report writes 湘潭縣自然資源局
        ({"agency": "湘潭縣"}, {XIANGTAN}),
        ({"agency": "自然资源局", "year": 2024}, {HUANGZHONG}),
        ({"year": 2019}, set()),
    ],
)
def test_explicit_filters(
    fake_index: Index, filters: dict[str, object], expected: set[str]
) -> None:
    scope = analyze_question("执法检查", fake_index, filters)
    assert scope.doc_ids is not None and set(scope.doc_ids) == expected
    hits = search("执法检查", fake_index, HashEmbedder(), k=50, filters=filters)
    assert {h.passage.doc_id for h in hits} == expected
    if expected:
        assert len(hits) == min(50, sum(p.doc_id in expected for p in fake_index.passages))


def test_per_report_returns_the_best_of_several_reports(fake_index: Index) -> None:
    hits = search("开展了哪些普法宣传活动", fake_index, HashEmbedder(), per_report=1)
    docs = [h.passage.doc_id for h in hits]
    assert len(docs) == len(set(docs)) == 5
    two = search("开展了哪些普法宣传活动", fake_index, HashEmbedder(), per_report=2)
    counts = {d: [h.passage.doc_id for h in two].count(d) for d in fake_index.reports}
    assert set(counts.values()) == {2}
    # Each report's best passage is the one the per_report=1 list gave it.
    first = {h.passage.doc_id: h.passage.passage_id for h in hits}
    for doc_id in fake_index.reports:
        best = next(h for h in two if h.passage.doc_id == doc_id)
        assert best.passage.passage_id == first[doc_id]


def test_hits_carry_their_dense_and_keyword_scores(fake_index: Index) -> None:
    question = "收缴罚款多少"
    hits = search(question, fake_index, HashEmbedder(), k=10, dense_weight=0.6)
    assert [h.rank for h in hits] == list(range(1, 11))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    qvec = HashEmbedder().encode_queries([question])[0]
    keyword = fake_index.keywords.scores(question)
    rows = {p.passage_id: i for i, p in enumerate(fake_index.passages)}
    for hit in hits:
        row = rows[hit.passage.passage_id]
        assert hit.dense == pytest.approx(float(fake_index.vectors[row] @ qvec), abs=1e-5)
        assert hit.keyword == pytest.approx(float(keyword[row]), rel=1e-5)
        assert 0.0 <= hit.score - hit.sentence <= 1.0  # fused, plus the rerank's sentence match
        assert 0.0 <= hit.sentence <= MAX_MATCH + 1e-9
    assert hits[0].keyword > 0
    assert any(h.keyword == 0 for h in search(question, fake_index, HashEmbedder(), k=95))


def test_dense_weight_one_ranks_by_dense_score_like_brute_force(fake_index: Index) -> None:
    question = "地质灾害隐患排查"
    hits = search(
        question, fake_index, HashEmbedder(), k=10, dense_weight=1.0, rerank_sentences=False
    )
    qvec = HashEmbedder().encode_queries([question])[0]
    expected = np.argsort(-(fake_index.vectors @ qvec), kind="stable")[:10]
    assert [h.passage.passage_id for h in hits] == [
        fake_index.passages[i].passage_id for i in expected
    ]


def test_search_of_an_empty_index_returns_nothing(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    update_index([], settings, HashEmbedder())
    index = load_index(settings)
    assert index.passages == []
    assert search("罚款", index, HashEmbedder()) == []


# --- the real model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_index(sample_settings: Settings) -> Index:
    return load_index(sample_settings)


@pytest.mark.slow
def test_traditional_question_finds_simplified_passage(
    sample_index: Index, real_embedder: Embedder
) -> None:
    hits = search("井研縣自然資源局收繳罰款多少", sample_index, real_embedder, k=3)
    assert hits[0].passage.doc_id == JINGYAN
    assert "收缴罚款112.23万元" in hits[0].passage.text
    # Without the place name too, and on the dense score alone.
    for weight in (0.7, 1.0):
        hits = search("今年收繳了多少罰款", sample_index, real_embedder, k=3, dense_weight=weight)
        assert any("收缴罚款112.23万元" in h.passage.text for h in hits), weight


@pytest.mark.slow
def test_simplified_question_finds_traditional_passage(
    sample_index: Index, real_embedder: Embedder
) -> None:
    hits = search("湘潭县如何面向重点对象精准普法", sample_index, real_embedder, k=3)
    assert {h.passage.doc_id for h in hits} == {XIANGTAN}
    assert "面向重點對象精準普法" in hits[0].passage.text
    for weight in (0.7, 1.0):
        hits = search(
            "面向重点对象精准普法是怎么做的", sample_index, real_embedder, k=3, dense_weight=weight
        )
        assert any(h.passage.doc_id == XIANGTAN and "精準普法" in h.passage.text for h in hits)


@pytest.mark.slow
def test_either_script_gives_the_same_hits(sample_index: Index, real_embedder: Embedder) -> None:
    simplified = search("湘潭县对地方政府负责人宣讲耕地保护", sample_index, real_embedder)
    traditional = search("湘潭縣對地方政府負責人宣講耕地保護", sample_index, real_embedder)
    assert simplified
    assert_same_hits(traditional, simplified)


@pytest.mark.slow
def test_real_scope_and_per_report(sample_index: Index, real_embedder: Embedder) -> None:
    hits = search("湘潭县开展了哪些普法活动", sample_index, real_embedder, k=10)
    assert len(hits) == 10 and {h.passage.doc_id for h in hits} == {XIANGTAN}
    assert all(h.dense > 0 for h in hits)
    assert search("湘潭县2024年做了什么", sample_index, real_embedder) == []
    per = search("开展了哪些普法宣传活动", sample_index, real_embedder, per_report=1)
    assert len({h.passage.doc_id for h in per}) == len(per) == 5


def test_a_question_about_every_report_reaches_every_report_in_a_larger_library(
    tmp_path: Path,
) -> None:
    # the samples among 52 long State Council reports: 各局… must not stop at the top pool
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in [*SAMPLES.glob("*.txt"), *GOV_REPORTS.glob("*.txt")]:
        (folder / path.name).write_bytes(path.read_bytes())
    settings = fake_settings(tmp_path / "index")
    update_index([folder], settings, HashEmbedder())
    index = load_index(settings)
    assert len(index.reports) == 57 and len(index.passages) > 3000
    question = "各局下一步都有什么打算？"
    qvec = HashEmbedder().encode_queries([question])
    keyword = index.keywords.scores(question)
    pooled, _ = _candidates(index, qvec, keyword, Scope(None))
    every, dense = _candidates(index, qvec, keyword, Scope(None), every=True)
    assert len(pooled) <= 2 * CANDIDATES < len(every) == len(index.passages) == len(dense)
    hits = search(question, index, HashEmbedder(), per_report=3)
    samples = {p.stem for p in SAMPLES.glob("*.txt")}
    assert samples <= {h.passage.doc_id for h in hits}
    assert max(Counter(h.passage.doc_id for h in hits).values()) <= 3


def test_a_section_about_another_year_ranks_below(
    sample_index: Index, real_embedder: Embedder
) -> None:
    # 渠县's 2020 report: the 2021 plan (四、2021年度…安排) repeats the theme days in its words
    hits = search("渠县自然资源局2020年借助哪些主题日开展普法宣传？", sample_index, real_embedder)
    assert hits[0].passage.section_path[-1].startswith("(1)开展“七五”普法")
    assert "2021年度" in " ".join(hits[1].passage.section_path)


def test_rerank_puts_the_passage_restating_the_question_first(fake_index: Index) -> None:
    passages = fake_index.passages
    target, sentence = next(
        (p, s)
        for p in passages
        for s in re.split(r"[。；\n]", p.text)
        if "行政复议" in s and len(s) > 16
    )
    question = f"{sentence[:14]}是什么情况？"
    other = next(p for p in passages if p.doc_id != target.doc_id and sentence[:6] not in p.text)
    hits = [Hit(other, 1.0, 1), Hit(target, 0.85, 2)]
    ranked = rerank(question, hits, fake_index, k=2)
    assert [h.passage.passage_id for h in ranked] == [target.passage_id, other.passage_id]
    assert [h.rank for h in ranked] == [1, 2]
    assert ranked[0].sentence > ranked[1].sentence + 0.15
    assert ranked[0].score == pytest.approx(0.85 + ranked[0].sentence)
    # a passage alone is returned as it was, re-ranked to 1
    assert rerank(question, hits[1:], fake_index, k=5)[0].passage == target


def test_bigram_counts_count_passages_once_per_index(fake_index: Index) -> None:
    counts = bigram_counts(fake_index)
    assert counts is bigram_counts(fake_index)  # worked out once
    for bigram in ("罚款", "复议", "普法"):
        simple = [to_simplified("".join(p.text.split())) for p in fake_index.passages]
        assert counts.get(bigram, 0) == sum(bigram in s for s in simple)


@pytest.fixture(scope="module")
def dev_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """Real reports of three kinds (two 海拉尔 years, two provinces, a 上海 city report and a
    普陀区 office's 部门预算 and 单位预算), indexed with the HashEmbedder."""
    names = [
        "txt/hailaer-2014-gov-work-report.txt",
        "txt/hailaer-2015-gov-work-report.txt",
        "txt/province-guangxi-2026-gov-work-report.txt",
        "txt/province-shanghai-2026-gov-work-report.txt",
        "pdf/shanghai-putuo-justice-2026-dept-budget.pdf",
        "pdf/shanghai-putuo-justice-2026-unit-budget.pdf",
    ]
    folder = tmp_path_factory.mktemp("dev-reports")
    for name in names:
        (folder / Path(name).name).symlink_to(DEV_REPORTS / name)
    national = GOV_REPORTS / "2016.txt"  # a 国务院 report without a title line
    (folder / "state-council-2016.txt").symlink_to(national)
    settings = fake_settings(tmp_path_factory.mktemp("dev-index"))
    update_index([folder], settings, HashEmbedder())
    return load_index(settings)


def _chosen(index: Index, question: str) -> set[str]:
    scope = analyze_question(question, index)
    assert scope.doc_ids is not None, scope
    return {index.reports[d].title for d in scope.doc_ids}


def test_a_year_asked_about_is_the_year_a_report_reviews(dev_index: Index) -> None:
    # the 2015 report (delivered Feb 2015) reviews 2014; the 2014 report set 2014's targets
    assert {
        dev_index.reports[d].year
        for d in analyze_question("海拉尔区2014年地区生产总值是多少", dev_index).doc_ids or ()
    } == {2015}
    target = analyze_question("海拉尔区2014年地区生产总值的预期目标是多少", dev_index)
    assert {dev_index.reports[d].year for d in target.doc_ids or ()} == {2014}
    named = analyze_question("海拉尔区2014年的政府工作报告是谁作的", dev_index)
    assert {dev_index.reports[d].year for d in named.doc_ids or ()} == {2014}


def test_a_year_no_report_covers_is_unmatched(dev_index: Index) -> None:
    assert analyze_question("广西2024年地区生产总值增长多少", dev_index).unmatched
    assert not analyze_question("广西2025年地区生产总值增长多少", dev_index).unmatched


def test_a_province_no_report_is_by_is_unmatched_even_when_mentioned(dev_index: Index) -> None:
    scope = analyze_question("广东2026年经济增长目标是多少？", dev_index)
    assert scope.unmatched == ("广东",)
    assert analyze_question("吉林省今年的目标是多少", dev_index).unmatched == ("吉林省",)
    # a province named beside an indexed one is a topic of that one's report
    assert not analyze_question("广西和广东的合作有哪些", dev_index).unmatched


def test_a_city_question_is_not_answered_from_a_district_office(dev_index: Index) -> None:
    assert _chosen(dev_index, "上海市2026年经济增长目标是多少") == {"2026年上海市政府工作报告"}
    office = _chosen(dev_index, "上海市普陀区司法局2026年“三公”经费预算是多少")
    assert office == {"上海市普陀区2026年区级部门预算", "上海市普陀区2026年区级单位预算"}
    # asked for the districts, or with no report of its own: the places inside it count
    assert "上海市普陀区2026年区级部门预算" in _chosen(dev_index, "上海市各区的部门预算")
    inner = _chosen(dev_index, "内蒙古有哪些报告提到了呼伦贝尔")
    assert {
        dev_index.reports[d].region
        for d in analyze_question("内蒙古的报告", dev_index).doc_ids or ()
    } == {"内蒙古自治区呼伦贝尔市海拉尔区"}
    assert inner


def test_the_kind_a_question_names_chooses_among_a_places_reports(dev_index: Index) -> None:
    scope = analyze_question("上海市普陀区2026年政府工作报告提出的GDP增长目标是多少？", dev_index)
    assert scope.unmatched == ("普陀区政府工作报告",)
    budget = analyze_question("普陀区司法局2026年部门预算里公共安全支出是多少", dev_index)
    assert {dev_index.reports[d].kind for d in budget.doc_ids or ()} == {"部门预算"}
    # the title word said chooses between a body's 部门预算 and 单位预算 of one year
    titles = {
        said: {dev_index.reports[d].title for d in analyze_question(q, dev_index).doc_ids or ()}
        for said, q in (
            ("单位预算", "普陀区司法局2026年单位预算的政府采购预算是多少？"),
            ("部门预算", "普陀区司法局2026年部门预算的政府采购预算是多少？"),
            ("两者", "普陀区司法局2026年部门预算和单位预算的机关运行经费分别是多少？"),
        )
    }
    assert len(titles["单位预算"]) == len(titles["部门预算"]) == 1
    assert all("单位预算" in t for t in titles["单位预算"])
    assert titles["两者"] == titles["单位预算"] | titles["部门预算"]
    # an office is named as its people say it: 普陀区司法局, 区政府 for 人民政府
    assert not analyze_question("普陀区司法局2026年有几辆车", dev_index).unmatched
    assert analyze_question("普陀区司法局2024年“三公”经费决算是多少", dev_index).unmatched


def test_a_place_a_report_misspells_is_read_as_the_report_spells_it() -> None:
    from qa.query.spelling import spelling_variants
    from qa.records import Report

    def report(doc_id: str, agency: str, region: str) -> Report:
        return Report(doc_id, f"{doc_id}.txt", "", agency, region, 2025, None, None, "…", "")

    misspelt = report("a", "沐阳县人民政府", "沐阳县")
    known = report("b", "井研县自然资源局", "四川省乐山市井研县")
    reports = [misspelt, known]
    said = frozenset({"井研县", "井研"})
    assert (
        spelling_variants("沭阳县2025年受理了多少件申请", reports, said)
        == "沐阳县2025年受理了多少件申请"
    )
    assert spelling_variants("沭阳去年受理了多少件申请", reports, said).startswith("沐阳去年")
    # a place one character away from an indexed report's real place is another place
    assert spelling_variants("井冈县的申请", [known], said) == "井冈县的申请"
    assert spelling_variants("宿迁市受理了多少件", reports, said) == "宿迁市受理了多少件"
    # a division said in full is compared as said: 朝阳区 is not 沐阳 by its short name 朝阳
    q = "北京市朝阳区2025年一般公共预算收入增长了多少"
    assert spelling_variants(q, reports, said) == q


def test_a_division_named_only_above_the_indexed_places_is_not_answered_for_them() -> None:
    from qa.query.places import named_places, only_above
    from qa.records import Report

    district = Report(
        "h",
        "h.txt",
        "",
        "海拉尔区人民政府",
        "内蒙古自治区呼伦贝尔市海拉尔区",
        2017,
        None,
        None,
        "…",
        "",
    )
    reports = [district]
    q = "呼伦贝尔市2016年地区生产总值是多少"
    assert only_above(q, reports, named_places(q, reports)) == "呼伦贝尔市"
    for across in ("呼伦贝尔市有哪些区提到旅游", "呼伦贝尔市各区的地区生产总值"):
        assert only_above(across, reports, named_places(across, reports)) == ""
    own = "海拉尔区2016年地区生产总值是多少"
    assert only_above(own, reports, named_places(own, reports)) == ""


def test_the_country_is_named_by_its_own_words(dev_index: Index) -> None:
    national = _chosen(dev_index, "2016年全国财政赤字率提高到多少？")
    assert national == {"2016年政府工作报告"}
    assert _chosen(dev_index, "我国2015年城镇新增就业多少人") == {"2016年政府工作报告"}
    # beside a place of its own, 全国 is what that place is compared with
    compared = _chosen(dev_index, "广西2025年地区生产总值增长比全国高还是低？")
    assert compared == {"2026年广西壮族自治区政府工作报告"}


def test_a_year_no_report_reviews_falls_back_to_the_report_that_plans_it(dev_index: Index) -> None:
    # the 2016 report reviews 2015 and says 今年高校毕业生将高达765万人 of 2016
    assert _chosen(dev_index, "2016年全国高校毕业生有多少人？") == {"2016年政府工作报告"}
    assert _chosen(dev_index, "2016年全国技术合同成交额要突破多少") == {"2016年政府工作报告"}
    # asked for what the year achieved, the plan does not answer
    assert analyze_question("2016年全国城镇新增就业实际完成了多少", dev_index).unmatched


def test_a_report_that_plans_the_year_after_its_own_does_not_answer_for_that_year() -> None:
    from qa.query.years import match_years
    from qa.records import Report

    law = Report(  # a 2023 法治 report: it reviews 2023 and plans 2024
        "f",
        "f.txt",
        "",
        "井研县自然资源局",
        "井研县",
        2023,
        None,
        None,
        "…",
        "",
        kind="法治政府建设年度报告",
        covers=2023,
        plans=2024,
    )
    unmatched: list[str] = []
    q = "井研县自然资源局2024年收缴罚款多少"
    assert match_years([law], [2024], q, {"f": "井研县自然资源局"}, [], unmatched) == []
    assert unmatched == ["井研县自然资源局2024年"]
    assert match_years([law], [2024], "井研县自然资源局2024年有什么计划", {}, [], []) == [law]


def test_a_budget_figure_of_a_year_is_no_report_named_by_it(dev_index: Index) -> None:
    # 2015年一般公共预算收入 is a figure of 2015 (reviewed by the 2016 report), while
    # 2026年部门预算 names a budget report by its year
    assert _chosen(dev_index, "2015年全国一般公共预算收入是多少？") == {"2016年政府工作报告"}
    budget = analyze_question("普陀区司法局2026年部门预算里公共安全支出是多少", dev_index)
    assert not budget.unmatched


def test_a_years_target_and_what_it_achieved_are_asked_of_both_reports(dev_index: Index) -> None:
    both = analyze_question("海拉尔区2014年地区生产总值的目标和实际完成分别是多少？", dev_index)
    years = {(dev_index.reports[d].plans, dev_index.reports[d].covers) for d in both.doc_ids or ()}
    assert {plans for plans, _ in years} >= {2014} and {covers for _, covers in years} >= {2014}
    target = analyze_question("海拉尔区2014年地区生产总值的目标是多少？", dev_index)
    assert [dev_index.reports[d].plans for d in target.doc_ids or ()] == [2014]


def test_a_division_named_inside_an_indexed_region_must_be_spoken_of() -> None:
    from qa.query.places import inside_places
    from qa.records import Report

    city = Report("t", "t.txt", "", "天津市人民政府", "天津市", 2026, None, None, "…", "")
    known = frozenset({"天津市", "天津"})
    assert inside_places("天津滨海新区2025年地区生产总值是多少", [city], known) == ["滨海新区"]
    assert inside_places("天津2025年地区生产总值是多少", [city], known) == []
    # a division of another province is none of the named report's
    assert inside_places("天津和昆明市的目标", [city], known) == []
    capital = Report("b", "b.txt", "", "北京市人民政府", "北京市", 2026, None, None, "…", "")
    q = "北京市朝阳区2025年一般公共预算收入增长了多少"  # 朝阳区 of 北京, not of 长春
    assert inside_places(q, [capital], frozenset({"北京市", "北京"})) == ["朝阳区"]


def test_a_subdivision_the_report_never_gives_a_figure_for_is_declined(
    dev_index: Index,
) -> None:
    from qa.answer.compose import compose_answer
    from qa.query.parse import parse_query

    query = parse_query("上海浦东新区2025年地区生产总值是多少？", [], dev_index)
    assert query.scope.within == ("浦东新区",)
    hits = search(query.resolved, dev_index, HashEmbedder(), k=8, scope=query.scope)
    answer = compose_answer(query, hits, dev_index)
    assert answer.text.startswith("在已索引的报告中没有找到关于浦东新区的内容"), answer.text
    # the city's own figure is answered as before
    query = parse_query("上海2025年地区生产总值是多少？", [], dev_index)
    hits = search(query.resolved, dev_index, HashEmbedder(), k=8, scope=query.scope)
    assert compose_answer(query, hits, dev_index).citations


def test_a_year_compared_with_is_not_a_year_asked_about() -> None:
    from qa.query.years import figure_years, years_asked

    assert years_asked("“三公”经费比2010年压减了多少？") == []
    assert years_asked("2015年地区生产总值较2014年增长多少？") == [2015]
    assert years_asked("2014年与2015年的地区生产总值分别是多少？") == [2014, 2015]
    assert figure_years("2026年政府工作报告里，2025年地区生产总值增长多少？") == {"2025"}
    assert figure_years("2015年的报告定的目标是多少？") == {"2015"}


def test_an_office_named_without_its_place_is_the_one_body_with_that_office() -> None:
    from qa.query.offices import bare_offices
    from qa.records import Report

    def report(doc_id: str, agency: str, region: str) -> Report:
        return Report(doc_id, f"{doc_id}.txt", "", agency, region, 2025, None, None, "…", "")

    reports = [
        report("justice", "上海市普陀区司法局", "上海市普陀区"),
        report("finance", "上海市普陀区财政局", "上海市普陀区"),
        report("city", "上海市财政局", "上海市"),
        report("junshan", "平潭综合实验区君山片区管理局", "福建省平潭综合实验区"),
    ]
    said = bare_offices("司法局2026年和财政局2025年的“三公”经费各是多少", reports)
    assert said["justice"] == ["司法局"]
    assert said["finance"] == said["city"] == []  # two places' 财政局: neither is meant
    assert bare_offices("社会事业局和君山片区管理局各办理了多少件", reports)["junshan"]
    # after a place that is not its own, the office is another place's: 杭州市司法局
    assert bare_offices("杭州市司法局2026年的预算", reports)["justice"] == []
    # a level before it opens the question: the city's own (市审计局)
    assert bare_offices("区司法局2026年的预算", reports)["justice"] == ["司法局"]


def test_an_office_is_told_from_the_indexed_bodies_by_full_or_short_name() -> None:
    from qa.query.offices import other_office, unindexed_office
    from qa.records import Report

    def report(doc_id: str, agency: str, region: str) -> Report:
        return Report(doc_id, f"{doc_id}.txt", "", agency, region, 2024, None, None, "…", "")

    office = report("office", "上海市普陀区人民政府办公室", "上海市普陀区")
    stcsm = report("stcsm", "上海市科委", "上海市")
    hits = {"office": ["普陀区"], "stcsm": ["上海市"]}
    # 人民政府 holds the characters of 民政: the government's office is no 民政局
    assert other_office("普陀区民政局2025年预算", [office], hits) == "普陀区民政局"
    # the short name the body calls itself (科委) is the full name asked (科学技术委员会)
    assert other_office("上海市科学技术委员会2024年收到几件申请", [stcsm], hits) is None
    assert unindexed_office("民政局2025年收到几件申请", [office, stcsm]) == "民政局"
    assert unindexed_office("科学技术委员会收到几件申请", [office, stcsm]) == ""


def test_a_town_no_report_is_by_or_mentions_is_not_answered(dev_index: Index) -> None:
    scope = analyze_question("普陀区长寿路街道2026年部门预算收入是多少？", dev_index)
    assert "普陀区长寿路街道" in scope.unmatched
    # a kind of place, or a verb before 镇, not a name
    assert not analyze_question("海拉尔区城镇化率是多少？", dev_index).unmatched
    assert not analyze_question("海拉尔区指导镇街开展了哪些工作？", dev_index).unmatched
