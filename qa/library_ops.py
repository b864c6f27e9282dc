"""Small read-only helpers over an opened index for front ends (UI): passage counts."""

from __future__ import annotations

from collections import Counter

from qa.index.core import Index


def passage_counts(index: Index) -> dict[str, int]:
    """Number of passages per doc_id."""
    return dict(Counter(p.doc_id for p in index.passages))
