"""Answer stage: pick the reports' own sentences that answer, cite them, or decline."""

from __future__ import annotations

import re

from qa.answer.candidate import MAX_QUOTE, Candidate
from qa.index.core import Index
from qa.index.sentences import sentence_spans, trim_span
from qa.ingest.clean import to_simplified
from qa.query.plans import asks_for_plans, plan_section
from qa.query.question import context_credit, coverages
from qa.query.units import figure_fits
from qa.records import Hit, Report
from qa.search.rerank import bigram_counts

# A clause ends at ，；： (a comma or colon between digits is part of a figure: 1,000米, 10:30)
_CLAUSE = re.compile(r"(?:[^，,；;：:]|(?<=\d)[,:](?=\d))+[，,；;：:]?")
NEGATION = re.compile(r"未|没有|无一|无|不")
MAX_SENTENCES = 3
MAX_LIST = 8
MIN_COVERAGE = 0.4


def _spans(text: str, start: int, end: int, fine: bool) -> list[tuple[int, int]]:
    """Sentence spans of [start, end), plus windows of one to three clauses.

    Clause windows are for figures (``fine``), where the answer is one clause of a long
    sentence; other answers keep whole sentences, windows only where a sentence is too long.
    """
    spans: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, start, end):
        if e - s < 2:
            continue
        if e - s <= MAX_QUOTE:
            spans.append((s, e))
        if e - s <= (40 if fine else MAX_QUOTE):
            continue
        found = _clauses(text, s, e)
        clauses = [trim_span(text, a, b) for a, b, _ in found]
        # a window never crosses ；: the parts of a sentence it joins are about other things
        part = [0]
        for _, _, mark in found[:-1]:
            part.append(part[-1] + (mark in "；;"))
        for i in range(len(clauses)):
            for j in range(i, min(i + 3, len(clauses))):
                if clauses[j][1] > clauses[i][0] and clauses[j][1] - clauses[i][0] <= MAX_QUOTE:
                    if part[j] == part[i]:
                        spans.append((clauses[i][0], clauses[j][1]))
        for k in sorted(set(part)):  # and a part between two ；, whole, however many clauses it has
            members = [c for c, p in zip(clauses, part, strict=True) if p == k]
            first, last = members[0][0], members[-1][1]
            if len(members) > 3 and last - first <= MAX_QUOTE:
                spans.append((first, last))
    return spans


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The clauses of [start, end) with the mark each ends on; a quotation stays whole
    (做到“一把手亲自抓，分管领导对口抓，责任科室具体抓”的工作机制)."""
    found: list[tuple[int, int, str]] = []
    for m in _CLAUSE.finditer(text, start, end):
        if found and _open_quote(text[found[-1][0] : found[-1][1]]):
            found[-1] = (found[-1][0], m.end(), m.group()[-1])
        else:
            found.append((m.start(), m.end(), m.group()[-1]))
    return found


def _open_quote(text: str) -> bool:
    return text.count("“") > text.count("”")


def candidates(
    question: str,
    hits: list[Hit],
    index: Index,
    terms: dict[str, float],
    units: str | None,
    fine: bool = True,
) -> list[Candidate]:
    """Every sentence and clause of the hits, scored by how much of the question they hold.

    The ranking features (shared run, answer cue) are left for :func:`ranked`, which
    :func:`pick` applies only to the candidates that can answer.
    """
    found: list[Candidate] = []
    plans = asks_for_plans(question)
    for hit in hits:
        p = hit.passage
        report = index.reports[p.doc_id]
        credit, with_title = _credits(terms, hit, report, plans)
        for s, e in _spans(report.text, p.start, p.end, fine):
            text = report.text[s:e]
            plain, telling = coverages(text, terms, (credit, with_title))
            found.append(
                Candidate(
                    report,
                    p.passage_id,
                    p.section_path,
                    hit.score - hit.sentence,  # retrieval alone: sentences are scored here
                    s,
                    e,
                    plain,
                    figure_fits(text, units),
                    telling,
                )
            )
    return found


def _credits(
    terms: dict[str, float], hit: Hit, report: Report, plans: bool
) -> tuple[dict[str, float], dict[str, float]]:
    """What each term earns from around a hit's sentences: a third from its passage and
    section path, in full from its report's title (and a plan section's heading, for plans)."""
    p = hit.passage
    context = to_simplified(" ".join([*p.section_path, report.text[p.start : p.end]]))
    credit = context_credit(terms, context)
    # the title is part of every sentence of its report, in full
    title = context_credit(terms, to_simplified(report.title), share=1.0)
    if plans and plan_section(p.section_path):  # 下一步的安排: under 四、…的主要安排
        heading = context_credit(terms, to_simplified(" ".join(p.section_path)), share=1.0)
        credit = {t: max(c, heading[t]) for t, c in credit.items()}
    with_title = {t: max(c, title[t]) for t, c in credit.items()}
    return credit, with_title


def unknown_words(terms: dict[str, float], index: Index) -> list[str]:
    """The question's key words that no passage holds, when they are most of its words (at
    least two, and two thirds of them): the reports do not speak of what is asked
    (和哪家银行签订了合作协议 → 银行、合作、协议)."""
    counts = bigram_counts(index)
    unknown = [t for t in terms if any(t[i : i + 2] not in counts for i in range(len(t) - 1))]
    return unknown if len(unknown) >= 2 and 3 * len(unknown) >= 2 * len(terms) else []
