"""Answers over the sample reports with the real model and index: text, citations, refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest

from qa.answer.candidates import Candidate, _spans, unknown_words
from qa.answer.rank import pick
from qa.ingest.clean import to_simplified
from qa.query.kind import Kind
from qa.records import Answer

pytestmark = pytest.mark.slow


def _ask(library: Any, question: str, history: list[str] | None = None) -> Answer:
    answer: Answer = library.ask(question, history or [])
    return answer


def _cited_docs(answer: Answer) -> set[str]:
    return {c.doc_id[:3] for c in answer.citations}


def _check_citations_exact(library: Any, answer: Answer) -> None:
    for c in answer.citations:
        assert library.index.reports[c.doc_id].text[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.text


def test_figure_question(sample_library: Any) -> None:
    answer = _ask(sample_library, "井研县自然资源局2023年收缴罚款多少？")
    assert answer.grounded
    assert "112.23万元" in answer.text and answer.text.startswith("井研县自然资源局")
    assert _cited_docs(answer) == {"000"}
    citation = answer.citations[0]
    assert "112.23万元" in citation.quote
    assert citation.section_path[-1] == "（三）履行部门职能，推行依法行政"
    _check_citations_exact(sample_library, answer)


def test_a_question_of_two_parts_answers_each_the_second_as_a_follow_up(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "井研县自然资源局2023年收缴罚款多少？行政复议多少件？")
    first, second = answer.text.split("\n\n")
    assert "112.23万元" in first and "[1]" in first
    assert second.startswith("行政复议多少件？\n井研县自然资源局") and "[2]" in second
    assert answer.grounded and len(answer.citations) == 2
    _check_citations_exact(sample_library, answer)


@pytest.mark.parametrize(
    ("question", "figure", "doc"),
    [
        ("酉阳县规划和自然资源局2023年受理了多少件政府信息公开申请？", "45件", "001"),
        ("湟中区自然资源局2024年开展了多少次动态巡查？", "240次", "004"),
        ("渠县自然资源局2020年把抵押登记压缩到几个工作日？", "3个工作日", "003"),
        (
            "酉阳县规划和自然资源局2023年连同代理县政府的案件在内，一共收到多少件行政诉讼？",
            "74件",
            "001",
        ),
    ],
)
def test_more_figures(sample_library: Any, question: str, figure: str, doc: str) -> None:
    answer = _ask(sample_library, question)
    assert figure in answer.text and _cited_docs(answer) == {doc}
    _check_citations_exact(sample_library, answer)


def test_list_question_gives_the_section_items(sample_library: Any) -> None:
    answer = _ask(sample_library, "渠县自然资源局2020年法治政府建设存在哪些不足？")
    assert "职工的法律知识和法律意识有待提高" in answer.text
    assert "普法方式有待丰富" in answer.text
    assert _cited_docs(answer) == {"003"} and len(answer.citations) >= 3
    _check_citations_exact(sample_library, answer)


def test_cross_report_question_one_line_per_report(sample_library: Any) -> None:
    answer = _ask(sample_library, "井研县和酉阳县2023年的罚款金额分别是多少？")
    assert "112.23万元" in answer.text and "145.29万元" in answer.text
    assert _cited_docs(answer) == {"000", "001"}
    assert len(answer.text.splitlines()) == 2


@pytest.mark.parametrize(
    ("question", "plans"),
    [
        ("井研县自然资源局2023年下一步打算怎么做？", "三、2024年度推进法治政府建设的主要安排"),
        ("渠县自然资源局2020年的下一步工作安排是什么？", "四、2021年度推进法治政府建设的主要安排"),
        ("湟中区自然资源局2024年下一年有什么计划？", "四、下一年度推进法治政府建设的主要安排"),
    ],
)
def test_a_plan_question_is_answered_from_the_plans(
    sample_library: Any, question: str, plans: str
) -> None:
    answer = _ask(sample_library, question)
    assert answer.citations and all(c.section_path[0] == plans for c in answer.citations)
    _check_citations_exact(sample_library, answer)


@pytest.mark.parametrize(
    ("question", "items"),
    [
        (
            "井研县自然资源局在2023年的报告里说下一步打算怎么做？",
            ["一是进一步加强执法队伍建设", "二是进一步丰富法治宣传", "三是进一步提升工作质量"],
        ),
        (
            "渠县自然资源局2021年的工作安排是什么？",
            ["(一)普法教育全面深化", "(二)创新普法形式", "(三)加强执法队伍建设"],
        ),
        (  # shortened headings read to their sentence's end, never to a comma
            "湘潭县自然资源局下一步有哪些改进措施？",
            [
                "1.繼續加大全縣自然資源領域法律法規宣傳力度,深入各個鄉鎮,以點帶面多平臺多方式"
                "開展精準宣傳,提高廣大干部群眾法律意識",
                "2.強化學法氛圍,夯實法律知識基礎",
                "3.加強執法能力建設,增加執法編制和經費,吸引測繪、地質、生態、法律等專業人才加入執法隊伍",
                "4.突破行政復議訴訟“三率”提升瓶頸",
            ],
        ),
    ],
)
def test_a_question_after_the_whole_plan_lists_its_items_in_order(
    sample_library: Any, question: str, items: list[str]
) -> None:
    answer = _ask(sample_library, question)
    quotes = [c.quote for c in answer.citations]
    assert quotes[1:] == items
    assert quotes[0].endswith(("主要安排", "改進措施"))
    assert answer.grounded
    _check_citations_exact(sample_library, answer)


def test_a_question_about_every_reports_shortcomings_gives_each_under_its_heading(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "各局存在哪些问题？")
    heads = [line for line in answer.text.splitlines() if not line.startswith("- ")]
    assert len(heads) == 5 and all("存在的" in h and h.endswith("：") for h in heads)
    quotes = [c.quote for c in answer.citations]
    assert "二是法治宣传形式和宣传内容缺乏多样性" in quotes  # 井研县's 一是/二是 items
    assert "(二)普法方式有待丰富" in quotes
    assert "查摆存在问题" not in answer.text  # a measure under 一、, not a shortcoming
    _check_citations_exact(sample_library, answer)


def test_which_bureaus_state_a_shortcoming_is_answered_from_their_shortcomings(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "哪些局认为自己的普法宣传形式单一、不够丰富？")
    assert _cited_docs(answer) == {"000", "001", "002", "003", "004"}
    jingyan = next(c for c in answer.citations if c.doc_id.startswith("000"))
    assert "缺乏多样性" in jingyan.quote and "存在的问题" in jingyan.section_path[0]
    answer = _ask(sample_library, "哪些局提到执法力量薄弱？")
    assert _cited_docs(answer) == {"000", "002"}  # not 湟中区's 群众力量 … 群众执法


def test_a_figure_the_report_does_not_give_is_not_read_off_another_figure(
    sample_library: Any,
) -> None:
    # 湟中区 gives 违法案件35起 but no count of 行政诉讼 cases
    answer = _ask(sample_library, "湟中区自然资源局2024年有多少件行政诉讼案件？")
    assert answer.text.startswith("在已索引的报告中没有找到") and "35" not in answer.text


def test_each_reports_figure_is_found_under_its_own_words(sample_library: Any) -> None:
    answer = _ask(sample_library, "井研县和湟中区收到的信访件各有多少？哪个多？")
    assert "70件" in answer.text and "337起" in answer.text  # 接收信访案件337起 (收到 ~ 接收)
    answer = _ask(sample_library, "各局2023年分别收缴了多少罚款？")  # 各局 is no topic word
    assert "112.23万元" in answer.text and "145.29万元" in answer.text


def test_a_plan_without_items_is_answered_by_its_first_sentences(sample_library: Any) -> None:
    answer = _ask(sample_library, "酉阳县规划和自然资源局对2024年有什么计划？")
    head, *body = (c.quote for c in answer.citations)
    assert head == "三、下一步计划" and 1 <= len(body) <= 3
    assert body[0].startswith("2024年，我局将继续坚持") and body[-1].endswith(
        "再上新台阶"
    )  # quotes leave out the closing mark
    assert "2024年2月15日" not in answer.text  # the signature below it is not a sentence of it


def test_a_plan_question_about_every_report_gives_each_plan_under_its_heading(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "各局下一步有什么打算？")
    heads = [line for line in answer.text.splitlines() if not line.startswith("- ")]
    # one heading line per report, led by its agency, ending with a colon before its items
    assert len(heads) == 5 and all(line.endswith("：") for line in heads)
    assert heads[0].startswith("井研县自然资源局（2023年）：三、2024年度推进法治政府建设的主要安排")
    assert any(h.startswith("渠县自然资源局（2020年）：四、2021年度") for h in heads)
    quotes = [c.quote for c in answer.citations]
    assert (
        quotes[quotes.index("四、下一年度推进法治政府建设的主要安排") + 1]
        == "一是持续抓好领导干部学法用法"
    )
    assert "2024年2月15日" not in answer.text and "(一)普法教育全面深化" in quotes
    assert answer.grounded
    _check_citations_exact(sample_library, answer)


def test_a_question_after_one_thing_in_the_plans_is_not_answered_with_all_of_them(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "湟中区自然资源局的行政执法职责今后划入哪个单位？")
    assert "生态环境综合行政执法大队" in answer.text and "一是持续抓好" not in answer.text
    answer = _ask(sample_library, "井研县下一步在普法宣传方面有什么打算？")
    first = answer.citations[0]
    assert "普法宣传" in first.quote and first.section_path[0].endswith("主要安排")
    assert "一是进一步加强执法队伍建设" not in answer.text


def test_traditional_question_on_simplified_report(sample_library: Any) -> None:
    answer = _ask(sample_library, "井研縣自然資源局2023年開展了多少次森林防火宣傳？")
    assert "203次" in answer.text and _cited_docs(answer) == {"000"}


def test_simplified_question_on_traditional_report_quotes_its_own_script(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "湘潭县自然资源局2025年行政诉讼案件有多少件？")
    assert _cited_docs(answer) == {"002"}
    assert any("訴訟" in c.quote for c in answer.citations)


def test_followup_carries_place_and_year(sample_library: Any) -> None:
    answer = _ask(sample_library, "罚款收了多少？", ["井研县自然资源局2023年作出了几个处罚决定？"])
    assert answer.resolved_question.startswith("井研县")
    assert "112.23万元" in answer.text


def test_followup_for_another_county(sample_library: Any) -> None:
    answer = _ask(sample_library, "那酉阳县呢？", ["井研县自然资源局2023年收缴罚款多少？"])
    assert "酉阳县" in answer.resolved_question and "145.29万元" in answer.text
    assert _cited_docs(answer) == {"001"}


@pytest.mark.parametrize(
    "question",
    [
        "仁寿县自然资源局2023年收缴罚款多少？",
        "湘潭县自然资源局2024年行政复议案件有多少件？",
        "酉阳县规划和自然资源局2023年行政诉讼败诉了几件？",
    ],
)
def test_unanswerable_is_declined_without_figures(sample_library: Any, question: str) -> None:
    answer = _ask(sample_library, question)
    assert not answer.grounded and not answer.citations
    assert answer.text.startswith("在已索引的报告中没有找到")
    assert not re.search(r"\d+(?:\.\d+)?(?:万元|件|次|个)", answer.text)


def test_decline_for_a_missing_year_names_what_is_indexed(sample_library: Any) -> None:
    answer = _ask(sample_library, "湘潭县2024年收到多少件行政复议案件？")
    assert "湘潭县2024年" in answer.text
    assert "2025年" in to_simplified(answer.text)


def test_a_topic_no_report_speaks_of_is_declined_naming_its_words(sample_library: Any) -> None:
    # 签订 is in the reports (目标责任书), 银行 / 合作 / 协议 are in none of them
    answer = _ask(sample_library, "渠县自然资源局2020年和哪家银行签订了合作协议？")
    assert not answer.citations
    assert answer.text.startswith("在已索引的报告中没有找到关于“银行、合作、协议”的内容")


def test_unknown_words_need_two_and_two_thirds_of_the_key_words(sample_library: Any) -> None:
    index = sample_library.index
    known = {"罚款": 1.0, "签订": 1.0}
    assert unknown_words({**known, "银行": 1.0}, index) == []  # one of three
    assert unknown_words({"银行": 1.0}, index) == []  # one alone may be the reports' wording
    assert unknown_words({"罚款": 1.0, "银行": 1.0, "协议": 1.0}, index) == ["银行", "协议"]
    assert unknown_words({**known, "银行": 1.0, "协议": 1.0}, index) == []  # two of four


def test_list_keeps_sentences_of_two_reports_at_the_same_offsets(sample_library: Any) -> None:
    reports = [sample_library.index.reports[d] for d in sorted(sample_library.index.reports)[:2]]
    same_span = [Candidate(r, "p", (), 0.5, 0, 12, 0.8, False) for r in reports]
    overlapping = Candidate(reports[0], "p", (), 0.4, 6, 20, 0.8, False)
    picked = pick(Kind("list", False), [*same_span, overlapping], "有哪些做法？")
    assert [(c.report.doc_id, c.start) for c in picked] == [(r.doc_id, 0) for r in reports]


def test_which_reports_are_of_a_year_lists_them_by_title(sample_library: Any) -> None:
    answer = _ask(sample_library, "五份报告里哪几份是2023年度的？")
    assert answer.grounded
    assert _cited_docs(answer) == {"000", "001"}
    assert [c.quote for c in answer.citations] == [
        sample_library.index.reports[c.doc_id].title for c in answer.citations
    ]
    assert "井研县" in answer.text and "酉阳" in answer.text
    _check_citations_exact(sample_library, answer)
    assert not _ask(sample_library, "哪几份是2022年的？").citations


def test_a_section_about_another_year_does_not_answer(sample_library: Any) -> None:
    # 2020年借助哪些…: the 2021 plan's sentence ranks first by its words, the 2020 one answers
    report = next(r for r in sample_library.index.reports.values() if r.year == 2020)
    plan = ("四、2021年度推进法治政府建设的主要安排", "(一)普法教育全面深化")
    done = ("一、推进法治政府建设的主要举措和成效",)
    a = Candidate(report, "a", plan, 0.9, 0, 20, 0.9, False, 0.9)
    b = Candidate(report, "b", done, 0.5, 40, 60, 0.6, False, 0.6)
    kind = Kind("fact", False)
    assert [c.passage_id for c in pick(kind, [a, b], "2020年开展了哪些活动？")] == ["b"]
    assert [c.passage_id for c in pick(kind, [a, b], "2021年开展了哪些活动？")] == ["a"]
    assert pick(kind, [a, b], "开展了哪些活动？")[0].passage_id == "a"
    assert [c.passage_id for c in pick(kind, [a], "2020年开展了哪些活动？")] == ["a"]


def test_the_years_own_theme_days_answer_not_the_next_years_plan(sample_library: Any) -> None:
    # 借助 is said 利用 there and 主题 专题: the 2020 sentence holds the question's words only so
    answer = _ask(sample_library, "渠县自然资源局2020年借助哪些主题日开展普法宣传？")
    first = answer.citations[0]
    assert first.quote.startswith("利用4.22世界地球日、6.25全国土地日、12.4全国宪法宣传日")
    assert "2021年度" not in first.section_path[0]


def test_clause_windows_never_cut_a_figure() -> None:
    text = (
        "观塘明渠下游露天部分长度约1,000米，宽约20米，于10:30开放，沿途设有多处休憩设施与观景平台。"
    )
    quotes = {text[s:e] for s, e in _spans(text, 0, len(text), fine=True)}
    assert "观塘明渠下游露天部分长度约1,000米" in quotes
    assert not any(q.endswith(("约1", "10")) or q.startswith(("000", "30")) for q in quotes)


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        # 其中…: a part of the previous question's topic (and 12345 is a word of it)
        (
            "湟中区自然资源局2024年一共接待和接收了多少起信访案件？",
            "其中12345转过来的有多少？",
            "326起",
        ),
        # 跟去年比…: the change of the previous question's figure, not the one beside it (13%)
        (
            "湘潭县自然资源局2025年牵头处理了多少件行政诉讼案件？",
            "跟去年比下降了多少？",
            "下降了9%",
        ),
        (
            "渠县自然资源局2020年收取了多少矿山地质环境治理恢复保证金？",
            "已经退还了多少？",
            "817.9546万元",
        ),
        # the year carried from 酉阳 is not 湘潭县's: its own report answers
        (
            "酉阳县规划和自然资源局2023年行政机关负责人出庭应诉率是多少？",
            "湘潭县的呢？",
            "出庭率100%",
        ),
    ],
)
def test_a_follow_up_is_answered_about_the_previous_topic(
    sample_library: Any, history: str, question: str, expected: str
) -> None:
    answer = _ask(sample_library, question, [history])
    assert expected in to_simplified(answer.text) or expected in answer.text
    assert answer.grounded


def test_each_bureau_is_answered_by_a_sentence_not_a_heading(sample_library: Any) -> None:
    answer = _ask(sample_library, "酉阳和湟中两个局的法律顾问各是怎么聘的？")
    assert "青海竞帆律师事务所" in answer.text and "2名法律顾问" in answer.text
    answer = _ask(sample_library, "报告里写了行政机关负责人出庭应诉率的是哪几个局，各是多少？")
    assert "出庭应诉率达到100%" in answer.text and "出庭率100%" in answer.text


def test_a_clause_window_keeps_to_its_part_of_the_sentence() -> None:
    text = "敗復率與去年同比下降了13%;牽頭處理訴訟案件16件,已辦結4件,無一件敗訴,與去年同期下降了9%;出庭率100%。"
    quotes = {text[s:e] for s, e in _spans(text, 0, len(text), fine=True)}
    assert "牽頭處理訴訟案件16件,已辦結4件,無一件敗訴,與去年同期下降了9%" in quotes
    # only the whole sentence holds both parts; no window joins them
    assert [q for q in quotes if "13%" in q and "16件" in q] == [text]


def test_the_year_a_report_is_about_is_quoted_from_it(sample_library: Any) -> None:
    answer = _ask(sample_library, "渠县自然资源局这份法治政府建设情况报告说的是哪一年度的工作？")
    assert "现将我局2020年度法治政府建设情况报告如下" in answer.citations[0].quote


def test_when_a_report_was_put_online_is_not_when_it_was_signed(sample_library: Any) -> None:
    answer = _ask(sample_library, "湘潭县自然资源局2025年度报告什么时候在县政府门户网站发布的？")
    assert "12月23日" not in answer.text  # the signature date; the web page's date is not indexed
    answer = _ask(sample_library, "湘潭县自然资源局2025年度报告是什么时候签发的？")
    assert "2025年12月23日" in answer.text


def test_another_office_of_an_indexed_county_is_declined(sample_library: Any) -> None:
    answer = _ask(sample_library, "井研县公安局2023年收到了多少起行政诉讼案件？")
    assert (
        answer.text.startswith("在已索引的报告中没有找到关于井研县公安局")
        and "1起" not in answer.text
    )


def test_which_firm_is_not_answered_by_a_sentence_naming_none(sample_library: Any) -> None:
    history = ["湟中区自然资源局聘请的法律顾问是哪家律师事务所？"]
    assert "青海竞帆律师事务所" in _ask(sample_library, history[0]).text
    answer = _ask(sample_library, "井研县呢？", history)  # 井研县 聘请法律顾问, naming no firm
    assert answer.text.startswith("在已索引的报告中没有找到")


def test_a_figure_given_as_an_example_is_not_the_years_figure(sample_library: Any) -> None:
    # 酉阳: 印发各种法律宣传资料2600余份 … 仅以今年6月25日开展的活动为例，共发放宣传资料1000余份
    answer = _ask(sample_library, "井研和酉阳两个局普法时各发了多少份宣传资料？")
    assert "2500余份" in answer.text and "2600余份" in answer.text and "1000余份" not in answer.text


def test_a_question_about_one_kind_of_problem_is_not_answered_with_the_shortcomings(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "渠县不动产登记遗留问题有哪些？")
    assert "不动产登记遗留问题" in answer.text
    assert all("不足" not in c.section_path[0] for c in answer.citations)


def test_the_shortcomings_of_no_named_report_are_given_per_report(sample_library: Any) -> None:
    answer = _ask(sample_library, "存在哪些问题？")
    assert len(_cited_docs(answer)) == 5
    answer = _ask(sample_library, "这份报告是哪一年度的？")
    assert len(_cited_docs(answer)) == 5 and "2020年度" in answer.text


def test_when_a_report_was_published_online_is_declined_with_the_reason(
    sample_library: Any,
) -> None:
    answer = _ask(sample_library, "酉阳的报告是什么时候公布的？")
    assert answer.text.startswith("在已索引的报告中没有找到报告在网站上的发布日期")


def test_a_sum_not_stated_is_not_read_off_a_count(sample_library: Any) -> None:
    # 湟中区 states 35起 cases, no fine total: a surer reader still needs a fitting figure
    answer = _ask(sample_library, "湟中区自然资源局2024年查处违法案件一共收缴罚款多少万元？")
    assert answer.text.startswith("在已索引的报告中没有找到") and "35起" not in answer.text


def test_a_quotation_is_one_clause() -> None:
    text = "明确牵头科室，做到“一把手亲自抓，分管领导对口抓，责任科室具体抓”的工作机制，将全局工作力量攥成一个拳头，严格执行集体决策等制度规定。"
    quotes = {text[s:e] for s, e in _spans(text, 0, len(text), fine=True)}
    assert "做到“一把手亲自抓，分管领导对口抓，责任科室具体抓”的工作机制" in quotes
    assert not any(q.endswith("亲自抓") or q.startswith("责任科室") for q in quotes)


def test_colloquial_questions(sample_library: Any) -> None:
    assert "王星星" in _ask(sample_library, "渠县那份报告谁写的").text
    answer = _ask(sample_library, "酉阳24年复议多少件")  # 酉阳's report is of 2023
    assert answer.resolved_question == "酉阳2024年复议多少件"
    assert answer.text.startswith("在已索引的报告中没有找到关于酉阳2024年的报告")


def test_yes_needs_the_asked_thing_said(sample_library: Any) -> None:
    # 湟中区's report has 减少行政上诉案件 but no 行政诉讼 case: no 是 from it
    answer = _ask(sample_library, "湟中区有没有行政诉讼案件")
    assert answer.text.startswith("在已索引的报告中没有找到")
    assert _ask(sample_library, "井研县有没有败诉案件？").text.startswith("否。")


def test_two_reports_of_one_body_and_year_are_told_apart_by_their_titles(
    sample_library: Any,
) -> None:
    from dataclasses import replace

    from qa.answer.candidates import Candidate
    from qa.answer.compose import compose
    from qa.query.kind import Kind

    report = next(r for r in sample_library.index.reports.values() if r.agency and r.year)
    unit = replace(report, doc_id="unit-budget", title="某区2026年区级单位预算")
    dept = replace(report, doc_id="dept-budget", title="某区2026年区级部门预算")
    said = [Candidate(r, "p", (), 0.5, 0, 12, 0.8, False) for r in (unit, dept)]
    first, second = (s.text for s in compose(Kind("fact", True), said, sample_library.index))
    assert first.startswith(f"{report.label}《某区2026年区级单位预算》：")
    assert second.startswith(f"{report.label}《某区2026年区级部门预算》：")
    (alone,) = compose(Kind("fact", False), said[:1], sample_library.index)
    assert alone.text.startswith(f"{report.label}：")  # one report: its label is enough


def test_a_sentence_a_report_repeats_is_shown_once(sample_library: Any) -> None:
    from dataclasses import replace

    from qa.answer.candidates import Candidate
    from qa.answer.rank import pick
    from qa.query.kind import Kind

    line = "2026年1月27日在省人民代表大会上 省长 张三\n"
    report = replace(next(iter(sample_library.index.reports.values())), text=line * 2)
    twice = [
        Candidate(report, "p", (), 0.5, s, s + len(line) - 1, 0.8, False) for s in (0, len(line))
    ]
    assert len(pick(Kind("fact", False), twice, "省长是谁？")) == 1
    other = replace(report, doc_id="another-report")
    both = [twice[0], replace(twice[1], report=other)]
    assert len(pick(Kind("fact", False), both, "省长是谁？")) == 2  # two reports say it


def test_a_figure_that_says_the_thing_asked_beats_one_that_does_not(sample_library: Any) -> None:
    from dataclasses import replace

    from qa.answer.candidates import Candidate
    from qa.answer.rank import pick
    from qa.query.kind import Kind

    text = "“三公”经费支出年初预算为0.95万元，支出决算为0.80万元。"
    report = replace(next(iter(sample_library.index.reports.values())), text=text)
    cut = text.index("，")
    short = Candidate(report, "p", (), 0.5, 0, cut, 0.8, True)  # the budget only
    whole = Candidate(report, "p", (), 0.5, 0, len(text) - 1, 0.8, True)
    kind = Kind("number", False, focus=("决算",))
    (best,) = pick(kind, [short, whole], "“三公”经费决算数是多少？")
    assert best.end == whole.end


def test_a_decline_names_the_year_each_indexed_report_reviews() -> None:
    from dataclasses import replace

    from qa.answer.compose import _with_period
    from qa.records import Report

    report = Report("h", "h.txt", "", "海拉尔区人民政府", "海拉尔区", 2017, None, None, "…", "")
    assert _with_period(replace(report, covers=2016)) == "海拉尔区人民政府（2017年，回顾2016年）"
    assert _with_period(replace(report, covers=2017)) == "海拉尔区人民政府（2017年）"
    assert _with_period(report) == "海拉尔区人民政府（2017年）"


def test_a_decline_shows_no_figure_of_a_related_heading() -> None:
    from qa.answer.compose import _without_figures

    assert _without_figures("2.实现城镇新增就业18万人以上，发布就业岗位") == "2.实现城镇新增就业…"
    assert _without_figures("三、2026年重点工作") == "三、2026年重点工作"  # a year is no figure


def test_a_sentence_the_question_says_in_full_answers_nothing() -> None:
    from qa.answer.candidate import Candidate
    from qa.answer.strategies import _echoes
    from qa.records import Report

    text = "三、第一责任人履职情况\n做到“一把手亲自抓，分管领导对口抓”的工作机制。"
    report = Report("d", "d.txt", "", "某局", "", 2024, None, None, text, "x")
    heading = Candidate(report, "d#0", (), 1.0, 0, 11, 1.0, False)
    said = Candidate(report, "d#0", (), 1.0, 12, len(text), 1.0, False)
    question = "第一责任人履职情况里提到的“三个抓”工作机制具体是什么？"
    assert _echoes(heading, question) and not _echoes(said, question)
