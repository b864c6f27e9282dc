"""Command line: qa index | inspect | search | ask | chat | serve | eval | model prepare."""

from __future__ import annotations

from typing import Any

import click

from qa.cli.evaluation import eval_cmd
from qa.cli.indexing import index_cmd, inspect_cmd
from qa.cli.model import model_group
from qa.cli.questions import ask_cmd, search_cmd
from qa.cli.sessions import chat_cmd, serve_cmd
from qa.config import load_settings
from qa.errors import QAError


class QAGroup(click.Group):
    """Turns library errors into one readable line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QAError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=QAGroup)
@click.version_option(package_name="qa")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """qa：基于政府报告的可溯源问答（离线）。"""
    ctx.obj = load_settings()


for command in (
    index_cmd,
    inspect_cmd,
    search_cmd,
    ask_cmd,
    chat_cmd,
    serve_cmd,
    eval_cmd,
    model_group,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="qa")
