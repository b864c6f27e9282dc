"""`qa search` and `qa ask`: one question, or a --batch file of them, over an index."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click

from qa.answer.cite import answer_to_dict, hit_to_dict, render_text, section_label
from qa.cli.batch import echo_batch
from qa.cli.common import announce_llm, index_option, open_library, settings_with
from qa.config import Settings
from qa.records import shown_title

Decorator = Callable[[Any], Any]


def question_options(batch_help: str, *extra: Decorator) -> Decorator:
    """The question argument and options search and ask share; ``extra`` go after --index.

    The command gets ``settings`` (with --index applied) and ``filters`` (--year, --agency)
    in place of those three options, and no click context.
    """
    decorators = [
        click.argument("question", required=False),
        index_option,
        *extra,
        click.option("--year", type=int, help="只在该年度的报告中检索。"),
        click.option("--agency", help="只在机构名包含该词的报告中检索。"),
        click.option("--json", "as_json", is_flag=True),
        click.option(
            "--batch",
            type=click.File("r", encoding="utf-8", errors="surrogateescape"),
            help=batch_help,
        ),
    ]

    def apply(command: Callable[..., None]) -> Any:
        @functools.wraps(command)
        @click.pass_context
        def run(
            ctx: click.Context,
            /,
            index_name: str | None,
            year: int | None,
            agency: str | None,
            **options: Any,
        ) -> None:
            settings = settings_with(ctx, index_name=index_name)
            command(settings=settings, filters={"year": year, "agency": agency}, **options)

        wrapped: Any = run
        for decorator in reversed(decorators):
            wrapped = decorator(wrapped)
        return wrapped

    return apply


@click.command("search")
@question_options(
    "JSONL：每行 {id, question}。",
    click.option("--k", "k", type=int, default=None, help="返回的段落数。"),
)
def search_cmd(
    settings: Settings,
    filters: dict[str, Any],
    question: str | None,
    k: int | None,
    as_json: bool,
    batch: Any,
) -> None:
    """检索相关段落：qa search "问题"。"""
    if batch is None and question is None:
        raise click.UsageError('请给出问题，例如：qa search "井研县收缴罚款多少"')
    library = open_library(settings)
    if batch is not None:

        def search_row(row: dict[str, Any]) -> dict[str, Any]:
            hits = library.search(row["question"], k=k, filters=filters)
            return {"hits": [hit_to_dict(h) for h in hits]}

        echo_batch(batch, search_row)
        return
    hits = library.search(question or "", k=k, filters=filters)
    if as_json:
        click.echo(json.dumps([hit_to_dict(h) for h in hits], ensure_ascii=False, indent=1))
        return
    for h in hits:
        p = h.passage
        click.echo(
            f"{h.rank}. [{h.score:.3f}] 《{shown_title(p.title)}》 {section_label(p.section_path)}"
        )
        click.echo(f"   {p.text[:120]}")


@click.command("ask")
@question_options(
    "JSONL：每行 {id, question, history}。",
    click.option("--history", multiple=True, help="之前的问题（可多次给出，按顺序）。"),
    click.option(
        "--llm/--no-llm",
        "use_llm",
        default=None,
        help="用大模型作答并逐句核验（默认：配置了 llm_base_url 时使用）。",
    ),
)
def ask_cmd(
    settings: Settings,
    filters: dict[str, Any],
    question: str | None,
    history: tuple[str, ...],
    use_llm: bool | None,
    as_json: bool,
    batch: Any,
) -> None:
    """回答问题并给出带引文的来源：qa ask "问题"。"""
    from qa.api import check_question

    if batch is None:
        check_question(question or "", settings)
    library = open_library(settings)
    use_llm = library.wants_llm(use_llm)
    if use_llm:
        announce_llm(settings)
    if batch is not None:

        def answer_row(row: dict[str, Any]) -> dict[str, Any]:
            history = row.get("history") or []
            return answer_to_dict(library.ask(row["question"], history, filters, use_llm=use_llm))

        echo_batch(batch, answer_row)
        return
    answer = library.ask(question or "", list(history), filters, use_llm=use_llm)
    if as_json:
        click.echo(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=1))
    else:
        click.echo(render_text(answer))
