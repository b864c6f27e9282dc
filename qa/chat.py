"""Terminal conversation for `qa chat`: keeps history and shows sources after each answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from qa.answer.cite import render_text, source_line
from qa.errors import QAError
from qa.records import Answer

if TYPE_CHECKING:
    from qa.api import Library

CONTEXT_CHARS = 150
HELP = "输入问题回车即可。/sources N 查看第 N 条来源的上下文，/new 开始新对话，/quit 退出。"


def source_context(library: Library, answer: Answer, n: int) -> str:
    """The quoted span of source [n] with the text around it, quote marked 【…】."""
    for c in answer.citations:
        if c.n == n:
            report = library.report(c.doc_id)
            text = report.text if report is not None else c.quote
            before = text[max(0, c.start - CONTEXT_CHARS) : c.start]
            after = text[c.end : c.end + CONTEXT_CHARS]
            return f"[{n}] {source_line(c)}\n…{before}【{c.quote}】{after}…"
    return f"没有第 {n} 条来源。"


def run_chat(library: Library) -> None:
    """Read questions until /quit or end of input."""
    click.echo(HELP)
    history: list[str] = []
    last: Answer | None = None
    while True:
        try:
            line = click.prompt("问", prompt_suffix="：", default="", show_default=False)
        except (EOFError, click.Abort):
            break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        if line == "/new":
            history, last = [], None
            click.echo("已开始新对话。")
            continue
        if line.startswith("/sources"):
            arg = line.removeprefix("/sources").strip()
            if last is None or not arg.isdigit():
                click.echo("用法：/sources N（先提一个问题）")
            else:
                click.echo(source_context(library, last, int(arg)))
            continue
        if library.llm is not None:
            click.echo("生成中…（大模型作答，逐句核验后显示）")
        try:
            last = library.ask(line, history)
        except QAError as exc:
            click.echo(f"错误：{exc}")
            continue
        history.append(last.resolved_question)
        click.echo(render_text(last))
