"""Tables one cell to a line (a web page's table saved as text) and tables of a layout fixed by
the national format, whose garbled headers are named from it."""

from __future__ import annotations

from qa.answer.candidate import TableCell
from qa.ingest.line_tables import line_grids
from qa.ingest.tables import find_tables
from qa.query.offices import short_office_names

# the statutory tables of a 信息公开年报 as a saved web page gives them: a cell to a line, a
# header word split a character to a line (自/然/人), a row label over two lines
FLAT = """二、主动公开政府信息情况
第二十条第（一）项
信息内容
本年制发件数
本年废止件数
现行有效件数
规章
0
0
6
行政规范性文件
427
192
3097
三、收到和处理政府信息公开申请情况
申请人情况
自
然
人
法人或其他组织
总
计
商业企业
科研机构
社会公益组织
法律服务机构
其
他
一、本年新收政府信息公开申请数量
300
53
0
0
0
4
357
三、本年度办理结果
（一）予以公开
162
53
0
0
0
3
218
（四）无法
提供
1.本机关不掌握相关政府信息
60
0
0
0
0
1
61
四、政府信息公开行政复议、行政诉讼情况
行政复议
行政诉讼
结果维持
结果纠正
总计
3
0
0
1
4
2
0
0
0
2
1
0
1
0
2
五、存在的主要问题及改进情况
2024年，政务公开存在的不足：一是个别单位信息公开不规范。
"""


def _cells(text: str) -> dict[str, dict[str, str]]:
    return {
        e.label: {v.column: text[v.start : v.end] for v in e.values}
        for t in find_tables(text)
        for e in t.entries
    }


def test_a_table_one_cell_to_a_line_is_read_with_its_headers() -> None:
    cells = _cells(FLAT)
    assert cells["规章"] == {"本年制发件数": "0", "本年废止件数": "0", "现行有效件数": "6"}
    assert cells["行政规范性文件"]["现行有效件数"] == "3097"
    tables = find_tables(FLAT)
    assert tables[0].columns == ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")


def test_the_statutory_tables_are_named_by_the_format_whatever_their_headers() -> None:
    cells = _cells(FLAT)
    new = cells["一、本年新收政府信息公开申请数量"]
    assert new["申请人情况·自然人"] == "300"
    assert new["申请人情况·法人或其他组织·商业企业"] == "53"
    assert new["申请人情况·法人或其他组织·其他"] == "4"
    assert new["申请人情况·总计"] == "357"
    assert cells["三、本年度办理结果·（一）予以公开"]["申请人情况·总计"] == "218"
    # a row the format puts under 三、本年度办理结果 is named with it
    unknown = "三、本年度办理结果·（四）无法·提供·1.本机关不掌握相关政府信息"
    assert cells[unknown]["申请人情况·总计"] == "61"
    # 表四: one row of fifteen values, no label of its own
    review = cells[""]
    assert review["行政复议·结果维持"] == "3"
    assert review["行政复议·总计"] == "4"
    assert review["行政诉讼·未经复议直接起诉·总计"] == "2"
    assert review["行政诉讼·复议后起诉·结果维持"] == "1"
    titles = [t.title for t in find_tables(FLAT)]
    assert "收到和处理政府信息公开申请情况" in titles
    assert "政府信息公开行政复议、行政诉讼情况" in titles


def test_a_markdown_table_with_garbled_headers_is_named_by_the_format() -> None:
    text = (
        "表三：收到和处理政府信息公开申请情况\n"
        "| 申请人情况 | 自然人 | 商业 | 科研 | 总计 |\n"
        "|---|---|---|---|---|\n"
        "| 一、本年新收政府信息公开申请数量 | 1259 | 36 | 0 | 0 | 0 | 0 | 1295 |\n"
        "| 二、上年结转政府信息公开申请数量 | 170 | 15 | 0 | 0 | 4 | 0 | 189 |\n"
    )
    cells = _cells(text)
    assert (
        cells["二、上年结转政府信息公开申请数量"]["申请人情况·法人或其他组织·法律服务机构"] == "4"
    )
    assert cells["一、本年新收政府信息公开申请数量"]["申请人情况·总计"] == "1295"


def test_prose_and_lone_figures_are_no_table() -> None:
    prose = "一、总体情况\n全年收到申请357件。\n二、主动公开\n2024\n三、其他事项\n无。\n"
    assert line_grids(prose) == []
    # a label and one value once is no table; two such rows are
    assert line_grids("行政许可\n257861\n说明：本年无收费。\n") == []
    assert len(line_grids("行政处罚\n456773\n行政强制\n20677\n")) == 1
    # a table of no fixed layout: its columns named by the header lines above its first row
    odd = _cells("项目\n本年\n上年\n第一行\n1\n2\n第二行\n3\n4\n")
    assert odd["第一行"] == {"本年": "1", "上年": "2"}
    assert odd["第二行"] == {"本年": "3", "上年": "4"}


def test_a_unit_in_a_row_label_is_said_with_its_value() -> None:
    table = next(t for t in find_tables(FLAT + FEES) if "行政事业性收费" in t.entries[-1].label)
    fee = TableCell(table, table.entries[-1])
    assert fee.render(FLAT + FEES).endswith("4068.208万元")


FEES = """第二十条第（六）项
信息内容
本年处理决定数量
行政处罚
456773
第二十条第（八）项
信息内容
本年收费金额（单位：万元）
行政事业性收费
4068.208
"""


def test_an_office_is_also_called_by_its_short_name() -> None:
    assert short_office_names("城市管理局") == {"城管局"}
    assert short_office_names("人力资源和社会保障局") == {"人社局"}
    assert short_office_names("公安局") == set()


def test_a_fixed_layout_counts_cases_whatever_unit_a_line_above_it_states() -> None:
    text = FLAT.replace("三、收到", "单位：万元\n三、收到")
    units = {t.title: t.unit for t in find_tables(text)}
    assert units["收到和处理政府信息公开申请情况"] == "件"
    assert find_tables(FLAT)[-1].unit == "件"


def test_a_label_and_its_value_one_space_apart_are_two_cells() -> None:
    text = (
        "第二十条第（五）项\n信息内容本年处理决定数量\n行政许可 97\n"
        "第二十条第（六）项\n信息内容本年处理决定数量\n行政处罚 0\n行政强制 0\n"
    )
    grids = line_grids(text)
    rows = {row[0].text.split("·")[-1]: row[1] for grid in grids for row in grid}
    assert rows["行政许可"].text == "97"
    assert text[rows["行政许可"].start : rows["行政许可"].end] == "97"
    assert rows["行政强制"].text == "0"
    # prose with a figure inside stays prose: no value at the line's end
    assert line_grids("全年收到申请 34 件\n其中同意公开 9 件\n") == []


def test_a_sentence_broken_at_its_numbers_is_no_table() -> None:
    # a web page's text broken before and after each number of a sentence
    broken = "工作\n2021\n年，我局共受理依申请公开\n4\n件，要求公开\n3\n件。\n"
    assert line_grids(broken) == []
    dates = "为深入贯彻《通知》（国办发〔\n2021\n〕12号）\n印发\n2021\n年要点\n"
    assert line_grids(dates) == []
    # a note in brackets may hold a comma: the row stays a row
    rows = "（二）部分公开（区分处理的，只计这一情形）\n5\n（三）不予公开\n2\n"
    assert len(line_grids(rows)) == 1


def test_more_offices_are_called_by_their_short_names() -> None:
    assert short_office_names("科学技术局") == {"科技局"}
    assert short_office_names("海洋与渔业局") == {"海渔局"}
