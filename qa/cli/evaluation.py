"""`qa eval`: its options, and the gate's failures on stderr with exit code 1."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qa.cli.common import announce_llm, index_option, settings_with
from qa.evaluation.devsets import DEV_SETS


@click.command("eval")
@index_option
@click.option(
    "--data", type=click.Path(path_type=Path), help="问题集 JSONL（默认 eval/questions.jsonl）。"
)
@click.option(
    "--dataset",
    type=click.Choice(["cmrc2018", "drcd", *DEV_SETS]),
    help="外部数据集，或开发报告集（dev、dev-xxgk、dev-national：开发部分；*-validation：验证部分）。",
)
@click.option("--full", is_flag=True, help="外部数据集用全部问题（默认固定的 500 题样本）。")
@click.option(
    "--out", type=click.Path(path_type=Path), help="报告输出目录（JSON、Markdown、HTML）。"
)
@click.option(
    "--gate", is_flag=True, help="按 eval/thresholds.toml 检查全部评测集，不达标则退出码 1。"
)
@click.option(
    "--llm", "use_llm", is_flag=True, help="用大模型作答模式评测（另计删句比例与回退比例）。"
)
@click.option(
    "--dev", "with_dev", is_flag=True, help="门禁同时评测开发报告集（各开发部分与验证部分）。"
)
@click.pass_context
def eval_cmd(
    ctx: click.Context,
    index_name: str | None,
    data: Path | None,
    dataset: str | None,
    full: bool,
    out: Path | None,
    gate: bool,
    use_llm: bool,
    with_dev: bool,
) -> None:
    """评测：检索召回、答案命中、引文、溯源与拒答，可作为重新索引后的门禁。"""
    from qa.evaluation.cli import run_eval_command

    settings = settings_with(ctx, index_name=index_name)
    if use_llm and settings.llm_base_url:
        announce_llm(settings)
    failed = run_eval_command(
        settings,
        data,
        dataset,
        full,
        out,
        gate,
        explicit_index=index_name,
        use_llm=use_llm,
        with_dev=with_dev,
    )
    if failed:
        for line in failed:
            click.echo(f"未达标：{line}", err=True)
        sys.exit(1)
