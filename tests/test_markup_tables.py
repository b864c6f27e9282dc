"""Web-page and .docx tables: cells spanning rows and columns laid out, rows named by their
path, columns by their headers, the values an answer states picked by the question."""

from __future__ import annotations

from pathlib import Path

from test_tables import cells_of

from qa.answer.candidate import TableCell
from qa.answer.table_answer import _counted, _rows_asked, asked_values
from qa.ingest.load import read_document
from qa.ingest.markup_tables import SpanCell, lay_out
from qa.ingest.tables import find_tables
from qa.query.kind import focus_words
from qa.records import TableEntry, TableValue

# The statutory table of a 政府信息公开工作年度报告 as government portals publish it: a
# header block of spans, blank cells, labels spanning rows, each cell's text inside <p>.
STATUTORY = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head>
<body><div class="article"><p>某区2024年政府信息公开工作年度报告</p>
<p>三、收到和处理政府信息公开申请情况</p><table border="1"><tbody>
<tr><td colspan="3" rowspan="3"><p>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</p></td>
<td colspan="7"><p>申请人情况</p></td></tr>
<tr><td rowspan="2"><p>自然人</p></td><td colspan="5"><p>法人或其他组织</p></td>
<td rowspan="2"><p>总计</p></td></tr>
<tr><td><p>商业企业</p></td><td><p>科研<br/>机构</p></td><td><p>社会公益组织</p></td>
<td><p>法律服务机构</p></td><td><p>其他</p></td></tr>
<tr><td colspan="3"><p>一、本年新收政府信息公开申请数量</p></td><td><p>821</p></td><td><p>35</p></td>
<td><p>&nbsp;</p></td><td></td><td><p>2</p></td><td><p>1</p></td><td><p>859</p></td></tr>
<tr><td rowspan="3"><p>三、本年度办理结果</p></td><td colspan="2"><p>（一）予以公开</p></td>
<td>100</td><td>5</td><td></td><td></td><td></td><td></td><td>105</td></tr>
<tr><td rowspan="2"><p>（三）不予公开</p></td><td><p>1.属于国家秘密</p></td>
<td>3</td><td></td><td></td><td></td><td></td><td></td><td>3</td></tr>
<tr><td><p>2.其他法律行政法规禁止公开</p></td>
<td>4</td><td></td><td></td><td></td><td></td><td></td><td>4</td></tr>
</tbody></table>
<p>四、政府信息公开行政复议、行政诉讼情况</p><table border="1">
<tr><td colspan="5">行政复议</td><td colspan="4">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td>
<td rowspan="2">尚未审结</td><td rowspan="2">总计</td><td colspan="2">未经复议直接起诉</td>
<td colspan="2">复议后起诉</td></tr>
<tr><td>结果维持</td><td>总计</td><td>结果维持</td><td>总计</td></tr>
<tr><td>7</td><td>1</td><td>0</td><td>2</td><td>10</td><td>4</td><td>6</td><td>3</td><td>3</td></tr>
</table><p>五、存在的主要问题及改进情况</p></div></body></html>
"""


def test_spans_fill_headers_and_row_labels_but_not_figures() -> None:
    rows = [
        [SpanCell("项目", rowspan=2), SpanCell("申请人情况", colspan=2)],
        [SpanCell("自然人"), SpanCell("法人")],
        [SpanCell("办理结果", rowspan=2), SpanCell("5"), SpanCell("6", rowspan=2)],
        [SpanCell("7")],
        [SpanCell("合计", colspan=2), SpanCell("9")],
    ]
    assert lay_out(rows) == (
        ("项目", "申请人情况", "申请人情况"),
        ("项目", "自然人", "法人"),
        ("办理结果", "5", "6"),
        ("办理结果", "7", ""),  # a figure spanning rows is said once
        ("合计", "", "9"),  # in a row of figures a spanning label stays in its first column
    )
    merged = [[SpanCell("甲"), SpanCell("1")], [SpanCell("", merged=True), SpanCell("2")]]
    assert lay_out(merged) == (("甲", "1"), ("甲", "2"))  # a .docx vMerge continues the label


def test_web_page_statutory_tables(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(STATUTORY, encoding="utf-8")
    raw = read_document(page)
    assert "一、本年新收政府信息公开申请数量\t821\t35\t\t\t2\t1\t859" in raw.text
    assert "科研机构" in raw.text  # a cell's lines are one line
    applications, review = find_tables(raw.text, raw.grids)
    assert applications.title == "三、收到和处理政府信息公开申请情况"
    found = cells_of(raw.text, applications)
    assert found[("一、本年新收政府信息公开申请数量", "申请人情况·总计")] == "859"
    assert (
        found[("一、本年新收政府信息公开申请数量", "申请人情况·法人或其他组织·法律服务机构")] == "2"
    )
    secret = "三、本年度办理结果·（三）不予公开·1.属于国家秘密"
    assert found[(secret, "申请人情况·自然人")] == "3"
    (row,) = review.entries
    assert row.label == ""
    assert [v.column for v in row.values][:2] == ["行政复议·结果维持", "行政复议·结果纠正"]
    assert row.values[5].column == "行政诉讼·未经复议直接起诉·结果维持"


def test_the_values_stated_are_the_ones_asked_for() -> None:
    columns = ["行政复议·结果维持", "行政复议·结果纠正", "行政诉讼·复议后起诉·结果维持", "总计"]
    entry = TableEntry("", 0, 9, tuple(TableValue(c, 0, 1) for c in columns))
    assert asked_values(entry, {"行政复议": 1.0, "结果": 0.5, "维持": 0.5}) == (0,)
    assert asked_values(entry, {"申请": 1.0}) == (3,)  # nothing asked: a long row's total
    # a word every column holds picks none; of a long row's totals, the one the question says
    review = ["行政复议·结果维持", "行政复议·总计", "行政诉讼·未经复议直接起诉·结果维持"]
    review += ["行政诉讼·未经复议直接起诉·总计", "行政诉讼·复议后起诉·总计"]
    row = TableEntry("", 0, 9, tuple(TableValue(c, 0, 1) for c in review))
    assert asked_values(row, {"复议": 1.0}, "被申请行政复议多少件") == (1,)
    both = TableEntry("合计", 0, 9, (TableValue("人员经费", 0, 1), TableValue("公用经费", 2, 3)))
    assert asked_values(both, {"人员经费": 1.0, "公用经费": 2.0}) == ()  # both asked: all


def test_docx_table_with_merged_cells(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "信息内容"
    table.cell(0, 1).merge(table.cell(0, 3)).text = "第二十条第（一）项"
    for j, name in enumerate(["本年制发件数", "本年废止件数", "现行有效件数"], start=1):
        table.cell(1, j).text = name
    for i, (label, *figures) in enumerate(
        [("规章", "2", "0", "15"), ("规范性文件", "6", "1", "40")]
    ):
        for j, text in enumerate([label, *figures]):
            table.cell(2 + i, j).text = text
    path = tmp_path / "report.docx"
    document.save(str(path))
    raw = read_document(path)
    (found,) = find_tables(raw.text, raw.grids)
    cells = cells_of(raw.text, found)
    assert cells[("规范性文件", "第二十条第（一）项·现行有效件数")] == "40"
    assert cells[("规章", "第二十条第（一）项·本年制发件数")] == "2"


def test_page_title_names_the_report_and_table_rows_are_not_headings(tmp_path: Path) -> None:
    from qa.index.build import load_report

    page = tmp_path / "page.html"
    page.write_text(
        STATUTORY.replace(
            "<title>年度报告</title>",
            "<title>某区2024年政府信息公开工作年度报告_某区人民政府</title>",
        ).replace("<p>某区2024年政府信息公开工作年度报告</p>", ""),
        encoding="utf-8",
    )
    report = load_report(page)
    assert report.title == "某区2024年政府信息公开工作年度报告"
    from qa.index.chunk import find_headings

    titles = [h.title for h in find_headings(report.text)]
    assert "三、收到和处理政府信息公开申请情况" in titles
    assert not any(t.startswith(("（一）予以公开", "三、本年度办理结果")) for t in titles)


def test_markdown_saved_as_text_loses_its_marks(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "# 某县2025年政府信息公开工作年度报告\n\n## 一、总体情况\n\n正文。\n\n## 二、其他\n\n正文。\n",
        encoding="utf-8",
    )
    text = read_document(path).text
    assert "一、总体情况" in text.split("\n") and "#" not in text


def test_statutory_rows_are_found_by_their_own_words_and_counts_carry_the_unit_asked(
    tmp_path: Path,
) -> None:
    page = tmp_path / "report.html"
    page.write_text(STATUTORY, encoding="utf-8")
    raw = read_document(page)
    applications, _ = find_tables(raw.text, raw.grids)
    # 收到 is the table's title word; the row that says it in its own words is 一、本年新收…
    terms = {"收到": 4.0, "申请": 3.9, "公开": 3.1, "信息": 2.6, "商业": 3.5, "企业": 1.6}
    (row,) = _rows_asked(applications, terms)
    assert row.label == "一、本年新收政府信息公开申请数量"
    cell = TableCell(applications, row, asked_values(row, terms))
    assert _counted(cell, raw.text, "件")  # a table of counts without a unit answers 几件
    assert not _counted(cell, raw.text, "元")
    assert cell.render(raw.text).endswith("商业企业 35")
    # who did it tells what is counted when the thing itself is left out
    assert "自然人" in focus_words("其中自然人提出的有多少？")


def test_the_same_table_printed_to_pdf_reads_the_same(tmp_path: Path) -> None:
    """The statutory table as a PDF (the web page printed by Chromium): pdfplumber's grid,
    labels spanning rows filled down as on the web page."""
    import subprocess

    from test_ui_browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    page, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    page.write_text(STATUTORY, encoding="utf-8")
    subprocess.run(
        [str(CHROMIUM), *CHROMIUM_ARGS, f"--print-to-pdf={pdf}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    raw = read_document(pdf)
    applications, review = find_tables(raw.text, raw.grids, raw.page_starts)
    found = cells_of(raw.text, applications)
    assert found[("一、本年新收政府信息公开申请数量", "申请人情况·总计")] == "859"
    withheld = "三、本年度办理结果·（三）不予公开·2.其他法律行政法规禁止公开"
    assert found[(withheld, "申请人情况·自然人")] == "4"
    assert review.entries[0].values[0].column == "行政复议·结果维持"


def test_the_thing_a_table_counts_and_its_total_are_no_row_of_their_own() -> None:
    from qa.records import Table

    columns = ("行政复议·结果维持", "行政复议·总计", "行政诉讼·未经复议直接起诉·总计")
    row = TableEntry("", 0, 9, tuple(TableValue(c, 0, 1) for c in columns))
    review = Table("政府信息公开行政复议、行政诉讼情况", "件", columns, 0, 9, (row,))
    asked = {"复议": 3.75, "申请": 3.1, "案件": 4.0, "总数": 4.0, "公开": 1.7, "行政": 1.5}
    assert _rows_asked(review, asked) == (row,)  # 案件 of a table of 件, 总数 of its total
    assert _rows_asked(review, {**asked, "罚款": 9.0}) == ()  # a word it does not hold
