"""Load stage: read report files (.txt .md .docx .pdf .html) into raw text.

``read_document`` turns one file into a :class:`RawDocument` (raw text with "\\n"
line ends, the detected encoding, PDF page offsets and the file's SHA-256).
``read_overrides`` reads the sidecar metadata a user may put beside a report, and
``find_report_files`` expands folders into the report files they hold.
The format readers live in qa/load_text.py (.txt/.md, encodings), qa/load_docx.py,
qa/load_pdf.py and qa/load_html.py.

Every failure on bad input is a :class:`ReportFormatError` whose Chinese message
names the file, the reason and the fix; nothing here lets a parser's traceback out.
The limits of qa/load_limits.py (file size, zip members, pages, nesting, line length, text
size; regular files only) are checked before each parser runs; qa/load_worker.py runs the
whole load of a file in a child process with a time and memory budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.ingest.load_docx import _read_docx
from qa.ingest.load_html import _read_html
from qa.ingest.load_limits import (
    DEFAULT_LIMITS,
    MB,
    LoadLimits,
    check_language,
    check_text_size,
    path_kind,
    read_file_bytes,
)
from qa.ingest.load_pdf import PdfGrid, _read_pdf, layout_width, unwrap
from qa.ingest.load_text import (
    _decode_bytes,
    _error,
    _markdown_heading,
    _normalise_newlines,
    _read_text,
    _strip_markdown_headings,
)

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
SIDECAR_SUFFIX = ".meta.toml"
FOLDER_SIDECAR = "reports.toml"
SIDECAR_MAX_BYTES = 1024 * 1024
OVERRIDE_KEYS = (
    "title",
    "agency",
    "region",
    "year",
    "signed",
    "doc_number",
    "kind",
    "covers",
    "plans",
    "speaker",
)
_YEAR_KEYS = ("year", "covers", "plans")

_SUPPORTED_TEXT = " ".join(SUPPORTED_SUFFIXES)
_CONVERT_FIX = "请另存为 .docx 或 .pdf 后重试。"
_LEGACY_OFFICE = (".doc", ".wps", ".rtf", ".odt", ".xls", ".xlsx", ".ppt", ".pptx")


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One report file as extracted text, before cleaning."""

    path: Path
    text: str
    encoding: str | None
    page_starts: tuple[int, ...]
    sha256: str
    # tables as (page index, rows): a PDF's ruled tables (qa.ingest.load_pdf.pdf_grids) or a web
    # page's or .docx's (qa.ingest.markup_tables; page -1: the whole text)
    grids: tuple[PdfGrid, ...] = ()


# ---------------------------------------------------------------------------
# read_document


def read_document(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> RawDocument:
    """Read one report file; raise ReportFormatError when it cannot be read.

    ``limits`` (default: the Settings defaults) are checked before each parser runs: file
    size, zip members and sizes of a .docx, pages and content of a PDF, size and nesting of
    HTML, line length of .txt/.md, and the extracted text's length.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        fix = _CONVERT_FIX if suffix in _LEGACY_OFFICE else "请转换为支持的格式后重试。"
        shown = f" {suffix}" if suffix else "（无扩展名）"
        raise _error(path, f"不支持的格式{shown}（支持 {_SUPPORTED_TEXT}）", fix)
    data = read_file_bytes(path, limits.max_file_mb * MB)
    if not data.strip():
        raise _error(path, "文件为空", "请确认文件内容完整后重试。")
    text, encoding, page_starts, grids = _extract(path, suffix, data, limits)
    if not text.strip():
        raise _error(path, "没有可读取的文字", "请确认文件内容完整后重试。")
    check_text_size(path, len(text), limits)
    check_language(path, text)
    sha = hashlib.sha256(data).hexdigest()
    logger.debug("read %s: %d chars, encoding=%s", path, len(text), encoding)
    return RawDocument(path, text, encoding, page_starts, sha, grids)


def _extract(
    path: Path, suffix: str, data: bytes, limits: LoadLimits
) -> tuple[str, str | None, tuple[int, ...], tuple[PdfGrid, ...]]:
    """(text, detected encoding, PDF page offsets, tables) of the file's bytes."""
    if suffix in (".txt", ".md"):
        if len(data) > 4 * limits.max_text_chars:  # 4 bytes a character at most (UTF-32)
            check_text_size(path, len(data) // 4, limits)
        text, encoding = _read_text(path, data, limits.max_line_chars)
        if suffix == ".md" or _looks_like_markdown(text):
            text = _strip_markdown_headings(text)
        width = layout_width(text)  # a PDF's text saved as .txt: its line breaks joined
        return (unwrap(text, width) if width else text), encoding, (), ()
    if suffix == ".docx":
        text, laid = _read_docx(path, data, limits)
        return text, None, (), tuple((-1, rows) for rows in laid)
    if suffix == ".pdf":
        text, page_starts, grids = _read_pdf(path, data, limits)
        return text, None, page_starts, grids
    text, encoding, laid = _read_html(path, data, limits)
    return text, encoding, (), tuple((-1, rows) for rows in laid)


MARKDOWN_HEADINGS = 2  # a .txt with this many ``## 一、…`` lines is Markdown saved as text


def _looks_like_markdown(text: str) -> bool:
    """A .txt exported from Markdown (a PDF converted to ``# title`` / ``## 一、…``)."""
    found = 0
    for line in text.split("\n"):
        if line.startswith("#") and _markdown_heading(line):
            found += 1
            if found >= MARKDOWN_HEADINGS:
                return True
    return False


# ---------------------------------------------------------------------------
# Sidecar overrides

_KEYS_TEXT = " ".join(OVERRIDE_KEYS)
_SIDECAR_FIX = f"可用的键：{_KEYS_TEXT}（year 为整数，signed 为 YYYY-MM-DD）。请修改后重试。"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_OVERRIDE_CHARS = 200  # a title or an agency name; longer is not metadata


def read_overrides(path: Path) -> dict[str, object]:
    """Metadata overrides for report ``path`` from its sidecars; {} when there are none.

    ``reports.toml`` in the report's folder may hold a table per file name
    (``["report.docx"]``); ``report.docx.meta.toml`` beside the file holds flat keys
    and wins key by key. Values are validated: year is an int, signed a YYYY-MM-DD
    string, the other keys non-empty strings.
    """
    path = Path(path)
    result: dict[str, object] = {}
    folder_file = path.parent / FOLDER_SIDECAR
    if folder_file.is_file():
        section = _folder_section(folder_file, _load_toml(folder_file), path.name)
        if section is not None:
            result.update(_validate_overrides(folder_file, section, f'["{path.name}"] 中'))
    own_file = path.with_name(path.name + SIDECAR_SUFFIX)
    if own_file.is_file():
        result.update(_validate_overrides(own_file, _load_toml(own_file), ""))
    if result:
        logger.debug("overrides for %s: %s", path, sorted(result))
    return result


def _load_toml(sidecar: Path) -> dict[str, Any]:
    data = read_file_bytes(sidecar, SIDECAR_MAX_BYTES, setting=None)
    decoded = _decode_bytes(data)
    if decoded is None:
        raise _error(sidecar, "无法识别文字编码", "请另存为 UTF-8 编码后重试。")
    try:
        return tomllib.loads(_normalise_newlines(decoded[0]))
    except tomllib.TOMLDecodeError as exc:
        raise _error(sidecar, f"TOML 格式错误（{exc}）", _SIDECAR_FIX) from exc


def _folder_section(sidecar: Path, data: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The table for file ``name``; also accepts the unquoted ``[report.docx]`` form."""
    section: Any = data.get(name)
    if section is None:
        section = data
        for part in name.split("."):
            section = section.get(part) if isinstance(section, dict) else None
    if section is None:
        return None
    if not isinstance(section, dict):
        raise _error(sidecar, f'["{name}"] 应是一个表（table）', _SIDECAR_FIX)
    return section


def _validate_overrides(sidecar: Path, values: dict[str, Any], where: str) -> dict[str, object]:
    unknown = sorted(set(values) - set(OVERRIDE_KEYS))
    if unknown:
        raise _error(sidecar, f"{where}未知的键 {'、'.join(unknown)}", _SIDECAR_FIX)
    result: dict[str, object] = {}
    for key, value in values.items():
        checked = _check_value(key, value)
        if checked is None:
            raise _error(sidecar, f"{where}{key} 的值 {value!r} 无效", _SIDECAR_FIX)
        result[key] = checked
    return result


def _check_value(key: str, value: Any) -> object | None:
    """The normalised value, or None when it is invalid for ``key``."""
    if key in _YEAR_KEYS:
        ok = isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200
        return value if ok else None
    if key == "signed":
        if isinstance(value, dt.datetime):
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str) and _DATE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                return None
        return None
    if isinstance(value, str) and value.strip() and len(value) <= _MAX_OVERRIDE_CHARS:
        return value.strip()
    return None


# ---------------------------------------------------------------------------
# find_report_files


def find_report_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into report files: recursive, sorted, supported suffixes only.

    Files named explicitly are kept as given (read_document reports an unsupported
    one). Inside folders, hidden files and folders, Office lock files (``~$*``),
    ``*.meta.toml``, ``reports.toml`` and README/LICENSE notes are skipped. Duplicates are dropped. Paths
    that do not exist are skipped with a logged warning (the caller reports them).
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        kind = path_kind(given)
        if kind == "dir":
            candidates = _walk_folder(given)
        elif kind == "file":
            candidates = [given]
        else:
            logger.warning("no such file or folder: %s", given)
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk_folder(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(Path(root) / name for name in names if _is_report_name(name))
    return sorted(files, key=lambda p: p.relative_to(folder).parts)


def _is_report_name(name: str) -> bool:
    lowered = name.lower()
    if name.startswith((".", "~$")) or lowered == FOLDER_SIDECAR:
        return False
    if lowered.startswith(("readme.", "license.", "licence.")):
        return False  # a folder's own notes, not a report
    if lowered.endswith(SIDECAR_SUFFIX):
        return False
    return lowered.endswith(SUPPORTED_SUFFIXES)
