"""pdfplumber's ruled tables (`pdf_grids`) on the pages of a PDF whose text looks tabular."""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path
from typing import Any

from qa.ingest.load_limits import LoadLimits
from qa.ingest.pdf_unwrap import FIGURES

logger = logging.getLogger(__name__)

# A page is looked at for tables when this many of its lines hold two figures or more.
_TABLE_LINES = 2

# One PDF table: its page (0-based) and its rows of cells; a cell that spans columns of a
# header row is repeated in each, a cell merged from the row above is "".
PdfGrid = tuple[int, tuple[tuple[str, ...], ...]]


def _looks_tabular(page: str) -> bool:
    rows = sum(1 for line in page.split("\n") if len(FIGURES.findall(line)) >= 2)
    return rows >= _TABLE_LINES


# Share of the per-file time budget after which no more tables are read: the text comes first.
_TABLE_BUDGET_SHARE = 0.5


def pdf_grids(
    path: Path,
    data: bytes,
    pages: list[str],
    limits: LoadLimits,
    started: float | None = None,
) -> tuple[PdfGrid, ...]:
    """pdfplumber's ruled tables on the pages whose text looks tabular; a page it cannot
    read keeps its text and loses only its grid. Tables are read only until half the file's
    time budget (counted from ``started``) is spent, so the file itself never runs out."""
    wanted = [i for i, page in enumerate(pages) if _looks_tabular(page)]
    if not wanted:
        return ()
    import pdfplumber

    # pdfminer warns once per glyph of a font without a bounding box (Chromium's PDFs): noise
    # to a user indexing reports, and the text and grids come out the same
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    grids: list[PdfGrid] = []
    started = time.monotonic() if started is None else started
    seconds = limits.parse_timeout_s * _TABLE_BUDGET_SHARE
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in wanted:
                if 0 < seconds < time.monotonic() - started:
                    logger.warning("%s: tables from page %d on not read (time limit)", path, i + 1)
                    break
                grids += [(i, rows) for rows in _page_grids(pdf.pages[i])]
                pdf.pages[i].flush_cache()
    except Exception:  # pdfminer raises many kinds on odd files: the text stands alone
        logger.warning("%s: cannot read its tables", path)
        logger.debug("pdfplumber failed", exc_info=True)
    return tuple(grids)


def _page_grids(page: Any) -> list[tuple[tuple[str, ...], ...]]:
    found: list[tuple[tuple[str, ...], ...]] = []
    for table in page.find_tables():
        texts = table.extract()
        lefts = _column_lefts(table)
        rows: list[tuple[str, ...]] = []
        spans: dict[int, tuple[float, str]] = {}  # column → (bottom, label) of a cell above
        for row, cells in zip(table.rows, texts, strict=True):
            spread = _fill_down(row, _spread(row.cells, cells, lefts), spans)
            rows.append(spread)
        if len(rows) >= 2 and len(lefts) >= 2:
            found.append(tuple(rows))
    return found


def _fill_down(
    row: Any, cells: tuple[str, ...], spans: dict[int, tuple[float, str]]
) -> tuple[str, ...]:
    """A row's missing label cells that a label cell above reaches down to take its text
    (（三）不予公开 › 5.属于三类内部事务信息), as a web page's table gives them
    (:mod:`qa.ingest.markup_tables`); figures spanning rows are said once."""
    out = list(cells)
    top = row.bbox[1]
    for j, box in enumerate(row.cells[: len(out)]):
        if box is not None:
            text = out[j]
            spans[j] = (box[3], text if text and not FIGURES.fullmatch(f" {text} ") else "")
        elif not out[j] and j in spans and spans[j][0] > top + 1:
            out[j] = spans[j][1]
    return tuple(out)


def _column_lefts(table: Any) -> list[float]:
    width = max((len(r.cells) for r in table.rows), default=0)
    lefts = [
        min((r.cells[j][0] for r in table.rows if j < len(r.cells) and r.cells[j]), default=0.0)
        for j in range(width)
    ]
    return lefts


def _spread(boxes: list[Any], cells: list[str | None], lefts: list[float]) -> tuple[str, ...]:
    """A row's cell texts, one per column; a header cell spanning columns fills each."""
    out = [(c or "").replace("\n", "") if c is not None else "" for c in cells]
    if any(FIGURES.search(f" {c} ") for c in out):
        return tuple(out)  # a row of figures: a spanning label stays in its first column
    for j, box in enumerate(boxes):
        if box is None or not out[j]:
            continue
        for k in range(j + 1, len(lefts)):
            if boxes[k] is None and lefts[k] < box[2] - 1:
                out[k] = out[j]
    return tuple(out)
