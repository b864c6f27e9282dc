"""Questions of several parts are answered part by part, as one answer."""

from __future__ import annotations

from qa.answer.joined import joined_answer
from qa.query.parts import question_parts
from qa.records import Answer, Citation


def test_a_question_of_two_asks_has_two_parts() -> None:
    assert question_parts("某县2025年行政复议一共多少件？其中结果被纠正的有几件？") == [
        "某县2025年行政复议一共多少件？",
        "其中结果被纠正的有几件？",
    ]
    assert question_parts("收了多少信息处理费？是哪个部门收的？") == [
        "收了多少信息处理费？",
        "是哪个部门收的？",
    ]
    # one ask, however many marks: a part that only asks on, or says nothing to ask
    one = "哪些局在报告里写了一年收到的信访数量？分别是多少？"
    assert question_parts(one) == [one]
    assert question_parts("比全国高还是低？") == ["比全国高还是低？"]
    assert question_parts("什么？真的？") == ["什么？真的？"]
    # a later part that compares what the first asked is part of it
    both = "甲县和乙区收到的信访件各有多少？哪个多？"
    assert question_parts(both) == [both]
    assert question_parts("两省增长多少？哪一个增长得更快？") == [
        "两省增长多少？哪一个增长得更快？"
    ]
    assert question_parts("两省增长多少？哪个省更快？") == ["两省增长多少？哪个省更快？"]


def test_two_figures_asked_in_one_sentence_are_two_parts() -> None:
    assert question_parts("2015年一共安排了几个重点项目，年度计划完成投资多少？") == [
        "2015年一共安排了几个重点项目？",
        "年度计划完成投资多少？",
    ]
    # a year's target and its actual asked together: one part, answered from both reports
    both = "2014年旅游接待人数的目标是多少，实际完成了多少？"
    assert question_parts(both) == [both]
    assert question_parts("各有多少，哪个多？") == ["各有多少，哪个多？"]


def _answer(question: str, text: str, quotes: tuple[str, ...]) -> Answer:
    cites = tuple(Citation(i + 1, "d#0", "d", 0, len(q), q) for i, q in enumerate(quotes))
    return Answer(question, question, text, cites, (), True)


def test_the_parts_answers_are_joined_with_their_citations_numbered_on() -> None:
    first = _answer("一共多少件？", "总计 61件[1][2]。", ("61", "行政复议"))
    second = _answer("其中纠正几件？", "结果纠正 10件[1]。", ("10",))
    joined = joined_answer("一共多少件？其中纠正几件？", [first, second])
    assert joined.text == "一共多少件？\n总计 61件[1][2]。\n\n其中纠正几件？\n结果纠正 10件[3]。"
    assert [c.n for c in joined.citations] == [1, 2, 3]
    assert [c.quote for c in joined.citations] == ["61", "行政复议", "10"]
    # a part that found nothing says so in one line, without the related titles
    declined = Answer(
        "谁收的？", "谁收的？", "在已索引的报告中没有找到…。\n可能相关：《某报告》", (), (), False
    )
    half = joined_answer("q", [first, declined])
    assert half.text.endswith("谁收的？\n在已索引的报告中没有找到…。")
    assert half.grounded and not joined_answer("q", [declined, declined]).grounded
