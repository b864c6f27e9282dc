"""Metadata stage: infer agency, region, year, signing date, document number and title."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from qa.clean import to_simplified

# The 34 provincial-level divisions, short forms (simplified); matched with their suffix.
PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
# A county-level place then an agency ending in 局: 井研县自然资源局, 西宁市湟中区自然资源局.
_AGENCY = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff]|省|市))"
    r"((?:[\u4e00-\u9fff]{2,3}市)?[\u4e00-\u9fff]{1,10}?(?:自治县|县|区|市|旗))"
    r"((?:[\u4e00-\u9fff]{0,6}和)?[\u4e00-\u9fff]{2,8}?局)"
)
# Characters that cannot start a place name (我县, 全县, 各区, 不含代理县 …).
NOT_PLACE_START = frozenset(
    "我全各本该此哪那这市县区省州到向对和与及在为由被据经将把从于请以是年不含除非代二三四五六七八九十"
)
# A place named in free text: 仁寿县, 酉阳土家族苗族自治县, 西宁市, 四川省.
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:自治县|自治州|县|区|市|州|省|旗)")
_STATE_COUNCIL = re.compile(r"代表国务院|受国务院的?委托|^各位代表")
_YEAR_OF_REPORT = re.compile(r"((?:19|20)\d{2})\s*年度?(?:法治政府|依法行政|工作|政府工作)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*[号號]")
_TITLE_FROM_BODY = re.compile(r"(?:19|20)\d{2}年度?[\u4e00-\u9fff]{2,16}?情况(?:的)?报告")
_TITLE_WORDS = ("报告", "報告")


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the library knows about a report besides its text."""

    title: str = ""
    agency: str = ""
    region: str = ""
    year: int | None = None
    signed: str | None = None
    doc_number: str | None = None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def infer_title(lines: list[str], agency: str, year: int | None) -> str:
    """The report's title: a heading line with 报告 near the top, else one built from the body."""
    for i, line in enumerate(lines[:3]):
        simple = to_simplified(line)
        if (
            any(w in line for w in _TITLE_WORDS)
            and len(line) <= 80
            and not simple.endswith(("：", ":"))
        ):
            title = _DOC_NUMBER.sub("", line).strip("（）() ")
            if i > 0 and lines[i - 1].endswith("局") and len(lines[i - 1]) <= 30:
                title = lines[i - 1] + title
            return title
    for line in lines[:3]:
        m = _TITLE_FROM_BODY.search(to_simplified(line))
        if m:
            return agency + m.group().replace("我局", "")
    return f"{agency}{year or ''}年度报告" if agency else ""


def infer_agency(simple: str) -> tuple[str, str]:
    """Return (agency, place) preferring names in the title and signature lines."""
    lines = _lines(simple)
    weight: dict[tuple[str, str], float] = {}
    if _STATE_COUNCIL.search(simple):
        return "国务院", "中华人民共和国"
    for i, line in enumerate(lines):
        boost = 10 if i < 3 else 5 if i >= len(lines) - 4 else 1
        if _AGENCY.fullmatch(line):
            boost += 2
        for m in _AGENCY.finditer(line):
            place, office = m.group(1), m.group(2)
            if place[0] in NOT_PLACE_START or any(w in office for w in "县区市"):
                continue
            key = (place + office, place)
            weight[key] = weight.get(key, 0.0) + boost + len(place) / 100
    if weight:
        return max(weight, key=lambda k: weight[k])
    return "", ""


def infer_region(simple: str, place: str) -> str:
    """County/district plus the city and province when the report states them."""
    if not place or place == "中华人民共和国":
        return place
    region = place
    city = re.search(r"([\u4e00-\u9fff]{2,3}市)" + re.escape(place), simple)
    if city and not region.startswith(city.group(1)):
        region = city.group(1) + region
    counts = Counter(p for p in PROVINCES if re.search(p + r"(?:省|市|自治区)", simple))
    if counts and not any(region.startswith(p) for p in PROVINCES):
        province = counts.most_common(1)[0][0]
        suffix = "市" if province in ("北京", "天津", "上海", "重庆") else "省"
        region = province + suffix + region
    return region


def infer_dates(lines: list[str]) -> tuple[int | None, str | None]:
    """Return (year reported on, ISO signing date) from title/body and signature lines."""
    signed = None
    for line in reversed(lines[-6:]):
        m = _DATE.fullmatch(line) or (_DATE.search(line) if len(line) < 20 else None)
        if m:
            signed = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            break
    year = None
    for line in lines[:6]:
        m = _YEAR_OF_REPORT.search(line)
        if m:
            year = int(m.group(1))
            break
    if year is None and signed:
        year = int(signed[:4]) - 1
    return year, signed


def infer_metadata(text: str, fallback_year: int | None = None) -> Metadata:
    """Infer metadata from cleaned report text (either script)."""
    simple = to_simplified(text)
    lines = _lines(simple)
    agency, place = infer_agency(simple)
    year, signed = infer_dates(lines)
    if agency == "国务院":
        # Government work reports are named by their year, which their bodies review as the
        # year before ("2023年工作回顾" in the 2024 report).
        year = fallback_year or year
    elif year is None:
        year = fallback_year
    number = next(
        (m.group() for line in _lines(text)[:3] for m in [_DOC_NUMBER.search(line)] if m), None
    )
    if agency == "国务院":
        title = f"{year or ''}年政府工作报告"
    else:
        title = infer_title(_lines(text), agency, year)
    own_script_agency = _own_script(text, simple, agency)
    return Metadata(
        title=title,
        agency=own_script_agency,
        region=_own_script(text, simple, infer_region(simple, place)),
        year=year,
        signed=signed,
        doc_number=number,
    )


def _own_script(text: str, simple: str, value: str) -> str:
    """The value as the report spells it (simplified search, original display)."""
    if not value:
        return value
    at = simple.find(value)
    if at >= 0 and len(simple) == len(text):
        return text[at : at + len(value)]
    return value


def apply_overrides(meta: Metadata, overrides: dict[str, object]) -> Metadata:
    """Overrides from sidecar files win over inferred values."""
    values = {k: v for k, v in overrides.items() if k in Metadata.__dataclass_fields__}
    return replace(meta, **values)  # type: ignore[arg-type]
