"""Widening a picked span: the sentence before it, the level a change reaches, the whole sentence."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.candidate import MAX_QUOTE, Candidate
from qa.index.sentences import after_last, trim_span

# A sentence that opens by pointing back (此举…, 这次…, 他…, 两校…) is read with the one before it.
_POINTS_BACK = re.compile(
    r"(?:此|这|這|该|該|其|他|她|它|牠|彼|两|兩|二者|上述|前者|后者|後者|同年|次年|当时|當時)"
)


def with_antecedent(c: Candidate) -> Candidate:
    """Quote the sentence before too when the picked one opens by pointing back to it."""
    text = c.report.text
    if (
        c.cell
        or not _POINTS_BACK.match(text, c.start)
        or text[: c.start].rstrip(" \t").endswith("\n")
    ):
        return c  # a paragraph's first sentence: the line before may be a heading
    start, _ = trim_span(text, after_last(text, "。！？\n", c.start - 1), c.start)
    if start >= c.start or c.end - start > 2 * MAX_QUOTE:
        return c
    return replace(c, start=start)


# A clause that goes on to the level a change reaches (增长8%，达到35578元), or to the change
# of the level just stated (达到240亿元，同比增长21%; 完成2510.1亿元、增长5.3%).
_LEVEL_NEXT = re.compile(
    r"[，,]\s*(?:达到|达|为|至|突破|超过)\s*\d[\d.,]*[^\d，,；;。！？\n]{0,8}"
    r"|[，,、]\s*(?:同比|比上年|较上年)?(?:增长|下降)\s*\d[\d.]*\s*(?:%|％|个百分点)"
)


def with_level(c: Candidate) -> Candidate:
    """A figure's clause read on to the level it reaches (增长8%，达到35578元) or the change
    of its level (240亿元，同比增长21%), when that clause follows straight after it."""
    if c.cell:
        return c
    m = _LEVEL_NEXT.match(c.report.text, c.end)
    if not m or c.end + len(m.group()) - c.start > MAX_QUOTE:
        return c
    return replace(c, end=trim_span(c.report.text, c.start, m.end())[1])


def whole_sentence(
    c: Candidate, marks: str = "。！？；\n", longest: int = 2 * MAX_QUOTE
) -> Candidate:
    """The full sentence around a clause (for 分别/各多少 questions; for lists, up to 。 so
    that 一是……；二是……；三是…… stays whole); a table entry stays as it is."""
    if c.cell:
        return c
    text = c.report.text
    start = after_last(text, marks, c.start)
    ends = [i for i in (text.find(mark, c.end - 1) for mark in marks) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    start, end = trim_span(text, start, end)
    if end - start > longest:
        return c
    return replace(c, start=start, end=end)


# A sentence that breaks down the one before it: …主动公开政府信息22条。其中，机构职能4条，…
_BREAKDOWN = re.compile(r"[ \t\u3000]*其中[，,：:]")


def with_breakdown(c: Candidate, longest: int = 2 * MAX_QUOTE) -> Candidate:
    """A whole sentence read on to the next one when that one opens with 其中 and breaks it
    down into its parts (what 分成哪几类 / 各有多少 asks for)."""
    text = c.report.text
    if c.cell or not _BREAKDOWN.match(text, c.end):
        return c
    ends = [i for i in (text.find(mark, c.end) for mark in "。！？\n") if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    if end - c.start > longest:
        return c
    return replace(c, end=trim_span(text, c.start, end)[1])


# Words that open numbered items on the lines after them (…，具体包括：\n1. …\n2. …).
_INTRODUCES = re.compile(r"[，,]?\s*(?:(?:具体|主要)?(?:包括|如下|分别是|分别为)\s*)?[:：]")
_ITEM = re.compile(r"\s*(?:(\d{1,2})[.．、]|[（(](\d{1,2})[)）])[ \t\u3000]*[^\n]{1,80}")
MAX_ITEMS = 20


def with_items(c: Candidate) -> Candidate:
    """A sentence that ends by introducing numbered items (本部门中，行政单位1家，参公单位1家，
    具体包括：) read on through them (1. 普陀区司法局本部 2. 普陀区法律援助中心): what it
    says is in the items."""
    text = c.report.text
    intro = None if c.cell else _INTRODUCES.match(text, c.end)
    if intro is None:
        return c
    end, n = intro.end(), 0
    while n < MAX_ITEMS:
        item = _ITEM.match(text, end)
        if item is None or int(item.group(1) or item.group(2)) != n + 1:
            break
        end, n = item.end(), n + 1
    return replace(c, end=end) if n >= 2 else c
