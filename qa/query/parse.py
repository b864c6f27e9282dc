"""Parse stage: a question, resolved in its conversation, read once into a typed record.

Retrieval and the answer read the same :class:`Query`: its scope (places, bodies, years and
the reports they select), its kind (number, list, fact …, per report or not) and its weighted
words are worked out here, once a question, and not again downstream.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qa.index.core import Index
from qa.ingest.clean import normalize_width, to_simplified
from qa.query.followup import resolve_question
from qa.query.kind import Kind, answer_kind
from qa.query.places import known_places
from qa.query.question import key_terms
from qa.query.scope import Scope, analyze_question
from qa.query.spelling import spelling_variants


@dataclass(frozen=True, slots=True)
class Query:
    """One question as the library reads it."""

    question: str  # as asked
    resolved: str  # read in its conversation (那2019年呢？ → 上海市政府办公厅2019年…)
    simple: str  # resolved, in simplified script with half-width letters and digits
    scope: Scope
    kind: Kind
    terms: Mapping[str, float]  # content words weighted by IDF (qa.query.question.key_terms)


def parse_query(
    question: str,
    history: Sequence[str],
    index: Index,
    filters: dict[str, Any] | None = None,
) -> Query:
    """Read a checked question (and the earlier questions of its conversation) once."""
    resolved = resolve_question(question, list(history), index)
    simple = to_simplified(normalize_width(resolved))
    spelled = spelling_variants(simple, list(index.reports.values()), known_places(index))
    if spelled != simple:  # 沭阳县 asked, 沐阳县 indexed: the place as its report spells it
        resolved = simple = spelled
    scope = analyze_question(resolved, index, filters)
    terms = key_terms(resolved, index)
    return Query(
        question,
        resolved,
        simple,
        scope,
        answer_kind(resolved, scope),
        within_scope(terms, scope, index),
    )


# A word most passages of the reports asked about hold (申请 in a 信息公开年报) tells their
# sentences apart less than its weight over the whole index says: at most this share off.
SCOPE_DISCOUNT = 0.5


def within_scope(terms: dict[str, float], scope: Scope, index: Index) -> dict[str, float]:
    """The terms' weights discounted by the share of the scoped reports' passages holding them,
    when the question narrows the reports (the weights are the whole index's)."""
    if not scope.doc_ids or not terms or len(set(scope.doc_ids)) >= len(index.reports):
        return terms
    texts = [to_simplified(p.text) for d in scope.doc_ids for p in index.passages_of(d)]
    if not texts:
        return terms
    return {
        t: w * (1 - SCOPE_DISCOUNT * sum(t in x for x in texts) / len(texts))
        for t, w in terms.items()
    }
