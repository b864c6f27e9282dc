"""Answers to figure questions say whether they quote a target or an actual."""

from __future__ import annotations

from qa.answer import figure_tag


def test_a_target_sentence_is_tagged_as_a_target() -> None:
    assert figure_tag("主要预期目标是：地区生产总值增长5%左右") == "预期目标"
    assert figure_tag("地区生产总值增长8%，达到296亿元左右") == "预期目标"
    assert figure_tag("力争全年完成投资100亿元") == "预期目标"  # a target word wins


def test_an_actual_is_tagged_only_where_a_report_holds_both() -> None:
    actual = "2014年，全区地区生产总值完成274.4亿元，同比增长9.1%"
    assert figure_tag(actual) == "实际完成"
    assert figure_tag(actual, both=False) == ""  # a 法治 report's figures are all actuals
    assert figure_tag("收缴罚款112.23万元") == ""  # the sentence does not say
    assert figure_tag("全年地區生產總值完成253.7億元") == "实际完成"  # traditional script
