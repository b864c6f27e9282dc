"""Names a question quotes (“莆田河长制”平台, “其他处理”): what it asks about by name, which a
figure's sentence must be about."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.candidate import Candidate
from qa.index.sentences import after_last
from qa.ingest.clean import to_simplified

# A name a question quotes: “莆田城市管理”微信公众号, “放管服”改革.
_QUOTED_NAME = re.compile(r"[“\"「『]([^”\"」』]{2,20})[”\"」』]")
_NOT_WORD = re.compile(r"[\W_]+")
_PLAN = re.compile(r"[一二三四五六七八九十]{1,2}五")  # “十四五”: a time, no name


def quoted_names(question: str) -> list[str]:
    """The names a question quotes, simplified, without spaces or punctuation."""
    names = [_NOT_WORD.sub("", to_simplified(n)) for n in _QUOTED_NAME.findall(question)]
    return [n for n in names if n and not _PLAN.fullmatch(n)]


def of_quoted(question: str, found: list[Candidate]) -> list[Candidate]:
    """For a figure of a name the question quotes (“莆田河长制”平台发布了多少条信息), the
    candidates whose sentence or section says the name: another figure is not its."""
    names = quoted_names(question)
    if not names:
        return found
    kept = []
    for c in found:
        start = after_last(c.report.text, "。！？\n", c.start)
        heads = [c.cell.entry.label, *(v.column for v in c.cell.values)] if c.cell else []
        said = _compact(" ".join([*c.section_path, *heads, c.report.text[start : c.end]]))
        if any(n in said for n in names):
            kept.append(c)
    return kept


@lru_cache(maxsize=64)
def _compact(text: str) -> str:
    """A text in simplified script without spaces or punctuation."""
    return _NOT_WORD.sub("", to_simplified(text))
