"""Scope: the places, agencies and years a question names, and which reports they select."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.index.core import Index
from qa.ingest.clean import normalize_width, to_simplified
from qa.ingest.report_kind import kinds
from qa.query.offices import other_office, sole_offices, unindexed_office
from qa.query.places import (
    inside_places,
    known_places,
    named_places,
    only_above,
    unindexed_divisions,
    unindexed_places,
)
from qa.query.spelling import spelling_variants
from qa.query.towns import unindexed_towns
from qa.query.years import YEAR, match_years, planned_instead, years_asked
from qa.records import Report


@dataclass(frozen=True, slots=True)
class Scope:
    """What a question says about which reports it means."""

    doc_ids: tuple[str, ...] | None  # None: every report
    matched: tuple[str, ...] = ()  # places/years/filters found in the index
    unmatched: tuple[str, ...] = ()  # places/years named that no report covers
    within: tuple[str, ...] = ()  # places named inside the reports' regions: answers name them
    # reports that plan the year asked, to answer from when those reviewing it say nothing
    instead: tuple[str, ...] = ()


def _match_kind(
    selected: list[Report], q: str, named: bool, matched: list[str], unmatched: list[str]
) -> list[Report]:
    """The reports of the kind the question names (2026年政府工作报告, 部门预算): a place whose
    reports are all of other kinds has no such report (上海市普陀区政府工作报告)."""
    kind = next((k for k in kinds() if any(len(w) >= 4 and w in q for w in k.title)), None)
    if kind is None or not any(r.kind for r in selected):
        return selected
    of_kind = [r for r in selected if r.kind == kind.name]
    if of_kind:
        matched.append(kind.name)
        # the title words said (单位预算, not 部门预算): their reports, when only some have them
        said = [w for w in kind.title if len(w) >= 4 and w in q]
        titled = [r for r in of_kind if any(w in to_simplified(r.title) for w in said)]
        of_kind = titled or of_kind
    elif named:
        unmatched.append(f"{matched[-1] if matched else ''}{kind.name}")  # 普陀区政府工作报告
    return of_kind or selected


def analyze_question(question: str, index: Index, filters: dict[str, Any] | None = None) -> Scope:
    """Find the places, agencies and years a question names, and which reports they select."""
    reports = list(index.reports.values())
    q = to_simplified(normalize_width(question))
    q = spelling_variants(q, reports, known_places(index))
    matched: list[str] = []
    unmatched: list[str] = []
    selected = reports
    hits = named_places(q, reports)
    named = {r.doc_id for r in reports if hits[r.doc_id]}
    unmatched.extend(_not_indexed(q, index, hits, named))
    if named:
        selected = [r for r in reports if r.doc_id in named]
        matched.extend(sorted({max(hits[d], key=len) for d in named}))
    within = inside_places(q, [r for r in reports if r.doc_id in named], known_places(index))
    selected = _match_kind(selected, q, bool(named), matched, unmatched)
    named = {r.doc_id for r in selected} & named
    years = years_asked(q)
    instead: list[Report] = []
    if years:
        named_as = {d: max(hits[d], key=len) for d in named}
        instead = planned_instead(selected, years, q)
        selected = match_years(selected, years, q, named_as, matched, unmatched)
    selected = _apply_filters(selected, filters or {}, matched)
    restrict = named or bool(matched) or bool(filters)
    return Scope(
        tuple(r.doc_id for r in selected) if restrict else None,
        tuple(matched),
        tuple(dict.fromkeys(unmatched)),
        tuple(within),
        tuple(r.doc_id for r in instead if r not in selected),
    )


def _not_indexed(q: str, index: Index, hits: dict[str, list[str]], named: set[str]) -> list[str]:
    """The places and offices the question names that no indexed report is of."""
    reports = list(index.reports.values())
    found = [only_above(q, reports, hits)]  # the division above the indexed places itself
    if not named:
        if any(r.region for r in reports):
            found.extend(unindexed_divisions(q, known_places(index)))
        found.append(unindexed_office(q, reports))  # 民政局2025年…: no indexed body
    # 井研县公安局: the place is indexed, that office's reports are not
    found.append(other_office(q, [r for r in reports if r.doc_id in named], hits) or "")
    return [f for f in found + unindexed_places(q, index) + unindexed_towns(q, index) if f]


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
    """The question without the places, offices named alone (文旅局) and years that already
    chose its reports.

    Every passage carries its report's place and year in its keyword text, so inside the
    chosen reports those words only add noise to BM25.
    """
    q = question
    for name in sorted(known_places(index) | sole_offices(index), key=len, reverse=True):
        q = q.replace(name, " ")
    return YEAR.sub(" ", q)
