"""Eval metrics over item results: per set and per type, the LLM mode's shares, gate, JSON."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.evaluation.evaluate import ItemResult


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarize(results: list[ItemResult]) -> dict[str, Any]:
    """Metrics over all items."""
    answerable = [r for r in results if r.gold]
    ranks = [r.rank for r in answerable]
    latencies = sorted(r.seconds for r in results) or [0.0]
    answered = [r for r in results if r.cited]
    return {
        "items": len(results),
        "recall_at_1": _mean([float(k is not None and k <= 1) for k in ranks]),
        "recall_at_5": _mean([float(k is not None and k <= 5) for k in ranks]),
        "recall_at_10": _mean([float(k is not None and k <= 10) for k in ranks]),
        "mrr": _mean([1.0 / k if k else 0.0 for k in ranks]),
        "answer_hit": _mean([float(r.answer_hit) for r in answerable]),
        "citation_hit": _mean(
            [float(r.citation_hit) for r in results if r.citation_hit is not None]
        ),
        "citation_recall": _mean(
            [r.citation_recall for r in results if r.citation_recall is not None]
        ),
        "citation_precision": _mean(
            [r.citation_precision for r in results if r.citation_precision is not None]
        ),
        "grounding": _mean([float(r.grounded and r.figures_verified) for r in answered]),
        "unverified_figures": sum(1 for r in results if not r.figures_verified),
        "refusal": _mean([float(bool(r.refused)) for r in results if r.refused is not None]),
        "official_recall_at_5": _mean(
            [r.official_recall for r in results if r.official_recall is not None]
        ),
        "official_answer_hit": _mean(
            [float(r.official_answer) for r in results if r.official_answer is not None]
        ),
        "official_citation_hit": _mean(
            [r.official_citation for r in results if r.official_citation is not None]
        ),
        "official_refusal": _mean(
            [float(r.official_refused) for r in results if r.official_refused is not None]
        ),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
    } | llm_metrics(results)


def llm_metrics(results: list[ItemResult]) -> dict[str, Any]:
    """Under ``qa eval --llm``: the share of generated sentences dropped by verification and
    the share of answers that fell back to the extractive answer (empty otherwise)."""
    asked = [r for r in results if r.llm]
    if not asked:
        return {}
    sentences = sum(r.sentences for r in asked)
    return {
        "llm_sentences_dropped": round(sum(r.dropped for r in asked) / sentences, 4)
        if sentences
        else None,
        "llm_fallback": _mean([float(r.mode != "llm") for r in asked]),
    }


def summarize_by_type(results: list[ItemResult]) -> dict[str, dict[str, Any]]:
    kinds = sorted({r.type for r in results})
    return {k: summarize([r for r in results if r.type == k]) for k in kinds}


def check_gate(metrics: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """Names of metrics below (or, for *_max and unverified_figures, above) their threshold."""
    failed = []
    for name, bound in thresholds.items():
        if name.endswith("_max"):
            value = metrics.get(name.removesuffix("_max"))
            if value is None or value > bound:
                failed.append(f"{name.removesuffix('_max')}={value} > {bound}")
        else:
            value = metrics.get(name)
            if value is None or value < bound:
                failed.append(f"{name}={value} < {bound}")
    return failed


def results_to_json(
    metrics: dict[str, Any], by_type: dict[str, Any], results: list[ItemResult]
) -> str:
    return json.dumps(
        {"metrics": metrics, "by_type": by_type, "items": [asdict(r) for r in results]},
        ensure_ascii=False,
        indent=1,
    )
