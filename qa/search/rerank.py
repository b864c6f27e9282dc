"""Rerank stage: retrieved passages re-ordered by how well their best sentence matches.

Passage scores (dense + BM25) see a passage as a whole; the question usually restates one
sentence of it. Encyclopedic articles have many paragraphs on one subject, and the fused
score alone often puts a neighbouring paragraph first (DRCD). Added to each passage's score:
its best sentence's longest verbatim run shared with the question, its best sentence's share
of the question's words, and the IDF-weighted share of the question's character bigrams in
its best sentence and in the whole passage (bigrams catch names jieba splits oddly). Weights
chosen on 700 DRCD + 700 CMRC 2018 dev questions outside the gate's samples (see
eval/datasets/README.md): DRCD top-1 0.946 → 0.970, CMRC 0.986 → 0.991.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from qa.index.core import Index
from qa.index.sentences import sentence_spans
from qa.ingest.clean import to_simplified
from qa.query.plans import section_fit
from qa.query.question import bare_question, coverage, key_terms, shared_run
from qa.records import Hit

RUN_WEIGHT = 0.2
COVERAGE_WEIGHT = 0.2
BIGRAM_WEIGHT = 0.6
PASSAGE_BIGRAM_WEIGHT = 0.4
MAX_MATCH = RUN_WEIGHT + COVERAGE_WEIGHT + BIGRAM_WEIGHT + PASSAGE_BIGRAM_WEIGHT
POOL = 20  # passages re-ordered; the rest keep their place below them
SECTION_FIT = 0.4  # times plans.section_fit: a section about the years asked for, or not
_SPACE = re.compile(r"\s+")


def _bigrams(text: str) -> set[str]:
    simple = _SPACE.sub("", to_simplified(text))
    return {simple[i : i + 2] for i in range(len(simple) - 1)}


def bigram_counts(index: Index) -> dict[str, int]:
    """How many passages hold each character bigram (worked out once per loaded index)."""
    if index.bigram_df is None:
        counts: Counter[str] = Counter()
        for p in index.passages:
            counts.update(_bigrams(p.text))
        index.bigram_df = dict(counts)
    return index.bigram_df


class _Matcher:
    """One question's sentence and passage match scores."""

    def __init__(
        self, question: str, index: Index, terms: Mapping[str, float] | None = None
    ) -> None:
        self.question = question
        self.terms = dict(terms) if terms is not None else key_terms(question, index)
        counts, n = bigram_counts(index), len(index.passages)
        q = bare_question(question)
        self.weights = {
            b: math.log((n + 1) / (counts.get(b, 0) + 0.5))
            for b in {q[i : i + 2] for i in range(len(q) - 1)}
        }
        self.total = sum(self.weights.values()) or 1.0

    def _bigram_share(self, text: str) -> float:
        return sum(self.weights[b] for b in _bigrams(text) & self.weights.keys()) / self.total

    def match(self, text: str) -> float:
        best_run = best_cover = best_bigrams = 0.0
        for s, e in sentence_spans(text, 0, len(text)):
            sentence = text[s:e]
            best_run = max(best_run, shared_run(self.question, sentence))
            best_cover = max(best_cover, coverage(sentence, self.terms))
            best_bigrams = max(best_bigrams, self._bigram_share(sentence))
        return (
            RUN_WEIGHT * best_run
            + COVERAGE_WEIGHT * best_cover
            + BIGRAM_WEIGHT * best_bigrams
            + PASSAGE_BIGRAM_WEIGHT * self._bigram_share(text)
        )


def rerank(
    question: str,
    hits: list[Hit],
    index: Index,
    k: int,
    pool: int = POOL,
    terms: Mapping[str, float] | None = None,
) -> list[Hit]:
    """The top ``k`` of ``hits`` after adding the sentence match of the first ``pool``
    (``terms``: the question's words when they are already known)."""
    matcher = _Matcher(question, index, terms)
    scored = []
    for hit in hits[:pool]:
        p = hit.passage
        match = matcher.match(index.reports[p.doc_id].text[p.start : p.end])
        match += SECTION_FIT * section_fit(question, p.section_path)
        scored.append(replace(hit, score=hit.score + match, sentence=match))
    scored.sort(key=lambda h: h.score, reverse=True)  # stable: ties keep retrieval order
    ranked = scored + hits[pool:]
    return [replace(h, rank=n) for n, h in enumerate(ranked[:k], start=1)]
