"""The answer stage's unit: a span of one report (a sentence, a clause or a table entry)
scored against the question."""

from __future__ import annotations

from dataclasses import dataclass

from qa.index.core import Index
from qa.ingest.table_titles import unit_in
from qa.ingest.tables import in_wan, is_total
from qa.records import Report, Table, TableEntry, TableValue

MAX_QUOTE = 160  # characters: a longer span is cut into clauses before it is quoted
# A table row names what it holds only by its headers: a sentence that says as much in the
# report's own words goes first, unless the question says the row's label itself.
TABLE_COST = 0.05
LABEL_COST = 0.3  # times the share of a row's label the question leaves unsaid
NAMED_ROW = 0.8  # a row whose label the question says this fully is what it asks about


@dataclass(frozen=True, slots=True)
class TableCell:
    """A table entry with its table, as an answer states it."""

    table: Table
    entry: TableEntry
    shown: tuple[int, ...] = ()  # the values the answer states (indices; (): all)
    counted: str = ""  # what a table of counts without a unit counts, as asked (件)
    named: float | None = None  # the share of its row label the question says (None: a
    # total row or no label, which the question does not name)

    @property
    def row_named(self) -> bool:
        """Does the question say the row's label (予以公开 of 予以公开的申请有多少件)?"""
        return self.named is not None and self.named >= NAMED_ROW

    @property
    def cost(self) -> float:
        """What a row costs against a sentence: a little, more for a label the question
        hardly says (申请 of 申请人逾期未按收费通知…的申请), none for one it says in full."""
        if self.named is None:
            return TABLE_COST
        return (TABLE_COST + LABEL_COST) * (1 - self.named)

    @property
    def values(self) -> tuple[TableValue, ...]:
        """The values the answer states."""
        values = self.entry.values
        return tuple(values[i] for i in self.shown if i < len(values)) or values

    @property
    def states_total(self) -> bool:
        """One value stated, or a total column (合计, 总计) among those stated."""
        values = self.values
        return len(values) == 1 or any(is_total(v.column.split("·")[-1]) for v in values)

    def render(self, text: str) -> str:
        """《title》label：column value unit, … (the values in the report's own figures); the
        unit the table, else the row's label (本年收费金额（单位：万元）), states."""
        unit = self.table.unit or unit_in(self.entry.label) or self.counted
        said = "，".join(
            f"{v.column or '数值'} {_with_wan(text[v.start : v.end], unit)}" for v in self.values
        )
        title = f"《{self.table.title}》" if self.table.title else "表格"
        return f"{title}{self.entry.label}：{said}"


def _with_wan(value: str, unit: str) -> str:
    """91,016,775.35元（折合9101.68万元）: a budget table's 元 as its prose states them."""
    wan = in_wan(value) if unit == "元" else ""
    return f"{value}{unit}（折合{wan}万元）" if wan else f"{value}{unit}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence or clause span of one report, scored against the question."""

    report: Report
    passage_id: str
    section_path: tuple[str, ...]
    score: float
    start: int
    end: int
    coverage: float
    figure_ok: bool
    telling: float = 0.0  # coverage with the report's title read as part of every sentence
    run: float = 0.0  # longest verbatim run shared with the question, as a share of it
    cue: int = 0  # +1 holds what the way of asking wants (为什么 → 因), -1 does not
    read: float = 0.0  # the reader's belief that the answer lies in this span
    example: bool = False  # its sentence gives an example (仅以6月25日的活动为例，…)
    period: bool = False  # its sentence gives a figure over years (年均) for one year asked
    opens_list: bool = False  # a section heading shown with the items under it
    cell: TableCell | None = None  # a table entry: the quote is its row, ``said`` names it

    @property
    def said(self) -> str:
        """What the candidate states: its text, or for a table entry its row and column
        headers with the values (《…表》一、公共安全支出：本年支出·预算数 87,267,272.44元)."""
        return self.cell.render(self.report.text) if self.cell else self.text

    @property
    def text(self) -> str:
        return self.report.text[self.start : self.end]


def span_candidate(
    index: Index,
    report: Report,
    start: int,
    end: int,
    section: tuple[str, ...] = (),
    opens_list: bool = False,
) -> Candidate:
    """A span chosen outright (a heading, a list item, a report's date) as a candidate;
    ``section`` is its path where no passage holds it (a heading followed straight by a
    sub-heading)."""
    p = index.passage_at(report.doc_id, start)
    passage_id, path = (p.passage_id, p.section_path) if p else (f"{report.doc_id}#heading", ())
    return Candidate(
        report, passage_id, path or section, 1.0, start, end, 1.0, True, opens_list=opens_list
    )
