"""Kinds of report (qa/lexicon/kinds.toml) and the title lines that say which kind a report is."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parents[1] / "lexicon"
STATE_COUNCIL = re.compile(r"代表国务院|受国务院的?委托|^各位代表")
# What a title line ends with (a caption 「政府工作报告。记者…摄」 does not).
_TITLE_END = ("报告", "公报", "预算", "决算", "年报")
TOP_LINES = 20  # lines read for title, subtitle and speaker (web pages put clutter first)


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of report (qa/lexicon/kinds.toml)."""

    name: str
    title: tuple[str, ...]
    covers: int
    plans: int


@cache
def kinds() -> tuple[Kind, ...]:
    """The kinds of report, in the order they are tried."""
    data = tomllib.loads((LEXICON / "kinds.toml").read_text(encoding="utf-8"))
    return tuple(
        Kind(k["name"], tuple(k["title"]), int(k["covers"]), int(k["plans"])) for k in data["kind"]
    )


def report_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def first_lines(text: str, n: int) -> list[str]:
    """The first ``n`` non-empty lines, stripped, read without splitting the whole text."""
    found: list[str] = []
    start = 0
    while len(found) < n and start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        if line:
            found.append(line)
        start = end + 1
    return found


def find_kind(lines: list[str], simple: str) -> tuple[Kind | None, int, int]:
    """The kind of report, the line of the title that says it (-1: said by the opening) and
    how many lines the title takes (a title wrapped by the page layout takes two)."""
    top = lines[:TOP_LINES]
    for n, i in [(n, i) for n in (1, 2) for i in range(len(top))]:  # one line before two
        squeezed = _title_text(top[i : i + n])
        if len(squeezed) > 60 or not squeezed.endswith(_TITLE_END) or "《" in squeezed:
            continue  # too long, no title's ending, or a document it cites
        for kind in kinds():
            if any(word in squeezed for word in kind.title):
                return kind, i, n
    opening = "".join(top)
    if STATE_COUNCIL.search(simple) or (
        "各位代表" in opening and re.search("报告工作|作工作报告", opening)
    ):
        return next(k for k in kinds() if k.name == "政府工作报告"), -1, 0
    return None, -1, 0


def _title_text(lines: list[str]) -> str:
    """Title lines as one, without spaces, Markdown's # or closing brackets; a line ending a
    sentence is not the first of two."""
    if len(lines) > 1 and re.search(r"[。；;：:，,]$", lines[0]):
        return ""
    return squeezed(lines).rstrip("）)")


def squeezed(lines: list[str]) -> str:
    """Lines as one, without spaces (政 府 工 作 报 告) or Markdown's # marks."""
    return re.sub(r"[\s　]+", "", "".join(lines)).lstrip("#")
