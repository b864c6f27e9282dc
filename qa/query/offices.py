"""Offices: the bodies' own names without their places (司法局, 区府办, 城管局), which of
them a question names alone, and another office of an indexed place (井研县公安局)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from qa.index.core import Index
from qa.ingest.clean import to_simplified
from qa.ingest.report_kind import LEXICON
from qa.records import Report

_OFFICES = tomllib.loads((LEXICON / "offices.toml").read_text(encoding="utf-8"))
_OFFICE_STEMS = sorted(_OFFICES["stems"]["words"], key=len, reverse=True)
OFFICE = re.compile(
    rf"(?:县|区|市)?({'|'.join(_OFFICE_STEMS)})?"
    r"(局|委员会|办公室|人民法院|法院|人民检察院|检察院)"
)
_OLD = _OFFICES["old_names"]["words"]
NATIONAL_NAMES = frozenset(_OFFICES["national"]["words"])
NATIONAL_REGION = "中华人民共和国"
_OLD_NAMES = tuple(zip(_OLD[::2], _OLD[1::2], strict=True))  # (old, new) pairs
_SHORT = _OFFICES["short_names"]["words"]
_SHORT_NAMES = tuple(zip(_SHORT[::2], _SHORT[1::2], strict=True))  # (full, short) pairs


@lru_cache(maxsize=8192)
def region_parts(region_name: str) -> tuple[str, ...]:
    """四川省乐山市井研县 → (四川省, 乐山市, 井研县)."""
    region = to_simplified(region_name)
    return tuple(re.findall(r"[\u4e00-\u9fff]+?(?:自治区|自治州|自治县|省|市|县|区|旗)", region))


def short_office_names(office: str) -> set[str]:
    """The short names officials call an office by (城市管理局 → 城管局, 人力资源和社会保障局 →
    人社局)."""
    return {office.replace(full, short) for full, short in _SHORT_NAMES if full in office}


def office_of(agency: str, region: tuple[str, ...]) -> str:
    """上海市普陀区人民政府办公室 → 人民政府办公室: the body without the places it opens with."""
    office = agency
    for part in region:
        office = office.removeprefix(part)
    return office if office != agency else re.sub(r"^.*?(?:自治县|县|区|市|旗)", "", agency)


# What may stand before an office named without its place: the question's start, a year
# (2026年司法局), a joining word (…社会事业局和君山片区管理局) or punctuation.
_BEFORE_BARE = "和与及、跟同对比按据在年的"
MIN_BARE_OFFICE = 3  # characters: 科委 alone is too short to name one body


def bare_offices(q: str, reports: list[Report]) -> dict[str, list[str]]:
    """For each report, the name of its office the question says without a place (司法局,
    市审计局, 君山片区管理局) when that office is one indexed body's only (two 财政局 of two
    places: neither is meant)."""
    owners = _office_owners(reports)
    return {
        r.doc_id: [
            n
            for n, bodies in owners.items()
            if bodies == {to_simplified(r.agency)} and _said_bare(q, n)
        ]
        for r in reports
    }


def sole_offices(index: Index) -> frozenset[str]:
    """The office names (水利局, 区府办) that only one indexed body has: what a follow-up
    carries over from a question that named the office alone (worked out once per index)."""
    if index.office_names is None:
        owners = _office_owners(list(index.reports.values()))
        index.office_names = frozenset(n for n, bodies in owners.items() if len(bodies) == 1)
    return index.office_names


def _office_owners(reports: list[Report]) -> dict[str, set[str]]:
    """Each office name of the indexed bodies (long enough to name one) → the bodies."""
    owners: dict[str, set[str]] = {}
    for r in reports:
        agency = to_simplified(r.agency)
        office = office_of(agency, region_parts(r.region)) if agency else ""
        if not office or office == agency:
            continue
        for name in {office, office.replace("人民政府", "政府"), *short_office_names(office)}:
            if len(name) >= MIN_BARE_OFFICE:
                owners.setdefault(name, set()).add(agency)
    return owners


def _said_bare(q: str, name: str) -> bool:
    at = q.find(name)
    while at >= 0:
        before = q[:at]
        if before[-1:] in _LEVELS:  # 市审计局: a level opening the question or a clause
            before = before[:-1]  # (not a place's last character: 井研县司法局)
        if not before or not _HAN.match(before[-1]) or before[-1] in _BEFORE_BARE:
            return True
        at = q.find(name, at + 1)
    return False


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LEVELS = ("市", "县", "区")


def other_office(question: str, named: list[Report], hits: dict[str, list[str]]) -> str | None:
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
    m = OFFICE.match(question, at + len(alias))
    if not m or not (m.group(1) or "院" in m.group(2)):
        return None
    if _WITH_OTHERS.match(question, m.end()):
        return None  # 湟中区司法局对案卷…, 井研县应急局和自然资源局…: a body the report works with
    asked = m.group(1) or ""
    for old, new in _OLD_NAMES:
        asked = asked.replace(old, new)
    # 人民政府 holds the characters of 民政: the government's own office is no 民政局
    bodies = [r for r in named if alias in hits[r.doc_id]]
    if asked and any(_same_office(asked, m.group(), r) for r in bodies):
        return None
    return alias + m.group()


def _same_office(stem: str, said: str, report: Report) -> bool:
    """Is the office said (its stem: 科技, 科学技术) the report's body, by its full name or its
    short one (上海市科委 for 科学技术委员会)?"""
    agency = to_simplified(report.agency)
    body = agency.replace("人民政府", "政府")  # 人民政府 holds the characters of 民政
    own = office_of(agency, region_parts(report.region)).replace("人民政府", "政府")
    short = len(own) >= 2 and own != agency
    return all(ch in body for ch in stem) or (short and all(ch in said for ch in own))


# After another office's name: it acts with or on the indexed one (a topic), not as the subject
_WITH_OTHERS = re.compile(r"[、和与及对向给同]|联合|会同|协同")


# An office a question opens with, named alone (民政局2025年…, 那科技局呢): its stem and kind.
_OPENING_OFFICE = re.compile(
    rf"^(?:那|请问)?[市县区]?({'|'.join(_OFFICE_STEMS)})(局|委员会|委|办公室|办)"
)


def unindexed_office(q: str, reports: list[Report]) -> str:
    """The office a question opens with, named alone, when no indexed body is that office (民政局
    2025年… with no 民政局's report): its name, else "". A short name (科技局) is the body whose
    name holds its characters (科学技术局)."""
    m = _OPENING_OFFICE.match(q)
    if not m:
        return ""
    stem = m.group(1)
    for old, new in _OLD_NAMES:
        stem = stem.replace(old, new)
    said = m.group(1) + m.group(2)
    return "" if any(_same_office(stem, said, r) for r in reports) else said
