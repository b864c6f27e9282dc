"""Retrieve stage: a question (+ metadata filters) → ranked passages, dense + BM25 fused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.index.core import Index
from qa.ingest.clean import normalize_width, to_simplified
from qa.query.scope import Scope, analyze_question, strip_scope_words
from qa.records import Hit
from qa.search.rerank import POOL, rerank

if TYPE_CHECKING:
    from qa.index.embed import Embedder

CANDIDATES = 200
REPORT_POOL = 8  # per report, re-ordered by their sentences before each keeps its best few


def _minmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def _candidates(
    index: Index, qvec: np.ndarray, keyword: np.ndarray, scope: Scope, every: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate rows and their dense scores.

    Inside a scope, or for a question about ``every`` report (各局…), every passage of the
    chosen reports is a candidate (scored exactly from the stored vectors); otherwise
    FAISS's and BM25's top candidates are pooled.
    """
    n = len(index.passages)
    if scope.doc_ids is not None or every:
        wanted = set(index.reports if scope.doc_ids is None else scope.doc_ids)
        cand = np.array([i for i, p in enumerate(index.passages) if p.doc_id in wanted], dtype=int)
        return cand, index.vectors[cand] @ qvec[0] if cand.size else np.zeros(0, np.float32)
    dense_scores, ids = index.faiss_index.search(qvec, min(n, CANDIDATES))
    rows = [index.by_int_id[int(i)] for i in ids[0] if i >= 0]
    pool = sorted({*rows, *np.argsort(-keyword)[:CANDIDATES].tolist()})
    cand = np.array(pool, dtype=int)
    dense = dict(zip(rows, dense_scores[0].tolist(), strict=False))
    missing = [i for i in pool if i not in dense]
    if missing:  # keyword-only candidates: exact dense score from the stored vectors
        dense.update(zip(missing, (index.vectors[missing] @ qvec[0]).tolist(), strict=True))
    return cand, np.array([dense[i] for i in pool], dtype=np.float32)


def search(
    question: str,
    index: Index,
    embedder: Embedder,
    k: int = 5,
    filters: dict[str, Any] | None = None,
    dense_weight: float = 0.7,
    scope: Scope | None = None,
    per_report: int | None = None,
    rerank_sentences: bool = True,
    terms: Mapping[str, float] | None = None,
) -> list[Hit]:
    """Rank passages for a question: min-max fused dense and BM25 scores, within its scope,
    the top ones re-ordered by their best sentence (``qa.search.rerank``).

    With ``per_report`` the best passages of every report in scope are returned instead of
    the overall top ``k`` (for questions like 哪些局提到……).
    """
    if not index.passages:
        return []
    scope = scope or analyze_question(question, index, filters)
    query = to_simplified(normalize_width(question))
    qvec = np.asarray(embedder.encode_queries([query]), dtype=np.float32)
    keyword = index.keywords.scores(strip_scope_words(query, index) if scope.matched else query)
    cand, dense = _candidates(index, qvec, keyword, scope, every=bool(per_report))
    if cand.size == 0:
        return []
    kw = keyword[cand]
    fused = dense_weight * _minmax(dense) + (1 - dense_weight) * _minmax(kw)
    order = np.argsort(-fused, kind="stable")
    if per_report:
        pool = REPORT_POOL if rerank_sentences else per_report
        order = order[_first_per_report((index.passages[cand[i]].doc_id for i in order), pool)]
    else:
        order = order[: max(k, POOL)]
    hits = _hits(index, cand, order, fused, dense, kw, scope.matched)
    if per_report:  # each report's best few, after the sentence rerank of a wider pool
        return _best_per_report(query, hits, index, per_report, rerank_sentences, terms)
    return rerank(query, hits, index, k, terms=terms) if rerank_sentences else hits[:k]


def _hits(
    index: Index,
    cand: np.ndarray,
    order: np.ndarray,
    fused: np.ndarray,
    dense: np.ndarray,
    kw: np.ndarray,
    matched: tuple[str, ...],
) -> list[Hit]:
    """Hits for the candidate positions in ``order``, ranked from 1, with their scores."""
    return [
        Hit(
            index.passages[cand[i]],
            float(fused[i]),
            rank + 1,
            dense=float(dense[i]),
            keyword=float(kw[i]),
            metadata_match=matched,
        )
        for rank, i in enumerate(order)
    ]


def _best_per_report(
    question: str,
    hits: list[Hit],
    index: Index,
    per_report: int,
    rerank_sentences: bool,
    terms: Mapping[str, float] | None,
) -> list[Hit]:
    """Each report's best ``per_report`` hits, after the sentence rerank of the whole pool."""
    if rerank_sentences:
        hits = rerank(question, hits, index, len(hits), pool=len(hits), terms=terms)
    best = _first_per_report((h.passage.doc_id for h in hits), per_report)
    return [replace(hits[i], rank=n) for n, i in enumerate(best, start=1)]


def _first_per_report(doc_ids: Iterable[str], most: int) -> list[int]:
    """The positions kept when each report keeps only its first ``most`` passages."""
    seen: Counter[str] = Counter()
    keep: list[int] = []
    for i, doc in enumerate(doc_ids):
        if seen[doc] < most:
            seen[doc] += 1
            keep.append(i)
    return keep
