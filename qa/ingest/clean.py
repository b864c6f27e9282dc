"""Clean stage: remove web and conversion artefacts; simplified form for search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

# A pinyin reading left after a character by a web converter: 建設(shè) → 建設.
_PINYIN_READING = re.compile(r"(?<=[\u3400-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,6})\)")
# Word bookmarks exported as text: [bookmark: _GoBack]
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
# Short lines of portal chrome: "全部留言", "- 评论", "有用()", "- /", "打印本页".
_CHROME_WORDS = re.compile(
    r"^[-•·\s]*(?:全部留言|评论|評論|有用\s*[(（]\d*[)）]|/|打印本页|打印本頁|关闭窗口|關閉窗口"
    r"|分享到[:：]?.{0,20})\s*$"
)
# A portal header line: 湘潭縣人民政府門戶網站 www… 發布時間:2025-12-24 11:51
_CHROME_HEADER = re.compile(r"(?:门户网站|門戶網站|www\.|发布时间|發布時間|發佈時間)")
_CHROME_DATE = re.compile(r"(?:发布时间|發布時間|發佈時間)\s*[:：]\s*\d{4}|www\.[\w.-]+")
_CHROME_MAX = 80
# Runs that look like GBK/UTF-8 mojibake: a "?" or bopomofo between CJK characters.
_MOJIBAKE = re.compile(r"[\u4e00-\u9fff]\?[^\s，。,]{0,3}[\u3100-\u312f\u4e00-\u9fff]{2,}")
_BOPOMOFO_RUN = re.compile(r"[\u4e00-\u9fff]{1,3}[\u3100-\u312f][\u4e00-\u9fff\u3100-\u312f]*")
_FULLWIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B)]}
    | {chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)}
)
_BLANK_RUNS = re.compile(r"\n{3,}")
# An item's number alone on its line, its text on the next (a web page's text as crawled:
# 一是\n网站栏目设置有待进一步加强。; （一）\n政务公开工作要点…): one line, as published.
_LONE_NUMBER = re.compile(
    r"^([ \t\u3000]*(?:[一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|[一二三四五六七八九十]{1,3}、))[ \t\u3000]*\n(?=[ \t\u3000]*[\u4e00-\u9fff])",
    re.M,
)
_TRAILING_BLANKS = " \t\u3000\xa0"


@dataclass(frozen=True, slots=True)
class CleanResult:
    """Cleaned text plus warnings about suspect spans (by offset into the cleaned text)."""

    text: str
    warnings: tuple[str, ...]


def normalize_width(text: str) -> str:
    """Full-width digits and Latin letters → ASCII; Chinese punctuation is left alone."""
    return text.translate(_FULLWIDTH)


def clean_text(text: str) -> CleanResult:
    """Remove artefacts from raw report text; keep the report's own script."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _PINYIN_READING.sub("", text)
    text = _BOOKMARK.sub("", text)
    text = "\n".join(line for line in text.split("\n") if not is_chrome_line(line))
    text = normalize_width(text)
    # str.rstrip per line: the pattern [ \t]+$ backtracked on a long run of spaces before text
    text = "\n".join(line.rstrip(_TRAILING_BLANKS) for line in text.split("\n"))
    text = _LONE_NUMBER.sub(r"\1", text)
    text = _BLANK_RUNS.sub("\n\n", text).strip("\n ") + "\n"
    return CleanResult(text=text, warnings=tuple(find_mojibake(text)))


def is_chrome_line(line: str) -> bool:
    """A short line of web-page chrome, never a line of report text."""
    if len(line) > _CHROME_MAX:
        return False
    if _CHROME_WORDS.match(line):
        return True
    return bool(_CHROME_HEADER.search(line) and _CHROME_DATE.search(line))


def find_mojibake(text: str) -> list[str]:
    """Describe runs that look like encoding damage, with their offsets."""
    found: list[str] = []
    for pattern in (_MOJIBAKE, _BOPOMOFO_RUN):
        for m in pattern.finditer(text):
            found.append(f"疑似乱码 {m.start()}:{m.end()} “{m.group()}”")
    return sorted(set(found))


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 16)
def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (OpenCC t2s) for search and matching.

    Cached: answering one question converts each of its thousands of candidate clauses
    several times (a smaller cache, cycled through in order, would miss every time).
    """
    return str(_t2s().convert(text))


# Segments are converted one by one, so a length change stays inside its segment.
_SEGMENT = re.compile(r"[^。！？；，、\n]*[。！？；，、\n]?")


@dataclass(frozen=True, slots=True)
class SimplifiedText:
    """The simplified form of a text and a map from its offsets back to the original."""

    text: str
    to_original: tuple[int, ...] | None  # None when every offset maps to itself

    def original_offset(self, offset: int) -> int:
        """Map an offset in the simplified text to the original text."""
        if self.to_original is None:
            return offset
        return self.to_original[offset]


def simplify_with_map(text: str) -> SimplifiedText:
    """OpenCC t2s with an offset map; identity when the conversion keeps the length."""
    converted = to_simplified(text)
    if len(converted) == len(text):
        return SimplifiedText(converted, None)
    parts: list[str] = []
    mapping: list[int] = []
    for m in _SEGMENT.finditer(text):
        if not m.group():
            continue
        seg = to_simplified(m.group())
        parts.append(seg)
        size = len(m.group())
        # Inside a segment whose length changed, offsets are spread proportionally;
        # segment boundaries (punctuation) map exactly.
        mapping.extend(m.start() + (i * size) // max(len(seg), 1) for i in range(len(seg)))
    mapping.append(len(text))
    return SimplifiedText("".join(parts), tuple(mapping))
