"""UI export: one answer or a whole conversation as plain text, Markdown or .docx, with footnotes."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.shared import Pt

from qa.answer.cite import NO_EVIDENCE, briefing_footnote
from ui.render import MARKER, Turn, shown

# Characters Markdown would read as markup (or raw HTML) in report text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
# Control characters Word's XML cannot hold.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class Footnote:
    """A numbered source: 《报告标题》（机构，年份），第X部分“小节标题” and the quoted sentence."""

    k: int
    source: str
    quote: str

    def plain(self) -> str:
        return f"[{self.k}] {self.source}。原文：“{self.quote}”"


@dataclass(frozen=True, slots=True)
class ExportTurn:
    """A turn ready to write: ``pieces`` alternate answer text and footnote numbers."""

    question: str
    pieces: tuple[str | int, ...]
    grounded: bool


def prepare(turns: Sequence[Turn], script: str) -> tuple[list[ExportTurn], list[Footnote]]:
    """Number the citations of all turns 1..N in order, and split answers at their markers."""
    out: list[ExportTurn] = []
    notes: list[Footnote] = []
    for turn in turns:
        numbers: dict[int, int] = {}
        for c in turn.answer.citations:
            numbers[c.n] = len(notes) + 1
            notes.append(
                Footnote(
                    len(notes) + 1, shown(briefing_footnote(c), script), shown(c.quote, script)
                )
            )
        pieces: list[str | int] = []
        for i, part in enumerate(MARKER.split(shown(turn.answer.text, script))):
            if i % 2 == 0:
                pieces.append(part)
            else:
                k = numbers.get(int(part))
                pieces.append(k if k is not None else f"[{part}]")
        out.append(ExportTurn(shown(turn.question, script), tuple(pieces), turn.answer.grounded))
    return out, notes


def md_escape(text: str) -> str:
    """Backslash-escape Markdown markup so report text is shown as written."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _join(pieces: Sequence[str | int], marker: str, escape: bool = False) -> str:
    parts = []
    for p in pieces:
        if isinstance(p, int):
            parts.append(marker.format(k=p))
        else:
            parts.append(md_escape(p) if escape else p)
    return "".join(parts)


def to_plain_text(turns: Sequence[Turn], script: str) -> str:
    """Answers with [k] markers and a closing list of numbered sources, for pasting."""
    items, notes = prepare(turns, script)
    lines: list[str] = []
    for t in items:
        lines += [f"问：{t.question}", f"答：{_join(t.pieces, '[{k}]')}"]
        if not t.grounded:
            lines.append(f"（{NO_EVIDENCE}）")
        lines.append("")
    if notes:
        lines.append("注释：")
        lines += [n.plain() for n in notes]
    return "\n".join(lines).strip() + "\n"


def to_markdown(turns: Sequence[Turn], script: str) -> str:
    """Markdown with [^k] footnotes; report text is escaped so it stays text."""
    items, notes = prepare(turns, script)
    lines = ["# 问答导出", "", f"导出时间：{time.strftime('%Y-%m-%d %H:%M')}", ""]
    for t in items:
        lines += [f"## 问：{md_escape(t.question)}", ""]
        answer = _join(t.pieces, "[^{k}]", escape=True).replace("\n", "  \n")
        lines += [answer, ""]
        if not t.grounded:
            lines += [f"（{NO_EVIDENCE}）", ""]
    for n in notes:
        lines.append(f"[^{n.k}]: {md_escape(n.source)}。原文：“{md_escape(n.quote)}”")
    return "\n".join(lines).strip() + "\n"


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def write_docx(turns: Sequence[Turn], script: str, path: Path) -> Path:
    """A Word document: each question, its answer with superscript note numbers, then 注释."""
    items, notes = prepare(turns, script)
    document = docx.Document()
    document.add_heading("问答导出", level=1)
    for t in items:
        document.add_heading(_xml_safe(f"问：{t.question}"), level=2)
        para = document.add_paragraph("答：")
        for p in t.pieces:
            if isinstance(p, int):
                para.add_run(f"[{p}]").font.superscript = True
            else:
                para.add_run(_xml_safe(p))
        if not t.grounded:
            document.add_paragraph(f"（{NO_EVIDENCE}）")
    if notes:
        document.add_heading("注释", level=2)
        for n in notes:
            document.add_paragraph(_xml_safe(n.plain())).runs[0].font.size = Pt(10)
    document.save(str(path))
    return path


def export_files(turns: Sequence[Turn], script: str, folder: Path) -> list[Path]:
    """Write the Markdown and .docx exports into ``folder``; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"问答导出-{time.strftime('%Y%m%d-%H%M%S')}"
    md = folder / f"{stem}.md"
    md.write_text(to_markdown(turns, script), encoding="utf-8")
    return [md, write_docx(turns, script, folder / f"{stem}.docx")]
