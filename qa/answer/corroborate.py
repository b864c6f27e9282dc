"""A figure stated twice in one report, in a table and in its prose (收入总计 96,282,213.44 in
the budget's 总表, 收入预算9628.22万元 in its 说明): an answer taken from one quotes the other
as well, so a reader sees where each form says it and that the two agree."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from qa.answer.candidate import Candidate, TableCell, span_candidate
from qa.index.chunk import without_number
from qa.index.core import Index
from qa.ingest.clean import to_simplified
from qa.ingest.tables import BRACKETED, is_total
from qa.records import Report, Table, TableEntry

# A sum of money or a count in prose (9628.22万元, 2,389.52万元, 859件).
FIGURE = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元|件|条|项|个|家|人次|次)")
_SCALE = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
MIN_DIGITS = 2  # a one-digit figure (5件) may agree with a table by chance
LONG_NAME = 6  # … unless its clause says a row name this long
_CLAUSE_MARKS = "，,。；;：:！？\n"
# What a row or column label ends with that names its kind of figure, not what it is of.
_SUM_WORDS = re.compile(r"(?:合计|总计|小计|总额|总数)$")


def corroboration(index: Index, c: Candidate) -> Candidate | None:
    """The other form of ``c``'s figure in its report: for a table entry, the sentence that
    states one of its values under its row's name; for a sentence, the table entry holding
    its sum under a row or column named in its clause. None when the report says it once."""
    if c.cell is not None:
        return _in_prose(index, c.report, c.cell)
    return _in_table(c.report, c.start, c.end)


def _in_prose(index: Index, report: Report, cell: TableCell) -> Candidate | None:
    text, name = report.text, _core(cell.entry.label)
    if not name:
        return None
    head = _head(name) if cell.states_total else ""
    for m in FIGURE.finditer(text):
        if _in_a_table(report, m.start()):
            continue
        clause = to_simplified(text[_clause_start(text, m.start()) : m.start()])
        # a count of what the row counts (共受理2条公开申请 for 本年新收…申请数量: 2)
        counted = bool(head) and m.group(2) in _COUNTS and head in clause
        if not (counted or (name in clause and _enough(m.group(1), name))):
            continue
        if any(
            _same(text[v.start : v.end], cell.table.unit, m.group(1), m.group(2))
            for v in cell.values
        ):
            return span_candidate(index, report, m.start(), m.end())
    return None


# Counts, and the words a row label ends with that name its kind of figure (数量, 件数).
_COUNTS = ("件", "条", "项", "个", "家", "人次", "次")
_MEASURE_END = re.compile(r"(?:数量|件数|总数|情况)$")


def _head(name: str) -> str:
    """What a row counts: the last two characters of its name before 数量/件数 (申请 of
    本年新收政府信息公开申请数量); "" when too short to tell."""
    own = _MEASURE_END.sub("", name)
    return own[-2:] if len(own) >= 4 else ""


def _in_table(report: Report, start: int, end: int) -> Candidate | None:
    text = report.text
    for m in FIGURE.finditer(text, start, end):
        clause = to_simplified(text[_clause_start(text, m.start(), start) : m.start()])
        for table in report.tables:
            for entry in table.entries:
                if _agrees(text, table, entry, clause, m):
                    return _entry_candidate(report, table, entry)
    return None


def _agrees(text: str, table: Table, entry: TableEntry, clause: str, m: re.Match[str]) -> bool:
    """Does a value of ``entry`` state the figure ``m`` under a name its clause says?"""
    row = _core(entry.label)
    said = bool(row) and row in clause and _enough(m.group(1), row)
    for v in entry.values:
        named = said or (_named_column(v.column, clause) and _enough(m.group(1)))
        if named and _same(text[v.start : v.end], table.unit, m.group(1), m.group(2)):
            return True
    return _counts_total(text, table, entry, clause, m)


def _counts_total(
    text: str, table: Table, entry: TableEntry, clause: str, m: re.Match[str]
) -> bool:
    """Is the figure a count of what the row counts, and the row's total (共收到…申请19件:
    本年新收政府信息公开申请数量 … 总计 19)?"""
    head = _head(_core(entry.label))
    if not head or head not in clause or m.group(2) not in _COUNTS or not entry.values:
        return False
    total = entry.values[-1]
    return is_total(total.column.split("·")[-1]) and _same(
        text[total.start : total.end], table.unit, m.group(1), m.group(2)
    )


def _named_column(column: str, clause: str) -> bool:
    own = _core(column)
    return bool(own) and own in clause


def _entry_candidate(report: Report, table: Table, entry: TableEntry) -> Candidate:
    cell = TableCell(table, entry)
    return Candidate(
        report, f"{report.doc_id}#table", (), 1.0, entry.start, entry.end, 1.0, True, cell=cell
    )


def _core(label: str) -> str:
    """What a row or column label names (人员经费 of 人员经费合计, 收入 of 收入总计,
    项目支出 of 支出·项目支出), simplified; "" when that is under two characters."""
    own = BRACKETED.sub("", without_number(label.split("·")[-1])).strip()
    own = _SUM_WORDS.sub("", to_simplified(own))
    return own if len(own) >= 2 else ""


def _clause_start(text: str, at: int, floor: int = 0) -> int:
    """Where the clause holding offset ``at`` opens (not before ``floor``)."""
    opens = max(text.rfind(mark, floor, at) for mark in _CLAUSE_MARKS)
    return max(opens + 1, floor)


def _in_a_table(report: Report, at: int) -> bool:
    return any(t.start <= at < t.end for t in report.tables)


def _enough(figure: str, name: str = "") -> bool:
    """Digits enough that the figure agrees by more than chance: two, or one under a name
    long enough to be no chance (结转下年度继续办理1件)."""
    digits = sum(ch.isdigit() for ch in figure.lstrip("0,."))
    return digits >= MIN_DIGITS or (digits == 1 and len(name) >= LONG_NAME)


def _same(value: str, unit: str, figure: str, figure_unit: str) -> bool:
    """Does a table's value (in the table's ``unit``; none: the figure's own) state the prose
    figure, rounded as the prose rounds it (96,282,213.44 元 → 9628.22万元)?"""
    try:
        cell = Decimal(value.replace(",", ""))
        said = Decimal(figure.replace(",", ""))
    except InvalidOperation:
        return False
    if unit in _SCALE and figure_unit in _SCALE:
        cell = cell * _SCALE[unit] / _SCALE[figure_unit]
    elif unit and unit != figure_unit and not {unit, figure_unit} <= set(_COUNTS):
        return False  # 件 and 条 both count (申请 2 件 in the table, 受理2条 in prose)
    exponent = said.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return said != 0 and cell.quantize(places, rounding=ROUND_HALF_UP) == said
