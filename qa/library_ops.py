"""Small read-only helpers over an opened index for front ends (UI): quote context, counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from qa.index import Index
from qa.records import Citation

CONTEXT_CHARS = 120


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """A citation's quote with the report text around it: ``before + quote + after``."""

    before: str
    quote: str
    after: str
    clipped_start: bool  # text exists before ``before``
    clipped_end: bool  # text exists after ``after``


def quote_context(index: Index, citation: Citation, chars: int = CONTEXT_CHARS) -> QuoteContext:
    """The quoted span with up to ``chars`` characters of its report on each side."""
    report = index.reports.get(citation.doc_id)
    if report is None:  # removed since the answer was given: show the quote alone
        return QuoteContext("", citation.quote, "", False, False)
    text = report.text
    lo = max(0, citation.start - chars)
    hi = min(len(text), citation.end + chars)
    return QuoteContext(
        text[lo : citation.start],
        text[citation.start : citation.end],
        text[citation.end : hi],
        lo > 0,
        hi < len(text),
    )


def passage_counts(index: Index) -> dict[str, int]:
    """Number of passages per doc_id."""
    return dict(Counter(p.doc_id for p in index.passages))
