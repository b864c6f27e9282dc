"""Tables: values found with their row and column headers, and offsets that slice back."""

from __future__ import annotations

import pytest
from conftest import DEV_REPORTS

from qa.ingest.table_grids import locate_grid, split_cells, text_grids
from qa.ingest.tables import find_tables, tables_of
from qa.records import Report, Table

BUDGET_PDF = DEV_REPORTS / "pdf" / "shanghai-putuo-justice-2026-dept-budget.pdf"


def cells_of(text: str, table: Table) -> dict[tuple[str, str], str]:
    """(row label, column) → the value as the text has it, checking every span."""
    found: dict[tuple[str, str], str] = {}
    for entry in table.entries:
        quote = text[entry.start : entry.end]
        for v in entry.values:
            assert entry.start <= v.start < v.end <= entry.end
            assert text[v.start : v.end] in quote
            found[(entry.label, v.column)] = text[v.start : v.end]
    return found


def test_tab_table_with_two_header_rows_title_and_unit() -> None:
    text = (
        "正文一段。\n"
        "表三 收到和处理政府信息公开申请情况\n"
        "单位：件\n"
        "项目\t申请人情况\t\n"
        "\t自然人\t法人或其他组织\n"
        "一、本年新收政府信息公开申请数量\t35\t4\n"
        "二、上年结转政府信息公开申请数量\t2\t0\n"
        "后面的正文。\n"
    )
    (table,) = find_tables(text)
    assert table.title == "表三 收到和处理政府信息公开申请情况"
    assert table.unit == "件"
    assert table.columns == ("项目", "申请人情况·自然人", "申请人情况·法人或其他组织")
    cells = cells_of(text, table)
    assert cells[("一、本年新收政府信息公开申请数量", "申请人情况·自然人")] == "35"
    assert cells[("二、上年结转政府信息公开申请数量", "申请人情况·法人或其他组织")] == "0"
    assert text[table.start : table.end].startswith("项目\t申请人情况")


def test_a_unit_above_the_title_belongs_to_what_stands_before_it() -> None:
    text = (
        "信息内容本年收费金额（单位：万元）\n"
        "表二：主动公开政府信息情况\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "|---|---|---|---|\n"
        "| 规章 | 0 | 0 | 0 |\n"
        "| 规范性文件 | 13 | 0 | 55 |\n"
    )
    (table,) = find_tables(text)
    assert table.title == "表二：主动公开政府信息情况"
    assert table.unit == ""
    below = text.replace(
        "信息内容本年收费金额（单位：万元）\n表二：主动公开政府信息情况\n", "表二\n单位：件\n"
    )
    assert find_tables(below)[0].unit == "件"


def test_side_by_side_tables_give_two_entries_per_row_and_codes_are_not_values() -> None:
    text = (
        "2026年部门财务收支预算总表\n"
        "单位：元\n"
        "收入项目\t预算数\t支出项目\t预算数\n"
        "一、财政拨款收入\t96,282,213.44\t一、公共安全支出\t87,267,272.44\n"
        "二、事业收入\t0.00\t二、卫生健康支出\t1,149,678.00\n"
        "表二 支出表\n"
        "科目编码\t科目名称\t合计\n"
        "204\t司法\t100.5\n"
        "205\t教育\t7\n"
    )
    first, second = find_tables(text)
    cells = cells_of(text, first)
    assert cells[("一、公共安全支出", "预算数")] == "87,267,272.44"
    assert cells[("一、财政拨款收入", "预算数")] == "96,282,213.44"
    assert len(first.entries) == 4
    # the code column holds no values: 204 is neither an answer nor a label
    assert cells_of(text, second) == {("司法", "合计"): "100.5", ("教育", "合计"): "7"}


def test_pipe_and_space_tables_and_prose_that_is_not_a_table() -> None:
    text = "| 指标 | 2024年 | 2025年 |\n|---|---|---|\n| 地区生产总值 | 5.3 | 5.67 |\n"
    (table,) = find_tables(text)
    assert cells_of(text, table)[("地区生产总值", "2025年")] == "5.67"
    spaced = "项目      数量\n受理      120\n办结      118\n"
    (table,) = find_tables(spaced)
    assert cells_of(spaced, table)[("办结", "数量")] == "118"
    prose = "全年完成地区生产总值274.4亿元，增长9.1%。\n城镇居民人均可支配收入增长8%。\n"
    assert find_tables(prose) == ()
    assert split_cells("一句话 里面有 空格", 0, 9) is None
    assert text_grids("a\t1\n") == []  # one row is not a table


def test_pdf_grid_rows_are_found_again_in_the_page_text() -> None:
    page = (
        "2026年部门支出预算总表\n编制部门：某局 单位：元\n项目 支出预算\n功能分类科目编码\n"
        "功能分类科目名称 合计 基本支出 项目支出\n类 款 项\n"
        "204 公共安全支出 87267272.44 16726725.44 70540547.00 \n"
        "204 06 01 行政运行 16726725.44 16726725.44 0.00 \n"
        "合计 96282213.44 25741666.44 70540547.00 \n"
    )
    rows = [
        ("项目", "项目", "项目", "项目", "支出预算", "支出预算", "支出预算"),
        (
            "功能分类科目编码",
            "功能分类科目编码",
            "功能分类科目编码",
            "功能分类科目名称",
            "合计",
            "基本支出",
            "项目支出",
        ),
        ("类", "款", "项", "", "", "", ""),
        ("204", "", "", "公共安全支出", "87267272.44", "16726725.44", "70540547.00"),
        ("204", "06", "01", "行政运行", "16726725.44", "16726725.44", "0.00"),
        ("合计", "", "", "", "96282213.44", "25741666.44", "70540547.00"),
    ]
    (table,) = find_tables(page, [(0, rows)], [0])
    assert table.title == "2026年部门支出预算总表" and table.unit == "元"
    cells = cells_of(page, table)
    assert cells[("行政运行", "支出预算·项目支出")] == "0.00"
    assert cells[("合计", "支出预算·基本支出")] == "25741666.44"
    assert not any("204" == v for v in cells.values())
    # the next page's rows without headers continue the same table
    more = page + "204 06 04 基层司法业务 21703947.00 0.00 21703947.00\n"
    grids = [
        locate_grid(more, 0, len(page), rows),
        locate_grid(
            more,
            len(page),
            len(more),
            [("204", "06", "04", "基层司法业务", "21703947.00", "0.00", "21703947.00")],
        ),
    ]
    (joined,) = tables_of(more, grids, spans_known=True)
    assert cells_of(more, joined)[("基层司法业务", "支出预算·合计")] == "21703947.00"


def test_report_round_trip_keeps_tables() -> None:
    text = "表一 情况\n项目\t数量\n受理\t3\n办结\t2\n"
    tables = find_tables(text)
    report = Report("d", "p", "t", "", "", None, None, None, text, "x", tables=tables)
    assert Report.from_dict(report.to_dict()) == report


@pytest.mark.skipif(not BUDGET_PDF.exists(), reason="needs ../shared/corpus/dev_reports")
def test_budget_pdf_tables_with_headers_units_and_pages() -> None:
    from qa.index.build import load_report

    report = load_report(BUDGET_PDF)
    titles = [t.title for t in report.tables]
    assert "2026年部门财务收支预算总表" in titles
    assert "2026年部门支出预算总表" in titles
    by_title = {t.title: t for t in report.tables}
    summary = cells_of(report.text, by_title["2026年部门财务收支预算总表"])
    assert summary[("一、公共安全支出", "本年支出·预算数")] == "87,267,272.44"
    assert by_title["2026年部门财务收支预算总表"].unit == "元"
    assert report.page_at(by_title["2026年部门财务收支预算总表"].start) == 10
    basic = next(t for t in report.tables if "基本支出" in t.title)
    totals = cells_of(report.text, basic)
    assert totals[("合计", "一般公共预算基本支出·人员经费")] == "23563342.00"


def test_pdf_layout_line_breaks_are_joined_but_rows_and_headings_are_not() -> None:
    from qa.ingest.pdf_unwrap import unwrap

    page = (
        "  三、政府采购预算情况\n"
        "     2025年本部门政府采购预算4821.20万元，其中：政府采购货物预算57.43万元、政府采购服务预算\n"
        "983.05万元。\n"
        "     本部门3个预算单位开展了项目预算绩效目标编报工作，共编报项目12个，涉及预算资金\n"
        "1. 这是新的一项，不接上一行\n"
        "2026年部门财务收支预算总表\n"
        "一、财政拨款收入 96,282,213.44 一、公共安全支出 87,267,272.44\n"
        "1. 一般公共预算 96,282,213.44 二、社会保障和就业支出 3,343,704.00\n"
    )
    lines = unwrap(page).split("\n")
    assert "政府采购服务预算983.05万元。" in lines[1]
    assert lines[2].startswith("     本部门3个预算单位") and lines[3].startswith("1. 这是新的一项")
    assert lines[4] == "2026年部门财务收支预算总表"  # short: a title, not a wrapped line
    assert lines[5].startswith("一、财政拨款收入") and lines[6].startswith("1. 一般公共预算")


def test_a_pdfs_text_saved_as_plain_text_has_its_layout_breaks_joined(tmp_path) -> None:
    from qa.ingest.load import read_document

    wrapped = "全年主动公开市政府规章 22 件、市政府及市政府办公厅行\n政规范性文件 34 件、人事任免文件 196 件、其他文件 84 件；扎\n"
    prose = "这是一段普通的文字，每一行都是一个完整的句子。\n"
    path = tmp_path / "report.txt"
    path.write_text("一、总体情况\n" + wrapped * 12 + prose * 10, encoding="utf-8")
    text = read_document(path).text
    assert "市政府办公厅行政规范性文件 34 件" in text  # a sentence that counts is no table row
    assert text.count(prose) == 10  # lines of a text not wrapped by a layout stay
    other = tmp_path / "plain.txt"
    other.write_text("一、总体情况\n" + prose * 30, encoding="utf-8")
    assert read_document(other).text.count("\n") >= 30


@pytest.mark.skipif(not BUDGET_PDF.exists(), reason="needs ../shared/corpus/dev_reports")
def test_pdf_tables_stop_at_half_the_time_budget_and_the_text_stays() -> None:
    import time

    from qa.ingest.load_limits import DEFAULT_LIMITS
    from qa.ingest.pdf_tables import pdf_grids

    data = BUDGET_PDF.read_bytes()
    pages = ["项目 1 2\n合计 3 4\n"] * 12  # pages whose text looks tabular
    late = time.monotonic() - DEFAULT_LIMITS.parse_timeout_s  # the budget is spent already
    assert pdf_grids(BUDGET_PDF, data, pages, DEFAULT_LIMITS, started=late) == ()
    assert pdf_grids(BUDGET_PDF, data, pages, DEFAULT_LIMITS)  # in time: the grids come


def test_a_statutory_row_cut_from_its_heading_is_named_under_it() -> None:
    text = (
        "| 三、 | （一）予以公开 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |\n"
        "| （七）总计 | 33 | 2 | 0 | 0 | 0 | 0 | 35 |\n"
        "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    )
    labels = [e.label for t in find_tables(text) for e in t.entries]
    assert labels == [
        "三、本年度办理结果·（一）予以公开",
        "三、本年度办理结果·（七）总计",
        "四、结转下年度继续办理",
    ]
