"""The statutory tables of a 政府信息公开工作年度报告 as converters write them (Markdown tables
under short captions): the row a question names, the total it asks for, the caption as title."""

from __future__ import annotations

import pytest

from qa.answer.table_answer import asked_values, label_said
from qa.api import Library
from qa.ingest.tables import find_tables
from qa.records import TableEntry, TableValue
from tests.conftest import hash_library

REPORT = """某县人民政府2025年政府信息公开工作年度报告

一、总体情况
全县全年共受理政府信息公开申请 749 件，其中自然人申请 741 件，法人或其他组织申请 8 件。

二、主动公开政府信息情况

第二十条第（六）项
| 信息内容 | 本年处理决定数量 |
|---|---|
| 行政处罚 | 693957 |
| 行政强制 | 2154 |

第二十条第（八）项
| 信息内容 | 本年收费金额（单位：万元） |
|---|---|
| 行政事业性收费 | 4068.208 |

三、收到和处理政府信息公开申请情况

（一）予以公开
| 类别 | 自然人 | 商业企业 | 总计 |
|---|---|---|---|
| 予以公开 | 290 | 4 | 294 |

（四）无法提供
| 类别 | 自然人 | 商业企业 | 总计 |
|---|---|---|---|
| 1. 本机关不掌握相关政府信息 | 111 | 0 | 111 |
| 2. 没有现成信息需要另行制作 | 2 | 0 | 2 |

| 项目 | 本年新收件数 | 予以公开 | 总计 |
|---|---|---|---|
| 2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 7 | 0 | 7 |
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    files = {"xxgk.txt": REPORT}
    return hash_library(tmp_path_factory.mktemp("statutory"), files)


def test_a_caption_line_names_a_table_and_a_header_with_its_unit_starts_one() -> None:
    tables = {t.title: t for t in find_tables(REPORT)}
    assert set(tables) >= {"第二十条第（六）项", "第二十条第（八）项", "（一）予以公开"}
    fees = tables["第二十条第（八）项"]  # not a continuation of the 行政处罚 table above
    assert [e.label for e in fees.entries] == ["行政事业性收费"]
    assert fees.unit == "万元" and fees.columns[-1] == "本年收费金额（单位：万元）"


def test_the_row_the_question_names_answers_not_a_column_of_another_row(
    library: Library,
) -> None:
    answer = library.ask("某县2025年予以公开的申请有多少件？")
    assert "294件" in answer.text and "予以公开" in answer.text, answer.text
    answer = library.ask("某县2025年因为本机关不掌握相关政府信息而无法提供的申请有多少？")
    assert "111" in answer.text and "本机关不掌握" in answer.text, answer.text


def test_a_figure_in_a_header_cells_unit_is_answered(library: Library) -> None:
    answer = library.ask("某县2025年行政事业性收费金额是多少？")
    assert "4068.208万元" in answer.text, answer.text


def test_how_much_of_a_label_the_question_says() -> None:
    label = "三、本年度办理结果·（二）部分公开（区分处理的，只计这一情形）"
    assert label_said(label, "有多少件申请是部分公开的") == 1.0  # the note is left out
    assert label_said("合计", "合计多少") is None  # totals are not named
    said = label_said("2.申请人逾期未按收费通知要求缴纳费用的申请", "予以公开的申请有多少件")
    assert said is not None and said < 0.3
    asked = "复议后又起诉的行政诉讼有几件"  # a short qualifier tells two tables apart
    assert label_said("行政诉讼（复议后起诉）", asked) == 1.0
    other = label_said("行政诉讼（未经复议直接起诉）", asked)
    assert other is not None and other < 0.8


def test_a_word_every_column_holds_picks_no_column_so_a_long_row_gives_its_total() -> None:
    columns = ["申请人情况·自然人", "申请人情况·商业企业", "申请人情况·科研机构", "申请人情况·其他"]
    values = tuple(TableValue(c, i, i + 1) for i, c in enumerate([*columns, "申请人情况·总计"]))
    entry = TableEntry("1.本机关不掌握相关政府信息", 0, 9, values)
    assert asked_values(entry, {"申请": 3.0, "掌握": 4.0}) == (4,)
    assert asked_values(entry, {"商业": 3.0, "企业": 3.0}) == (1,)  # a column named outright


def test_a_word_most_passages_of_the_asked_reports_hold_weighs_less() -> None:
    from types import SimpleNamespace

    from qa.query.parse import SCOPE_DISCOUNT, within_scope
    from qa.query.scope import Scope

    passages = {
        "a": [SimpleNamespace(text=t) for t in ("申请749件", "予以公开294件", "申请人情况")],
        "b": [SimpleNamespace(text="地区生产总值")],
    }
    index = SimpleNamespace(reports=dict.fromkeys(passages), passages_of=passages.__getitem__)
    terms = {"申请": 3.0, "予以": 3.0}
    scoped = within_scope(terms, Scope(("a",)), index)  # type: ignore[arg-type]
    assert scoped["申请"] == 3.0 * (1 - SCOPE_DISCOUNT * 2 / 3) < scoped["予以"]
    assert within_scope(terms, Scope(("a", "b")), index) == terms  # the whole index: as is
    assert within_scope(terms, Scope(None), index) == terms


def test_of_two_columns_holding_the_same_words_the_one_said_verbatim_is_stated() -> None:
    columns = [
        *("行政复议·结果维持", "行政复议·结果纠正", "行政复议·尚未审结", "行政复议·总计"),
        *("行政诉讼·未经复议直接起诉·结果维持", "行政诉讼·未经复议直接起诉·结果纠正"),
        "行政诉讼·未经复议直接起诉·总计",
    ]
    values = tuple(TableValue(c, i, i + 1) for i, c in enumerate(columns))
    entry = TableEntry("", 0, 7, values)
    terms = {"行政": 1.0, "复议": 2.0, "结果": 1.0, "维持": 2.0}
    assert asked_values(entry, terms) == (0, 4)  # 维持 in both (复议 too: 未经复议)
    assert asked_values(entry, terms, "信息公开行政复议结果维持的有几件") == (0,)


def test_a_row_is_named_by_what_tells_it_from_the_other_rows() -> None:
    rows = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量")
    asked = "因信息公开被申请行政复议的数量是多少"
    assert label_said("二、上年结转政府信息公开申请数量", asked, rows) == 0.0
    assert label_said("二、上年结转政府信息公开申请数量", "上年结转的申请有几件", rows) == 1.0
    assert label_said("二、上年结转政府信息公开申请数量", asked) == pytest.approx(
        9 / 14
    )  # 信息公开申请数量
