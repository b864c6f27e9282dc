"""Word auto-numbering (numPr) rebuilt as the text labels Word shows: 一、, （一）, 1., ①…

Used by :mod:`qa.ingest.load_docx`, so that a heading numbered by Word (not typed) still starts with
its number and the chunk stage finds the section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word's largest "start at" value; a list counting past it only comes from a crafted file,
# and lowerLetter at 2,000,000,000 would be a label of 77 million letters.
MAX_NUMBER = 32767
MAX_LABEL_CHARS = 255  # Word's lvlText is a few characters: "%1.", "（%2）"


class RunawayNumbering(ValueError):
    """A numbering value or label no real Word document has (the message says which)."""


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str
    text: str
    start: int
    suffix: str


@dataclass(slots=True)
class Numbering:
    """Word auto-numbering (numPr) rebuilt as text labels such as 一、 and （一）."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → levels
    style_numpr: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Any) -> Numbering:
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
        ppr = p.find(f"{W}pPr")
        num_id: str | None = None
        ilvl: int | None = None
        if ppr is not None:
            num_id, ilvl = _read_numpr(ppr.find(f"{W}numPr"))
            style = ppr.find(f"{W}pStyle")
            if num_id is None and style is not None:
                num_id, ilvl = self.style_numpr.get(style.get(f"{W}val", ""), (None, None))
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl or 0


def _read_numpr(numpr: Any) -> tuple[str | None, int | None]:
    if numpr is None:
        return None, None
    num = numpr.find(f"{W}numId")
    lvl = numpr.find(f"{W}ilvl")
    num_id = None if num is None else num.get(f"{W}val")
    ilvl = None if lvl is None else _int(lvl.get(f"{W}val"), 0)
    return num_id, ilvl


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _numbering_levels(root: Any) -> dict[str, dict[int, _Level]]:
    """Map each numId to its levels, applying startOverride."""
    abstract: dict[str, dict[int, _Level]] = {}
    for node in root.iterchildren(f"{W}abstractNum"):
        abstract[node.get(f"{W}abstractNumId", "")] = _parse_levels(node)
    result: dict[str, dict[int, _Level]] = {}
    for num in root.iterchildren(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        levels = dict(abstract.get("" if ref is None else ref.get(f"{W}val", ""), {}))
        for override in num.iterchildren(f"{W}lvlOverride"):
            ilvl = _int(override.get(f"{W}ilvl"), 0)
            start = override.find(f"{W}startOverride")
            if start is not None and ilvl in levels:
                new_start = _int(start.get(f"{W}val"), 1)
                old = levels[ilvl]
                levels[ilvl] = _Level(old.fmt, old.text, new_start, old.suffix)
        result[num.get(f"{W}numId", "")] = levels
    return result


def _parse_levels(abstract_num: Any) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in abstract_num.iterchildren(f"{W}lvl"):

        def val(name: str, default: str, node: Any = lvl) -> str:
            child = node.find(f"{W}{name}")
            return default if child is None else str(child.get(f"{W}val", default))

        ilvl = _int(lvl.get(f"{W}ilvl"), 0)
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
    for style in styles.iterchildren(f"{W}style"):
        style_id = style.get(f"{W}styleId", "")
        ppr = style.find(f"{W}pPr")
        own[style_id] = _read_numpr(None if ppr is None else ppr.find(f"{W}numPr"))
        parent = style.find(f"{W}basedOn")
        if parent is not None:
            based_on[style_id] = parent.get(f"{W}val", "")
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

    if len(level.text) > MAX_LABEL_CHARS:
        raise RunawayNumbering(f"编号格式长 {len(level.text)} 字，上限 {MAX_LABEL_CHARS} 字")
    label = re.sub(r"%([1-9])", replace, level.text)
    if len(label) > MAX_LABEL_CHARS:
        raise RunawayNumbering(f"编号长 {len(label)} 字，上限 {MAX_LABEL_CHARS} 字")
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
    if abs(n) > MAX_NUMBER:
        raise RunawayNumbering(f"编号值 {n} 超过 Word 的上限 {MAX_NUMBER}")
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
