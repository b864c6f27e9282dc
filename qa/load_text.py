"""Load stage, text part: the error helper, encoding detection and .txt/.md reading."""

from __future__ import annotations

import codecs
import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from qa.errors import ReportFormatError

logger = logging.getLogger(__name__)


def _error(path: Path, reason: str, fix: str) -> ReportFormatError:
    """Build the user-facing error: file, reason, fix."""
    return ReportFormatError(f"无法读取 {path}：{reason}。{fix}")


def _normalise_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for separator in ("\v", "\f", "\u2028", "\u2029"):  # Word line breaks, page feeds
        text = text.replace(separator, "\n")
    return text.removeprefix("\ufeff")


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
