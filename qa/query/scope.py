"""Scope: the places, agencies and years a question names, and which reports they select."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qa.index.core import Index
from qa.ingest import gazetteer
from qa.ingest.clean import normalize_width, to_simplified
from qa.ingest.metadata import LEXICON, NOT_PLACE_START, kinds
from qa.records import Report

# A place a question asks about: at the start, after punctuation or after 和/与/那/在 …
# (仁寿县2023年…, 那大竹县呢, 井研县和秀山县), so 划转给了县 is not taken for a place.
ASKED_PLACE = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[和与及那在对比跟同]))"
    r"[\u4e00-\u9fff]{1,5}?(?:自治县|自治州|县|区|市|州|省|旗)"
)

YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass(frozen=True, slots=True)
class Scope:
    """What a question says about which reports it means."""

    doc_ids: tuple[str, ...] | None  # None: every report
    matched: tuple[str, ...] = ()  # places/years/filters found in the index
    unmatched: tuple[str, ...] = ()  # places/years named that no report covers


def place_aliases(report: Report) -> frozenset[str]:
    """Names a user may call the report's own place and body by: 酉阳土家族苗族自治县 →
    酉阳县, 酉阳 … (not the divisions above it: see :func:`parent_aliases`)."""
    parts = _region_parts(report.region)
    return _aliases(parts[-1:], report.agency, parts)


def parent_aliases(report: Report) -> frozenset[str]:
    """Names of the divisions the report's place lies in (四川省, 四川, 乐山市 … for 井研县):
    a question about 上海市 means a 普陀区 office's report only when no report is 上海市's own,
    or when it asks for the districts."""
    return _aliases(_region_parts(report.region)[:-1], "", ())


def known_places(index: Index) -> frozenset[str]:
    """Every alias of every indexed report's place and of the divisions above it, worked out
    once per loaded index."""
    if index.place_names is None:
        index.place_names = frozenset(
            a for r in index.reports.values() for a in place_aliases(r) | parent_aliases(r)
        )
    return index.place_names


@lru_cache(maxsize=8192)
def _region_parts(region_name: str) -> tuple[str, ...]:
    """四川省乐山市井研县 → (四川省, 乐山市, 井研县)."""
    region = to_simplified(region_name)
    return tuple(re.findall(r"[\u4e00-\u9fff]+?(?:自治区|自治州|自治县|省|市|县|区|旗)", region))


@lru_cache(maxsize=8192)
def _aliases(places: tuple[str, ...], agency_name: str, region: tuple[str, ...]) -> frozenset[str]:
    """The names of ``places`` (full, short, with another suffix) and of the body: in full,
    and as its office after each name of its own place (酉阳县规划和自然资源局,
    普陀区政府办公室 for 上海市普陀区人民政府办公室)."""
    names: set[str] = set()
    for part in places:
        names.add(part)
        base = gazetteer.short_name(part)  # 广西壮族自治区 → 广西, 酉阳土家族苗族自治县 → 酉阳
        if len(base) >= 2:
            names.update({base, base + "县", base + "区", base + "市"})
            if part.endswith("自治县"):
                names.add(base + "自治县")
    agency = to_simplified(agency_name)
    if agency:
        names.add(agency)
        office = _office(agency, region)
        if office != agency:
            said = {office, office.replace("人民政府", "政府")}
            names.update(n + o for n in list(names) if n.endswith(("县", "区", "市")) for o in said)
        # a body of a place below the county: 万里街道办事处 is called 万里街道, 某某镇 by itself
        town = _TOWN.search(office.removeprefix("人民政府"))
        if town:
            names.add(town.group(1))
    return frozenset(n for n in names if len(n) >= 2)


# 万里街道办事处, 某某镇人民政府, 某某乡人民政府: a sub-district or town and its short name.
_TOWN = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:街道|镇|乡))(?:办事处|人民政府|政府)")


def _office(agency: str, region: tuple[str, ...]) -> str:
    """上海市普陀区人民政府办公室 → 人民政府办公室: the body without the places it opens with."""
    office = agency
    for part in region:
        office = office.removeprefix(part)
    return office if office != agency else re.sub(r"^.*?(?:自治县|县|区|市|旗)", "", agency)


def _match_kind(
    selected: list[Report], q: str, named: bool, matched: list[str], unmatched: list[str]
) -> list[Report]:
    """The reports of the kind the question names (2026年政府工作报告, 部门预算): a place whose
    reports are all of other kinds has no such report (上海市普陀区政府工作报告)."""
    kind = next((k.name for k in kinds() if any(len(w) >= 4 and w in q for w in k.title)), None)
    if kind is None or not any(r.kind for r in selected):
        return selected
    of_kind = [r for r in selected if r.kind == kind]
    if of_kind:
        matched.append(kind)
    elif named:
        unmatched.append(f"{matched[-1] if matched else ''}{kind}")  # 普陀区政府工作报告
    return of_kind or selected


# 各区/下辖/区县: a question about a place that asks for the places under it.
_SUBDIVISIONS = re.compile(r"各(?:区|县|市|州|旗|街道|乡镇)|下辖|所辖|区县|县区|县市区|区级|县级")


def _named_places(q: str, reports: list[Report]) -> dict[str, list[str]]:
    """For each report, the names of its place or body the question says. A report whose
    place only contains another named report's place (上海市 in 上海市普陀区司法局) gives way
    to it; where no report's own place is named, or the question asks for the places under
    one (各区), the reports of places inside a named division count (四川 → 井研县). A report
    of a division that the question names only as the parent of another named report's place
    gives way too (上海市普陀区…: not 上海市's own report)."""
    hits = {r.doc_id: [a for a in place_aliases(r) if a in q] for r in reports}
    if not any(hits.values()) or _SUBDIVISIONS.search(q):
        for r in reports:
            hits[r.doc_id] += [a for a in parent_aliases(r) if a in q]
        return hits
    named = [r for r in reports if hits[r.doc_id]]
    for r in named:
        others = [o for o in named if o is not r]
        # a longer name that is a place inside (上海市普陀区), not the same place's government
        inner = [_GOVERNMENT.sub("", h) for o in others for h in hits[o.doc_id]]
        parents = {p for o in others for p in parent_aliases(o)}
        if all(any(a in h and a != h for h in inner) or a in parents for a in hits[r.doc_id]):
            hits[r.doc_id] = []  # 上海市 in 上海市普陀区…: the place inside it is meant
    return hits


_GOVERNMENT = re.compile(r"(?:人民)?政府$")


def _unindexed_divisions(q: str, known: frozenset[str]) -> list[str]:
    """Divisions the question names (full names, and short names of provinces: 广东, 吉林)
    that no indexed report is by or lies in: 广东 is never answered from 广西's report."""
    said: list[str] = []
    for at, d in gazetteer.names_in(q, short_up_to=1):
        name = q[at : at + len(d.name if q.startswith(d.name, at) else d.short)]
        if len(name) == 2 and d.level > 1 and not ASKED_PLACE.match(q, at):
            continue  # a two-character county inside a word: 代理县政府 is not 理县
        if name in known or any(name in k for k in known) or any(name in s for s in said):
            continue
        said.append(name)
    return said


def _years_asked(question: str) -> list[int]:
    return [int(y) for y in YEAR.findall(question)]


# 2015年的报告 / 2026年政府工作报告 / 2025年部门预算: the year a report is named by.
_NAMES_REPORT = re.compile(
    r"((?:19|20)\d{2})\s*年度?的?[\u4e00-\u9fff]{0,12}?(?:报告|公报|年报|预算|决算)"
)
_TARGET_WORDS = (*("计划", "安排", "打算", "下一步", "思路"), *("目标", "预期", "力争"))


def _year_relations(question: str, year: int) -> tuple[str, ...]:
    """Which of a report's years a year in the question means, in order of preference: the
    year it is named by (2015年的报告), the year it plans (2026年的目标) or the year it
    reviews (2014年GDP增长多少), each falling back to the named year."""
    if any(int(m.group(1)) == year for m in _NAMES_REPORT.finditer(question)):
        return ("year",)
    if any(w in question for w in _TARGET_WORDS):
        return ("plans", "year")
    return ("covers", "year")


# A question after a figure of the year (多少, 增长几成): the year it names is the one reviewed.
_ASKS_FIGURE = re.compile(r"多少|几|增长|增速|增幅|比重|占比")


def _fitting(reports: list[Report], year: int, question: str) -> list[Report]:
    """The reports the year asks for, by the first relation any report meets. For a figure,
    falling back to the year a report is named by never takes one known to review another
    year (the 2017 政府工作报告 reviews 2016: it does not say what 2017 achieved)."""
    relations = _year_relations(question, year)
    for key in relations:
        found = [r for r in reports if getattr(r, key) == year]
        if key == "year" and len(relations) > 1 and _ASKS_FIGURE.search(question):
            found = [r for r in found if r.covers in (None, year)]
        if found:
            return found
    return []


def spelling_variants(q: str, reports: list[Report], known: frozenset[str]) -> str:
    """The question with a division it names that no report is in written as an indexed
    report's own place that no division table holds and that is one character away (沭阳县
    for a report that misspells it 沐阳县): the same place, spelt as the report spells it."""
    unknown = {
        a
        for r in reports
        if r.region and _unknown_region(r.region)
        for a in place_aliases(r)
        if a in r.region
    }
    if not unknown:
        return q
    for at, d in list(gazetteer.names_in(q, short_up_to=1)):
        for name in {d.name, d.short}:
            if not q.startswith(name, at) or name in known:
                continue
            near = [a for a in unknown if len(a) == len(name) and _one_apart(a, name)]
            if len(near) == 1:
                return q[:at] + near[0] + q[at + len(name) :]
    return q


@lru_cache(maxsize=8192)
def _unknown_region(region: str) -> bool:
    """No division table holds the region (worked out once a region, not once a question)."""
    return not gazetteer.region_path(region)


def _one_apart(a: str, b: str) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1 and a[-1] == b[-1]


def analyze_question(question: str, index: Index, filters: dict[str, Any] | None = None) -> Scope:
    """Find the places, agencies and years a question names, and which reports they select."""
    reports = list(index.reports.values())
    q = to_simplified(normalize_width(question))
    q = spelling_variants(q, reports, known_places(index))
    matched: list[str] = []
    unmatched: list[str] = []
    selected = reports
    hits = _named_places(q, reports)
    named = {r.doc_id for r in reports if hits[r.doc_id]}
    if not named and any(r.region for r in reports):
        unmatched.extend(_unindexed_divisions(q, known_places(index)))
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
    selected = _match_kind(selected, q, bool(named), matched, unmatched)
    named = {r.doc_id for r in selected} & named
    years = _years_asked(q)
    if years:
        named_as = {d: max(hits[d], key=len) for d in named}
        selected = _match_years(selected, years, q, named_as, matched, unmatched)
    selected = _apply_filters(selected, filters or {}, matched)
    restrict = named or bool(matched) or bool(filters)
    return Scope(
        tuple(r.doc_id for r in selected) if restrict else None,
        tuple(matched),
        tuple(dict.fromkeys(unmatched)),
    )


# Offices of a county government, by the stem before 局/委/办/院: an office is named right
# after its place (井研县|公安局, 酉阳|规资局, 湟中|局), never 全局, 布局 or 市局.
_OFFICES = tomllib.loads((LEXICON / "offices.toml").read_text(encoding="utf-8"))
_OFFICE_STEMS = sorted(_OFFICES["stems"]["words"], key=len, reverse=True)
_OFFICE = re.compile(
    rf"(?:县|区|市)?({'|'.join(_OFFICE_STEMS)})?"
    r"(局|委员会|办公室|人民法院|法院|人民检察院|检察院)"
)
_OLD = _OFFICES["old_names"]["words"]
_OLD_NAMES = tuple(zip(_OLD[::2], _OLD[1::2], strict=True))  # (old, new) pairs


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
    per_year = {y: _fitting(selected, y, question) for y in years}
    fitting = list({r.doc_id: r for found in per_year.values() for r in found}.values())
    if not named_as and not fitting and any(r.year is None for r in selected):
        return selected  # undated texts (encyclopedia passages): a year is only a word
    asked = "、".join(f"{y}年" for y in years)
    if named_as:
        covered = {named_as[r.doc_id] for r in fitting if r.doc_id in named_as}
        # an office of the government named (上海市政府 → 上海市人民政府办公厅's report)
        offices = {a for r in fitting for a in place_aliases(r)}
        for name in dict.fromkeys(named_as.values()):
            if name not in covered and not any(a.startswith(name) for a in offices):
                unmatched.append(f"{name}{asked}")
    for year in years:
        if per_year[year]:
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
