"""Load stage: read report files (.txt .md .docx .pdf .html) into raw text.

``read_document`` turns one file into a :class:`RawDocument` (raw text with "\\n"
line ends, the detected encoding, PDF page offsets and the file's SHA-256).
``read_overrides`` reads the sidecar metadata a user may put beside a report, and
``find_report_files`` expands folders into the report files they hold.

Every failure on bad input is a :class:`ReportFormatError` whose Chinese message
names the file, the reason and the fix; nothing here lets a parser's traceback out.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import re
import tomllib
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import ReportFormatError

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
SIDECAR_SUFFIX = ".meta.toml"
FOLDER_SIDECAR = "reports.toml"
OVERRIDE_KEYS = ("title", "agency", "region", "year", "signed", "doc_number")

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


def _error(path: Path, reason: str, fix: str) -> ReportFormatError:
    """Build the user-facing error: file, reason, fix."""
    return ReportFormatError(f"无法读取 {path}：{reason}。{fix}")


# ---------------------------------------------------------------------------
# read_document


def read_document(path: Path) -> RawDocument:
    """Read one report file; raise ReportFormatError when it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        fix = _CONVERT_FIX if suffix in _LEGACY_OFFICE else "请转换为支持的格式后重试。"
        shown = f" {suffix}" if suffix else "（无扩展名）"
        raise _error(path, f"不支持的格式{shown}（支持 {_SUPPORTED_TEXT}）", fix)
    data = _read_bytes(path)
    if not data.strip():
        raise _error(path, "文件为空", "请确认文件内容完整后重试。")
    encoding: str | None = None
    page_starts: tuple[int, ...] = ()
    if suffix in (".txt", ".md"):
        text, encoding = _read_text(path, data)
        if suffix == ".md":
            text = _strip_markdown_headings(text)
    elif suffix == ".docx":
        text = _read_docx(path, data)
    elif suffix == ".pdf":
        text, page_starts = _read_pdf(path, data)
    else:
        text, encoding = _read_html(path, data)
    if not text.strip():
        raise _error(path, "没有可读取的文字", "请确认文件内容完整后重试。")
    sha = hashlib.sha256(data).hexdigest()
    logger.debug("read %s: %d chars, encoding=%s", path, len(text), encoding)
    return RawDocument(path, text, encoding, page_starts, sha)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise _error(path, "文件不存在", "请检查路径后重试。")
    if path.is_dir():
        raise _error(
            path,
            "这是一个文件夹而不是文件",
            "请指定报告文件，或使用 find_report_files 展开文件夹。",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _error(
            path, f"无法打开文件（{exc.strerror or exc}）", "请检查文件权限后重试。"
        ) from exc


def _normalise_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for separator in ("\v", "\f", "\u2028", "\u2029"):  # Word line breaks, page feeds
        text = text.replace(separator, "\n")
    return text.removeprefix("\ufeff")


# ---------------------------------------------------------------------------
# Encoding detection

# (BOM, codec for the bytes after it, reported name); UTF-32 before UTF-16 (same prefix).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# GB18030 is a superset of GBK and GB2312; cp950 and big5hkscs extend Big5.
_CHINESE_CANDIDATES = ("gb18030", "big5", "cp950", "big5hkscs")
_MIN_PLAUSIBILITY = 0.5  # real Chinese text scores ~1.0, mis-decodings 0.3-0.75


@functools.cache
def _common_chars() -> frozenset[str]:
    """Characters of GB2312 (all rows) and Big5 symbols plus level 1: everyday Chinese."""
    chars: set[str] = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            chars.update(bytes((lead, trail)).decode("gb2312", errors="ignore"))
    for lead in range(0xA1, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            chars.update(bytes((lead, trail)).decode("big5", errors="ignore"))
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width forms
    return frozenset(chars)


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r\f\v" and unicodedata.category(ch) == "Cc"


def _is_bad_char(ch: str) -> bool:
    """Control, replacement or private-use characters: signs of an undecodable text layer."""
    return ch == "\ufffd" or _is_control(ch) or unicodedata.category(ch) in ("Co", "Cs")


def _is_binary_text(text: str) -> bool:
    """More than 1% control characters: the bytes were not text in the first place."""
    return sum(map(_is_control, text)) > len(text) // 100


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that are everyday Chinese (1.0 when all ASCII).

    Replacement and private-use characters are never everyday characters, so a
    decoding that produces them loses to one that does not.
    """
    wide = [ch for ch in text if ord(ch) >= 0x80]
    if not wide:
        return 1.0
    common = _common_chars()
    return sum(ch in common for ch in wide) / len(wide)


def _strict_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _best_candidate(data: bytes, encodings: Iterable[str]) -> tuple[str, str] | None:
    """Decode with each encoding strictly; keep the most plausible Chinese result.

    The larger share of everyday characters wins; ties go to the earlier encoding.
    """
    best: tuple[float, str, str] | None = None
    for encoding in encodings:
        text = _strict_decode(data, encoding)
        if text is None or _is_binary_text(text):
            continue
        score = _plausibility(text)
        logger.debug("encoding %s plausibility %.3f", encoding, score)
        if score >= _MIN_PLAUSIBILITY and (best is None or score > best[0]):
            best = (score, text, encoding)
    return None if best is None else (best[1], best[2])


def _decode_bytes(data: bytes) -> tuple[str, str] | None:
    """Detect the encoding of Chinese text bytes; return (text, encoding) or None.

    Order: BOM, strict UTF-8, then GB18030/Big5 chosen by plausibility. Bytes with
    NUL and no BOM are tried as UTF-16 LE/BE; anything else with NUL is binary.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict_decode(data[len(bom) :], codec)
            return None if text is None or _is_binary_text(text) else (text, name)
    if b"\x00" in data:
        return _best_candidate(data, ("utf-16-le", "utf-16-be"))
    text = _strict_decode(data, "utf-8")
    if text is not None:
        return None if _is_binary_text(text) else (text, "utf-8")
    return _best_candidate(data, _CHINESE_CANDIDATES)


def _read_text(path: Path, data: bytes) -> tuple[str, str]:
    decoded = _decode_bytes(data)
    if decoded is None:
        if b"\x00" in data or _looks_binary(data):
            raise _error(
                path,
                "这不是文本文件（含二进制内容）",
                "请确认扩展名是否正确，或另存为 UTF-8 文本后重试。",
            )
        raise _error(path, "无法识别文字编码", "请用记事本等工具另存为 UTF-8 编码后重试。")
    text, encoding = decoded
    return _normalise_newlines(text), encoding


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    controls = sum(b < 0x09 or 0x0E <= b < 0x20 for b in head)
    return controls > len(head) // 100


_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _strip_markdown_headings(text: str) -> str:
    """Drop ATX heading markers (``## 一、总体情况`` → ``一、总体情况``) outside code fences."""
    lines = text.split("\n")
    in_fence = False
    for i, line in enumerate(lines):
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _MD_HEADING.match(line)
        if match:
            lines[i] = match.group(1) or ""
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not paragraph text: properties, deletions, text boxes, fallbacks.
_DOCX_SKIP = frozenset(
    (f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", _MC_FALLBACK)
)
_DOCX_CHARS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read_docx(path: Path, data: bytes) -> str:
    if data.startswith(_OLE_MAGIC):
        raise _error(
            path, "这是旧版 Word (.doc) 文件，只是扩展名为 .docx", "请用 Word 另存为 .docx 后重试。"
        )
    if not data.startswith(b"PK"):
        raise _error(
            path, "不是有效的 .docx 文件", "请确认文件完整，或用 Word 重新另存为 .docx 后重试。"
        )
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        numbering = _Numbering.from_document(document)
        lines = list(_docx_blocks(document.element.body, numbering))
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise _error(
            path, "文件已损坏或不完整", "请重新下载或用 Word 重新另存为 .docx 后重试。"
        ) from exc
    except Exception as exc:  # python-docx / lxml raise many kinds on broken packages
        logger.debug("python-docx failed on %s", path, exc_info=True)
        raise _error(
            path,
            f"无法解析 .docx（{type(exc).__name__}）",
            "请用 Word 打开并重新另存为 .docx 后重试。",
        ) from exc
    return "\n".join(line for line in lines if line.strip())


def _docx_blocks(container: Any, numbering: _Numbering) -> Iterator[str]:
    """Yield one line per paragraph and per table row, in document order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield _docx_paragraph(child, numbering)
        elif tag == f"{_W}tbl":
            yield from _docx_table(child, numbering)
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _docx_blocks(child, numbering)


def _docx_paragraph(p: Any, numbering: _Numbering) -> str:
    label = numbering.label(p)
    return label + _docx_run_text(p)


def _docx_run_text(element: Any) -> str:
    """Text of a paragraph's runs, hyperlinks and insertions; w:tab/w:br become \\t/\\n."""
    parts: list[str] = []
    stack = list(reversed(list(element)))
    while stack:
        node = stack.pop()
        tag = node.tag
        if not isinstance(tag, str) or tag in _DOCX_SKIP:
            continue
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag in _DOCX_CHARS:
            parts.append(_DOCX_CHARS[tag])
        else:
            stack.extend(reversed(list(node)))
    return "".join(parts)


def _docx_table(tbl: Any, numbering: _Numbering) -> Iterator[str]:
    """One line per row, cells joined by a tab; vertically merged continuations are empty."""
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                cells.append("")
                continue
            inner = (line.strip() for line in _docx_blocks(tc, numbering))
            cells.append(" ".join(line for line in inner if line))
        if any(cells):
            yield "\t".join(cells)


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str
    text: str
    start: int
    suffix: str


@dataclass(slots=True)
class _Numbering:
    """Word auto-numbering (numPr) rebuilt as text labels such as 一、 and （一）."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → levels
    style_numpr: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Any) -> _Numbering:
        numbering = cls()
        try:
            numbering_xml = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return numbering
        numbering.levels = _numbering_levels(numbering_xml)
        numbering.style_numpr = _style_numpr(document.styles.element)
        return numbering

    def label(self, p: Any) -> str:
        """The number text Word would show before paragraph ``p`` ('' when none)."""
        found = self._numpr(p)
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 10)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        return _format_label(levels, counters, ilvl)

    def _numpr(self, p: Any) -> tuple[str, int] | None:
        ppr = p.find(f"{_W}pPr")
        num_id: str | None = None
        ilvl: int | None = None
        if ppr is not None:
            num_id, ilvl = _read_numpr(ppr.find(f"{_W}numPr"))
            style = ppr.find(f"{_W}pStyle")
            if num_id is None and style is not None:
                num_id, ilvl = self.style_numpr.get(style.get(f"{_W}val", ""), (None, None))
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl or 0


def _read_numpr(numpr: Any) -> tuple[str | None, int | None]:
    if numpr is None:
        return None, None
    num = numpr.find(f"{_W}numId")
    lvl = numpr.find(f"{_W}ilvl")
    num_id = None if num is None else num.get(f"{_W}val")
    ilvl = None if lvl is None else _int(lvl.get(f"{_W}val"), 0)
    return num_id, ilvl


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _numbering_levels(root: Any) -> dict[str, dict[int, _Level]]:
    """Map each numId to its levels, applying startOverride."""
    abstract: dict[str, dict[int, _Level]] = {}
    for node in root.iterchildren(f"{_W}abstractNum"):
        abstract[node.get(f"{_W}abstractNumId", "")] = _parse_levels(node)
    result: dict[str, dict[int, _Level]] = {}
    for num in root.iterchildren(f"{_W}num"):
        ref = num.find(f"{_W}abstractNumId")
        levels = dict(abstract.get("" if ref is None else ref.get(f"{_W}val", ""), {}))
        for override in num.iterchildren(f"{_W}lvlOverride"):
            ilvl = _int(override.get(f"{_W}ilvl"), 0)
            start = override.find(f"{_W}startOverride")
            if start is not None and ilvl in levels:
                new_start = _int(start.get(f"{_W}val"), 1)
                old = levels[ilvl]
                levels[ilvl] = _Level(old.fmt, old.text, new_start, old.suffix)
        result[num.get(f"{_W}numId", "")] = levels
    return result


def _parse_levels(abstract_num: Any) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in abstract_num.iterchildren(f"{_W}lvl"):

        def val(name: str, default: str, node: Any = lvl) -> str:
            child = node.find(f"{_W}{name}")
            return default if child is None else str(child.get(f"{_W}val", default))

        ilvl = _int(lvl.get(f"{_W}ilvl"), 0)
        levels[ilvl] = _Level(
            val("numFmt", "decimal"),
            val("lvlText", ""),
            _int(val("start", "1"), 1),
            val("suff", "tab"),
        )
    return levels


def _style_numpr(styles: Any) -> dict[str, tuple[str, int | None]]:
    """numPr given by paragraph styles (following basedOn), e.g. numbered heading styles."""
    own: dict[str, tuple[str | None, int | None]] = {}
    based_on: dict[str, str] = {}
    for style in styles.iterchildren(f"{_W}style"):
        style_id = style.get(f"{_W}styleId", "")
        ppr = style.find(f"{_W}pPr")
        own[style_id] = _read_numpr(None if ppr is None else ppr.find(f"{_W}numPr"))
        parent = style.find(f"{_W}basedOn")
        if parent is not None:
            based_on[style_id] = parent.get(f"{_W}val", "")
    result: dict[str, tuple[str, int | None]] = {}
    for style_id in own:
        current: str | None = style_id
        for _ in range(20):  # basedOn chains are short; guard against cycles
            if current is None or current not in own:
                break
            num_id, ilvl = own[current]
            if num_id is not None:
                result[style_id] = (num_id, ilvl)
                break
            current = based_on.get(current)
    return result


def _format_label(levels: dict[int, _Level], counters: list[int | None], ilvl: int) -> str:
    level = levels[ilvl]
    if level.fmt in ("bullet", "none") or not level.text:
        return ""

    def replace(match: re.Match[str]) -> str:
        n = int(match.group(1)) - 1
        ref = levels.get(n)
        if ref is None:
            return ""
        value = counters[n] if counters[n] is not None else ref.start
        return _format_number(value or 0, ref.fmt)

    label = re.sub(r"%([1-9])", replace, level.text)
    if level.suffix == "space" or (level.suffix == "tab" and label[-1:].isalnum()):
        label += " "
    return label


_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in a Word numFmt; unknown formats fall back to decimal."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
    ):
        return _chinese_number(n, _CN_DIGITS, "十百")
    if fmt == "chineseLegalSimplified":
        return _chinese_number(n, _CN_LEGAL, "拾佰")
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY_STEMS[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _EARTHLY_BRANCHES[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt.startswith("decimalFullWidth"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 1 <= n < 4000:
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _chinese_number(n: int, digits: str, units: str) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (1 to 999, else Arabic digits)."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{digits[hundreds]}{units[1]}" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + units[0]
    elif hundreds and ones:
        out += "零"
    if ones:
        out += digits[ones]
    return out


def _roman(n: int) -> str:
    pairs = (
        *((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")),
        *((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")),
    )
    out = ""
    for value, symbol in pairs:
        count, n = divmod(n, value)
        out += symbol * count
    return out


# ---------------------------------------------------------------------------
# .pdf

_OCR_FIX = (
    "请先用 OCR 软件（如 WPS、Adobe Acrobat 的“识别文字”）转换为带文字层的 PDF 或 .docx 后重试。"
)
_MAX_GARBLED = 0.3


def _read_pdf(path: Path, data: bytes) -> tuple[str, tuple[int, ...]]:
    """Text layer of every page joined by "\\n"; page_starts holds each page's offset."""
    if b"%PDF-" not in data[:1024]:
        raise _error(path, "不是有效的 PDF 文件", "请确认文件完整，或重新导出为 PDF 后重试。")
    if b"%%EOF" not in data[-2048:]:
        raise _error(
            path, "PDF 文件不完整（缺少结尾标记，可能下载中断）", "请重新下载或重新导出后重试。"
        )
    pages = _pdf_page_texts(path, data)
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
    return "\n".join(pages), tuple(starts)


def _pdf_page_texts(path: Path, data: bytes) -> list[str]:
    try:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _pdf_decrypt(reader):
            raise _error(path, "PDF 已加密，需要密码", "请在 PDF 阅读器中移除密码后另存，再重试。")
        raw_pages = list(reader.pages)
    except ReportFormatError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        logger.debug("pypdf failed on %s", path, exc_info=True)
        raise _error(
            path, f"PDF 文件已损坏（{type(exc).__name__}）", "请重新下载或重新导出后重试。"
        ) from exc
    texts: list[str] = []
    for number, page in enumerate(raw_pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # one bad page must not lose the others
            logger.warning("%s: cannot extract the text of page %d", path, number)
            logger.debug("pypdf page error", exc_info=True)
            text = ""
        texts.append(_normalise_newlines(text).replace("\x00", "").rstrip("\n"))
    return texts


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


# ---------------------------------------------------------------------------
# .html / .htm

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_DECLARED_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950"}
# Removed wherever they are: never article text.
_HTML_ALWAYS_JUNK = frozenset(
    "script style noscript template iframe object embed svg canvas input select "
    "textarea button head link meta".split()
)
# Removed when they hold less than half of the page's text (pages that wrap everything
# in <form> or class="main-header" must not lose the article).
_HTML_LAYOUT_TAGS = frozenset("nav header footer aside form menu dialog".split())
_HTML_JUNK_TOKENS = frozenset(
    "header footer foot nav navbar navigation menu sidebar breadcrumb crumb crumbs "
    "position share bdsharebuttonbox copyright toolbar skip".split()
)
# id/class fragments marking the article body, best first (Chinese gov portals).
_HTML_CONTENT_HINTS = (
    ("trs_editor", 6),
    ("zoom", 5),
    ("article", 4),
    ("content", 3),
    ("detail", 2),
    ("main", 1),
)
_HTML_BLOCKS = frozenset(
    "address article aside blockquote caption center dd details div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre "
    "section summary table tbody thead tfoot tr ul body html".split()
)
_HTML_CELLS = frozenset(("td", "th"))
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _read_html(path: Path, data: bytes) -> tuple[str, str]:
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _error(path, "这不是 HTML 文本文件（含二进制内容）", "请确认扩展名是否正确后重试。")
    decoded = _decode_html(data)
    if decoded is None:
        raise _error(path, "无法识别网页的文字编码", "请在浏览器中打开并另存为 UTF-8 网页后重试。")
    markup, encoding = decoded
    try:
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(markup)
        body = tree.body
        if body is None:
            raise _error(path, "网页没有正文 <body>", "请确认文件是完整的网页后重试。")
        _remove_html_junk(body)
        text = _html_article_text(body)
    except ReportFormatError:
        raise
    except Exception as exc:  # selectolax is robust, but never let a parser traceback out
        logger.debug("selectolax failed on %s", path, exc_info=True)
        raise _error(
            path, f"无法解析网页（{type(exc).__name__}）", "请在浏览器中另存为网页后重试。"
        ) from exc
    return text, encoding


def _decode_html(data: bytes) -> tuple[str, str] | None:
    """BOM first, then <meta charset> / XML declaration, then detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = data[:4096]
        match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        if match:
            declared = match.group(1).decode("ascii").lower()
            encoding = _DECLARED_ALIASES.get(declared, declared)
            text = _strict_decode(data, encoding)
            if text is not None and _plausibility(text) >= _MIN_PLAUSIBILITY:
                return _normalise_newlines(text), encoding
            logger.debug("declared charset %s does not fit; detecting", declared)
    decoded = _decode_bytes(data)
    return None if decoded is None else (_normalise_newlines(decoded[0]), decoded[1])


def _node_hints(node: Any) -> str:
    attrs = node.attributes
    return f"{attrs.get('id') or ''} {attrs.get('class') or ''}".lower()


def _text_len(node: Any) -> int:
    return len(_HTML_SPACE.sub("", node.text(deep=True) or ""))


def _inside(node: Any, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _remove_html_junk(body: Any) -> None:
    """Drop scripts, styles and page furniture (nav, header, footer, breadcrumbs ...)."""
    always: list[Any] = []
    layout: list[Any] = []
    for node in body.traverse(include_text=False):
        tag = node.tag
        if tag in _HTML_ALWAYS_JUNK:
            always.append(node)
        elif tag in _HTML_LAYOUT_TAGS or _HTML_JUNK_TOKENS & set(_node_hints(node).split()):
            if tag in ("header", "footer") and _inside(node, frozenset(("article", "main"))):
                continue  # an article's own header holds its title
            layout.append(node)
    for node in reversed(always):
        node.decompose()
    half = _text_len(body) / 2
    for node in reversed(layout):  # descendants first, so ancestors are still valid
        if _text_len(node) < half:
            node.decompose()


def _content_root(body: Any) -> Any:
    """<article> or the element whose id/class names the article body; else <body>."""
    total = _text_len(body)
    best: tuple[int, int] | None = None
    best_node = body
    for node in body.traverse(include_text=False):
        hints = _node_hints(node)
        priority = 4 if node.tag == "article" else 1 if node.tag == "main" else 0
        for hint, value in _HTML_CONTENT_HINTS:
            if hint in hints:
                priority = max(priority, value)
                break
        if not priority:
            continue
        length = _text_len(node)
        if length >= min(200, total / 4) and (best is None or (priority, length) > best):
            best, best_node = (priority, length), node
    return best_node


def _html_article_text(body: Any) -> str:
    root = _content_root(body)
    text = _html_text(root)
    if root is not body:
        heading = body.css_first("h1")
        if heading is not None and not _contains(root, heading):
            title = _html_text(heading).strip()
            if title and not text.startswith(title):
                text = f"{title}\n{text}"
    return text


def _contains(ancestor: Any, node: Any) -> bool:
    current = node
    while current is not None:
        if current.mem_id == ancestor.mem_id:
            return True
        current = current.parent
    return False


def _html_text(root: Any) -> str:
    """Text with block elements as line breaks, table cells separated by tabs."""
    parts: list[str] = []
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag
        if tag == "-text":
            parts.append(_HTML_SPACE.sub(" ", item.text_content or ""))
        elif tag == "br":
            parts.append("\n")
        elif tag == "pre":
            parts.append("\n" + (item.text(deep=True) or "") + "\n")
        elif tag is not None and not tag.startswith("-"):
            sep = "\n" if tag in _HTML_BLOCKS else "\t" if tag in _HTML_CELLS else ""
            parts.append(sep)
            stack.append(sep)
            stack.extend(reversed(list(item.iter(include_text=True))))
    lines = (re.sub(r"\s*\t\s*", "\t", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------
# Sidecar overrides

_KEYS_TEXT = " ".join(OVERRIDE_KEYS)
_SIDECAR_FIX = f"可用的键：{_KEYS_TEXT}（year 为整数，signed 为 YYYY-MM-DD）。请修改后重试。"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    try:
        data = sidecar.read_bytes()
    except OSError as exc:
        raise _error(
            sidecar, f"无法打开文件（{exc.strerror or exc}）", "请检查文件权限后重试。"
        ) from exc
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
    if key == "year":
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
    if isinstance(value, str) and value.strip():
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
        if given.is_dir():
            candidates = _walk_folder(given)
        elif given.exists():
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
