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
from collections import Counter
from collections.abc import Sequence

from qa.ingest.line_tables import line_grids
from qa.ingest.table_grids import BRACKETED as BRACKETED
from qa.ingest.table_grids import Cell, Grid, is_value, locate_grid, text_grids
from qa.ingest.table_layouts import Layout, layout_of
from qa.ingest.table_titles import table_words, title_and_unit, unit_in
from qa.records import Table, TableEntry, TableValue

MAX_HEADER_ROWS = 4
HEADER_FILL = 0.6  # a header row inside a table fills this share of its columns at least


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
    words = table_words()
    parts = name.split("·")
    return any(w in name for w in words.code_words) or bool(parts and parts[-1] in words.code_exact)


def _entries(rows: Grid, columns: list[str], layout: Layout | None = None) -> list[TableEntry]:
    """Each row's values grouped under the label cells just left of them, read as a path
    (三、本年度办理结果·（三）不予公开·1.属于国家秘密); a group of a fixed layout's width has
    its values named by the layout's columns, wherever they stand in the row."""
    code = [_is_code_column(c) for c in columns]
    entries: list[TableEntry] = []
    for row in rows:
        labels: list[Cell] = []
        values: list[tuple[Cell, str]] = []
        for j, cell in enumerate(row):
            if not cell.text or _RULE.fullmatch(cell.text):
                continue
            if not is_value(cell.text):
                if values:
                    entries += _entry(labels, _named(values, layout), layout)
                    labels, values = [], []
                labels.append(cell)
            elif cell.start >= 0 and not (j < len(code) and code[j]):
                values.append((cell, columns[j] if j < len(columns) else ""))
        entries += _entry(labels, _named(values, layout), layout)
    return entries


def _named(values: list[tuple[Cell, str]], layout: Layout | None) -> list[tuple[Cell, str]]:
    if layout is None or len(values) != layout.width:
        return values
    return [(cell, name) for (cell, _), name in zip(values, layout.columns, strict=True)]


def _entry(
    labels: list[Cell], values: list[tuple[Cell, str]], layout: Layout | None = None
) -> list[TableEntry]:
    if not values:
        return []
    found = [c.start for c in labels if c.start >= 0]
    start = found[-1] if found else values[0][0].start
    parts = [p for p in (re.sub(r"\s+", "", c.text) for c in labels) if p]
    path = dict.fromkeys(layout.row_path(parts) if layout is not None else parts)
    cells = tuple(TableValue(column, c.start, c.end) for c, column in values)
    return [TableEntry("·".join(p for p in path if p), start, values[-1][0].end, cells)]


def _values_a_row(grid: Grid) -> int:
    """The most common number of values after a row's label (a line of text may hold two rows
    run together)."""
    counts: Counter[int] = Counter()
    for row in grid:
        texts = [c.text for c in row if c.text and not _RULE.fullmatch(c.text)]
        runs = re.findall(r"v+", "".join("v" if is_value(t) else "l" for t in texts))
        counts.update(len(run) for run in runs)
    return counts.most_common(1)[0][0] if counts else 0


_RULE = re.compile(r"[-:|\s]*")  # a Markdown rule's cell (---) labels nothing


def _first_offset(grid: Grid) -> int:
    return min((c.start for row in grid for c in row if c.start >= 0), default=-1)


def is_total(label: str) -> bool:
    """A row that sums up its table: 合计, 本年收入合计, 支出总计."""
    return any(label.startswith(w) or label.endswith(w) for w in table_words().total_words)


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
    while grid and (stated := unit_in(line := " ".join(c.text for c in grid[0]))):
        if not unit_in(BRACKETED.sub("", line)):
            return unit or stated, grid  # 本年收费金额（单位：万元）: a header cell's unit
        unit, grid = stated, grid[1:]  # 编制部门：…\t单位：元 is said of the table, not in it
    return unit, grid


def _continued(previous: Table, grid: Grid) -> Table:
    """``previous`` with the values of ``grid``, its continuation, added (as it was if none)."""
    texts = [c.text for row in grid for c in row] + [e.label for e in previous.entries]
    entries = _entries(grid, list(previous.columns), layout_of(_values_a_row(grid), texts))
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
        layout = layout_of(_values_a_row(grid), [c.text for row in grid for c in row])
        if layout is not None:
            columns = [*columns[: width - layout.width], *layout.columns][-width:]
        entries = _entries(grid[n:], columns, layout)
        if not entries:
            continue
        title, above = title_and_unit(text, begin, grid[:n] if spans_known else [])
        title = titles.get(g) or title
        if layout is not None and layout.name not in title:
            title = layout.name  # the format's name, not a garbled header cell above it
        unit = layout.unit if layout is not None else unit
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
    found = text_grids(text) + line_grids(text)
    return tables_of(text, sorted(found, key=_first_offset))
