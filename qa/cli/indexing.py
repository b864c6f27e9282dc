"""`qa index` and `qa inspect`: build or update an index, and show how reports are read."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qa.answer.cite import section_label
from qa.cli.common import index_option, settings_with
from qa.config import Settings

if TYPE_CHECKING:
    from qa.index.build import UpdateSummary
    from qa.records import Passage, Report


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


@click.command("index")
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
    from qa.library_ops import index_files

    settings = settings_with(ctx, index_name=index_name)
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
    _echo_summary(settings, summary)
    if summary.failed:
        sys.exit(1)


def _echo_summary(settings: Settings, summary: UpdateSummary) -> None:
    """The closing table, the removed reports, and (on stderr) the files that failed."""
    from qa.ingest.load_text import shown_path

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


@click.command("inspect")
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
        info = _describe_report(path, report, chunk_report(report, settings.chunk_chars))
        if as_json:
            click.echo(json.dumps(info, ensure_ascii=False))
        else:
            _print_report(info)
    if failed:
        sys.exit(1)


def _describe_report(path: Path, report: Report, passages: list[Passage]) -> dict[str, Any]:
    """What ``qa inspect`` shows of one report: metadata, where it came from, sections."""
    sections: dict[tuple[str, ...], int] = {}
    for passage in passages:
        key = passage.section_path
        sections[key] = sections.get(key, 0) + 1
    return {
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
