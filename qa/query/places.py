"""Places in questions: the names a report's place and body go by, the places a question
names, and the ones no report is by."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.index.core import Index
from qa.ingest import gazetteer
from qa.ingest.clean import to_simplified
from qa.ingest.issuer import NOT_PLACE_START
from qa.query.offices import (
    NATIONAL_NAMES,
    NATIONAL_REGION,
    OFFICE,
    bare_offices,
    office_of,
    region_parts,
    short_office_names,
)
from qa.records import Report

# A place a question asks about: at the start, after punctuation or after 和/与/那/在 …
# (仁寿县2023年…, 那大竹县呢, 井研县和秀山县), so 划转给了县 is not taken for a place.
ASKED_PLACE = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[和与及那在对比跟同]))"
    r"[\u4e00-\u9fff]{1,5}?(?:自治县|自治州|县|区|市|州|省|旗)"
)


def place_aliases(report: Report) -> frozenset[str]:
    """Names a user may call the report's own place and body by: 酉阳土家族苗族自治县 →
    酉阳县, 酉阳 … (not the divisions above it: see :func:`parent_aliases`); a national
    report's are the country's (全国, 我国 …)."""
    if to_simplified(report.region) == NATIONAL_REGION:
        return NATIONAL_NAMES | _aliases((), report.agency, ())
    parts = region_parts(report.region)
    return _aliases(parts[-1:], report.agency, parts)


def parent_aliases(report: Report) -> frozenset[str]:
    """Names of the divisions the report's place lies in (四川省, 四川, 乐山市 … for 井研县):
    a question about 上海市 means a 普陀区 office's report only when no report is 上海市's own,
    or when it asks for the districts."""
    return _aliases(region_parts(report.region)[:-1], "", ())


def known_places(index: Index) -> frozenset[str]:
    """Every alias of every indexed report's place and of the divisions above it, worked out
    once per loaded index."""
    if index.place_names is None:
        index.place_names = frozenset(
            a for r in index.reports.values() for a in place_aliases(r) | parent_aliases(r)
        )
    return index.place_names


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
        office = office_of(agency, region)
        if office != agency:
            said = {office, office.replace("人民政府", "政府"), *short_office_names(office)}
            names.update(n + o for n in list(names) if n.endswith(("县", "区", "市")) for o in said)
            # 区政府办公室, 区司法局, 区府办: as a district's or county's own offices call each other
            # (not its government itself, nor a city's: 市政府 names every city's)
            level = places[-1][-1] if places and places[-1].endswith(("区", "县")) else ""
            if level and not re.fullmatch(r"(?:人民)?政府", office):
                names.update(level + o for o in said if len(o) >= 3 or o.endswith("办"))
        # a body of a place below the county: 万里街道办事处 is called 万里街道, 某某镇 by itself
        town = _TOWN.search(office.removeprefix("人民政府"))
        if town:
            names.add(town.group(1))
    return frozenset(n for n in names if len(n) >= 2)


# 万里街道办事处, 某某镇人民政府, 某某乡人民政府: a sub-district or town and its short name.
_TOWN = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:街道|镇|乡))(?:办事处|人民政府|政府)")


# 各区/下辖/区县: a question about a place that asks for the places under it.
_SUBDIVISIONS = re.compile(r"各(?:区|县|市|州|旗|街道|乡镇)|下辖|所辖|区县|县区|县市区|区级|县级")


def named_places(q: str, reports: list[Report]) -> dict[str, list[str]]:
    """For each report, the names of its place or body the question says. A report whose
    place only contains another named report's place (上海市 in 上海市普陀区司法局) gives way
    to it; where no report's own place is named, or the question asks for the places under
    one (各区), the reports of places inside a named division count (四川 → 井研县). A report
    of a division that the question names only as the parent of another named report's place
    gives way too (上海市普陀区…: not 上海市's own report)."""
    bare = bare_offices(q, reports)
    hits = {r.doc_id: [a for a in place_aliases(r) if a in q] + bare[r.doc_id] for r in reports}
    if not any(hits.values()) or _SUBDIVISIONS.search(q):
        for r in reports:
            hits[r.doc_id] += [a for a in parent_aliases(r) if a in q]
        return hits
    if any(set(found) - NATIONAL_NAMES for found in hits.values()):  # 湖北比全国高还是低
        hits = {d: [a for a in found if a not in NATIONAL_NAMES] for d, found in hits.items()}
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
# 哪些局/各县/分别/有几个单位: a question across the reports of places inside a division
_ACROSS = re.compile(
    r"哪些|哪几|各(?:局|县|区|市|单位|部门)|分别|(?:几|多少)个(?:局|县|区|单位|部门)"
)


def only_above(q: str, reports: list[Report], hits: dict[str, list[str]]) -> str:
    """The division a question is about when it names it only as the one above indexed places
    and asks about the division itself (呼伦贝尔市2016年地区生产总值 when only 海拉尔区 is
    indexed: a district's report does not state its city's figures), else ""."""
    said = {a for found in hits.values() for a in found}
    if not said or _SUBDIVISIONS.search(q) or _ACROSS.search(q):
        return ""
    if any(a in q for r in reports for a in place_aliases(r)):
        return ""
    if any(a not in parent_aliases(r) for r in reports for a in hits[r.doc_id]):
        return ""  # an office named without its place (司法局): named_places found it
    return max(said, key=len)


def unindexed_divisions(q: str, known: frozenset[str]) -> list[str]:
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


def inside_places(q: str, named: list[Report], known: frozenset[str]) -> list[str]:
    """Divisions the question names inside the named reports' regions that no report is by
    (天津滨海新区 when only 天津市's report is indexed): an answer must speak of them."""
    regions = [r.region for r in named if r.region]
    found: list[str] = []
    for _, d in gazetteer.names_in(q):
        if d.name in known or any(d.name in k for k in known) or d.name in found:
            continue
        parents = [p.name for p in gazetteer.region_path(d.name, q)[:-1]]  # 北京市朝阳区
        if any(p in region for p in parents for region in regions):
            found.append(d.name)
    return found


# Offices of a county government, by the stem before 局/委/办/院: an office is named right
# after its place (井研县|公安局, 酉阳|规资局, 湟中|局), never 全局, 布局 or 市局.
_PLACE_END = re.compile(r"(?:地区|自治县|自治州|县|区|市|州|省|旗)$")


def mentioned(index: Index, name: str) -> bool:
    """Does any passage mention the name, its short form (仁寿县 → 仁寿) or a shorter tail of it
    (当时的上海市 → 上海, 西藏地区 → 西藏, 陈诚自杭州 → 杭州)?"""
    for i in range(len(name) - 1):
        tail = name[i:]
        short = _PLACE_END.sub("", tail)
        if any(index.keywords.idf(t) > 0 for t in {tail, short} if len(t) >= 2):
            return True
    return False


def unindexed_places(q: str, index: Index) -> list[str]:
    """The places (and offices of a place) the question names that no report is by: 秀山县规划和
    自然资源局 when only other offices of 秀山县 are indexed, a place the reports never name."""
    known = known_places(index)
    offices = any(r.agency for r in index.reports.values())  # reports of offices, not articles
    found = []
    for m in ASKED_PLACE.finditer(q):
        name = m.group()
        if name[0] in NOT_PLACE_START or any(name in k or k in name for k in known):
            continue
        if re.search(r"[的是了把被]", name):
            continue  # words of the question, not a place: 结合的是市局哪份文件
        office = OFFICE.match(q, m.end()) if offices else None
        if office and office.group(1):  # 秀山县规划和自然资源局: an office no report is by
            found.append(name + office.group())
        elif not mentioned(index, name):  # a place the reports never name at all
            found.append(name)
    return found
