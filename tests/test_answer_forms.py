"""Questions in the forms officials ask them: a target with its growth, a plan's 全年, laws by
name, a day of observance, an office of an indexed district that has no report."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.api import Library
from qa.query.kind import question_kind
from tests.conftest import hash_library
from tests.test_corroborate import quotes

REPORT = """某市2012年政府工作报告
一、2011年工作回顾
全市重大工程投资完成2510.1亿元、增长5.3%。
二、2012年主要任务
2012年全市经济社会发展的预期目标是：地区生产总值达到240亿元，同比增长21%；城镇新增就业1.2万人。
全年完成重大工程投资2550亿元。
（一）加强法治学习
一是组织全体干部职工学习贯彻习近平法治思想。二是开展《宪法》、《土地管理法》、《城乡规划法》等法律法规学习和普法宣传活动。三是组织全局职工参加法治理论知识学习考试和各类法律知识竞赛。
借助第34个全国土地日，在市文化广场开展“6·25”全国土地日宣传活动。
"""

OFFICE = """上海市普陀区人民政府办公室2025年部门预算
一、收支预算总体情况
2025年，上海市普陀区人民政府办公室收入预算9101.68万元，支出预算9101.68万元。
"""

JUSTICE = """上海市普陀区司法局2025年部门预算
一、收支预算总体情况
2025年，上海市普陀区司法局收入预算8695.94万元，支出预算8695.94万元。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    files = {"report.txt": REPORT, "office.txt": OFFICE, "justice.txt": JUSTICE}
    return hash_library(tmp_path_factory.mktemp("forms"), files)


def test_a_target_level_is_quoted_with_its_growth_and_told_a_target(library: Library) -> None:
    text = library.ask("某市2012年地区生产总值预期目标是多少？").text
    assert "达到240亿元，同比增长21%（预期目标）" in text


def test_a_plans_whole_year_is_a_target(library: Library) -> None:
    text = library.ask("某市今年计划完成重大工程投资多少？").text
    assert "2550亿元" in text and "2510.1" not in text


def test_which_laws_were_studied_is_answered_by_the_laws_named(library: Library) -> None:
    text = library.ask("某市组织学习了哪些法律？").text
    assert "《土地管理法》" in text and "法律知识竞赛" not in text


def test_a_day_of_observance_answers_which_day(library: Library) -> None:
    assert "6·25" in library.ask("某市全国土地日宣传活动是哪天办的？").text


def test_an_office_of_the_district_with_no_report_is_declined(library: Library) -> None:
    answer = library.ask("普陀区民政局2025年部门预算收入是多少？")
    assert answer.text.startswith("在已索引的报告中没有找到关于普陀区民政局"), answer.text
    assert "9101.68万元" in library.ask("普陀区政府办公室2025年收入预算是多少？").text


def test_a_part_asked_after_a_total_is_no_total() -> None:
    assert question_kind("司法局支出总额是多少？").total
    assert not question_kind("司法局支出总额是，其中基本支出是多少？").total


DEV_REPORTS = Path(__file__).resolve().parents[1] / "eval" / "dev" / "reports"
XXGK = (
    "xxgk-putian-shuili-2025.html",
    "xxgk-putian-shenji-2024.html",
    "xxgk-putian-wenlv-2021.txt",
    "xxgk-putian-chengguan-2025.txt",
)


@pytest.fixture(scope="module")
def xxgk(tmp_path_factory: pytest.TempPathFactory) -> Library:
    files = {name: (DEV_REPORTS / name).read_text(encoding="utf-8") for name in XXGK}
    return hash_library(tmp_path_factory.mktemp("xxgk"), files)


def test_a_table_answer_quotes_the_header_of_its_column(xxgk: Library) -> None:
    said = quotes(xxgk, "水利局2025年行政事业性收费金额是多少？")
    assert "上一年项目本年收费金额（单位：万元）" in said


def test_a_count_in_the_table_quotes_the_prose_that_counts_it_too(xxgk: Library) -> None:
    said = quotes(xxgk, "水利局2025年新收了多少件政府信息公开申请？")
    assert any("共受理2条公开申请" in q for q in said), said


def test_the_reports_own_body_is_no_row_of_an_unlabelled_table(xxgk: Library) -> None:
    text = xxgk.ask("市审计局2024年因为政府信息公开被申请行政复议的有几件？").text
    assert "行政复议·总计 0件" in text, text


def test_a_follow_up_carries_the_office_named_alone(xxgk: Library) -> None:
    answer = xxgk.ask("那下一步打算怎么改？", ["水利局2025年报里讲的主要问题是什么？"])
    assert "水利局" in answer.resolved_question
    assert {c.doc_id for c in answer.citations} == {"xxgk-putian-shuili-2025"}


def test_a_flat_tables_answer_quotes_the_header_in_its_rows_path(xxgk: Library) -> None:
    said = quotes(xxgk, "文旅局2021年行政事业性收费收了多少钱？")
    assert "本年收费金额（单位：万元）" in said


def test_a_prose_count_quotes_the_row_its_words_name_however_small(xxgk: Library) -> None:
    said = quotes(xxgk, "城管局2025年的信息公开申请有几件结转到下一年继续办理？")
    assert any(q.startswith("四、结转下年度继续办理") for q in said), said


def test_an_office_no_indexed_body_is_named_alone_is_declined(xxgk: Library) -> None:
    text = xxgk.ask("民政局2025年收到多少件政府信息公开申请？").text
    assert text.startswith("在已索引的报告中没有找到关于民政局"), text
    # a short name is the body whose name holds its characters
    assert "莆田市文化和旅游局" in xxgk.ask("文旅局2021年主动公开了多少件政府信息？").text


def test_a_figure_of_a_quoted_name_is_one_its_sentence_says(xxgk: Library) -> None:
    text = xxgk.ask("水利局2025年“莆田河长制”平台发布了多少条信息？").text
    assert text.startswith("在已索引的报告中没有找到"), text


def test_a_yes_no_question_is_answered_by_its_strongest_words_not_only_the_verb(
    xxgk: Library,
) -> None:
    text = xxgk.ask("城管局2025年有没有收取信息公开处理费？").text
    assert text.startswith("否。") and "没有产生信息公开处理费" in text, text
