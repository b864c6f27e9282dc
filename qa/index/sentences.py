"""Sentences of a report: trimmed spans that always slice back to the report's exact text."""

from __future__ import annotations

import re

_SPLIT = re.compile(r"[^。！？；\n]+[。！？；]?")


def after_last(text: str, marks: str, before: int) -> int:
    """Where the text after the last of ``marks`` before offset ``before`` begins (0 if none)."""
    return max(text.rfind(mark, 0, before) for mark in marks) + 1


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the spaces and clause marks at its edges."""
    while start < end and (text[start].isspace() or text[start] in "，,、；;：:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "，,、：:；;"):
        end -= 1
    return start, end


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Trimmed sentence spans; a sentence does not end inside brackets (舜天（；）据…)."""
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _SPLIT.finditer(text, start, end):
        s = m.start() if open_at is None else open_at
        piece = text[s : m.end()]
        if piece.count("（") + piece.count("(") > piece.count("）") + piece.count(")"):
            open_at = s
            continue
        open_at = None
        out.append(trim_span(text, s, m.end()))
    if open_at is not None:
        out.append(trim_span(text, open_at, end))
    return out
