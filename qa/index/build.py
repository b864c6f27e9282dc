"""Index stage, writing side: incremental and crash-safe updates of an index folder."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.config import Settings
from qa.errors import IndexCorrupt, IndexNotFound, ReportFormatError
from qa.index.core import (
    Index,
    Progress,
    check_compatible,
    chunk_all,
    chunk_settings,
    embed_passages,
    load_index,
    save_version,
)
from qa.index.plan import (
    Plan,
    assemble_version,
    is_compatible,
    plan_update,
    reusable_vectors,
    safe_id,
    vectors_for,
)
from qa.index.plan import UpdateSummary as UpdateSummary
from qa.index.store import new_staging, publish, writer_lock
from qa.ingest.clean import clean_text
from qa.ingest.load import find_report_files, read_document, read_overrides
from qa.ingest.load_limits import DEFAULT_LIMITS, LoadLimits, path_kind
from qa.ingest.load_text import shown_path
from qa.ingest.load_worker import ReportLoader
from qa.ingest.metadata import VERSION as METADATA_VERSION
from qa.ingest.metadata import apply_overrides, infer_metadata
from qa.ingest.tables import find_tables
from qa.records import Passage, Report

if TYPE_CHECKING:
    from qa.index.embed import Embedder

log = logging.getLogger(__name__)


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
        doc_id=doc_id or safe_id(path.stem),
        path=str(path.resolve()),
        title=meta.title,  # what the text does not state stays empty, never the file name
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


def _missing_paths(paths: list[Path], kinds: dict[Path, str]) -> list[tuple[str, str]]:
    """A failure entry for each named path that does not exist."""
    unreadable = [p for p in paths if kinds[p] == "missing"]
    return [(str(p), f"找不到文件或文件夹 {shown_path(p)}。请检查路径。") for p in unreadable]


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
    summary.failed.extend(_missing_paths(path_list, kinds))
    with writer_lock(settings.index_dir):
        old = _load_previous(settings, rebuild)
        roots = [p.resolve() for p in path_list if kinds[p] == "dir"]
        reuse = old is not None and is_compatible(old, settings)
        with ReportLoader(settings) as load:  # parses each file in a child, within budget
            plan = plan_update(files, old, roots, set(remove), rebuild, summary, reuse, load)
        if old is not None and not (plan.fresh or summary.removed) and not rebuild:
            summary.passages = len(old.passages)
            summary.seconds = time.monotonic() - started
            return summary
        # a rebuild embeds everything again; an update reuses the vectors of unchanged texts
        fresh_passages, fresh_vectors, summary.reused = _embed_fresh(
            plan, old, settings, embedder, reuse and not rebuild, progress
        )
        reports, passages, vectors = assemble_version(old, plan, fresh_passages, fresh_vectors)
        entries = _report_entries(reports, old, {r.doc_id for r in plan.fresh})
        _publish_version(settings, embedder, reports, passages, vectors, entries)
    summary.embedded = len(fresh_passages) - summary.reused
    summary.passages, summary.written = len(passages), True
    summary.seconds = time.monotonic() - started
    return summary


def _embed_fresh(
    plan: Plan,
    old: Index | None,
    settings: Settings,
    embedder: Embedder,
    reuse: bool,
    progress: Progress | None,
) -> tuple[list[Passage], np.ndarray, int]:
    """The passages of the plan's fresh reports, their vectors (the old index's where ``reuse``
    allows it) and how many vectors were reused."""
    passages = [p for ps in chunk_all(plan.fresh, settings) for p in ps]
    known = reusable_vectors(old, embedder.model_id, reuse)
    vectors, reused = vectors_for(passages, known, embedder, settings.batch_size, progress)
    return passages, vectors, reused


def _publish_version(
    settings: Settings,
    embedder: Embedder,
    reports: list[Report],
    passages: list[Passage],
    vectors: np.ndarray,
    entries: dict[str, dict[str, str]],
    extra: dict[str, str] | None = None,
) -> None:
    """Write a version into a new staging folder (``manifest.json`` last) and publish it; the
    caller holds the writer lock."""
    staging = new_staging(settings.index_dir)
    manifest = {
        "embed_model": settings.embed_model,
        "model_id": embedder.model_id,
        "chunking": chunk_settings(settings),
        "reports": entries,
        **(extra or {}),
    }
    save_version(staging, reports, passages, vectors, manifest)
    publish(settings.index_dir, staging)


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
        entries = _report_entries(reports, None, {r.doc_id for r in reports})
        _publish_version(settings, embedder, reports, passages, vectors, entries, extra)
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
