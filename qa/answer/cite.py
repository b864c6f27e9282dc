"""Cite stage: render an answer's numbered sources (terminal, JSON, briefings), quote context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.index.core import Index
from qa.records import Answer, Citation, Hit, shown_title

NO_EVIDENCE = "未在已索引报告中找到依据"
CONTEXT_CHARS = 120  # report characters shown on each side of a quote


def section_label(path: tuple[str, ...]) -> str:
    """'一、… > （二）…' for a section path; '正文开头' for text before the first heading."""
    return " > ".join(path) if path else "正文开头"


def source_line(c: Citation) -> str:
    """《标题》（机构，2023年），一、… > （二）…"""
    year = f"，{c.year}年" if c.year else ""
    page = f"，第{c.page}页" if c.page else ""
    return f"《{shown_title(c.title)}》（{c.agency}{year}），{section_label(c.section_path)}{page}"


def briefing_footnote(c: Citation) -> str:
    """The citation form an official pastes: 《报告标题》（机构，年份），第X部分“小节标题”."""
    year = f"，{c.year}年" if c.year else ""
    part = ""
    if c.section_path:
        part = f"，{c.section_path[0]}"
        if len(c.section_path) > 1:
            part += f"“{c.section_path[-1]}”"
    return f"《{shown_title(c.title)}》（{c.agency}{year}）{part}"


def mode_line(answer: Answer) -> str:
    """How an LLM answer was checked ('' for extractive answers): shown under its text."""
    if answer.mode != "llm":
        return ""
    if not answer.dropped:
        return "（大模型生成，每句均已与所引原文核验）"
    return (
        f"（大模型生成，每句均已与所引原文核验；另有 {len(answer.dropped)} 句未通过核验，已删除）"
    )


def render_text(answer: Answer) -> str:
    """The answer and its numbered sources as plain text."""
    lines = [answer.text]
    if answer.notice:
        lines.insert(0, f"（{answer.notice}）")
    if answer.resolved_question != answer.question:
        lines.insert(0, f"（按“{answer.resolved_question}”理解）")
    if answer.mode == "llm":
        lines.append(mode_line(answer))
    if answer.citations:
        lines.append("")
        lines.append("来源：")
        for c in answer.citations:
            lines.append(f"[{c.n}] {source_line(c)}")
            lines.append(f"    “{c.quote}”（第{c.start}–{c.end}字）")
    elif not answer.grounded:
        lines.append(f"（{NO_EVIDENCE}）")
    return "\n".join(lines)


def citation_to_dict(c: Citation) -> dict[str, Any]:
    return {
        "n": c.n,
        "doc_id": c.doc_id,
        "title": c.title,
        "agency": c.agency,
        "year": c.year,
        "section": list(c.section_path),
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "source": c.source,
        "page": c.page,
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The JSON form of an answer (``qa ask --json``)."""
    return {
        "question": answer.question,
        "resolved_question": answer.resolved_question,
        "answer": answer.text,
        "grounded": answer.grounded,
        "citations": [citation_to_dict(c) for c in answer.citations],
        "mode": answer.mode,
        "dropped": [{"sentence": d.sentence, "reason": d.reason} for d in answer.dropped],
        "notice": answer.notice or None,
    }


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """The JSON form of a search hit (``qa search --json``)."""
    p = hit.passage
    return {
        "rank": hit.rank,
        "score": round(hit.score, 4),
        "doc_id": p.doc_id,
        "title": p.title,
        "section": list(p.section_path),
        "text": p.text,
        "start": p.start,
        "end": p.end,
        "dense": round(hit.dense, 4),
        "keyword": round(hit.keyword, 4),
        "sentence": round(hit.sentence, 4),
        "metadata_match": list(hit.metadata_match),
    }


def render_markdown(answer: Answer) -> str:
    """Markdown for chat UIs; report text is escaped by the caller's renderer."""
    parts = [answer.text.replace("\n", "  \n")]
    if answer.notice:
        parts.insert(0, f"（{answer.notice}）  ")
    if answer.mode == "llm":
        parts.append(mode_line(answer))
    if answer.citations:
        parts.append("")
        parts += [f"[{c.n}] {source_line(c)}：“{c.quote}”  " for c in answer.citations]
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """A citation's quote with the report text around it: ``before + quote + after``."""

    before: str
    quote: str
    after: str
    clipped_start: bool  # text exists before ``before``
    clipped_end: bool  # text exists after ``after``


def quote_context(index: Index, citation: Citation, chars: int = CONTEXT_CHARS) -> QuoteContext:
    """The quoted span with up to ``chars`` characters of its report on each side."""
    report = index.reports.get(citation.doc_id)
    if report is None:  # removed since the answer was given: show the quote alone
        return QuoteContext("", citation.quote, "", False, False)
    text = report.text
    lo = max(0, citation.start - chars)
    hi = min(len(text), citation.end + chars)
    return QuoteContext(
        text[lo : citation.start],
        text[citation.start : citation.end],
        text[citation.end : hi],
        lo > 0,
        hi < len(text),
    )
