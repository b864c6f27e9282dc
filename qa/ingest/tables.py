"""Tables: every value of a report's tables with its row and column headers, as offsets.

A table's grid (:mod:`qa.ingest.table_grids`) is the text's own (tab, ``|`` or space-separated
lines) or a PDF's ruled table found again in the page's text. Either way each value keeps its
exact span in the cleaned text, so a table cell is quoted and cited like a sentence, and its
headers travel with it.

A grid's leading rows without a value are its header rows; each column's headers, top to
bottom, name it (本年支出·预算数). A value's row label is the nearest label cell to its left, so
two tables set side by side (收入 | 支出) give two entries per row. A grid that starts without
header rows right after a table of as many columns continues it (a table across a page break).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from qa.ingest.report_kind import LEXICON
from qa.ingest.table_grids import Cell, Grid, is_value, line_spans, locate_grid, text_grids
from qa.records import Table, TableEntry, TableValue

MAX_HEADER_ROWS = 4
TITLE_LINES = 6  # lines above a table searched for its title and unit
MAX_TITLE = 60
HEADER_FILL = 0.6  # a header row inside a table fills this share of its columns at least


@dataclass(frozen=True, slots=True)
class _Words:
    code_words: tuple[str, ...]
    code_exact: frozenset[str]
    unit_words: tuple[str, ...]
    units: tuple[str, ...]
    title_words: tuple[str, ...]
    total_words: tuple[str, ...]


@cache
def _words() -> _Words:
    data = tomllib.loads((LEXICON / "tables.toml").read_text(encoding="utf-8"))
    return _Words(
        tuple(data["code_columns"]["words"]),
        frozenset(data["code_columns"]["exact"]),
        tuple(data["unit"]["words"]),
        tuple(data["unit"]["units"]),
        tuple(data["title"]["words"]),
        tuple(data["total_rows"]["words"]),
    )


YUAN_PER_WAN = 10_000


def in_wan(value: str) -> str:
    """A figure in 元 restated in 万元 to two places (91,016,775.35 → 9101.68), as budget
    prose states it; "" for a small figure or a non-figure."""
    try:
        yuan = float(value.replace(",", "").replace("−", "-"))
    except ValueError:
        return ""
    return f"{yuan / YUAN_PER_WAN:.2f}" if abs(yuan) >= YUAN_PER_WAN else ""


# ---------------------------------------------------------------------------
# Grids to tables


def _header_rows(grid: Grid) -> int:
    for i, row in enumerate(grid):
        if any(is_value(c.text) for c in row):
            return i
    return len(grid)


def _column_names(headers: Grid, width: int, spans_known: bool) -> list[str]:
    """Each column's headers top to bottom (本年支出·预算数). Unless the grid says which cells
    span columns (a PDF's does), an empty cell in the rows above the last is taken to be
    spanned by the one at its left."""
    names: list[list[str]] = [[] for _ in range(width)]
    for r, row in enumerate(headers):
        last = spans_known or r == len(headers) - 1
        left = ""
        for j in range(width):
            text = re.sub(r"\s+", "", row[j].text) if j < len(row) else ""
            left = text or ("" if last else left)
            shown = text or ("" if last else left)
            if shown and (not names[j] or names[j][-1] != shown):
                names[j].append(shown)
    return ["·".join(parts) for parts in names]


def _is_code_column(name: str) -> bool:
    words = _words()
    parts = name.split("·")
    return any(w in name for w in words.code_words) or bool(parts and parts[-1] in words.code_exact)


def _entries(rows: Grid, columns: list[str]) -> list[TableEntry]:
    """Each row's values grouped under the label cells just left of them, read as a path
    (三、本年度办理结果·（三）不予公开·1.属于国家秘密)."""
    code = [_is_code_column(c) for c in columns]
    entries: list[TableEntry] = []
    for row in rows:
        labels: list[Cell] = []
        values: list[tuple[Cell, str]] = []
        for j, cell in enumerate(row):
            if not cell.text:
                continue
            if not is_value(cell.text):
                if values:
                    entries += _entry(labels, values)
                    labels, values = [], []
                labels.append(cell)
            elif cell.start >= 0 and not (j < len(code) and code[j]):
                values.append((cell, columns[j] if j < len(columns) else ""))
        entries += _entry(labels, values)
    return entries


def _entry(labels: list[Cell], values: list[tuple[Cell, str]]) -> list[TableEntry]:
    if not values:
        return []
    found = [c.start for c in labels if c.start >= 0]
    start = found[-1] if found else values[0][0].start
    path = dict.fromkeys(re.sub(r"\s+", "", c.text) for c in labels)
    cells = tuple(TableValue(column, c.start, c.end) for c, column in values)
    return [TableEntry("·".join(p for p in path if p), start, values[-1][0].end, cells)]


def _first_offset(grid: Grid) -> int:
    return min((c.start for row in grid for c in row if c.start >= 0), default=-1)


def _unit_in(line: str) -> str:
    """The unit a line states (单位：万元 → 万元), or ""."""
    words = _words()
    units = "|".join(sorted(map(re.escape, words.units), key=len, reverse=True))
    m = re.search(rf"(?:{'|'.join(words.unit_words)})[:：]\s*({units})(?![\u4e00-\u9fff])", line)
    return m.group(1) if m else ""


def is_total(label: str) -> bool:
    """A row that sums up its table: 合计, 本年收入合计, 支出总计."""
    return any(label.startswith(w) or label.endswith(w) for w in _words().total_words)


def _title_and_unit(text: str, start: int, headers: Sequence[list[Cell]] = ()) -> tuple[str, str]:
    """The table's name and unit from the lines just above ``start``, past its header rows
    (a line that starts with a header cell)."""
    words = _words()
    line_start = text.rfind("\n", 0, start) + 1
    back = _nth_line_back(text, line_start, TITLE_LINES + len(headers))
    heads = {re.sub(r"\s+", "", c.text) for row in headers for c in row} - {""}
    title = unit = caption = ""
    for a, b in reversed(line_spans(text, max(0, back), line_start)):
        line = text[a:b].strip()
        unit = unit or _unit_in(line)
        squeezed = re.sub(r"\s+", "", line)
        if any(squeezed.startswith(h) for h in heads if len(h) >= 2):
            continue
        if not title and len(line) <= MAX_TITLE and any(w in line for w in words.title_words):
            title = re.split(r"\s{2,}|\t", line)[0]
        caption = caption or (squeezed if _CAPTION.fullmatch(squeezed) else "-")
    # a grid of the text starts at its header row, so the line above is outside the table (a
    # PDF's header cells may stand above where its grid is found again: 类 款 项)
    return (title if headers else caption.strip("-") or title), unit


# The line right above a table that names it, with or without a title's words: （一）予以公开,
# 第二十条第（八）项 (short, Chinese, no sentence or label:value punctuation).
_CAPTION = re.compile(r"(?=.*[\u4e00-\u9fff])[^。；;：:，,！？!?|\t]{2,30}")


def _nth_line_back(text: str, line_start: int, n: int) -> int:
    pos = line_start
    for _ in range(n):
        if pos <= 0:
            return 0
        pos = text.rfind("\n", 0, pos - 1) + 1
    return pos


def _segments(grid: Grid) -> list[Grid]:
    """A grid cut before each header row that follows figures (信息内容 | 本年处理决定数量 in
    the middle of a table starts a table of its own): a row without figures whose cells fill
    most of its width with two texts or more (a row naming a group of rows does not)."""
    width = max((len(row) for row in grid), default=0)
    cuts = [0]
    figures_before = False  # since the last cut
    for i, row in enumerate(grid):
        texts = [re.sub(r"\s+", "", c.text) for c in row]
        filled = sum(1 for t in texts if t)
        header = not any(is_value(t) for t in texts) and len(set(texts) - {""}) >= 2
        if header and figures_before and filled >= HEADER_FILL * width:
            cuts.append(i)
            figures_before = False
        figures_before = figures_before or any(is_value(c.text) for c in row)
    return [grid[a:b] for a, b in zip(cuts, [*cuts[1:], len(grid)], strict=True)]


def _cut_unit_rows(grid: Grid) -> tuple[str, Grid]:
    """The unit stated by the grid's leading rows, and the grid without them."""
    unit = ""
    while grid and (stated := _unit_in(line := " ".join(c.text for c in grid[0]))):
        if not _unit_in(BRACKETED.sub("", line)):
            return unit or stated, grid  # 本年收费金额（单位：万元）: a header cell's unit
        unit, grid = stated, grid[1:]  # 编制部门：…\t单位：元 is said of the table, not in it
    return unit, grid


# A bracketed part of a cell or label: （单位：万元）, （区分处理的，只计这一情形）.
BRACKETED = re.compile(r"[（(]([^（()）]*)[）)]")


def _continued(previous: Table, grid: Grid) -> Table:
    """``previous`` with the values of ``grid``, its continuation, added (as it was if none)."""
    entries = _entries(grid, list(previous.columns))
    if not entries:
        return previous
    return Table(
        previous.title,
        previous.unit,
        previous.columns,
        previous.start,
        max(e.end for e in entries),
        previous.entries + tuple(entries),
    )


def tables_of(text: str, grids: Sequence[Grid], spans_known: bool = False) -> tuple[Table, ...]:
    """The tables of the given grids (in text order), continuations joined to the table
    before them."""
    tables: list[Table] = []
    # a table cut from the one before it in the same grid keeps that one's title
    segments = [(i, segment) for i, whole in enumerate(grids) for segment in _segments(whole)]
    titles: dict[int, str] = {}  # grid → the title of its first table
    for g, grid in segments:
        unit, grid = _cut_unit_rows(grid)
        if not grid:
            continue
        width = max(len(row) for row in grid)
        n = _header_rows(grid)
        if n > MAX_HEADER_ROWS:
            grid, n = grid[n - MAX_HEADER_ROWS :], MAX_HEADER_ROWS
        begin = _first_offset(grid)
        if begin < 0:
            continue
        previous = tables[-1] if tables else None
        if n == 0 and previous is not None and len(previous.columns) == width:
            tables[-1] = _continued(previous, grid)
            continue
        columns = _column_names(grid[:n], width, spans_known)
        entries = _entries(grid[n:], columns)
        if not entries:
            continue
        title, above = _title_and_unit(text, begin, grid[:n] if spans_known else [])
        title = titles.get(g) or title
        titles[g] = title
        unit = unit or above
        tables.append(
            Table(title, unit, tuple(columns), begin, max(e.end for e in entries), tuple(entries))
        )
    return tuple(tables)


def find_tables(
    text: str,
    grids: Sequence[tuple[int, Sequence[Sequence[str]]]] = (),
    page_starts: Sequence[int] = (),
) -> tuple[Table, ...]:
    """Every table of a report's cleaned text: the file's own grids (page index, rows; page
    -1: a web page's or .docx's, in text order) found again in the text, else the text's own
    tab, ``|`` or space-separated grids."""
    located: list[Grid] = []
    cursor = 0
    for page, rows in grids:
        if page < 0:
            grid = locate_grid(text, cursor, len(text), rows)
            cursor = max([cursor, *(c.end for row in grid for c in row)])
        elif 0 <= page < len(page_starts):
            end = page_starts[page + 1] if page + 1 < len(page_starts) else len(text)
            grid = locate_grid(text, page_starts[page], end, rows)
        else:
            continue
        located.append(grid)
    if located:
        return tables_of(text, located, spans_known=True)
    return tables_of(text, text_grids(text))
