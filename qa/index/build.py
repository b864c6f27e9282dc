"""Index stage, writing side: incremental and crash-safe updates of an index folder."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.config import Settings
from qa.errors import IndexCorrupt, IndexMismatch, IndexNotFound, ReportFormatError
from qa.index.core import (
    Index,
    Progress,
    check_compatible,
    chunk_all,
    chunk_settings,
    embed_passages,
    load_index,
    passage_texts,
    save_version,
)
from qa.index.store import new_staging, publish, writer_lock
from qa.ingest.clean import clean_text
from qa.ingest.load import find_report_files, read_document, read_overrides
from qa.ingest.load_limits import DEFAULT_LIMITS, MB, LoadLimits, path_kind, read_file_bytes
from qa.ingest.load_text import shown_path
from qa.ingest.load_worker import ReportLoader
from qa.ingest.metadata import VERSION as METADATA_VERSION
from qa.ingest.metadata import apply_overrides, infer_metadata
from qa.ingest.tables import find_tables
from qa.records import Passage, Report

if TYPE_CHECKING:
    from qa.index.embed import Embedder

log = logging.getLogger(__name__)
_UNSAFE_ID = re.compile(r"[^\w.\-]+")


def load_report(
    path: Path, doc_id: str | None = None, limits: LoadLimits = DEFAULT_LIMITS
) -> Report:
    """Read, clean and describe one report file; sidecar overrides win over inference."""
    raw = read_document(path, limits)
    cleaned = clean_text(raw.text)
    if not cleaned.text.strip():
        raise ReportFormatError(f"无法读取 {path.name}：清理后没有正文。请检查文件内容。")
    year_hint = int(path.stem) if re.fullmatch(r"(19|20)\d{2}", path.stem) else None
    meta = infer_metadata(cleaned.text, year_hint)
    overrides = read_overrides(path)
    meta = apply_overrides(meta, overrides)
    page_starts = _map_page_starts(raw.text, cleaned.text, raw.page_starts)
    tables = find_tables(cleaned.text, raw.grids, page_starts)
    return Report(
        doc_id=doc_id or _UNSAFE_ID.sub("_", path.stem),
        path=str(path.resolve()),
        title=meta.title or path.stem,
        agency=meta.agency,
        region=meta.region,
        year=meta.year,
        signed=meta.signed,
        doc_number=meta.doc_number,
        text=cleaned.text,
        sha256=raw.sha256,
        page_starts=page_starts,
        overrides=tuple(sorted(overrides)),
        warnings=cleaned.warnings,
        kind=meta.kind,
        covers=meta.covers,
        plans=meta.plans,
        speaker=meta.speaker,
        sources=meta.sources,
        meta_version=METADATA_VERSION,
        tables=tables,
    )


def _map_page_starts(raw: str, cleaned: str, starts: tuple[int, ...]) -> tuple[int, ...]:
    """Find each PDF page's first line again in the cleaned text (cleaning moves offsets)."""
    mapped: list[int] = []
    pos = 0
    for start in starts:
        line = raw[start:].lstrip().split("\n", 1)[0].strip()[:20]
        at = cleaned.find(line, pos) if line else -1
        pos = at if at >= 0 else pos
        mapped.append(pos)
    return tuple(mapped)


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


def _unique_id(stem: str, taken: set[str]) -> str:
    base = _UNSAFE_ID.sub("_", stem) or "report"
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    return doc_id


def _load_previous(settings: Settings, rebuild: bool) -> Index | None:
    try:
        old = load_index(settings, check_model=False)
    except IndexNotFound:
        return None
    except IndexCorrupt:
        if rebuild:
            return None
        raise
    if not rebuild:
        check_compatible(old.manifest, settings)
    return old


def _is_compatible(old: Index, settings: Settings) -> bool:
    """Whether old vectors may be reused (same model and chunking; --rebuild may change them)."""
    try:
        check_compatible(old.manifest, settings)
    except IndexMismatch:
        return False
    return True


def _is_under(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


@dataclass(slots=True)
class _Plan:
    keep: list[Report] = field(default_factory=list)  # reuse passages and vectors
    fresh: list[Report] = field(default_factory=list)  # (re-)chunk and embed


def _plan(
    files: list[Path],
    old: Index | None,
    roots: list[Path],
    remove: set[str],
    rebuild: bool,
    summary: UpdateSummary,
    reuse: bool,
    load: ReportLoader,
) -> _Plan:
    plan = _Plan()
    old_by_path = {r.path: r for r in old.reports.values()} if old else {}
    taken = set(old.reports) if old else set()
    seen: set[str] = set()
    for path in files:
        key = str(path.resolve())
        seen.add(key)
        prev = old_by_path.get(key)
        if prev and prev.doc_id in remove:
            summary.removed.append(prev.doc_id)
            continue
        if prev and not rebuild and _unchanged(path, prev, load.limits):
            plan.keep.append(prev)
            summary.unchanged.append(prev.doc_id)
            continue
        doc_id = prev.doc_id if prev else _unique_id(path.stem, taken)
        taken.add(doc_id)
        try:
            report = load(path, doc_id)
        except ReportFormatError as exc:
            summary.failed.append((str(path), str(exc)))
            if prev and reuse:  # keep the last good version of a file that no longer parses
                plan.keep.append(prev)
            elif prev:  # its old vectors belong to another model or chunking
                summary.removed.append(prev.doc_id)
            continue
        plan.fresh.append(report)
        (summary.changed if prev else summary.added).append(doc_id)
    for key, prev in old_by_path.items():
        if key in seen:
            continue
        gone = not Path(key).exists() or _is_under(Path(key), roots) or prev.doc_id in remove
        if gone:
            summary.removed.append(prev.doc_id)
        elif rebuild:
            try:
                plan.fresh.append(load(Path(key), prev.doc_id))
                summary.changed.append(prev.doc_id)
            except ReportFormatError as exc:
                summary.failed.append((key, str(exc)))
                if reuse:
                    plan.keep.append(prev)
                else:
                    summary.removed.append(prev.doc_id)
        else:
            plan.keep.append(prev)
    return plan


def update_index(
    paths: Iterable[Path],
    settings: Settings,
    embedder: Embedder,
    *,
    rebuild: bool = False,
    remove: Iterable[str] = (),
    progress: Progress | None = None,
) -> UpdateSummary:
    """Bring ``settings.index_dir`` up to date with the given files and folders."""
    started = time.monotonic()
    summary = UpdateSummary()
    path_list = [Path(p) for p in paths]
    kinds = {p: path_kind(p) for p in path_list}
    files = find_report_files(path_list)
    unreadable = [p for p in path_list if kinds[p] == "missing"]
    summary.failed.extend(
        (str(p), f"找不到文件或文件夹 {shown_path(p)}。请检查路径。") for p in unreadable
    )
    with writer_lock(settings.index_dir):
        old = _load_previous(settings, rebuild)
        roots = [p.resolve() for p in path_list if kinds[p] == "dir"]
        reuse = old is not None and _is_compatible(old, settings)
        with ReportLoader(settings) as load:  # parses each file in a child, within budget
            plan = _plan(files, old, roots, set(remove), rebuild, summary, reuse, load)
        if old is not None and not (plan.fresh or summary.removed) and not rebuild:
            summary.passages = len(old.passages)
            summary.seconds = time.monotonic() - started
            return summary
        fresh_passages = [p for ps in chunk_all(plan.fresh, settings) for p in ps]
        # a rebuild embeds everything again; an update reuses the vectors of unchanged texts
        same_model = old is not None and old.manifest.get("model_id") == embedder.model_id
        known = _known_vectors(old) if reuse and same_model and not rebuild else {}
        fresh_vectors, summary.reused = _vectors_for(
            fresh_passages, known, embedder, settings.batch_size, progress
        )
        reports, passages, vectors = _assemble(old, plan, fresh_passages, fresh_vectors)
        staging = new_staging(settings.index_dir)
        manifest = {
            "embed_model": settings.embed_model,
            "model_id": embedder.model_id,
            "chunking": chunk_settings(settings),
            "reports": _report_entries(reports, old, {r.doc_id for r in plan.fresh}),
        }
        save_version(staging, reports, passages, vectors, manifest)
        publish(settings.index_dir, staging)
    summary.embedded = len(fresh_passages) - summary.reused
    summary.passages, summary.written = len(passages), True
    summary.seconds = time.monotonic() - started
    return summary


def write_whole_index(
    reports: list[Report],
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    extra: dict[str, str] | None = None,
) -> int:
    """Chunk, embed and publish a new version holding exactly these reports (no reuse).

    For corpora that are not files on disk (the external QA sets, benchmarks). Returns the
    number of passages.
    """
    passages = [p for ps in chunk_all(reports, settings) for p in ps]
    vectors = embed_passages(passages, embedder, settings.batch_size, progress)
    with writer_lock(settings.index_dir):
        staging = new_staging(settings.index_dir)
        manifest = {
            "embed_model": settings.embed_model,
            "model_id": embedder.model_id,
            "chunking": chunk_settings(settings),
            "reports": _report_entries(reports, None, {r.doc_id for r in reports}),
            **(extra or {}),
        }
        save_version(staging, reports, passages, vectors, manifest)
        publish(settings.index_dir, staging)
    return len(passages)


def _report_entries(
    reports: list[Report], old: Index | None, fresh: set[str]
) -> dict[str, dict[str, str]]:
    """Manifest entries; a report keeps the time it was indexed until its file changes."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    before = old.manifest.get("reports", {}) if old is not None else {}
    return {
        r.doc_id: {
            "path": r.path,
            "sha256": r.sha256,
            "indexed_at": now
            if r.doc_id in fresh
            else before.get(r.doc_id, {}).get("indexed_at", now),
        }
        for r in reports
    }


def _known_vectors(old: Index | None) -> dict[str, np.ndarray]:
    """The old index's vector for each embedding text (same model and chunking)."""
    if old is None:
        return {}
    return dict(zip(passage_texts(old.passages), old.vectors, strict=True))


def _vectors_for(
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


def _assemble(
    old: Index | None, plan: _Plan, fresh: list[Passage], fresh_vectors: np.ndarray
) -> tuple[list[Report], list[Passage], np.ndarray]:
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
