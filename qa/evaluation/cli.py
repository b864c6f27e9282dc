"""`qa eval`: pick the question set and index, run it, print and write the report, gate."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import click

from qa.api import Library
from qa.config import Settings
from qa.errors import ConfigError
from qa.evaluation.datasets import dataset_dir, ensure_dataset_index, load_dataset_items
from qa.evaluation.devsets import DEV_SETS
from qa.evaluation.evaluate import EvalItem, load_questions, run_item
from qa.evaluation.metrics import check_gate, summarize, summarize_by_type
from qa.evaluation.report import failure_lines, metrics_table, write_report
from qa.index.build import update_index
from qa.index.embed import Embedder, load_embedder
from qa.llm.client import NOT_CONFIGURED

EVAL_ROOT = Path("eval")
SAMPLE_SET = "samples"
# The development reports (../shared beside the clone, and the 政府信息公开工作年度报告 kept in
# eval/dev/reports) and their question sets: each a part developed on and a validation part.
DEV_CORPUS = Path("..") / "shared" / "corpus" / "dev_reports"
DEV_OWN_REPORTS = EVAL_ROOT / "dev" / "reports"


def _thresholds(path: Path) -> dict[str, dict[str, Any]]:
    with path.open("rb") as fh:
        return {k: dict(v) for k, v in tomllib.load(fh).items()}


def _sample_library(
    settings: Settings,
    embedder: Embedder,
    explicit_index: str | None,
    corpus: tuple[Path, ...] = (EVAL_ROOT / "corpus",),
    index_name: str = "eval-samples",
) -> Library:
    if explicit_index is None:
        settings = settings.with_overrides(index_name=index_name)
        update_index(list(corpus), settings, embedder)
    return Library.open(settings, embedder)


def _run_set(
    name: str, library: Library, items: list[EvalItem], out: Path | None, use_llm: bool = False
) -> dict[str, object]:
    with click.progressbar(items, label=f"评测 {name}", show_pos=True) as bar:
        results = [run_item(library, item, use_llm) for item in bar]
    metrics, by_type = summarize(results), summarize_by_type(results)
    click.echo(metrics_table(name, metrics))
    if name == SAMPLE_SET:
        for kind, values in by_type.items():
            click.echo(
                f"  [{kind}] answer_hit={values['answer_hit']} citation_hit={values['citation_hit']}"
            )
    for line in failure_lines(results, limit=15):
        click.echo(line)
    if out is not None:
        for path in write_report(out, name, metrics, by_type, results):
            click.echo(f"已写入 {path}")
    return metrics


def _set_names(dataset: str | None, gate: bool, with_dev: bool) -> list[str]:
    """The sets to run: the chosen one, or every gated set (the development sets too with
    ``with_dev``); ConfigError when a development set is asked for and its reports are absent."""
    names = [SAMPLE_SET, "cmrc2018", "drcd"] if gate else [dataset or SAMPLE_SET]
    names += list(DEV_SETS) if gate and with_dev else []
    if any(n in DEV_SETS for n in names) and not DEV_CORPUS.is_dir():
        raise ConfigError(f"找不到开发报告集 {DEV_CORPUS}：请把 shared 文件夹放在项目旁边。")
    return names


def _open_set(
    name: str,
    settings: Settings,
    embedder: Embedder,
    explicit_index: str | None,
    data: Path | None,
    full: bool,
) -> tuple[Library, list[EvalItem]]:
    """The library one set runs against, and its questions."""
    if name == SAMPLE_SET:
        library = _sample_library(settings, embedder, explicit_index)
        return library, load_questions(data or EVAL_ROOT / "questions.jsonl")
    if name in DEV_SETS:
        library = _sample_library(
            settings, embedder, explicit_index, (DEV_CORPUS, DEV_OWN_REPORTS), "eval-dev"
        )
        return library, load_questions(EVAL_ROOT / "dev" / DEV_SETS[name])
    folder = dataset_dir(EVAL_ROOT / "datasets", name)
    library = Library.open(ensure_dataset_index(folder, settings, embedder), embedder)
    return library, load_dataset_items(folder, sample=not full)


def _gate_failures(name: str, metrics: dict[str, object], thresholds: dict[str, Any]) -> list[str]:
    """The set's enforced metrics below their bounds; the others are only reported (stderr)."""
    bounds = dict(thresholds)
    enforce = bounds.pop("enforce", True)  # true, false, or a list of metric names
    failed: list[str] = []
    for metric, bound in bounds.items():
        below = check_gate(metrics, {metric: bound})
        strict = enforce is True or (isinstance(enforce, list) and metric in enforce)
        failed += [f"{name}: {b}" for b in below if strict]
        for b in below if not strict else []:
            click.echo(f"未达标（目标，尚未强制）：{name}: {b}", err=True)
    return failed


def run_eval_command(
    settings: Settings,
    data: Path | None,
    dataset: str | None,
    full: bool,
    out: Path | None,
    gate: bool,
    explicit_index: str | None = None,
    use_llm: bool = False,
    with_dev: bool = False,
) -> list[str]:
    """Run the chosen sets (through the LLM with ``use_llm``; the gate with the development
    sets too with ``with_dev``); return the gate failures (empty when not gating or all pass)."""
    if use_llm and not settings.llm_base_url:
        raise ConfigError(NOT_CONFIGURED)
    names = _set_names(dataset, gate, with_dev)
    embedder = load_embedder(settings)
    thresholds = _thresholds(EVAL_ROOT / "thresholds.toml") if gate else {}
    failed: list[str] = []
    for name in names:
        library, items = _open_set(name, settings, embedder, explicit_index, data, full)
        metrics = _run_set(name, library, items, out, use_llm)
        failed += _gate_failures(name, metrics, thresholds.get(name, {}))
    return failed
