"""Table entries as answer candidates: a row of a report's table, scored by its row label,
its column headers and the table's title, for questions that ask for a figure."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.candidate import Candidate, TableCell
from qa.index.chunk import without_number
from qa.index.core import Index
from qa.ingest.clean import to_simplified
from qa.ingest.tables import BRACKETED, is_total
from qa.query.kind import MEASURE_HEADS, TOTAL_Q
from qa.query.question import context_credit, coverages, has_word, shared_run
from qa.query.units import figure_fits
from qa.records import Hit, Report, Table, TableEntry

TABLE_REPORTS = 3  # the top hits' reports whose tables are searched
# A table's total row answers only when the title and headers hold this share of the question
# at least (the rest: the place and body, asking words).
OWN_SHARE = 0.4
LABEL_SHARE = 0.5  # a row named by none of its own words: its label says this much at least
LONG_ROW = 3  # a row of more values than this, none asked for, is answered by its total


def table_candidates(
    hits: list[Hit], index: Index, terms: dict[str, float], units: str | None, asked: str = ""
) -> list[Candidate]:
    """Every table entry of the top hits' reports that a question's words may ask for, as a
    candidate quoting its row; ``asked`` (the question, simplified) tells how much of each
    row's label it says."""
    if not hits or not terms:
        return []
    doc_ids = list(dict.fromkeys(h.passage.doc_id for h in hits))[:TABLE_REPORTS]
    scores = {h.passage.passage_id: h.score - h.sentence for h in hits}
    weakest = min(scores.values())
    best: dict[str, float] = {}  # each report's best passage
    for h in hits:
        score = scores[h.passage.passage_id]
        best[h.passage.doc_id] = max(best.get(h.passage.doc_id, score), score)
    found: list[Candidate] = []
    for doc_id in doc_ids:
        report = index.reports[doc_id]
        named = context_credit(terms, to_simplified(report.title), share=1.0)
        titled = frozenset(t for t, c in named.items() if c >= 1.0)  # 审计局: the report's body
        for table in report.tables:
            for entry in _rows_asked(table, terms, titled):
                cell = TableCell(
                    table,
                    entry,
                    asked_values(entry, terms, asked),
                    named=label_said(row_name(table, entry), asked, _label_ends(table)),
                )
                if units and _counted(cell, report.text, units):
                    cell = replace(cell, counted=units[0])
                # a row (or the one column) the question names competes with its report's
                # best passage: passages of table rows (figures, few words) rank low in
                # retrieval
                floor = best[doc_id] if cell.row_named or _column_named(cell, asked) else weakest
                found.append(
                    _entry_candidate(index, report, cell, (terms, named), units, scores, floor)
                )
    return found


def _entry_candidate(
    index: Index,
    report: Report,
    cell: TableCell,
    credits: tuple[dict[str, float], dict[str, float]],
    units: str | None,
    scores: dict[str, float],
    floor: float,
) -> Candidate:
    """An entry scored like a sentence: its row label and column headers are its words, the
    table's title and section its context, the report's title (``credits``: the terms and
    the title's credit) part of it (telling); a passage no hit holds, or a row the question
    names, scores ``floor``."""
    terms, named = credits
    table, entry = cell.table, cell.entry
    said = cell.render(report.text)
    passage = index.passage_at(report.doc_id, entry.start)
    path = passage.section_path if passage else ()
    own = max(scores.get(passage.passage_id, floor), floor) if passage else floor
    context = context_credit(terms, to_simplified(" ".join([*path, table.title])))
    with_title = {t: max(c, named[t]) for t, c in context.items()}
    heads = " ".join([row_name(table, entry), *(v.column for v in entry.values)])
    plain, telling = coverages(heads, terms, (context, with_title))
    return Candidate(
        report,
        passage.passage_id if passage else f"{report.doc_id}#table",
        path,
        own,
        entry.start,
        entry.end,
        plain,
        figure_fits(said, units),
        telling,
        cell=cell,
    )


MIN_NAMED_COLUMN = 3  # characters of a column's own header the question says for it to name it


def _column_named(cell: TableCell, asked: str) -> bool:
    """Does the question say the header of the one column stated (项目支出 of 支出预算·项目支出)?"""
    values = cell.values
    if len(values) != 1 or not asked:
        return False
    own = to_simplified(values[0].column.split("·")[-1])
    return len(own) >= MIN_NAMED_COLUMN and own in asked


# Units that a table of counts leaves unsaid (收到申请 859: 件): not money, shares or dates.
_NOT_COUNTS = ("元", "%", "年", "日", "月")


def _counted(cell: TableCell, text: str, units: str | None) -> bool:
    """A table without a unit that counts things (申请 859, 行政复议 7) answers 多少件/几个:
    its values shown are whole numbers and the question asks for a count."""
    if cell.table.unit or not units or any(u in units for u in _NOT_COUNTS):
        return False
    return all(text[v.start : v.end].replace(",", "").isdigit() for v in cell.values)


def _rows_asked(
    table: Table, terms: dict[str, float], titled: frozenset[str] = frozenset()
) -> tuple[TableEntry, ...]:
    """The entries whose row label holds a word of the question that the table's title and
    column headers (and the report's title: ``titled``) do not; when none does and the
    title and headers hold most of the question, the rows whose labels hold most of it, else
    (基本支出里人员经费和公用经费各是多少: columns named, no row) its total row."""
    heads = to_simplified(" ".join((table.title, *table.columns)))
    # 总数/合计 ask for a total (its row or column), 数量 names the count, 案件 is what a table
    # of 件 counts: never a row of their own
    own = {
        t: w
        for t, w in terms.items()
        if not has_word(heads, t)
        and t not in titled
        and not TOTAL_Q.fullmatch(t)
        and t not in MEASURE_HEADS
        and not (table.unit and len(t) > 1 and t.endswith(table.unit))
    }
    labels = [to_simplified(e.label) for e in table.entries]
    named = tuple(
        e
        for e, label in zip(table.entries, labels, strict=True)
        if any(has_word(label, t) for t in own)
    )
    if named:
        return named
    if sum(own.values()) > OWN_SHARE * sum(terms.values()):
        return ()
    # the rows that say most of the question in their own words (收到 → 一、本年新收…)
    said = [sum(w for t, w in terms.items() if has_word(label, t)) for label in labels]
    best = max(said, default=0.0)
    if best >= LABEL_SHARE * sum(terms.values()):
        return tuple(e for e, s in zip(table.entries, said, strict=True) if s == best)
    totals = [e for e in table.entries if is_total(e.label)]
    if totals or any(e.label for e in table.entries):
        return tuple(totals[:1])
    return table.entries[:1]  # a table of one unlabelled row (表四), named by its title


def asked_values(entry: TableEntry, terms: dict[str, float], asked: str = "") -> tuple[int, ...]:
    """The values of a row an answer states: those whose column headers hold words of the
    question that no other column holds more of (行政复议结果维持 → 行政复议·结果维持, not
    行政诉讼·…·结果维持; 人员经费和公用经费 → both), words that most columns hold aside, and
    of those the ones the question (``asked``) says most of verbatim (行政复议结果维持, not
    行政诉讼·未经复议直接起诉·结果维持); when no column is asked for, a long row's total column
    (总计); else all of them (())."""
    columns = [to_simplified(v.column) for v in entry.values]
    # a word most columns hold (申请 of 申请人情况·自然人, 申请人情况·商业企业 …) picks none
    picking = [t for t in terms if 2 * sum(has_word(c, t) for c in columns) <= len(columns)]
    held = [frozenset(t for t in picking if has_word(c, t)) for c in columns]
    chosen = tuple(
        i for i, own in enumerate(held) if own and not any(own < other for other in held)
    )
    if chosen:
        chosen = _most_said(chosen, columns, asked)
        return chosen if len(chosen) < len(held) else ()
    if len(entry.values) <= LONG_ROW:
        return ()
    totals = tuple(i for i, v in enumerate(entry.values) if is_total(v.column.split("·")[-1]))
    return _most_said(totals, columns, asked)  # 行政复议多少件: 行政复议·总计, not 行政诉讼's


def _most_said(chosen: tuple[int, ...], columns: list[str], asked: str) -> tuple[int, ...]:
    """The chosen columns whose headers share the longest run of characters with the
    question ``asked`` (all of them when there is no question)."""
    if not chosen or not asked:
        return chosen
    runs = {i: shared_run(asked, columns[i].replace("·", "")) for i in chosen}
    return tuple(i for i in chosen if runs[i] == max(runs.values()))


_LABEL_CHARS = re.compile(r"[\u4e00-\u9fff]")
# What brackets add to a label: a note (区分处理的，只计这一情形) is left out, a short
# qualifier (复议后起诉 / 未经复议直接起诉) tells rows apart and stays.
NOTE_CHARS = 8


def row_name(table: Table, entry: TableEntry) -> str:
    """A row's label; a row without one is named by its table's title (行政诉讼（复议后起诉）:
    3 … 10)."""
    return entry.label or table.title


def _label_ends(table: Table) -> tuple[str, ...]:
    """The last parts of the table's row labels, without their numbers."""
    return tuple(without_number(e.label.split("·")[-1]) for e in table.entries if e.label)


def _own_part(last: str, others: tuple[str, ...]) -> str:
    """A label's part that tells it from the table's other rows: 上年结转 of
    二、上年结转政府信息公开申请数量 beside 一、本年新收政府信息公开申请数量."""
    shared = max((_common_end(last, o) for o in others if o != last), default=0)
    return last[: len(last) - shared] if shared >= 2 and shared < len(last) else last


def _common_end(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def label_said(label: str, asked: str, others: tuple[str, ...] = ()) -> float | None:
    """The share of a row label's own characters (its last part: 1.属于国家秘密 of
    三、本年度办理结果·…, without a bracketed note, and without the ending it shares with the
    table's ``others`` rows) that the question holds; None for a total row, no label or no
    question."""
    last = _own_part(without_number(label.split("·")[-1]), others)
    own = _LABEL_CHARS.findall(to_simplified(BRACKETED.sub(_kept, last)))
    if not asked or not own or is_total(label):
        return None
    return sum(ch in asked for ch in own) / len(own)


def _kept(m: re.Match[str]) -> str:
    note = m.group(1)
    return "" if len(note) > NOTE_CHARS or re.search(r"[，,、；;]", note) else note
