"""Chunk stage: split a report's cleaned text into sections and section-bound passages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from qa.ingest.table_grids import is_value
from qa.records import Passage, Report

_CN_NUM = "一二三四五六七八九十百零〇"
# Heading kinds, outermost first; the rank is the position in this tuple.
HEADING_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第([{_CN_NUM}\d]+)章")),  # 第一章
    ("part", re.compile(rf"第([{_CN_NUM}\d]+)节")),  # 第二节
    ("cn", re.compile(rf"([{_CN_NUM}]+)、")),  # 一、
    ("paren_cn", re.compile(rf"[（(]([{_CN_NUM}]+)[）)]")),  # （一） (一)
    ("arabic", re.compile(r"(\d{1,2})[.、．](?![\d.．])")),  # 1. 1、 1．
    ("paren_arabic", re.compile(r"[（(](\d{1,2})[）)]")),  # （1） (1)
)
# A heading that runs on into its paragraph ends at the first of these.
# A table-of-contents line: its dot leaders (………… 3) point to where the heading is.
TOC_LINE = re.compile(r"(?:…{3,}|\.{6,}|·{6,}|-{6,})\s*\d*\s*$")
_HEADING_END = re.compile(r"[。！？；：:]")
_HEADING_MAX = 50
# Sentence ends: 。！？； and line ends (a closing quote or bracket stays with its sentence).
_SENTENCE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）)]*|\n|$)")
# In-paragraph enumerations, good places to start a new passage: 一是 二是 其一 第一，
_ENUMERATION = re.compile(rf"^\s*(?:[{_CN_NUM}]+是|其[{_CN_NUM}]+[，、]|第[{_CN_NUM}]+[，、])")
_CLAUSE_END = re.compile(r"[，、,：:]")


def _cn_value(token: str) -> int:
    if token.isdigit():
        return int(token)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
    if token == "十":
        return 10
    if "十" in token:
        tens, _, ones = token.partition("十")
        return digits.get(tens, 1) * 10 + digits.get(ones, 0)
    return digits.get(token[-1], 0)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading line: its kind's rank, its number and its display text."""

    rank: int
    number: int
    title: str
    start: int  # offset of the heading's first character
    end: int  # offset of the end of its line


def without_number(text: str) -> str:
    """The text after the heading number it opens with (一、 （一） 1. （1） 第一章), or as it
    is when it opens with none."""
    stripped = text.lstrip(" \t\u3000\xa0")
    for _, pattern in HEADING_KINDS:
        m = pattern.match(stripped)
        if m:
            return stripped[m.end() :]
    return text


def match_heading(line: str, start: int) -> Heading | None:
    """Recognise a heading at the start of a line (leading spaces ignored)."""
    stripped = line.lstrip(" \t\u3000\xa0")
    lead = len(line) - len(stripped)
    if "\t" in stripped and any(is_value(cell) for cell in stripped.split("\t")[1:]):
        return None  # a table's row (（一）予以公开\t100\t5), not a heading
    if TOC_LINE.search(stripped):
        return None  # a contents line names a heading found further on
    for rank, (_, pattern) in enumerate(HEADING_KINDS):
        m = pattern.match(stripped)
        if not m or len(stripped) <= m.end():
            continue
        end_mark = _HEADING_END.search(stripped, m.end())
        title = stripped[: end_mark.start()] if end_mark else stripped
        if len(title) > _HEADING_MAX:
            title = title[:30] + "…"
        return Heading(rank, _cn_value(m.group(1)), title.strip(), start + lead, start + len(line))
    return None


def find_headings(text: str) -> list[Heading]:
    """All heading lines of a text, in order."""
    headings: list[Heading] = []
    pos = 0
    for line in text.split("\n"):
        heading = match_heading(line, pos)
        if heading:
            headings.append(heading)
        pos += len(line) + 1
    return headings


@dataclass(frozen=True, slots=True)
class Section:
    """A run of text under one heading path, up to the next heading."""

    path: tuple[str, ...]
    start: int
    end: int
    has_body: bool


def report_sections(report: Report) -> list[Section]:
    """A report's sections; a line inside one of its tables is never a heading (a row whose
    cells are all empty: 2.其他法律行政法规禁止公开)."""
    return split_sections(report.text, tuple((t.start, t.end) for t in report.tables))


def split_sections(text: str, tables: Sequence[tuple[int, int]] = ()) -> list[Section]:
    """Split text at its headings (none inside the ``tables`` spans); each section carries its
    full heading path."""
    stack: list[Heading] = []
    sections: list[Section] = []
    headings = [h for h in find_headings(text) if not any(a <= h.start < b for a, b in tables)]
    first = headings[0].start if headings else len(text)
    if text[:first].strip():
        sections.append(Section((), 0, first, True))
    for i, heading in enumerate(headings):
        heading = _fix_misnumbered(heading, stack)
        while stack and stack[-1].rank >= heading.rank:
            stack.pop()
        stack.append(heading)
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        body = text[heading.end : end].strip() or text[heading.start : heading.end] != heading.title
        sections.append(Section(tuple(h.title for h in stack), heading.start, end, bool(body)))
    return sections


def _fix_misnumbered(heading: Heading, stack: list[Heading]) -> Heading:
    """（5） after （四） is a mis-numbered sibling of （四）, not a child of it."""
    if heading.number == 1 or any(h.rank == heading.rank for h in stack):
        return heading
    for open_heading in reversed(stack):
        if open_heading.number == heading.number - 1 and open_heading.rank < heading.rank:
            return Heading(
                open_heading.rank, heading.number, heading.title, heading.start, heading.end
            )
    return heading


def _sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for m in _SENTENCE.finditer(text, start, end):
        if m.end() > m.start():
            yield m.start(), m.end()


def _split_long(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    """Break one over-long sentence at clause marks, else at a non-digit boundary."""
    while end - start > size:
        cut = None
        for m in _CLAUSE_END.finditer(text, start + size // 2, start + size):
            cut = m.end()
        if cut is None:
            cut = start + size
            while cut > start + size // 2 and (text[cut - 1].isdigit() or text[cut].isdigit()):
                cut -= 1
        yield start, cut
        start = cut
    yield start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def pack_spans(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Group sentence spans of [start, end) into trimmed spans of about ``size`` characters."""
    pieces = [
        piece
        for s, e in _sentence_spans(text, start, end)
        for piece in _split_long(text, s, e, size)
    ]
    spans: list[tuple[int, int]] = []
    cur_start, cur_end = start, start
    for s, e in pieces:
        length = cur_end - cur_start
        at_enumeration = bool(_ENUMERATION.match(text, s)) and length >= size // 3
        if length and (e - cur_start > size or at_enumeration):
            spans.append((cur_start, cur_end))
            cur_start = s
        cur_end = e
    spans.append((cur_start, cur_end))
    trimmed = (_trim(text, s, e) for s, e in spans)
    return [(s, e) for s, e in trimmed if e > s]


def chunk_report(report: Report, size: int = 350) -> list[Passage]:
    """Split a report into passages that never cross a section boundary."""
    passages: list[Passage] = []
    for section in report_sections(report):
        if not section.has_body:
            continue
        for s, e in pack_spans(report.text, section.start, section.end, size):
            ordinal = len(passages)
            passages.append(
                Passage(
                    passage_id=f"{report.doc_id}#{ordinal:04d}",
                    doc_id=report.doc_id,
                    agency=report.agency,
                    year=report.year,
                    title=report.title,
                    section_path=section.path,
                    text=report.text[s:e],
                    start=s,
                    end=e,
                    ordinal=ordinal,
                )
            )
    return passages


def embedding_text(passage: Passage) -> str:
    """The passage with its context, as it is embedded and keyword-indexed."""
    context = " ".join(
        x for x in (passage.agency, f"{passage.year}年" if passage.year else "") if x
    )
    head = "｜".join(x for x in (passage.title, context, " > ".join(passage.section_path)) if x)
    return f"{head}\n{passage.text}"
