"""Tables: every value of a report's tables with its row and column headers, as offsets.

A table's grid comes from one of two places. Lines of the text whose cells are split by tabs
(.docx and web-page tables), by ``|`` or by runs of spaces (plain-text tables) are a grid as
they stand. A PDF's ruled tables come from pdfplumber as rows of cell strings
(:func:`qa.load_pdf.pdf_grids`) and are found again, row by row, in the page's text. Either
way each value keeps its exact span in the cleaned text, so a table cell is quoted and cited
like a sentence, and its headers travel with it.

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

from qa.metadata import LEXICON
from qa.records import Table, TableEntry, TableValue

# A value cell: 96,282,213.44, 0.00, 12, -3.5, 4.6%
VALUE = re.compile(r"[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
MAX_HEADER_ROWS = 4
TITLE_LINES = 6  # lines above a table searched for its title and unit
MAX_TITLE = 60
_FIND_AHEAD = 6  # text lines searched for a PDF grid row after the last one found
# cells of a text line: tabs; | … | …; two or more spaces (or an ideographic space)
_SPACES = re.compile(r"[ \u3000]{2,}|\u3000")
_MARKDOWN_RULE = re.compile(r"[|:\-\s]+")


@dataclass(frozen=True, slots=True)
class Cell:
    """A grid cell's text and its span in the report's text (-1, -1: not found there)."""

    text: str
    start: int = -1
    end: int = -1


Grid = list[list[Cell]]


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


def is_value(text: str) -> bool:
    return VALUE.fullmatch(text.strip()) is not None


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
# Grids from the text itself


def _lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the lines of text[start:end] (without their newlines)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        spans.append((pos, stop))
        pos = stop + 1
    return spans


def _trimmed(text: str, start: int, end: int) -> Cell:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    return Cell(body, start + lead, start + lead + len(body))


def split_cells(text: str, start: int, end: int) -> list[Cell] | None:
    """The cells of one line, [] for a Markdown rule line, or None when it is not a table
    row."""
    line = text[start:end]
    if "\t" in line:
        seps = [m.start() for m in re.finditer("\t", line)]
        bounds = [(a + 1, b) for a, b in zip([-1, *seps], [*seps, len(line)], strict=True)]
    elif line.count("|") >= 2:
        if _MARKDOWN_RULE.fullmatch(line):
            return []  # |---|---|: part of the table, no cells
        seps = [m.start() for m in re.finditer(r"\|", line)]
        bounds = [(a + 1, b) for a, b in zip([-1, *seps], [*seps, len(line)], strict=True)]
        bounds = [b for b in bounds if line[b[0] : b[1]].strip() or 0 < b[0] and b[1] < len(line)]
    else:
        seps2 = [(m.start(), m.end()) for m in _SPACES.finditer(line.strip(" \u3000"))]
        if not seps2:
            return None
        lead = len(line) - len(line.lstrip(" \u3000"))
        cuts = [(a + lead, b + lead) for a, b in seps2]
        ends = [lead, *(b for _, b in cuts)]
        stops = [*(a for a, _ in cuts), len(line.rstrip(" \u3000"))]
        bounds = list(zip(ends, stops, strict=True))
    cells = [_trimmed(text, start + a, start + b) for a, b in bounds]
    return cells if len(cells) >= 2 else None


def text_grids(text: str) -> list[Grid]:
    """Runs of two or more consecutive table-row lines holding at least one value."""
    grids: list[Grid] = []
    run: Grid = []
    for start, end in [*_lines(text), (len(text), len(text))]:
        cells = split_cells(text, start, end) if end > start else None
        if cells is not None:
            run += [cells] if cells else []
            continue
        if len(run) >= 2 and any(is_value(c.text) for row in run for c in row[1:]):
            grids.append(run)
        run = []
    return grids


# ---------------------------------------------------------------------------
# PDF grids found again in the page's text


def _tokens(text: str, start: int, end: int) -> list[Cell]:
    return [
        Cell(m.group(), start + m.start(), start + m.end())
        for m in re.finditer(r"\S+", text[start:end])
    ]


def _compact_find(text: str, start: int, end: int, wanted: str) -> tuple[int, int] | None:
    """Where ``wanted`` (whitespace ignored) occurs in text[start:end], as a span there."""
    squeezed = re.sub(r"\s+", "", wanted)
    if not squeezed:
        return None
    where = [i for i in range(start, end) if not text[i].isspace()]
    flat = "".join(text[i] for i in where)
    at = flat.find(squeezed)
    if at < 0:
        return None
    return where[at], where[at + len(squeezed) - 1] + 1


def _locate_row(text: str, line: tuple[int, int], row: Sequence[str]) -> list[Cell] | None:
    """The row's cells found in one line: every value as a whole token, in order; labels
    where they can be found (a wrapped label may not be)."""
    tokens = _tokens(text, *line)
    cells: list[Cell] = []
    t = 0
    for raw in row:
        value = raw.strip()
        if not value:
            cells.append(Cell(""))
            continue
        if is_value(value):
            while t < len(tokens) and tokens[t].text != value:
                t += 1
            if t == len(tokens):
                return None
            cells.append(tokens[t])
            t += 1
            continue
        from_ = tokens[t].start if t < len(tokens) else line[1]
        span = _compact_find(text, from_, line[1], value)
        cells.append(Cell(value, *span) if span else Cell(value))
        if span:
            while t < len(tokens) and tokens[t].start < span[1]:
                t += 1
    if not any(c.start >= 0 and is_value(c.text) for c in cells):
        return None
    return cells


def locate_grid(text: str, start: int, end: int, rows: Sequence[Sequence[str]]) -> Grid:
    """A PDF grid's rows found in text[start:end] (one page), in order; rows not found keep
    their text without offsets (header rows often wrap differently)."""
    lines = [span for span in _lines(text, start, end) if span[1] > span[0]]
    grid: Grid = []
    at, started = 0, False
    for row in rows:
        found = None
        if any(is_value(c) for c in row):
            # the first row anywhere on the page, the next ones soon after the last
            stop = min(at + _FIND_AHEAD, len(lines)) if started else len(lines)
            for k in range(at, stop):
                found = _locate_row(text, lines[k], row)
                if found is not None:
                    at, started = k + 1, True
                    break
        grid.append(found if found is not None else [Cell(c.strip()) for c in row])
    return grid


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
    """Each row's values grouped under the nearest label cell to their left."""
    code = [_is_code_column(c) for c in columns]
    entries: list[TableEntry] = []
    for row in rows:
        label: Cell | None = None
        values: list[tuple[Cell, str]] = []
        for j, cell in enumerate(row):
            if not cell.text:
                continue
            if not is_value(cell.text):
                entries += _entry(label, values)
                label, values = cell, []
            elif cell.start >= 0 and not (j < len(code) and code[j]):
                values.append((cell, columns[j] if j < len(columns) else ""))
        entries += _entry(label, values)
    return entries


def _entry(label: Cell | None, values: list[tuple[Cell, str]]) -> list[TableEntry]:
    if not values:
        return []
    start = label.start if label is not None and label.start >= 0 else values[0][0].start
    shown = re.sub(r"\s+", "", label.text) if label is not None else ""
    cells = tuple(TableValue(column, c.start, c.end) for c, column in values)
    return [TableEntry(shown, start, values[-1][0].end, cells)]


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


def _title_and_unit(text: str, start: int) -> tuple[str, str]:
    """The table's name and unit from the lines just above ``start``."""
    words = _words()
    line_start = text.rfind("\n", 0, start) + 1
    above = _lines(text, max(0, _nth_line_back(text, line_start, TITLE_LINES)), line_start)
    title = unit = ""
    for a, b in reversed(above):
        line = text[a:b].strip()
        unit = unit or _unit_in(line)
        if not title and len(line) <= MAX_TITLE and any(w in line for w in words.title_words):
            title = re.split(r"\s{2,}|\t", line)[0]
    return title, unit


def _nth_line_back(text: str, line_start: int, n: int) -> int:
    pos = line_start
    for _ in range(n):
        if pos <= 0:
            return 0
        pos = text.rfind("\n", 0, pos - 1) + 1
    return pos


def tables_of(text: str, grids: Sequence[Grid], spans_known: bool = False) -> tuple[Table, ...]:
    """The tables of the given grids (in text order), continuations joined to the table
    before them."""
    tables: list[Table] = []
    for grid in grids:
        unit = ""
        while grid and (stated := _unit_in(" ".join(c.text for c in grid[0]))):
            unit, grid = stated, grid[1:]  # 编制部门：…\t单位：元 is said of the table, not in it
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
            entries = _entries(grid, list(previous.columns))
            if entries:
                tables[-1] = Table(
                    previous.title,
                    previous.unit,
                    previous.columns,
                    previous.start,
                    max(e.end for e in entries),
                    previous.entries + tuple(entries),
                )
            continue
        columns = _column_names(grid[:n], width, spans_known)
        entries = _entries(grid[n:], columns)
        if not entries:
            continue
        title, above = _title_and_unit(text, begin)
        unit = unit or above
        tables.append(
            Table(title, unit, tuple(columns), begin, max(e.end for e in entries), tuple(entries))
        )
    return tuple(tables)


def find_tables(
    text: str,
    pdf_grids: Sequence[tuple[int, Sequence[Sequence[str]]]] = (),
    page_starts: Sequence[int] = (),
) -> tuple[Table, ...]:
    """Every table of a report's cleaned text: PDF grids (page index, rows) found again on
    their page, else the text's own tab, ``|`` or space-separated grids."""
    if pdf_grids and page_starts:
        grids: list[Grid] = []
        for page, rows in pdf_grids:
            if not 0 <= page < len(page_starts):
                continue
            end = page_starts[page + 1] if page + 1 < len(page_starts) else len(text)
            grids.append(locate_grid(text, page_starts[page], end, rows))
        return tables_of(text, grids, spans_known=True)
    return tables_of(text, text_grids(text))
