"""The bench's big index: every corpus report, embedded once and reused while unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from bench.machine import log
from bench.paths import DATASETS, GOV_REPORTS, SAMPLES
from qa.config import Settings, load_settings
from qa.evaluation.datasets import load_dataset_reports
from qa.index.build import load_report, write_whole_index
from qa.index.core import FORMAT_VERSION, chunk_all, load_index, passage_texts
from qa.index.embed import Embedder
from qa.records import Passage, Report

BIG_INDEX = "big"


def bench_settings(work: Path) -> Settings:
    """The configured settings with the big index under ``work``."""
    return load_settings().with_overrides(index_root=work / "indexes", index_name=BIG_INDEX)


def corpus_reports() -> dict[str, list[Report]]:
    """Every report of the big index, by source; dataset doc ids get their set's name."""
    sources = {
        "gov_work_reports": [load_report(p) for p in sorted(GOV_REPORTS.glob("*.txt"))],
        "samples": [load_report(p) for p in sorted(SAMPLES.glob("*.txt"))],
    }
    for name in ("cmrc2018", "drcd"):
        sources[name] = [
            dataclasses.replace(r, doc_id=f"{name}-{r.doc_id}")
            for r in load_dataset_reports(DATASETS / name)
        ]
    return sources


def cache_key(settings: Settings, embedder: Embedder, passages: list[Passage]) -> str:
    """Same model and same passages (spans and embedded texts) give the same vectors."""
    digest = hashlib.sha256()
    digest.update(json.dumps([settings.embed_model, embedder.model_id, FORMAT_VERSION]).encode())
    for p, text in zip(passages, passage_texts(passages), strict=True):
        digest.update(f"{p.passage_id}:{p.start}:{p.end}:{text}\n".encode())
    return digest.hexdigest()


def _progress(done: int, total: int) -> None:
    if done % 1024 < 32 or done == total:
        log(f"embedded {done}/{total} passages")


def ensure_big_index(
    settings: Settings, embedder: Embedder, sources: dict[str, list[Report]], rebuild: bool
) -> dict[str, Any]:
    """Build the big index unless an identical one is cached; return its build record."""
    started = time.perf_counter()
    reports = [r for rs in sources.values() for r in rs]
    passages = [p for ps in chunk_all(reports, settings) for p in ps]
    key = cache_key(settings, embedder, passages)
    record_file = settings.index_root / f"{BIG_INDEX}-build.json"
    if not rebuild and record_file.is_file():
        cached = json.loads(record_file.read_text(encoding="utf-8"))
        try:
            if cached.get("key") == key and load_index(settings).manifest["counts"]:
                return dict(cached) | {"cached": True}
        except Exception as exc:  # missing or unreadable: build it again
            log(f"cached big index unusable ({type(exc).__name__}); rebuilding")
    log(f"embedding {len(passages)} passages of {len(reports)} reports")
    write_whole_index(reports, settings, embedder, _progress)
    embedded = time.perf_counter() - started  # chunking, embedding and saving
    record = {
        "key": key,
        "reports": len(reports),
        "passages": len(passages),
        "embed_seconds": round(embedded, 1),
        "build_seconds": round(time.perf_counter() - started, 1),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    record_file.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return record | {"cached": False}
