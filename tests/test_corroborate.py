"""A figure its report states both in a table and in prose is quoted from both: the answer
shows the table's row and the sentence, which agree; a table's note is quoted with its rows."""

from __future__ import annotations

import pytest

from qa.answer.corroborate import _same
from qa.api import Library
from tests.conftest import hash_library
from tests.test_answer_tables import BUDGET as TABLES

# the budget tables of the table-answer tests, then a note below the last and the prose
BUDGET = (
    TABLES.split("三、其他说明")[0]
    + """注：基本支出含离退休人员经费。
三、部门预算说明
2026年，某局收入预算9628.22万元，其中：财政拨款收入9628.22万元，比上年增加793.14万元。
某局支出预算中，卫生健康支出114.97万元，主要用于职工医疗。
本部门购置设备支出8726.73万元。
四、机关运行经费
2026年某局一般公共预算基本支出中，公用经费217.83万元。
"""
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return hash_library(tmp_path_factory.mktemp("corroborate"), {"budget.txt": BUDGET})


def quotes(library: Library, question: str) -> list[str]:
    answer = library.ask(question)
    assert answer.grounded, answer.text
    for c in answer.citations:
        assert library.index.reports[c.doc_id].text[c.start : c.end] == c.quote
    return [c.quote for c in answer.citations]


def test_a_table_figure_is_quoted_where_the_prose_states_it_too(library: Library) -> None:
    said = quotes(library, "某局2026年部门预算的收入总计是多少？")
    assert any(q.startswith("收入总计") for q in said)
    assert any("收入预算9628.22万元" in q for q in said)


def test_a_prose_figure_is_quoted_where_its_table_holds_it(library: Library) -> None:
    said = quotes(library, "某局2026年一般公共预算基本支出中公用经费是多少？")
    assert any("公用经费217.83万元" in q for q in said)
    assert any(q.startswith("合计") and "2,178,324.44" in q for q in said)


def test_a_table_row_is_quoted_with_the_note_on_its_table(library: Library) -> None:
    said = quotes(library, "某局2026年基本支出预算表中工资福利支出的合计是多少？")
    assert any(q.startswith("工资福利支出") for q in said)
    assert "注：基本支出含离退休人员经费" in said
    said = quotes(library, "某局2026年部门预算中公共安全支出的预算数是多少？")
    assert not any(q.startswith("注") for q in said)


def test_the_same_figure_under_another_name_is_no_corroboration(library: Library) -> None:
    # 8726.73万元 is the 公共安全支出 row's figure, but the sentence names 购置设备支出
    said = quotes(library, "某局2026年部门预算中公共安全支出的预算数是多少？")
    assert not any("购置设备" in q for q in said)


def test_figures_agree_as_the_prose_rounds_them() -> None:
    assert _same("96,282,213.44", "元", "9628.22", "万元")
    assert _same("2,087,959.00", "元", "208.8", "万元")
    assert _same("2,152.26", "", "2152.26", "万元")  # a table with no unit: the prose's own
    assert not _same("96,282,213.44", "元", "9628.23", "万元")
    assert not _same("859", "件", "859", "万元")
    assert not _same("0.00", "元", "0", "万元")


def test_a_change_asked_is_answered_by_the_sentence_stating_it(library: Library) -> None:
    answer = library.ask("某局2026年财政拨款收入比上年增加了多少？")
    assert "793.14万元" in answer.text
    assert (
        "一、财政拨款收入" not in answer.text
    )  # a cell states one of the two figures, not the change


def test_a_preposition_before_a_districts_office_is_no_place(library: Library) -> None:
    from qa.query.places import unindexed_places

    assert (
        unindexed_places(
            "按区政府办公室2025年部门预算的介绍，它和哪个机构合署办公？", library.index
        )
        == []
    )


def test_only_a_column_of_changes_answers_a_change() -> None:
    from qa.answer.candidate import Candidate, TableCell
    from qa.answer.strategies import _states_change
    from qa.records import Report, Table, TableEntry, TableValue

    def row(column: str) -> Candidate:
        entry = TableEntry("财政拨款收入", 0, 6, (TableValue(column, 0, 6),))
        cell = TableCell(Table("收支表", "万元", (column,), 0, 6, (entry,)), entry)
        report = Report("d", "d.txt", "收支表", "", "", 2026, None, None, "123456", "")
        return Candidate(report, "d#0", (), 1.0, 0, 6, 1.0, True, cell=cell)

    assert _states_change(row("比上年增减"))
    assert not _states_change(row("本年收入·预算数"))
