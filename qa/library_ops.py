"""What front ends (the UI, the CLI) read of an opened index and how they change it, so that
they never reach into its reports, manifest or build internals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from qa.index.build import update_index as index_files  # the front ends' name for it
from qa.index.core import Index

__all__ = ["ReportSummary", "index_files", "passage_counts", "report_summaries"]


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """One indexed report as a front end lists it."""

    doc_id: str
    title: str
    agency: str
    region: str
    year: int | None
    doc_number: str | None
    signed: str | None
    path: str
    passages: int
    indexed_at: str  # ISO time the report was indexed ("" when the index does not say)


def passage_counts(index: Index) -> dict[str, int]:
    """Number of passages per doc_id."""
    return dict(Counter(p.doc_id for p in index.passages))


def report_summaries(index: Index) -> list[ReportSummary]:
    """Every indexed report, newest year first."""
    counts = passage_counts(index)
    entries = index.manifest.get("reports", {})
    created = str(index.manifest.get("created", ""))
    return [
        ReportSummary(
            r.doc_id,
            r.title,
            r.agency,
            r.region,
            r.year,
            r.doc_number,
            r.signed,
            r.path,
            counts.get(r.doc_id, 0),
            str(entries.get(r.doc_id, {}).get("indexed_at", created)),
        )
        for r in sorted(index.reports.values(), key=lambda r: (-(r.year or 0), r.doc_id))
    ]
