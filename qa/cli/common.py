"""What the `qa` commands share: settings with their flags, --index, the library, the LLM notice."""

from __future__ import annotations

from typing import Any

import click

from qa.config import Settings

index_option = click.option(
    "--index", "index_name", help="索引名（indexes/ 下的文件夹），默认 default。"
)


def settings_with(ctx: click.Context, **flags: Any) -> Settings:
    """The group's settings with this command's flags applied."""
    base: Settings = ctx.obj
    return base.with_overrides(**flags)


def open_library(settings: Settings) -> Any:
    """Open the library (``qa.api`` is imported on first use)."""
    from qa.api import Library

    return Library.open(settings)


def announce_llm(settings: Settings) -> None:
    """Say which model answers, and, once, when report text leaves this machine (stderr)."""
    from qa.llm.client import llm_status, remote_notice

    click.echo(llm_status(settings), err=True)
    notice = remote_notice(settings)
    if notice:
        click.echo(notice, err=True)
