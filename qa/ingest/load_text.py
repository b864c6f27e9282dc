"""Load stage, text part: the error helper, encoding detection and .txt/.md reading."""

from __future__ import annotations

import codecs
import functools
import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from qa.errors import ReportFormatError

logger = logging.getLogger(__name__)


_SHOWN_PATH_CHARS = 300


def shown_path(path: Path) -> str:
    """The path as a message can print it: bytes that are not UTF-8 escaped (\\xff), and a
    path too long to read shortened in the middle."""
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    if len(text) > _SHOWN_PATH_CHARS:
        text = f"{text[:100]}…（共 {len(text)} 字）…{text[-100:]}"
    return text


def _error(path: Path, reason: str, fix: str) -> ReportFormatError:
    """Build the user-facing error: file, reason, fix."""
    return ReportFormatError(f"无法读取 {shown_path(path)}：{reason}。{fix}")


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


# Control characters (Unicode category Cc) other than \t \n \v \f \r: what _is_control tests
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_PLAUSIBILITY_SAMPLE = 1_000_000  # characters; a long report is ~300,000


def _is_binary_text(text: str) -> bool:
    """More than 1% control characters: the bytes were not text in the first place."""
    return _CONTROLS.subn("", text)[1] > len(text) // 100


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that are everyday Chinese (1.0 when all ASCII), in the
    first million characters.

    Replacement and private-use characters are never everyday characters, so a
    decoding that produces them loses to one that does not.
    """
    wide = _ASCII_RUNS.sub("", text[:_PLAUSIBILITY_SAMPLE])
    if not wide:
        return 1.0
    common = _common_chars()
    return sum(ch in common for ch in wide) / len(wide)


def _strict_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeError, LookupError):  # lookup: unknown label; UnicodeError: "undefined", idna
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


def _read_text(path: Path, data: bytes, max_line_chars: int) -> tuple[str, str]:
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
    text = _normalise_newlines(text)
    _check_line_lengths(path, text, max_line_chars)
    return text, encoding


def _check_line_lengths(path: Path, text: str, max_line_chars: int) -> None:
    """Refuse a text with a line longer than ``max_line_chars`` (naming the first one)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > max_line_chars:
            raise _error(
                path,
                f"第 {number} 行过长（{len(line)} 字，上限 {max_line_chars} 字）",
                "这样的文件不像正常的报告，请确认文件完整正确；如确需读取，"
                "可在 qa.toml 中调高 max_line_chars（或设环境变量 QA_MAX_LINE_CHARS）后重试。",
            )


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    controls = sum(b < 0x09 or 0x0E <= b < 0x20 for b in head)
    return controls > len(head) // 100


_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _markdown_heading(line: str) -> str | None:
    """The text of an ATX heading line (``## 一、总体情况`` → ``一、总体情况``), else None.

    String operations, not a regular expression: ``#`` then a run of 200,000 spaces made the
    pattern used before backtrack for minutes.
    """
    body = line.lstrip(" ")
    if len(line) - len(body) > 3:
        return None
    text = body.lstrip("#")
    if not 1 <= len(body) - len(text) <= 6 or text[:1] not in ("", " ", "\t"):
        return None
    text = text.strip(" \t")
    closed = text.rstrip("#")
    if closed != text and closed[-1:] in (" ", "\t"):  # a closing sequence: ## 标题 ##
        text = closed.rstrip(" \t")
    return text


def _strip_markdown_headings(text: str) -> str:
    """Drop ATX heading markers (``## 一、总体情况`` → ``一、总体情况``) outside code fences."""
    lines = text.split("\n")
    in_fence = False
    for i, line in enumerate(lines):
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _markdown_heading(line)
        if heading is not None:
            lines[i] = heading
    return "\n".join(lines)
