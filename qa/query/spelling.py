"""Spelling variants of a place: a question's division written as an indexed report spells
its own place when no division table holds that spelling and it is one character away
(沭阳县 asked, 沐阳县 printed)."""

from __future__ import annotations

from functools import lru_cache

from qa.ingest import gazetteer
from qa.query.places import place_aliases
from qa.records import Report


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
    found = list(gazetteer.names_in(q, short_up_to=3))  # 沭阳 as well as 沭阳县
    # a name said in full (北京市朝阳区) is compared as said, never by its short name (朝阳)
    full = {at: d.name for at, d in found if q.startswith(d.name, at)}
    for at, d in found:
        name = full.get(at, d.short)
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
