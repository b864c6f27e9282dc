"""Dates and years of a report: the signature date, the date it was delivered, the year it
is named by, and the years it reviews and plans."""

from __future__ import annotations

import re

from qa.ingest.report_kind import TOP_LINES, Kind

DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_OF_REPORT = re.compile(r"((?:19|20)\d{2})\s*年度?(?:法治政府|依法行政|工作|政府工作)")
# Top-level headings that name the year a report reviews (一、2015年工作回顾, 一、1991年国内工作
# 的回顾) or the one it plans (二、2005年工作总体部署, 三、2016年重点工作, 二、2019年经济社会发展
# 总体要求): the report's own year follows from its kind.
_TOP_HEADING = re.compile(r"[一二三四五六七八九十]{1,3}、")
_YEAR_REVIEWED = re.compile(r"((?:19|20)\d{2})\s*年度?(?:国内)?工作的?回顾")
_YEAR_PLANNED = re.compile(
    r"((?:19|20)\d{2})\s*年的?(?:工作总体部署|主要任务|重点工作|政府工作|经济社会发展|工作$)"
)
# ——2015年2月5日在海拉尔区第十四届人民代表大会第四次会议上 (the date a report was delivered).
_DELIVERED = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*在")
# 二〇二六年一月二十七日: a date in Chinese numerals, read as 2026年1月27日.
CN_DATE = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def signature_date(lines: list[str]) -> str | None:
    """The ISO date in the signature lines at the end."""
    for line in reversed(lines[-6:]):
        m = DATE.fullmatch(line) or (DATE.search(line) if len(line) < 20 else None)
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def opening_year(lines: list[str]) -> int | None:
    """The year the opening says the report is about: 2023年度法治政府建设…"""
    for line in lines[:6]:
        m = _YEAR_OF_REPORT.search(line)
        if m:
            return int(m.group(1))
    return None


def heading_year(lines: list[str], kind: Kind | None) -> int | None:
    """The year a report is named by, from the first top-level heading that names the year it
    reviews or plans (None without a kind to count from)."""
    if kind is None:
        return None
    for line in lines:
        if len(line) > 50 or not _TOP_HEADING.match(line):
            continue
        line = re.sub(r"(?<=\d) (?=\d)", "", line)  # 1 9 9 8 年
        m = _YEAR_REVIEWED.search(line)
        if m:
            return int(m.group(1)) - kind.covers
        m = _YEAR_PLANNED.search(line)
        if m:
            return int(m.group(1)) - kind.plans
    return None


def report_years(
    lines: list[str],
    kind: Kind | None,
    heading: str,
    fallback_year: int | None,
    sources: dict[str, str],
) -> tuple[int | None, str | None]:
    """(the year the report is named by, the ISO date it was delivered or signed)."""
    signed = signature_date(lines)
    if signed:
        sources["signed"] = "落款日期"
    for line in lines[:TOP_LINES]:
        m = _DELIVERED.search(CN_DATE.sub(_arabic_date, line))
        if m:
            signed = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            sources["signed"] = "副标题中的报告日期"
            break
    named = YEAR.search(heading)
    if named:
        sources["year"] = "标题"
        return int(named.group(1)), signed
    if kind and kind.covers < 0 and signed:
        sources["year"] = "报告日期的年份"
        return int(signed[:4]), signed
    from_headings = heading_year(lines, kind)
    if from_headings is not None:
        sources["year"] = "一级标题中的回顾或计划年份按报告类型推算"
        return from_headings, signed
    year = opening_year(lines)
    if year is not None:
        sources["year"] = "开头的“某年度……工作”"
        return year, signed
    if signed and sources["signed"] == "落款日期":  # signed early in the year after
        sources["year"] = "落款年份减一"
        return int(signed[:4]) - 1, signed
    if fallback_year is not None:
        sources["year"] = "文件名"
    return fallback_year, signed


def _arabic_date(m: re.Match[str]) -> str:
    """二〇二六年一月二十七日 → 2026年1月27日."""

    def number(said: str) -> int:
        tens, _, ones = said.rpartition("十")
        if "十" not in said:
            return _CN_DIGITS[said]
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)

    year = "".join(str(_CN_DIGITS[c]) for c in m.group(1))
    return f"{year}年{number(m.group(2))}月{number(m.group(3))}日"


def period(kind: Kind | None, year: int | None) -> tuple[int | None, int | None]:
    """(the year reviewed, the year planned) from the named year and the kind's offsets; a
    report of no known kind reviews its own year and plans the next."""
    if year is None:
        return None, None
    covers, plans = (kind.covers, kind.plans) if kind else (0, 1)
    return year + covers, year + plans
