"""Verification drops sentences whose citations do not back them."""

from __future__ import annotations

from dataclasses import replace

from qa.answer.verify import AnswerSentence, check_sentence, verify_sentences
from qa.records import Citation, Report

TEXT = "全年共办理案件14件，作出处罚决定4个，收缴罚款112.23万元。"
REPORT = Report(
    doc_id="r1",
    path="r1.txt",
    title="测试报告",
    agency="井研县自然资源局",
    region="井研县",
    year=2023,
    signed=None,
    doc_number=None,
    text=TEXT,
    sha256="x",
)
REPORTS = {"r1": REPORT}


def _citation(quote: str) -> Citation:
    start = TEXT.index(quote)
    return Citation(
        n=1, passage_id="r1#0000", doc_id="r1", start=start, end=start + len(quote), quote=quote
    )


def test_grounded_sentence_passes() -> None:
    sentence = AnswerSentence(
        "井研县自然资源局（2023年）：收缴罚款112.23万元", (_citation("收缴罚款112.23万元"),)
    )
    assert check_sentence(sentence, REPORTS) is None


def test_wrong_offsets_are_dropped() -> None:
    good = _citation("收缴罚款112.23万元")
    moved = replace(good, start=good.start + 1, end=good.end + 1)
    kept, dropped = verify_sentences([AnswerSentence("收缴罚款112.23万元", (moved,))], REPORTS)
    assert kept == [] and "不符" in dropped[0]


def test_figure_not_in_quote_is_dropped() -> None:
    sentence = AnswerSentence("收缴罚款113万元", (_citation("收缴罚款112.23万元"),))
    kept, dropped = verify_sentences([sentence], REPORTS)
    assert kept == [] and "113" in dropped[0]


def test_place_not_in_quote_or_report_is_dropped() -> None:
    sentence = AnswerSentence("湘潭县收缴罚款112.23万元", (_citation("收缴罚款112.23万元"),))
    assert "湘潭县" in (check_sentence(sentence, REPORTS) or "")


def test_uncited_sentence_is_dropped() -> None:
    assert check_sentence(AnswerSentence("收缴罚款112.23万元", ()), REPORTS) == "没有引用"


def test_citation_of_unknown_report_is_dropped() -> None:
    bad = replace(_citation("收缴罚款112.23万元"), doc_id="nope")
    assert "不存在" in (check_sentence(AnswerSentence("收缴罚款", (bad,)), REPORTS) or "")


def test_a_quote_that_cuts_a_figure_is_dropped() -> None:
    # 收缴罚款112 of 收缴罚款112.23万元: the figure is there, but cut short
    cut = _citation("收缴罚款112")
    reason = check_sentence(AnswerSentence("收缴罚款112", (cut,)), REPORTS)
    assert reason is not None and "截断了数字" in reason
    assert check_sentence(AnswerSentence("办理案件1", (_citation("办理案件1"),)), REPORTS)
    assert check_sentence(AnswerSentence("4个", (_citation("4个"),)), REPORTS) is None
