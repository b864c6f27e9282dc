"""Load stage, .pdf part: the text layer of every page via pypdf (layout line breaks joined by
qa/ingest/pdf_unwrap.py), and the ruled tables of the pages that look like tables via pdfplumber
(qa/ingest/pdf_tables.py: their cells, for qa/tables.py)."""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path
from typing import Any

from qa.errors import ReportFormatError
from qa.ingest.load_limits import MB, LoadLimits, check_text_size, over_limit
from qa.ingest.load_text import _error, _is_bad_char, _normalise_newlines

# Re-exported: qa.ingest.load imports them from here.
from qa.ingest.pdf_tables import PdfGrid as PdfGrid
from qa.ingest.pdf_tables import pdf_grids as pdf_grids
from qa.ingest.pdf_unwrap import layout_width as layout_width
from qa.ingest.pdf_unwrap import unwrap as unwrap

logger = logging.getLogger(__name__)

_OCR_FIX = (
    "请先用 OCR 软件（如 WPS、Adobe Acrobat 的“识别文字”）转换为带文字层的 PDF 或 .docx 后重试。"
)
_MAX_GARBLED = 0.3


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
