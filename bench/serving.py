"""Serving figures, in a fresh process: model and index load, search and ask latency, memory."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.machine import latency_ms, peak_rss_mb
from bench.paths import DATASETS, QUESTIONS, ROOT
from qa.api import Library
from qa.config import Settings
from qa.evaluation.datasets import load_dataset_items
from qa.evaluation.evaluate import load_questions
from qa.index.core import load_index
from qa.index.embed import load_default_reader, load_embedder

DATASET_QUESTIONS = 100  # per external set, plus every sample question


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
