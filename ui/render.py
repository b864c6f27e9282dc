"""UI rendering: answers, source cards and the report table as HTML, every text escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from qa.answer.cite import NO_EVIDENCE, QuoteContext, mode_line, section_label
from qa.ingest.clean import to_simplified
from qa.library_ops import ReportSummary
from qa.records import Answer, Citation, shown_title

SCRIPT_ORIGINAL = "报告原文字体"
SCRIPT_SIMPLIFIED = "简体"
SCRIPTS = (SCRIPT_SIMPLIFIED, SCRIPT_ORIGINAL)

# An inline citation marker in answer text, e.g. "收缴罚款112.23万元[1]。"
MARKER = re.compile(r"\[(\d+)\]")
# Runs of blank lines in report text, shown as one line break in a card.
_BLANK_LINES = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")


@dataclass(frozen=True, slots=True)
class Turn:
    """One question of a conversation, its answer and each citation's surrounding text."""

    question: str
    answer: Answer
    contexts: tuple[QuoteContext, ...]


def shown(text: str, script: str) -> str:
    """Text in the chosen script: simplified, or as the report wrote it."""
    return to_simplified(text) if script == SCRIPT_SIMPLIFIED and text else text


def esc(text: object) -> str:
    """HTML-escape anything shown in the page (report text, titles, file names, questions)."""
    return html.escape(str(text), quote=True)


def file_name(source: str) -> str:
    """The file name of a source path (the server's folders are not shown)."""
    return PurePath(source).name if source else ""


def anchor_id(turn: int, n: int) -> str:
    return f"qa-src-{turn}-{n}"


def link_markers(escaped: str, turn: int, numbers: Iterable[int]) -> str:
    """Turn each [n] of an escaped answer into a link to its source card."""
    known = set(numbers)

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<a class="qa-marker" href="#{anchor_id(turn, n)}" data-n="{n}">[{n}]</a>'

    return MARKER.sub(link, escaped)


def year_text(year: int | None) -> str:
    return f"{year}年" if year else "年份不详"


def _squeeze(text: str) -> str:
    return _BLANK_LINES.sub("\n", text)


def render_context(ctx: QuoteContext, script: str) -> str:
    """The quote highlighted inside its surrounding report text."""
    before = ("…" if ctx.clipped_start else "") + _squeeze(shown(ctx.before, script))
    after = _squeeze(shown(ctx.after, script)) + ("…" if ctx.clipped_end else "")
    return (
        f'<div class="qa-context">{esc(before)}'
        f'<mark class="qa-quote">{esc(shown(ctx.quote, script))}</mark>{esc(after)}</div>'
    )


def render_card(c: Citation, ctx: QuoteContext, turn: int, script: str) -> str:
    """One source card: number, title, agency, year, section, highlighted quote, file."""
    page = f"，第{c.page}页" if c.page else ""
    return (
        f'<div class="qa-card" id="{anchor_id(turn, c.n)}" data-n="{c.n}">'
        f'<div class="qa-card-title"><span class="qa-num">[{c.n}]</span> '
        f"《{esc(shown(shown_title(c.title), script))}》</div>"
        f'<div class="qa-meta">{esc(shown(c.agency, script))} · {year_text(c.year)} · '
        f"{esc(shown(section_label(c.section_path), script))}</div>"
        f"{render_context(ctx, script)}"
        f'<div class="qa-file">来源文件：{esc(file_name(c.source))}{page}</div></div>'
    )


def render_answer(turn: Turn, number: int, script: str) -> str:
    """An answer with linked markers and its source cards, as one HTML block (no blank lines)."""
    a = turn.answer
    mode = ' data-mode="llm"' if a.mode == "llm" else ""
    parts = [f'<div class="qa-answer"{mode}>']
    if a.resolved_question != a.question:
        parts.append(
            f'<div class="qa-note">按“{esc(shown(a.resolved_question, script))}”理解</div>'
        )
    if a.notice:
        parts.append(f'<div class="qa-note qa-notice">{esc(a.notice)}</div>')
    lines = [
        link_markers(esc(shown(line, script)), number, (c.n for c in a.citations))
        for line in a.text.splitlines()
        if line.strip()
    ]
    parts.append(f'<div class="qa-text">{"<br>".join(lines)}</div>')
    if not a.grounded:
        parts.append(f'<div class="qa-note qa-ungrounded">（{NO_EVIDENCE}）</div>')
    parts += [f'<div class="qa-note">{esc(shown(note, script))}</div>' for note in a.notes]
    if a.mode == "llm":
        parts.append(f'<div class="qa-note qa-mode">{esc(mode_line(a))}</div>')
    if a.dropped:
        parts.append(render_dropped(a, script))
    if a.citations:
        parts.append('<div class="qa-sources"><div class="qa-sources-head">来源</div>')
        parts += [
            render_card(c, ctx, number, script)
            for c, ctx in zip(a.citations, turn.contexts, strict=True)
        ]
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def render_dropped(a: Answer, script: str) -> str:
    """The generated sentences that failed verification, folded away until asked for."""
    items = "".join(
        f'<li>{esc(shown(d.sentence, script))}<span class="qa-why">（{esc(d.reason)}）</span></li>'
        for d in a.dropped
    )
    return (
        f'<details class="qa-dropped"><summary>查看未通过核验而删除的 {len(a.dropped)} 句'
        f"</summary><ul>{items}</ul></details>"
    )


def render_pending(
    turns: Sequence[Turn], question: str, chars: int, script: str
) -> list[dict[str, str]]:
    """The conversation with the new question and a 生成中… line while the LLM writes."""
    got = f"（已收到 {chars} 字，核验后显示）" if chars else "（大模型作答，核验后显示）"
    return [
        *render_messages(turns, script),
        {"role": "user", "content": esc(question)},
        {"role": "assistant", "content": f'<div class="qa-pending">生成中…{got}</div>'},
    ]


def render_messages(turns: Sequence[Turn], script: str) -> list[dict[str, str]]:
    """The whole conversation in Gradio's messages format."""
    messages: list[dict[str, str]] = []
    for i, turn in enumerate(turns, start=1):
        messages.append({"role": "user", "content": esc(turn.question)})
        messages.append({"role": "assistant", "content": render_answer(turn, i, script)})
    return messages


LIBRARY_COLUMNS = (
    "标题",
    "机构",
    "地区",
    "年份",
    "文号",
    "成文日期",
    "段落数",
    "入库时间",
    "文件",
    "ID",
)


def format_time(stamp: str) -> str:
    """'2026-11-22T16:13:04+0000' → '2026-11-22 16:13'."""
    return stamp[:16].replace("T", " ")


def render_library(rows: Sequence[ReportSummary], script: str) -> str:
    """The report library as an HTML table."""
    if not rows:
        return '<div class="qa-library-empty">索引中还没有报告。请在下方上传。</div>'
    head = "".join(f"<th>{c}</th>" for c in LIBRARY_COLUMNS)
    body = []
    for r in rows:
        cells = (
            shown(shown_title(r.title), script),
            shown(r.agency, script),
            shown(r.region, script),
            year_text(r.year),
            r.doc_number or "—",
            r.signed or "—",
            r.passages,
            format_time(r.indexed_at),
            file_name(r.path),
            r.doc_id,
        )
        body.append(
            f'<tr data-doc-id="{esc(r.doc_id)}">'
            + "".join(f"<td>{esc(c)}</td>" for c in cells)
            + "</tr>"
        )
    return (
        f'<div class="qa-library"><div class="qa-note">共 {len(rows)} 份报告</div>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


CSS = """
.qa-answer { line-height: 1.7; }
.qa-note { color: #666; font-size: 0.9em; }
.qa-ungrounded { color: #a15c00; }
.qa-notice { color: #a15c00; }
.qa-pending { color: #555; font-style: italic; }
.qa-dropped { color: #666; font-size: 0.85em; margin-top: 0.3em; }
.qa-why { color: #a15c00; }
.qa-marker { font-weight: 600; text-decoration: none; color: #1d4ed8; padding: 0 1px; }
.qa-sources { margin-top: 0.6em; border-top: 1px solid #ddd; padding-top: 0.4em; }
.qa-sources-head { font-weight: 600; font-size: 0.9em; color: #444; }
.qa-card { border: 1px solid #d4d4d8; border-left: 4px solid #1d4ed8; border-radius: 6px;
  padding: 0.4em 0.7em; margin: 0.4em 0; background: #fafafa; color: #222; }
.qa-card:target { background: #eef4ff; }
.qa-card-title { font-weight: 600; }
.qa-num { color: #1d4ed8; }
.qa-meta, .qa-file { color: #555; font-size: 0.85em; }
.qa-context { white-space: pre-wrap; font-size: 0.9em; margin: 0.3em 0; }
.qa-quote { background: #fde68a; color: #111; padding: 0 2px; }
.qa-status-error { color: #b91c1c; }
.qa-status-ok { color: #15803d; }
.qa-library table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
.qa-library th, .qa-library td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; }
"""


def render_status(lines: Sequence[tuple[str, str]]) -> str:
    """Upload / removal results, one escaped line each, errors marked."""
    items = "".join(f'<li class="qa-status-{esc(kind)}">{esc(text)}</li>' for kind, text in lines)
    return f'<ul class="qa-status">{items}</ul>'
