"""Load stage, .pdf part: the text layer of every page via pypdf, and the ruled tables of
the pages that look like tables via pdfplumber (their cells, for qa/tables.py)."""

from __future__ import annotations

import io
import logging
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from qa.errors import ReportFormatError
from qa.ingest.load_limits import MB, LoadLimits, check_text_size, over_limit
from qa.ingest.load_text import _error, _is_bad_char, _normalise_newlines

logger = logging.getLogger(__name__)

_OCR_FIX = (
    "请先用 OCR 软件（如 WPS、Adobe Acrobat 的“识别文字”）转换为带文字层的 PDF 或 .docx 后重试。"
)
_MAX_GARBLED = 0.3
# A page is looked at for tables when this many of its lines hold two figures or more.
_TABLE_LINES = 2
_FIGURES = re.compile(r"(?:^|\s)[-+]?[\d,]+(?:\.\d+)?%?(?=\s|$)")

# One PDF table: its page (0-based) and its rows of cells; a cell that spans columns of a
# header row is repeated in each, a cell merged from the row above is "".
PdfGrid = tuple[int, tuple[tuple[str, ...], ...]]


def _read_pdf(
    path: Path, data: bytes, limits: LoadLimits
) -> tuple[str, tuple[int, ...], tuple[PdfGrid, ...]]:
    """Text layer of every page joined by "\\n"; page_starts holds each page's offset;
    the grids of the pages' ruled tables."""
    if b"%PDF-" not in data[:1024]:
        raise _error(path, "不是有效的 PDF 文件", "请确认文件完整，或重新导出为 PDF 后重试。")
    if b"%%EOF" not in data[-2048:]:
        raise _error(
            path, "PDF 文件不完整（缺少结尾标记，可能下载中断）", "请重新下载或重新导出后重试。"
        )
    started = time.monotonic()
    pages = _pdf_page_texts(path, data, limits)
    if not "".join(pages).strip():
        raise _error(path, "PDF 没有文字层（可能是扫描件，需要 OCR）", _OCR_FIX)
    if _garbled_share("".join(pages)) > _MAX_GARBLED:
        raise _error(path, "PDF 的文字层无法解码（字体缺少 Unicode 映射），需要 OCR", _OCR_FIX)
    empty = [i + 1 for i, page in enumerate(pages) if not page.strip()]
    if empty:
        logger.warning("%s: pages without a text layer (scanned?): %s", path, empty)
    starts: list[int] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1
    return "\n".join(pages), tuple(starts), pdf_grids(path, data, pages, limits, started)


# A line the page's layout broke, not the text: long, ending inside a sentence, followed by a
# line that starts flush left with no heading number (政府采购服务预算\n983.05万元。).
_WRAP_SHARE = 0.6  # of the page's longest line
_MIN_WIDTH = 30  # characters: a page whose longest line is shorter (a cover) has no wraps
_SENTENCE_END = tuple("。！？；：:!?;")
_STARTS_ITEM = re.compile(
    r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d)|第[一二三四五六七八九十]|[•·●○■□◆\-—])"
)


def unwrap(page: str, width: int | None = None) -> str:
    """The page's text with the line breaks of its layout joined (PDF text, or a PDF's text
    saved as .txt: ``width`` its line width): a sentence that runs on to the next line reads
    as one. Table rows (two figures or more) stay apart."""
    lines = page.split("\n")
    widest = (
        max(width, _MIN_WIDTH) if width else max((len(line.strip()) for line in lines), default=0)
    )
    out: list[str] = []
    for line in lines:
        if out and _runs_on(out[-1], line, widest):
            out[-1] = out[-1].rstrip() + line
        else:
            out.append(line)
    return "\n".join(out)


WRAPPED_SHARE = 0.2  # of a text's lines at one width, ending no sentence: a PDF's layout
WRAPPED_MIN_WIDTH = 20
WRAPPED_MIN_LINES = 20


def layout_width(text: str) -> int | None:
    """The line width of a PDF's text saved as plain text (one in five lines or more share
    it, ±1 character, and end no sentence), else None."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    widths = Counter(
        len(line)
        for line in lines
        if len(line) >= WRAPPED_MIN_WIDTH and not line.endswith(_SENTENCE_END)
    )
    if len(lines) < WRAPPED_MIN_LINES or not widths:
        return None
    width = widths.most_common(1)[0][0]
    near = sum(n for w, n in widths.items() if abs(w - width) <= 1)
    return width + 1 if near >= WRAPPED_SHARE * len(lines) else None


def _runs_on(previous: str, line: str, widest: int) -> bool:
    before = previous.rstrip()
    if not before or not line or line[0].isspace() or before.endswith(_SENTENCE_END):
        return False
    if widest < _MIN_WIDTH or len(before.strip()) < _WRAP_SHARE * widest:
        return False
    if _STARTS_ITEM.match(line):
        return False
    rest = line.rstrip()
    if len(rest) < _WRAP_SHARE * widest and not rest.endswith(_SENTENCE_END + ("”", "）", ")")):
        return False  # a short line that ends no sentence: a name or a caption, not a tail
    return not _table_row(previous) and not _table_row(line)


def _table_row(line: str) -> bool:
    """Two figures or more and more figures than words: a table's row (一般公共服务支出
    1,234.00 567.00), not a sentence that counts (规章 22 件、规范性文件 34 件、…)."""
    figures = _FIGURES.findall(line)
    if len(figures) < 2:
        return False
    words = len(re.findall(r"[\u4e00-\u9fff]", line))
    return words < sum(len(f.strip()) for f in figures)


def _looks_tabular(page: str) -> bool:
    rows = sum(1 for line in page.split("\n") if len(_FIGURES.findall(line)) >= 2)
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
            spans[j] = (box[3], text if text and not _FIGURES.fullmatch(f" {text} ") else "")
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
    if any(_FIGURES.search(f" {c} ") for c in out):
        return tuple(out)  # a row of figures: a spanning label stays in its first column
    for j, box in enumerate(boxes):
        if box is None or not out[j]:
            continue
        for k in range(j + 1, len(lefts)):
            if boxes[k] is None and lefts[k] < box[2] - 1:
                out[k] = out[j]
    return tuple(out)


def _pdf_page_texts(path: Path, data: bytes, limits: LoadLimits) -> list[str]:
    try:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _pdf_decrypt(reader):
            raise _error(path, "PDF 已加密，需要密码", "请在 PDF 阅读器中移除密码后另存，再重试。")
        _check_page_count(path, _declared_pages(reader), limits)
        raw_pages = list(reader.pages)
        _check_page_count(path, len(raw_pages), limits)
    except ReportFormatError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        logger.debug("pypdf failed on %s", path, exc_info=True)
        raise _error(
            path, f"PDF 文件已损坏（{type(exc).__name__}）", "请重新下载或重新导出后重试。"
        ) from exc
    budget = _Budget(path, limits)
    texts: list[str] = []
    for number, page in enumerate(raw_pages, start=1):
        budget.content(number, _content_size(path, page, number))
        try:
            text = page.extract_text() or ""
        except Exception:  # one bad page must not lose the others
            logger.warning("%s: cannot extract the text of page %d", path, number)
            logger.debug("pypdf page error", exc_info=True)
            text = ""
        texts.append(unwrap(_normalise_newlines(text).replace("\x00", "").rstrip("\n")))
        budget.text(len(texts[-1]) + 1)
    return texts


def _declared_pages(reader: Any) -> int:
    """The page count the document's page tree declares (/Count), read without walking it."""
    try:
        return int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except Exception:  # missing or odd: the walk below counts them
        return 0


def _check_page_count(path: Path, pages: int, limits: LoadLimits) -> None:
    if pages > limits.max_pdf_pages:
        raise over_limit(
            path, f"PDF 页数过多（{pages} 页，上限 {limits.max_pdf_pages} 页）", "max_pdf_pages"
        )


def _content_size(path: Path, page: Any, number: int) -> int:
    """Bytes of the page's content stream once decompressed (0 when it has none)."""
    try:
        contents = page.get_contents()
        return 0 if contents is None else len(contents.get_data())
    except Exception as exc:  # pypdf's own limits (LimitReachedError) or a broken stream
        import pypdf.errors

        if isinstance(exc, getattr(pypdf.errors, "LimitReachedError", ())):
            raise _error(
                path,
                f"PDF 第 {number} 页的内容超过解析上限（{exc}），可能是解压炸弹",
                "请重新导出 PDF 后重试。",
            ) from exc
        logger.debug("%s: page %d has no readable content stream", path, number, exc_info=True)
        return 0


class _Budget:
    """Time, content bytes and text characters so far, checked page by page."""

    def __init__(self, path: Path, limits: LoadLimits) -> None:
        self.path, self.limits = path, limits
        self.content_bytes = self.chars = 0
        self.started = time.monotonic()

    def content(self, number: int, size: int) -> None:
        seconds = self.limits.parse_timeout_s
        if 0 < seconds < time.monotonic() - self.started:
            raise over_limit(
                self.path,
                f"解析超过时间上限（{seconds:g} 秒，读到第 {number} 页）",
                "parse_timeout_s",
            )
        if size > self.limits.max_pdf_page_mb * MB:
            raise over_limit(
                self.path,
                f"PDF 第 {number} 页的内容过大（{size / MB:.0f} MB，"
                f"上限 {self.limits.max_pdf_page_mb} MB）",
                "max_pdf_page_mb",
                in_mb=True,
            )
        self.content_bytes += size
        limit = self.limits.max_pdf_content_mb * MB
        if self.content_bytes > limit:
            raise over_limit(
                self.path,
                f"PDF 页面内容过多（到第 {number} 页已有 {self.content_bytes / MB:.0f} MB，"
                f"上限 {self.limits.max_pdf_content_mb} MB）",
                "max_pdf_content_mb",
                in_mb=True,
            )

    def text(self, chars: int) -> None:
        self.chars += chars
        check_text_size(self.path, self.chars, self.limits)


def _pdf_decrypt(reader: Any) -> bool:
    """Open PDFs that are encrypted with an empty user password (permissions only)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # missing crypto dependency or unsupported algorithm
        logger.debug("cannot decrypt PDF", exc_info=True)
        return False


def _garbled_share(text: str) -> float:
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return 0.0
    return sum(_is_bad_char(ch) for ch in visible) / len(visible)
