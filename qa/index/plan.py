"""Index update planning: which reports to keep or read again, and which vectors to reuse."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.config import Settings
from qa.errors import IndexMismatch, ReportFormatError
from qa.index.core import Index, Progress, check_compatible, embed_passages, passage_texts
from qa.ingest.load_limits import DEFAULT_LIMITS, MB, LoadLimits, read_file_bytes
from qa.ingest.load_worker import ReportLoader
from qa.ingest.metadata import VERSION as METADATA_VERSION
from qa.records import Passage, Report

if TYPE_CHECKING:
    from qa.index.embed import Embedder

_UNSAFE_ID = re.compile(r"[^\w.\-]+")


@dataclass(slots=True)
class UpdateSummary:
    """What an update did, for the closing table."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    passages: int = 0
    embedded: int = 0
    reused: int = 0  # passages whose embedding text was already in the index: vectors kept
    seconds: float = 0.0
    written: bool = False


@dataclass(slots=True)
class Plan:
    keep: list[Report] = field(default_factory=list)  # reuse passages and vectors
    fresh: list[Report] = field(default_factory=list)  # (re-)chunk and embed


def file_sha256(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> str:
    """SHA-256 of a report file, read as the loader reads it (regular files within the size
    limit; ReportFormatError otherwise)."""
    return hashlib.sha256(read_file_bytes(path, limits.max_file_mb * MB)).hexdigest()


def _unchanged(path: Path, prev: Report | None, limits: LoadLimits) -> bool:
    """Whether the file still has the indexed version's bytes (False when it cannot be read:
    loading it then says why)."""
    if prev is None or prev.meta_version != METADATA_VERSION:
        return False  # new, or described by an older metadata stage
    try:
        return file_sha256(path, limits) == prev.sha256
    except ReportFormatError:
        return False


def safe_id(stem: str) -> str:
    """A file name's stem with every run of unsafe characters replaced by ``_``."""
    return _UNSAFE_ID.sub("_", stem)


def _unique_id(stem: str, taken: set[str]) -> str:
    base = safe_id(stem) or "report"
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    return doc_id


def is_compatible(old: Index, settings: Settings) -> bool:
    """Whether old vectors may be reused (same model and chunking; --rebuild may change them)."""
    try:
        check_compatible(old.manifest, settings)
    except IndexMismatch:
        return False
    return True


def _is_under(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


@dataclass(slots=True)
class _Planner:
    """One planning pass: what it was asked, the doc ids taken so far, and what it decided."""

    taken: set[str]
    roots: list[Path]
    remove: set[str]
    rebuild: bool
    reuse: bool
    summary: UpdateSummary
    load: ReportLoader
    plan: Plan = field(default_factory=Plan)

    def plan_file(self, path: Path, prev: Report | None) -> None:
        """Decide for a file named by the update: dropped, kept as it is, or read (again)."""
        if prev and prev.doc_id in self.remove:
            self.summary.removed.append(prev.doc_id)
            return
        if prev and not self.rebuild and _unchanged(path, prev, self.load.limits):
            self.plan.keep.append(prev)
            self.summary.unchanged.append(prev.doc_id)
            return
        doc_id = prev.doc_id if prev else _unique_id(path.stem, self.taken)
        self.taken.add(doc_id)
        self.read(path, str(path), doc_id, prev)

    def plan_unnamed(self, key: str, prev: Report) -> None:
        """Decide for an indexed report the update did not find: gone, read again, or kept."""
        path = Path(key)
        gone = not path.exists() or _is_under(path, self.roots) or prev.doc_id in self.remove
        if gone:
            self.summary.removed.append(prev.doc_id)
        elif self.rebuild:
            self.read(path, key, prev.doc_id, prev)
        else:
            self.plan.keep.append(prev)

    def read(self, path: Path, shown: str, doc_id: str, prev: Report | None) -> None:
        """Load a file into the fresh reports, or note why it failed."""
        try:
            report = self.load(path, doc_id)
        except ReportFormatError as exc:
            self.summary.failed.append((shown, str(exc)))
            if prev and self.reuse:  # keep the last good version of a file that no longer parses
                self.plan.keep.append(prev)
            elif prev:  # its old vectors belong to another model or chunking
                self.summary.removed.append(prev.doc_id)
            return
        self.plan.fresh.append(report)
        (self.summary.changed if prev else self.summary.added).append(doc_id)


def plan_update(
    files: list[Path],
    old: Index | None,
    roots: list[Path],
    remove: set[str],
    rebuild: bool,
    summary: UpdateSummary,
    reuse: bool,
    load: ReportLoader,
) -> Plan:
    """Which reports to keep and which to (re-)read, each noted in ``summary``."""
    old_by_path = {r.path: r for r in old.reports.values()} if old else {}
    taken = set(old.reports) if old else set()
    planner = _Planner(taken, roots, remove, rebuild, reuse, summary, load)
    seen: set[str] = set()
    for path in files:
        key = str(path.resolve())
        seen.add(key)
        planner.plan_file(path, old_by_path.get(key))
    for key, prev in old_by_path.items():
        if key not in seen:
            planner.plan_unnamed(key, prev)
    return planner.plan


def known_vectors(old: Index | None) -> dict[str, np.ndarray]:
    """The old index's vector for each embedding text (same model and chunking)."""
    if old is None:
        return {}
    return dict(zip(passage_texts(old.passages), old.vectors, strict=True))


def reusable_vectors(old: Index | None, model_id: str, allowed: bool) -> dict[str, np.ndarray]:
    """``known_vectors`` when they may be reused (``allowed``, and the same ``model_id``)."""
    same_model = old is not None and old.manifest.get("model_id") == model_id
    return known_vectors(old) if allowed and same_model else {}


def vectors_for(
    passages: list[Passage],
    known: dict[str, np.ndarray],
    embedder: Embedder,
    batch: int,
    progress: Progress | None,
) -> tuple[np.ndarray, int]:
    """Vectors of the passages, embedding only the texts the old index does not hold (a
    report read again after a metadata upgrade or a small edit); how many were reused."""
    texts = passage_texts(passages)
    new = [p for p, t in zip(passages, texts, strict=True) if t not in known]
    made = iter(embed_passages(new, embedder, batch, progress))
    rows = [known[t] if t in known else next(made) for t in texts]
    vectors = np.stack(rows) if rows else np.zeros((0, embedder.dim), np.float32)
    return vectors.astype(np.float32), len(passages) - len(new)


def assemble_version(
    old: Index | None, plan: Plan, fresh: list[Passage], fresh_vectors: np.ndarray
) -> tuple[list[Report], list[Passage], np.ndarray]:
    """The new version's reports (by doc_id), and their passages and vectors in that order."""
    rows: dict[str, list[tuple[Passage, np.ndarray]]] = {}
    if old is not None:
        kept = {r.doc_id for r in plan.keep}
        for i, p in enumerate(old.passages):
            if p.doc_id in kept:
                rows.setdefault(p.doc_id, []).append((p, old.vectors[i]))
    for p, v in zip(fresh, fresh_vectors, strict=True):
        rows.setdefault(p.doc_id, []).append((p, v))
    reports = sorted([*plan.keep, *plan.fresh], key=lambda r: r.doc_id)
    ordered = [row for r in reports for row in rows.get(r.doc_id, [])]
    dim = fresh_vectors.shape[1]
    vectors = np.stack([v for _, v in ordered]) if ordered else np.zeros((0, dim), np.float32)
    return reports, [p for p, _ in ordered], vectors
