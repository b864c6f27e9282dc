"""Table grids: the cells of a report's tables as they stand in its text, with offsets.

Lines of the text whose cells are split by tabs (.docx and web-page tables), by ``|`` or by
runs of spaces (plain-text tables) are a grid as they stand. A PDF's ruled tables come from
pdfplumber as rows of cell strings (:func:`qa.ingest.load_pdf.pdf_grids`) and are found again here,
row by row, in the page's text: every value as a whole token, labels where they can be found.
:mod:`qa.ingest.tables` turns grids into tables with their headers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A value cell: 96,282,213.44, 0.00, 12, -3.5, 4.6%
# A bracketed part of a cell or label: （单位：万元）, （区分处理的，只计这一情形）.
BRACKETED = re.compile(r"[（(]([^（()）]*)[）)]")
VALUE = re.compile(r"[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
_FIND_AHEAD = 6  # text lines searched for a PDF grid row after the last one found
# cells of a text line: tabs; | … | …; two or more spaces (or an ideographic space)
_SPACES = re.compile(r"[ \u3000]{2,}|\u3000")
_MARKDOWN_RULE = re.compile(r"[|:\-\s]+")
_MAYBE_ROW = re.compile(r"[\t|\u3000]| {2}")  # a line without one is no row of cells (cheap test)


@dataclass(frozen=True, slots=True)
class Cell:
    """A grid cell's text and its span in the report's text (-1, -1: not found there)."""

    text: str
    start: int = -1
    end: int = -1


Grid = list[list[Cell]]


def is_value(text: str) -> bool:
    return VALUE.fullmatch(text.strip()) is not None


# ---------------------------------------------------------------------------
# Grids from the text itself


def line_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
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


def trimmed_cell(text: str, start: int, end: int) -> Cell:
    """text[start:end] as a cell, its surrounding spaces left out of its text and span."""
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    return Cell(body, start + lead, start + lead + len(body))


def split_cells(text: str, start: int, end: int) -> list[Cell] | None:
    """The cells of one line, [] for a Markdown rule line, or None when it is not a table
    row."""
    if not _MAYBE_ROW.search(text, start, end):
        return None  # no tab, | or run of spaces: said before splitting a long text's lines
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
    cells = [trimmed_cell(text, start + a, start + b) for a, b in bounds]
    return cells if len(cells) >= 2 else None


def text_grids(text: str) -> list[Grid]:
    """Runs of two or more consecutive table-row lines holding at least one value."""
    grids: list[Grid] = []
    run: Grid = []
    for start, end in [*line_spans(text), (len(text), len(text))]:
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
    lines = [span for span in line_spans(text, start, end) if span[1] > span[0]]
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
