"""A table's words (lexicon/tables.toml), and its title and unit from the lines above it."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from qa.ingest.report_kind import LEXICON
from qa.ingest.table_grids import Cell, line_spans

TITLE_LINES = 6  # lines above a table searched for its title and unit
MAX_TITLE = 60


@dataclass(frozen=True, slots=True)
class TableWords:
    code_words: tuple[str, ...]
    code_exact: frozenset[str]
    unit_words: tuple[str, ...]
    units: tuple[str, ...]
    title_words: tuple[str, ...]
    total_words: tuple[str, ...]


@cache
def tables_lexicon() -> dict[str, Any]:
    """lexicon/tables.toml, read once."""
    return tomllib.loads((LEXICON / "tables.toml").read_text(encoding="utf-8"))


@cache
def table_words() -> TableWords:
    data = tables_lexicon()
    return TableWords(
        tuple(data["code_columns"]["words"]),
        frozenset(data["code_columns"]["exact"]),
        tuple(data["unit"]["words"]),
        tuple(data["unit"]["units"]),
        tuple(data["title"]["words"]),
        tuple(data["total_rows"]["words"]),
    )


def unit_in(line: str) -> str:
    """The unit a line states (单位：万元 → 万元), or ""."""
    words = table_words()
    units = "|".join(sorted(map(re.escape, words.units), key=len, reverse=True))
    m = re.search(rf"(?:{'|'.join(words.unit_words)})[:：]\s*({units})(?![\u4e00-\u9fff])", line)
    return m.group(1) if m else ""


def title_and_unit(text: str, start: int, headers: Sequence[list[Cell]] = ()) -> tuple[str, str]:
    """The table's name and unit from the lines just above ``start``, past its header rows
    (a line that starts with a header cell)."""
    words = table_words()
    line_start = text.rfind("\n", 0, start) + 1
    back = _nth_line_back(text, line_start, TITLE_LINES + len(headers))
    heads = {re.sub(r"\s+", "", c.text) for row in headers for c in row} - {""}
    title = unit = caption = ""
    for a, b in reversed(line_spans(text, max(0, back), line_start)):
        line = text[a:b].strip()
        # a unit above the table's title is another table's (本年收费金额（单位：万元）)
        if not title:
            unit = unit or unit_in(line)
        squeezed = re.sub(r"\s+", "", line)
        if any(squeezed.startswith(h) for h in heads if len(h) >= 2):
            continue
        if not title and len(line) <= MAX_TITLE and any(w in line for w in words.title_words):
            title = re.split(r"\s{2,}|\t", line)[0]
        caption = caption or (squeezed if _CAPTION.fullmatch(squeezed) else "-")
    # a grid of the text starts at its header row, so the line above is outside the table (a
    # PDF's header cells may stand above where its grid is found again: 类 款 项)
    return (title if headers else caption.strip("-") or title), unit


# The line right above a table that names it, with or without a title's words: （一）予以公开,
# 第二十条第（八）项 (short, Chinese, no sentence or label:value punctuation).
_CAPTION = re.compile(r"(?=.*[\u4e00-\u9fff])[^。；;：:，,！？!?|\t]{2,30}")


def _nth_line_back(text: str, line_start: int, n: int) -> int:
    pos = line_start
    for _ in range(n):
        if pos <= 0:
            return 0
        pos = text.rfind("\n", 0, pos - 1) + 1
    return pos
