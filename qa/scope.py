"""Scope: the places, agencies and years a question names, and which reports they select."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qa.clean import normalize_width, to_simplified
from qa.index import Index
from qa.metadata import NOT_PLACE_START
from qa.records import Report

# A place a question asks about: at the start, after punctuation or after 和/与/那/在 …
# (仁寿县2023年…, 那大竹县呢, 井研县和秀山县), so 划转给了县 is not taken for a place.
ASKED_PLACE = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[和与及那在对比跟同]))"
    r"[\u4e00-\u9fff]{1,5}?(?:自治县|自治州|县|区|市|州|省|旗)"
)

_ETHNIC = re.compile(r"(?:[\u4e00-\u9fff]{1,2}族)+(?=自治)")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PLAN_WORDS = ("计划", "安排", "打算", "下一步", "思路")


@dataclass(frozen=True, slots=True)
class Scope:
    """What a question says about which reports it means."""

    doc_ids: tuple[str, ...] | None  # None: every report
    matched: tuple[str, ...] = ()  # places/years/filters found in the index
    unmatched: tuple[str, ...] = ()  # places/years named that no report covers


def place_aliases(report: Report) -> frozenset[str]:
    """Names a user may call the report's place by: 酉阳土家族苗族自治县 → 酉阳县, 酉阳 …"""
    return _aliases(report.region, report.agency)


def known_places(index: Index) -> frozenset[str]:
    """Every alias of every indexed report's place, worked out once per loaded index."""
    if index.place_names is None:
        index.place_names = frozenset(a for r in index.reports.values() for a in place_aliases(r))
    return index.place_names


@lru_cache(maxsize=8192)
def _aliases(region_name: str, agency_name: str) -> frozenset[str]:
    names: set[str] = set()
    region = to_simplified(region_name)
    for part in re.findall(r"[\u4e00-\u9fff]+?(?:自治县|省|市|县|区|旗)", region) or [region]:
        if not part or part == "中华人民共和国":
            continue
        names.add(part)
        short = _ETHNIC.sub("", part)
        names.add(short)
        base = re.sub(r"(?:自治县|省|市|县|区|旗)$", "", short)
        if len(base) >= 2:
            names.update({base, base + "县", base + "区", base + "市"})
    agency = to_simplified(agency_name)
    if agency:
        names.add(agency)
        # The office under another name of its place: 酉阳县规划和自然资源局.
        office = re.sub(r"^.*?(?:自治县|县|区|市|旗)", "", agency)
        if office and office != agency:
            names.update({n + office for n in list(names) if n.endswith(("县", "区", "市"))})
    return frozenset(n for n in names if len(n) >= 2)


def _years_asked(question: str) -> list[int]:
    return [int(y) for y in YEAR.findall(question)]


def _year_fits(report: Report, year: int, question: str) -> bool:
    if report.year == year:
        return True
    plan = any(w in question for w in _PLAN_WORDS)
    return plan and report.year is not None and year == report.year + 1


def analyze_question(question: str, index: Index, filters: dict[str, Any] | None = None) -> Scope:
    """Find the places, agencies and years a question names, and which reports they select."""
    q = to_simplified(normalize_width(question))
    reports = list(index.reports.values())
    matched: list[str] = []
    unmatched: list[str] = []
    selected = reports
    hits = {r.doc_id: [a for a in place_aliases(r) if a in q] for r in reports}
    named = {r.doc_id for r in reports if hits[r.doc_id]}
    if named:
        selected = [r for r in reports if r.doc_id in named]
        matched.extend(sorted({max(hits[d], key=len) for d in named}))
    other = _other_office(q, [r for r in reports if r.doc_id in named], hits)
    if other:  # 井研县公安局: the place is indexed, that office's reports are not
        unmatched.append(other)
    known = known_places(index)
    offices = any(r.agency for r in reports)  # reports of offices, not encyclopedia articles
    for m in ASKED_PLACE.finditer(q):
        name = m.group()
        if name[0] in NOT_PLACE_START or any(name in k or k in name for k in known):
            continue
        if re.search(r"[的是了把被]", name):
            continue  # words of the question, not a place: 结合的是市局哪份文件
        office = _OFFICE.match(q, m.end()) if offices else None
        if office and office.group(1):  # 秀山县规划和自然资源局: an office no report is by
            unmatched.append(name + office.group())
        elif not _mentioned(index, name):  # a place the reports never name at all
            unmatched.append(name)
    years = _years_asked(q)
    if years:
        named_as = {d: max(hits[d], key=len) for d in named}
        selected = _match_years(selected, years, q, named_as, matched, unmatched)
    selected = _apply_filters(selected, filters or {}, matched)
    restrict = named or bool(matched) or bool(filters)
    return Scope(
        tuple(r.doc_id for r in selected) if restrict else None, tuple(matched), tuple(unmatched)
    )


# Offices of a county government, by the stem before 局/委/办/院: an office is named right
# after its place (井研县|公安局, 酉阳|规资局, 湟中|局), never 全局, 布局 or 市局.
_OFFICE_STEMS = sorted(
    (
        "公安 司法 应急 应急管理 财政 教育 卫健 卫生健康 民政 人社 人力资源和社会保障 住建"
        " 住房和城乡建设 交通 交通运输 水利 水务 农业农村 农业 林业 林草 生态环境 环保"
        " 市场监管 市场监督管理 税务 统计 审计 文旅 文化和旅游 商务 发改 发展和改革 科技"
        " 工信 经信 退役军人事务 医保 医疗保障 城管 城市管理 综合执法 行政审批 信访 气象"
        " 自然资源 规划和自然资源 规划 国土 国土资源 规资 资规 不动产登记"
    ).split(),
    key=len,
    reverse=True,
)
_OFFICE = re.compile(
    rf"(?:县|区|市)?({'|'.join(_OFFICE_STEMS)})?"
    r"(局|委员会|办公室|人民法院|法院|人民检察院|检察院)"
)
_OLD_NAMES = (("国土资源", "自然资源"), ("国土", "自然资源"))


def _other_office(question: str, named: list[Report], hits: dict[str, list[str]]) -> str | None:
    """The office the question is about, when the place it opens with is indexed but only for
    other offices (井研县公安局 when only 井研县自然资源局 is): the name, else None. Short and old
    names of an indexed office (酉阳规资局, 湟中局, 井研县国土局) are the same office; another
    office acting with or on it (湟中区司法局对案卷…) is a topic."""
    if not named:
        return None
    names = [(question.find(a), -len(a), a) for r in named for a in hits[r.doc_id]]
    if any(a.endswith(("局", "委", "办", "院", "厅")) for _, _, a in names):
        return None  # the question names the indexed office itself
    at, _, alias = min(names)
    m = _OFFICE.match(question, at + len(alias))
    if not m or not (m.group(1) or "院" in m.group(2)):
        return None
    if _WITH_OTHERS.match(question, m.end()):
        return None  # 湟中区司法局对案卷…, 井研县应急局和自然资源局…: a body the report works with
    asked = m.group(1) or ""
    for old, new in _OLD_NAMES:
        asked = asked.replace(old, new)
    offices = [to_simplified(r.agency) for r in named if alias in hits[r.doc_id]]
    if asked and any(all(ch in office for ch in asked) for office in offices):
        return None
    return alias + m.group()


# After another office's name: it acts with or on the indexed one (a topic), not as the subject
_WITH_OTHERS = re.compile(r"[、和与及对向给同]|联合|会同|协同")


_PLACE_END = re.compile(r"(?:地区|自治县|自治州|县|区|市|州|省|旗)$")


def _mentioned(index: Index, name: str) -> bool:
    """Does any passage mention the name, its short form (仁寿县 → 仁寿) or a shorter tail of it
    (当时的上海市 → 上海, 西藏地区 → 西藏, 陈诚自杭州 → 杭州)?"""
    for i in range(len(name) - 1):
        tail = name[i:]
        short = _PLACE_END.sub("", tail)
        if any(index.keywords.idf(t) > 0 for t in {tail, short} if len(t) >= 2):
            return True
    return False


def _match_years(
    selected: list[Report],
    years: list[int],
    question: str,
    named_as: dict[str, str],
    matched: list[str],
    unmatched: list[str],
) -> list[Report]:
    """Keep the reports of the years asked; note each place or year no report covers."""
    fitting = [r for r in selected if any(_year_fits(r, y, question) for y in years)]
    if not named_as and not fitting and any(r.year is None for r in selected):
        return selected  # undated texts (encyclopedia passages): a year is only a word
    asked = "、".join(f"{y}年" for y in years)
    if named_as:
        covered = {named_as[r.doc_id] for r in fitting if r.doc_id in named_as}
        for name in dict.fromkeys(named_as.values()):
            if name not in covered:
                unmatched.append(f"{name}{asked}")
    for year in years:
        if any(_year_fits(r, year, question) for r in fitting):
            matched.append(f"{year}年")
        elif not named_as:
            unmatched.append(f"{year}年")
    return fitting


def _apply_filters(
    reports: list[Report], filters: dict[str, Any], matched: list[str]
) -> list[Report]:
    year = filters.get("year")
    if year:
        reports = [r for r in reports if r.year == int(year)]
        matched.append(f"年份={year}")
    agency = filters.get("agency")
    if agency:
        want = to_simplified(str(agency))
        reports = [r for r in reports if want in to_simplified(r.agency)]
        matched.append(f"机构={agency}")
    return reports


def strip_scope_words(question: str, index: Index) -> str:
    """The question without the places and years that already chose its reports.

    Every passage carries its report's place and year in its keyword text, so inside the
    chosen reports those words only add noise to BM25.
    """
    q = question
    for name in sorted(known_places(index), key=len, reverse=True):
        q = q.replace(name, " ")
    return YEAR.sub(" ", q)
