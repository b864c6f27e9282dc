"""Tables laid out one cell to a line, as a web page's table often is when saved as text: a
row's label on one line (or on several: 三、本年度办理结果 / （一）予以公开), then each of its
values on a line of its own, the header cells above the first row, a word sometimes split into
a line per character (自 / 然 / 人).

Consecutive short lines are read as rows of a label and the values after it; rows of as many
values in a row make a table. The lines above its first row are its headers: the last of them
name its columns when there are as many as it has values (本年制发件数 / 本年废止件数 /
现行有效件数), else the columns stay unnamed (unless the table's layout is fixed by a national
format: :mod:`qa.ingest.table_layouts`).
"""

from __future__ import annotations

import re
from itertools import groupby

from qa.ingest.table_grids import (
    BRACKETED,
    VALUE,
    Cell,
    Grid,
    is_value,
    line_spans,
    split_cells,
    trimmed_cell,
)
from qa.ingest.table_layouts import layout_of

SHORT = 40  # a line of a table cell is no longer than this
_PROSE = re.compile(r"[。；;！!？?]")
# A clause mark outside brackets: a sentence broken over lines (年，我局共受理依申请公开 / 4 /
# 件，…), not a cell, whose note in brackets may hold one (部分公开（区分处理的，只计…）).
_CLAUSE = re.compile(r"[，,]")
# What a line goes on with after a number alone on the line before, in a broken sentence
# (2021 / 年政务公开…; 〔 / 2021 / 〕12号).
_UNIT_START = frozenset("年月日件条项个名次人万亿元%〕）)》”")
_VALUE_LINE = re.compile(rf"^[ \t\u3000]*{VALUE.pattern}[ \t\u3000]*$", re.MULTILINE)
# A row's label and its one value on one line, one space apart, as PDF text gives a two-column
# table (行政许可 97): words only, then the value alone at the line's end.
_LABELLED_VALUE = re.compile(rf"([\u4e00-\u9fff（）()、]{{2,}}) ({VALUE.pattern})")
_LABELLED_LINE = re.compile(rf"^[ \t\u3000]*{_LABELLED_VALUE.pattern}[ \t\u3000]*$", re.MULTILINE)
MIN_ROWS = 2  # rows of one value each make a table only this many at least
Row = tuple[list[Cell], list[Cell]]  # label lines, value lines


def line_grids(text: str) -> list[Grid]:
    """The grids of the text's tables of one cell to a line, in text order."""
    grids: list[Grid] = []
    if not (_VALUE_LINE.search(text) or _LABELLED_LINE.search(text)):
        return grids
    for run in _runs(text):
        rows = _rows(run)
        for width, group in groupby(rows, key=lambda row: len(row[1])):
            grid = _grid(list(group), width)
            if grid:
                grids.append(grid)
    return grids


def _runs(text: str) -> list[list[Cell]]:
    """Runs of consecutive short lines that are no sentence and no row of split cells."""
    runs: list[list[Cell]] = [[]]
    for start, end in line_spans(text):
        body = text[start:end].strip()
        if not body:
            continue
        if runs[-1] and body[0] in _UNIT_START and is_value(runs[-1][-1].text):
            runs[-1].pop()  # 2021 / 年政务公开…: a number of a sentence broken at it
            body = "。"
        if (
            len(body) > SHORT
            or _PROSE.search(body)
            or _CLAUSE.search(BRACKETED.sub("", body))
            or split_cells(text, start, end)
        ):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1] += _line_cells(text, start, end)
    return [run for run in runs if any(is_value(c.text) for c in run)]


def _line_cells(text: str, start: int, end: int) -> list[Cell]:
    """A short line as one cell, or as a label and its value (行政许可 97)."""
    cell = trimmed_cell(text, start, end)
    m = _LABELLED_VALUE.fullmatch(cell.text)
    if not m:
        return [cell]
    at = cell.start
    return [Cell(m.group(1), at, at + m.end(1)), Cell(m.group(2), at + m.start(2), cell.end)]


def _rows(run: list[Cell]) -> list[Row]:
    rows: list[Row] = []
    labels: list[Cell] = []
    values: list[Cell] = []
    for cell in run:
        if is_value(cell.text):
            values.append(cell)
            continue
        if values:
            rows.append((labels, values))
            labels, values = [], []
        labels.append(cell)
    if values:
        rows.append((labels, values))
    return rows


def _grid(rows: list[Row], width: int) -> Grid:
    """The rows of ``width`` values as a grid: a header row when the lines above the first
    row name as many columns, then each row's label (its lines as one path) and values."""
    if width == 1 and len(rows) < MIN_ROWS:
        return []
    texts = [c.text for labels, _ in rows for c in labels]
    layout = layout_of(width, texts)
    if width > 1 and len(rows) < MIN_ROWS and layout is None:
        return []
    first_labels, first_values = rows[0]
    heads = _joined(first_labels)
    if width == 1:  # label lines all: 第二十条第（五）项·信息内容·本年处理决定数量·行政许可
        label, heads = first_labels, []
    elif (layout is None or layout.row_labels) and heads:
        label, heads = first_labels[-1:], heads[:-1]
    else:
        label = []
    grid: Grid = []
    if len(heads) >= width:  # 信息内容 | 本年制发件数 | 本年废止件数 | …
        corner = heads[-width - 1] if len(heads) > width else Cell("")
        grid.append([corner, *heads[-width:]])
    elif layout is not None and heads:  # too few to name its columns: they say its layout
        grid.append([Cell(""), *heads])
    grid.append([_label(label), *first_values])
    grid += [[_label(labels), *values] for labels, values in rows[1:]]
    return grid


def _joined(cells: list[Cell]) -> list[Cell]:
    """Header lines with a word split a character to a line joined again (自/然/人 → 自然人)."""
    merged: list[Cell] = []
    run: list[Cell] = []
    for cell in [*cells, Cell("")]:
        if len(cell.text) == 1:
            run.append(cell)
            continue
        if run:
            merged.append(Cell("".join(c.text for c in run), run[0].start, run[-1].end))
            run = []
        if cell.text:
            merged.append(cell)
    return merged


def _label(lines: list[Cell]) -> Cell:
    """A row's label lines as one cell: their texts as a path, the last line's span."""
    if not lines:
        return Cell("")
    return Cell("·".join(c.text for c in lines), lines[-1].start, lines[-1].end)
