"""Load stage, tables of marked-up files (.html, .docx): cells that span rows and columns laid
out on a grid, in the convention of a PDF's ruled tables (:func:`qa.ingest.load_pdf.pdf_grids`).

A header cell that spans columns fills each of them (申请人情况 over 自然人 … 总计); in a row
of figures a label spanning columns stays in its first. A label spanning rows fills the rows
below it, so a row is named by its whole path (三、本年度办理结果 › （三）不予公开 ›
1.属于国家秘密); a figure spanning rows is said once. :mod:`qa.ingest.table_grids` finds the grid's
rows again in the text and :mod:`qa.ingest.tables` names its columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.ingest.table_grids import is_value

MAX_SPAN = 60  # a colspan/rowspan beyond this is a broken page, not a table
_CJK_GAP = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) (?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)

Rows = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class SpanCell:
    """One cell as marked up: its text, the columns and rows it spans; ``merged``: it
    continues the cell above (a .docx vMerge)."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    merged: bool = False


def cell_line(parts: Sequence[str]) -> str:
    """A cell's lines as one: joined by a space, none between two Chinese characters
    (本年新<br>制作数量 → 本年新制作数量)."""
    joined = " ".join(p.strip() for p in parts if p.strip())
    return _CJK_GAP.sub("", re.sub(r"\s+", " ", joined))


def _span(value: object) -> int:
    try:
        number = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SPAN)


def span_cell(
    text: str, colspan: object = 1, rowspan: object = 1, merged: bool = False
) -> SpanCell:
    """A cell with its spans read from markup attributes (missing or broken: 1)."""
    return SpanCell(text, _span(colspan), _span(rowspan), merged)


def lay_out(rows: Sequence[Sequence[SpanCell]]) -> Rows:
    """The rows on a grid, one text per column (see the module's docstring)."""
    placed: dict[tuple[int, int], tuple[str, bool, bool]] = {}  # text, across, down
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in placed:
                c += 1
            text, down = cell.text, False
            if cell.merged and (r - 1, c) in placed:
                text, down = placed[(r - 1, c)][0], True
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    placed.setdefault((r + dr, c + dc), (text, dc > 0, down or dr > 0))
            c += cell.colspan
    width = max((c + 1 for _, c in placed), default=0)
    laid: list[tuple[str, ...]] = []
    for r in range(len(rows)):
        cells = [placed.get((r, c), ("", False, False)) for c in range(width)]
        figures = any(is_value(t) for t, across, down in cells if not across and not down)
        laid.append(tuple(_shown(text, across, down, figures) for text, across, down in cells))
    return tuple(laid)


def _shown(text: str, across: bool, down: bool, figures: bool) -> str:
    if down:
        return "" if is_value(text) else text
    if across:
        return "" if figures else text
    return text
