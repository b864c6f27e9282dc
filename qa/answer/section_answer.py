"""Answer stage, sections: for 有哪些… questions, a report's section heading with its
sub-headings or 一是/二是 items; for a question after the plans or shortcomings as a whole,
the section (or the part of it) that states them."""

from __future__ import annotations

import re

from qa.answer.candidate import MAX_QUOTE, Candidate, span_candidate
from qa.answer.candidates import MAX_LIST, MAX_SENTENCES, MIN_COVERAGE
from qa.index.chunk import Section, report_sections
from qa.index.core import Index
from qa.index.sentences import sentence_spans, trim_span
from qa.query.plans import problem_part, section_fit
from qa.query.question import coverage, numbered_name
from qa.records import Report

# In-paragraph enumerations: 一是…。二是…。
# (?<!…): an item starts after the numerals, not inside a long run of them (no rescans)
_ENUM_ITEM = re.compile(r"(?<![一二三四五六七八九十])([一二三四五六七八九十]+)是[^。；;！？\n]*")
_ORDINALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
ITEM_GAP = 3000  # characters between one numbered item and the next of the same run at most


def numbered_items(index: Index, reports: list[Report], terms: dict[str, float]) -> list[Candidate]:
    """For a numbered short name asked about (“五大战略”分别是哪些): the run of 一是…五是
    items (in one paragraph or opening paragraphs of their own) as many as it counts, each
    with its word (战略), led by the sentence that names it; [] when no report has one."""
    for term in sorted(terms, key=lambda t: -terms[t]):
        named = numbered_name(term)
        if named is None:
            continue
        count, word = named
        for report in reports:
            found = _item_run(report.text, term, count, word)
            if found:
                return _named_run(index, report, *found)
    return []


def _item_run(
    text: str, term: str, count: int, word: str
) -> tuple[int, list[re.Match[str]]] | None:
    """Where the text names ``term`` and the first run of items numbered 一 to ``count`` in
    order, shortly after, each holding ``word``; None when there is none."""
    run: list[re.Match[str]] = []
    for m in _ENUM_ITEM.finditer(text):
        number = _ORDINALS.get(m.group(1), 0)
        if run and number == len(run) + 1 and m.start() - run[-1].end() <= ITEM_GAP:
            run.append(m)
        elif number == 1:
            run = [m]
        else:
            continue
        if len(run) == count:
            said = text.rfind(term, max(0, run[0].start() - ITEM_GAP), run[0].start())
            if said >= 0 and all(word in item.group() for item in run):
                return said, run
            run = []
    return None


def _named_run(
    index: Index, report: Report, said: int, run: list[re.Match[str]]
) -> list[Candidate]:
    """The sentence naming the items (at ``said``), then the items."""
    text = report.text
    items = [span_candidate(index, report, *trim_span(text, m.start(), m.end())) for m in run]
    start = max(text.rfind(mark, 0, said) for mark in "。！？\n") + 1
    stops = [i for i in (text.find(mark, said) for mark in "。！？\n") if i >= 0]
    head = trim_span(text, start, min(stops) + 1 if stops else len(text))
    return [span_candidate(index, report, *head, opens_list=True), *items]


def section_items(
    index: Index, reports: list[Report], terms: dict[str, float], question: str = ""
) -> list[Candidate]:
    """For 有哪些… questions: the best-matching section's sub-headings or 一是/二是 items
    (or those of the part of it that fits the question: （一）主要问题, not （二）改进措施).

    The first candidate is the section heading itself; the rest are its items.
    """
    per_report = {r.doc_id: report_sections(r) for r in reports}
    ranked: list[tuple[float, int, Report, int]] = []
    for order, report in enumerate(reports):
        for i, sec in enumerate(per_report[report.doc_id]):
            cov = coverage(sec.path[-1], terms) if sec.path else 0.0
            if cov >= MIN_COVERAGE and section_fit(question, sec.path) >= 0:  # not other years
                ranked.append((-cov, order, report, i))
    ranked.sort(key=lambda r: (r[0], r[1], r[3]))
    for cov, _, report, i in ranked:
        if cov > ranked[0][0]:
            break  # a heading that says less of the question than a best one without items
        sections = per_report[report.doc_id]
        items = _items_under(index, report, sections, _fitting_part(question, sections, i))
        if items:
            return items
    return []


def fitting_section_items(index: Index, question: str, report: Report) -> list[Candidate]:
    """For a question after a report's plans or shortcomings as a whole: the heading of its
    first section that fits (主要安排, 下一步…, a later year; 存在的不足和原因) and that
    section's items, in their order."""
    sections = report_sections(report)
    for i, sec in enumerate(sections):
        if sec.path and section_fit(question, sec.path) > 0:
            i = _fitting_part(question, sections, i)  # （一）主要问题 under 五、…问题及改进情况
            sec = sections[i]
            items = _items_under(index, report, sections, i)
            if items:
                return items
            # no items: the heading and the section's first sentences (a signature is none)
            head = heading_span(report.text, sec.start, sec.path[-1])
            body = [
                (s, e)
                for s, e in sentence_spans(report.text, head[1], sec.end)
                if e > s and report.text[e - 1] in "。！？"
            ][:MAX_SENTENCES]
            if not body:
                return []
            return [span_candidate(index, report, *head, sec.path, opens_list=True)] + [
                span_candidate(index, report, s, e, sec.path) for s, e in body
            ]
    return []


def _fitting_part(question: str, sections: list[Section], i: int) -> int:
    """The first section inside section ``i`` whose own heading fits the question (its
    shortcomings, not its improvements; the year asked), else ``i`` itself."""
    depth = len(sections[i].path)
    for j in range(i + 1, len(sections)):
        if len(sections[j].path) <= depth:
            break
        fit = section_fit(question, sections[j].path[-1:])
        if fit > 0 or (fit == 0 and problem_part(question, sections[j].path[-1])):
            return j
    return i


def _items_under(index: Index, report: Report, sections: list[Section], i: int) -> list[Candidate]:
    """A section heading and its sub-headings, else its 一是/二是 items (at least two)."""
    sec, depth = sections[i], len(sections[i].path)
    inner = sections[i + 1 :]
    stop = next((j for j, s in enumerate(inner) if len(s.path) <= depth), len(inner))
    inner = inner[:stop]
    end = inner[-1].end if inner else sec.end
    children = [s for s in inner if len(s.path) == depth + 1]
    spans = [(*heading_span(report.text, s.start, s.path[-1]), s.path) for s in children]
    if len(spans) < 2:
        spans = [
            (*trim_span(report.text, m.start(), m.end()), sec.path)
            for m in _ENUM_ITEM.finditer(report.text, sec.start, end)
        ]
    if len(spans) < 2:
        return []
    head = heading_span(report.text, sec.start, sec.path[-1])
    return [span_candidate(index, report, *head, sec.path, opens_list=True)] + [
        span_candidate(index, report, *span) for span in spans[:MAX_LIST]
    ]


def heading_span(text: str, start: int, title: str) -> tuple[int, int]:
    """The heading's own text; a heading the section path shortened (…) reads to the end of
    its first sentence when that is short, and never ends on a comma."""
    shown = title.rstrip("…")
    line_end = text.find("\n", start)
    if not text.startswith(shown, start):
        return start, (line_end if line_end > start else start + len(shown))
    end = start + len(shown)
    if shown != title:
        stop = min(p for p in (text.find("。", end), line_end, len(text)) if p >= 0)
        if stop - start <= MAX_QUOTE:
            end = stop
    return trim_span(text, start, end)
