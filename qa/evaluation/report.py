"""Eval output: a terminal table, failures, and a JSON + Markdown + HTML report with plots."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from qa.evaluation.evaluate import ItemResult, results_to_json

METRIC_ORDER = (
    "items",
    "recall_at_1",
    "recall_at_5",
    "recall_at_10",
    "mrr",
    "answer_hit",
    "citation_hit",
    "citation_recall",
    "citation_precision",
    "grounding",
    "unverified_figures",
    "refusal",
    "official_recall_at_5",
    "official_answer_hit",
    "official_citation_hit",
    "official_refusal",
    "latency_p50_ms",
    "latency_p95_ms",
)
LLM_METRICS = ("llm_sentences_dropped", "llm_fallback")  # only under qa eval --llm


def shown_metrics(metrics: dict[str, Any]) -> tuple[str, ...]:
    """The metric names to show, in order; the LLM ones only when they were measured."""
    return METRIC_ORDER + tuple(k for k in LLM_METRICS if k in metrics)


def metrics_table(title: str, metrics: dict[str, Any]) -> str:
    """Plain-text table of one set's metrics."""
    lines = [f"== {title}"]
    for name in shown_metrics(metrics):
        value = metrics.get(name)
        lines.append(f"  {name:<22}{'—' if value is None else value}")
    return "\n".join(lines)


def failure_lines(results: list[ItemResult], limit: int = 30) -> list[str]:
    """Per-item failures: question, expected, got, cited."""
    out = []
    for r in [r for r in results if r.failures][:limit]:
        out.append(f"[{r.qid} {r.type}] {','.join(r.failures)}  问：{r.question}")
        out.append(f"    期望：{' | '.join(r.gold) or '拒答'}")
        out.append(f"    回答：{r.answer[:160]!r}")
        if r.cited:
            out.append(f"    引文：{r.cited[0][:80]!r}")
    return out


def _plots(out: Path, name: str, by_type: dict[str, Any], results: list[ItemResult]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    kinds = list(by_type)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for offset, metric in enumerate(("answer_hit", "citation_hit", "recall_at_5")):
        values = [by_type[k].get(metric) or 0.0 for k in kinds]
        ax.bar([i + offset * 0.27 for i in range(len(kinds))], values, width=0.27, label=metric)
    ax.set_xticks([i + 0.27 for i in range(len(kinds))], kinds, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)
    ax.set_title(f"{name}: metrics by question type")
    fig.tight_layout()
    fig.savefig(out / f"{name}-by-type.png", dpi=110)
    files.append(f"{name}-by-type.png")
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist([r.seconds * 1000 for r in results], bins=30)
    ax.set_xlabel("ms per question")
    ax.set_title(f"{name}: answer latency")
    fig.tight_layout()
    fig.savefig(out / f"{name}-latency.png", dpi=110)
    files.append(f"{name}-latency.png")
    plt.close("all")
    return files


def write_report(
    out: Path,
    name: str,
    metrics: dict[str, Any],
    by_type: dict[str, Any],
    results: list[ItemResult],
) -> list[Path]:
    """Write <name>.json, <name>.md and <name>.html (with plots) under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(results_to_json(metrics, by_type, results), encoding="utf-8")
    plots = _plots(out, name, by_type, results)
    md = [f"# 评测报告：{name}", "", "| 指标 | 值 |", "| --- | --- |"]
    md += [f"| {k} | {metrics.get(k)} |" for k in shown_metrics(metrics)]
    md += [
        "",
        "## 按题型",
        "",
        "| 题型 | 条数 | answer_hit | citation_hit | recall@5 |",
        "| --- | --- | --- | --- | --- |",
    ]
    md += [
        f"| {k} | {v['items']} | {v['answer_hit']} | {v['citation_hit']} | {v['recall_at_5']} |"
        for k, v in by_type.items()
    ]
    md += ["", *[f"![{p}]({p})" for p in plots], "", "## 失败条目", "", "```"]
    md += failure_lines(results, limit=200) + ["```"]
    (out / f"{name}.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(metrics.get(k)))}</td></tr>"
        for k in shown_metrics(metrics)
    )
    fails = html.escape("\n".join(failure_lines(results, limit=200)))
    imgs = "".join(f'<img src="{html.escape(p)}" alt="{html.escape(p)}">' for p in plots)
    page = (
        f"<!doctype html><meta charset='utf-8'><title>{html.escape(name)}</title>"
        f"<h1>评测报告：{html.escape(name)}</h1><table border=1>{rows}</table>{imgs}"
        f"<h2>失败条目</h2><pre>{fails}</pre>"
    )
    (out / f"{name}.html").write_text(page, encoding="utf-8")
    return [out / f"{name}.{ext}" for ext in ("json", "md", "html")]
