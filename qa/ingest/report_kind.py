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
    figures: str = ""  # what every figure of such a report is (预期目标: a budget's), if one thing


@cache
def kinds() -> tuple[Kind, ...]:
    """The kinds of report, in the order they are tried."""
    data = tomllib.loads((LEXICON / "kinds.toml").read_text(encoding="utf-8"))
    return tuple(
        Kind(k["name"], tuple(k["title"]), int(k["covers"]), int(k["plans"]), k.get("figures", ""))
        for k in data["kind"]
    )


def figures_of(kind: str) -> str:
    """What every figure of a report of ``kind`` is (预期目标 for a 部门预算), else ""."""
    return next((k.figures for k in kinds() if k.name == kind), "")


# A saved web page's header (标题: …, 发布时间: …, 原文链接: …, ==== 正文 ====): its title line is
# the title, its 发布机构 line names the body, the rest is page chrome and not the report's.
_FRONT_TITLE = re.compile(r"^(?:标题|题名|文章标题)\s*[:：]\s*(\S.*)$")
_FRONT_CHROME = re.compile(
    r"^(?:发布时间|发布日期|文号|栏目|原文链接|原始链接|链接|本地目录|索引号|来源|页面链接|正文)"
    r"\s*(?:[:：]|与图片|$)|^=+\s*正文\s*=+$"
)
FRONT_LINES = 15


def front_title(line: str) -> str:
    """标题: 君山片区2022年法治政府建设工作报告 → the title itself; any other line as it is."""
    title = _FRONT_TITLE.match(line)
    return title.group(1) if title else line


def report_lines(text: str) -> list[str]:
    """The report's non-empty lines, stripped, with a saved page's header read as above."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    lines[:FRONT_LINES] = [front_title(line) for line in lines[:FRONT_LINES]]
    return [
        line for i, line in enumerate(lines) if i >= FRONT_LINES or not _FRONT_CHROME.match(line)
    ]


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
        title = _title_text(top[i : i + n])
        if len(title) > 60 or not title.endswith(_TITLE_END) or "《" in title:
            continue  # too long, no title's ending, or a document it cites
        for kind in kinds():
            if any(word in title for word in kind.title):
                return kind, i, n
    opening = "".join(top)
    said = _REPORT_FOLLOWS.search(squeezed(top[:2]))  # 现将我局2020年度法治政府建设情况报告如下
    named = said.group() if said else ""
    for kind in kinds() if named else ():
        if any(word in named for word in kind.title):
            return kind, -1, 0
    if STATE_COUNCIL.search(simple) or (
        "各位代表" in opening and re.search("报告工作|作工作报告", opening)
    ):
        return next(k for k in kinds() if k.name == "政府工作报告"), -1, 0
    return None, -1, 0


# An opening that names the report it introduces: 现将我局2020年度法治政府建设情况报告如下.
_REPORT_FOLLOWS = re.compile(r"现将.{0,40}?报告如下")
# A document number after the title: …工作报告(潭县自然资字〔2025〕79号).
_TRAILING_NUMBER = re.compile(r"[（(][^（）()]*[〔\[]\d{4}[〕\]][^（）()]*[）)]$")


def _title_text(lines: list[str]) -> str:
    """Title lines as one, without spaces, Markdown's #, a document number after them or
    closing brackets; a line ending a sentence is not the first of two."""
    if len(lines) > 1 and re.search(r"[。；;：:，,]$", lines[0]):
        return ""
    return _TRAILING_NUMBER.sub("", squeezed(lines)).rstrip("）)")


def squeezed(lines: list[str]) -> str:
    """Lines as one, without spaces (政 府 工 作 报 告) or Markdown's # marks."""
    return re.sub(r"[\s　]+", "", "".join(lines)).lstrip("#")
