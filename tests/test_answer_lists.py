"""Answers over small reports: a section's items for 有哪些…, a sentence's breakdown for 分成哪几类, a follow-up about another place's year."""

from __future__ import annotations

import pytest

from qa.answer.strategies import Ask, section_list
from qa.api import Library
from tests.conftest import hash_library

SPEECH = """政府工作报告
——2015年1月20日在某区第十四届人民代表大会第四次会议上
一、2014年工作回顾
过去一年，全区经济平稳增长。
二、2015年工作安排
（一）狠抓项目建设，保持经济稳定增长
抓好重点项目建设。今年，我区安排重点项目105个，其中，工业类3个、城市建设类28个、农业类21个。
（二）积极调整经济结构，发展壮大县域经济
推进农业产业化经营。
（三）加强生态文明建设，筑牢生态安全屏障
实施植树造林工程。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return hash_library(tmp_path_factory.mktemp("lists"), {"speech.txt": SPEECH})


def test_the_kinds_a_thing_is_broken_into_come_from_its_sentence(library: Library) -> None:
    answer = library.ask("2015年安排的105个重点项目分成哪几类？")
    assert "工业类3个" in answer.text and "农业类21个" in answer.text, answer.text
    assert "（二）积极调整经济结构" not in answer.text  # no section's headings


def test_what_a_year_s_plan_holds_is_its_section_headings(library: Library) -> None:
    answer = library.ask("2015年工作安排有哪些方面？")
    assert "（二）积极调整经济结构" in answer.text, answer.text


def _section_list(library: Library, question: str) -> object:
    found = library.retrieve(question)
    return section_list(Ask(found.query, list(found.hits), found.index, [], None))


def test_kinds_asked_are_never_a_section_s_headings(library: Library) -> None:
    assert _section_list(library, "2015年工作安排有哪些方面？") is not None
    assert _section_list(library, "2015年工作安排分成哪几类？") is None
    assert _section_list(library, "2015年工作安排有哪些类型？") is None


def _province_report(name: str, actual: str, target: str) -> str:
    return (
        f"{name}政府工作报告\n——2026年1月20日在{name}第十四届人民代表大会第五次会议上\n"
        f"一、2025年工作回顾\n粮食产量{actual}。\n二、2026年工作安排\n粮食产量稳定在{target}以上。\n"
    )


SHAANXI = _province_report("陕西省", "1347万吨", "1300万吨")
LIAONING = _province_report("辽宁省", "515.6亿斤", "500亿斤")


def test_a_follow_up_keeps_the_year_a_report_of_the_new_place_reviews(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    files = {"shaanxi.txt": SHAANXI, "liaoning.txt": LIAONING}
    library = hash_library(tmp_path_factory.mktemp("provinces"), files)
    found = library.retrieve("辽宁呢？", ["陕西2025年粮食产量是多少？"])
    assert found.query.resolved == "辽宁2025年粮食产量是多少？"
    assert "515.6亿斤" in library.ask("辽宁呢？", ["陕西2025年粮食产量是多少？"]).text


PLAN = """某省政府工作报告
——2026年1月20日在某省第十四届人民代表大会第五次会议上
一、2026年工作安排
（一）着力推动经济提质增效。坚定实施“三大战略”。
一是坚定实施扩大内需战略，在推动消费投资增长上实现新突破。加力扩大惠民消费。
二是坚定实施产业兴省战略，在发展特色优势产业上实现新突破。推动产业智能化。
三是坚定实施创新驱动战略，在培育新质生产力上实现新突破。加大科技投入。
（二）着力保障民生。一是稳就业，二是办实事。
"""


def test_a_numbered_name_is_answered_by_its_numbered_items(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    library = hash_library(tmp_path_factory.mktemp("plan"), {"plan.txt": PLAN})
    answer = library.ask("某省2026年要坚定实施的“三大战略”分别是哪些？")
    for item in ("扩大内需战略", "产业兴省战略", "创新驱动战略"):
        assert item in answer.text, answer.text
    assert "稳就业" not in answer.text
    for c in answer.citations:
        assert library.index.reports[c.doc_id].text[c.start : c.end] == c.quote


REVIEW = """政府工作报告
——2016年1月18日在某区第十五届人民代表大会第一次会议上
一、2015年工作回顾
全年地区生产总值增长8.9%。五年共实施重点工业项目141个。
二、2016年工作安排
地区生产总值增长7.5%。
"""


def test_a_year_s_figure_the_review_does_not_give_is_read_from_its_plan(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    files = {"plan2015.txt": SPEECH, "review2015.txt": REVIEW}
    library = hash_library(tmp_path_factory.mktemp("years"), files)
    found = library.retrieve("某区2015年的重点项目按类别分各有多少个？")
    assert found.query.scope.instead  # the 2015 report, which plans 2015
    answer = library.ask("某区2015年的重点项目按类别分各有多少个？")
    assert "工业类3个" in answer.text and "141个" not in answer.text, answer.text
    # what the review gives is answered from it, never from the plan
    assert "8.9%" in library.ask("某区2015年地区生产总值增长了多少？").text


UNITS = """上海市某区某局2026年部门预算
一、部门主要职能
负责全区某项工作。
二、部门机构设置
某局部门预算是包括某局本部以及下属2家预算单位的综合收支计划。
本部门中，行政单位1家，事业单位2家，
    具体包括： 1. 某局本部
               2. 某区法律援助中心
               3. 某区公证处
三、部门预算说明
本部门2026年政府采购预算1486.42万元。
"""


def test_a_sentence_introducing_numbered_items_is_read_through_them(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    library = hash_library(tmp_path_factory.mktemp("units"), {"units.txt": UNITS})
    answer = library.ask("某局2026年部门预算包括哪些预算单位？")
    assert "法律援助中心" in answer.text and "公证处" in answer.text
    assert any("3. 某区公证处" in c.quote for c in answer.citations)
    assert "\n    " not in answer.text.split("\n\n")[0]  # the items' lines read as one sentence


def test_a_bound_on_a_figure_gives_way_to_the_figure() -> None:
    from qa.answer.figures import bounded

    focus = ("失业率",)
    assert bounded("城镇新增就业86.22万人，城镇调查失业率控制在5.5%以内", focus)
    assert bounded("城镇调查失业率不超过5.5%", focus)
    assert not bounded("CPI微降0.1%，城镇调查失业率5.2%", focus)
    assert not bounded("财政赤字控制在3%以内，城镇调查失业率5.2%", focus)
