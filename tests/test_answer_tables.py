"""Figures answered from a table's cell, named by its row and column, and questions about a
report itself answered from the line that states it."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.api import Library
from tests.conftest import hash_library

BUDGET = """上海市某区某局2026年部门预算
一、部门主要职能
负责全区某项工作，下属1家预算单位。
二、部门预算表
2026年部门财务收支预算总表
编制部门：某局\t单位：元
收入项目\t预算数\t支出项目\t预算数
一、财政拨款收入\t96,282,213.44\t一、公共安全支出\t87,267,272.44
二、事业收入\t0.00\t二、卫生健康支出\t1,149,678.00
收入总计\t96,282,213.44\t支出总计\t96,282,213.44
2026年一般公共预算基本支出预算表
单位：元
科目名称\t合计\t人员经费\t公用经费
工资福利支出\t20,000,000.00\t20,000,000.00\t0.00
合计\t25,741,666.44\t23,563,342.00\t2,178,324.44
三、其他说明
本部门2026年政府采购预算1486.42万元。
"""

SPEECH = """政府工作报告
——2015年2月5日在某区第十四届人民代表大会第四次会议上
区长  王某某
各位代表：
现在，我代表区人民政府向大会报告工作，请予审议。
一、2014年工作回顾
全区地区生产总值完成274.4亿元，同比增长9.1%。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    files = {"budget.txt": BUDGET, "speech.txt": SPEECH}
    return hash_library(tmp_path_factory.mktemp("tables"), files)


def grounded(library: Library, question: str) -> tuple[str, list[str]]:
    answer = library.ask(question)
    assert answer.grounded, answer.text
    for c in answer.citations:
        assert library.index.reports[c.doc_id].text[c.start : c.end] == c.quote
    return answer.text, [c.quote for c in answer.citations]


def test_a_cell_is_answered_with_its_row_column_and_unit(library: Library) -> None:
    text, quotes = grounded(library, "某局2026年部门预算中公共安全支出的预算数是多少？")
    assert "87,267,272.44元" in text
    assert "一、公共安全支出" in text and "预算数" in text
    assert "财务收支预算总表" in text
    assert quotes[0] == "一、公共安全支出\t87,267,272.44"


def test_the_row_gives_every_column_it_holds(library: Library) -> None:
    text, quotes = grounded(library, "某局基本支出里人员经费和公用经费各是多少？")
    assert "人员经费 23,563,342.00元" in text and "公用经费 2,178,324.44元" in text
    assert quotes[0].startswith("合计\t25,741,666.44")


def test_a_figure_in_prose_still_answers(library: Library) -> None:
    text, _ = grounded(library, "某局2026年政府采购预算是多少？")
    assert "1486.42万元" in text


def test_when_and_by_whom_a_report_was_delivered(library: Library) -> None:
    text, quotes = grounded(library, "某区2015年政府工作报告是哪天作的？")
    assert "2015年2月5日" in text
    assert quotes == ["——2015年2月5日在某区第十四届人民代表大会第四次会议上"]
    text, _ = grounded(library, "某区政府工作报告的报告人是谁？")
    assert "王某某" in text
    text, _ = grounded(library, "某区政府工作报告是在第几届人大第几次会议上作的？")
    assert "第十四届人民代表大会第四次会议" in text


def test_no_table_in_a_report_without_one(library: Library) -> None:
    speech = next(r for r in library.index.reports.values() if r.path.endswith("speech.txt"))
    assert speech.tables == ()
    assert Path(speech.path).name == "speech.txt"


def test_a_column_the_question_names_is_said_by_it() -> None:
    from qa.answer.candidate import TableCell
    from qa.answer.table_answer import _column_named
    from qa.records import Table, TableEntry, TableValue

    values = tuple(
        TableValue(c, 0, 1) for c in ("支出预算·合计", "支出预算·基本支出", "支出预算·项目支出")
    )
    entry = TableEntry("合计", 0, 1, values)
    table = Table("2026年部门支出预算总表", "元", ("科目名称",), 0, 1, (entry,))
    asked = "某局2026年部门预算里项目支出安排了多少钱？"
    assert _column_named(TableCell(table, entry, shown=(2,)), asked)
    assert not _column_named(TableCell(table, entry, shown=(1,)), asked)
    assert not _column_named(TableCell(table, entry), asked)  # every column stated
