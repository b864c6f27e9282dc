"""Answer stage: pick the reports' own sentences that answer, cite them, or decline."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.candidate import MAX_QUOTE, Candidate
from qa.answer.read import Reader, Reading
from qa.index.core import Index
from qa.index.sentences import after_last, sentence_spans, trim_span
from qa.ingest.clean import to_simplified
from qa.query.kind import TOTAL_WORD, Kind
from qa.query.plans import asks_for_plans, plan_section, section_fit
from qa.query.question import answer_cue, context_credit, coverages, has_word, shared_run
from qa.query.units import figure_fits
from qa.records import Hit
from qa.search.rerank import bigram_counts

_EXAMPLE = re.compile(r"为例|例如|比如|譬如|举例")


# A clause ends at ，；： (a comma or colon between digits is part of a figure: 1,000米, 10:30)
_CLAUSE = re.compile(r"(?:[^，,；;：:]|(?<=\d)[,:](?=\d))+[，,；;：:]?")


NEGATION = re.compile(r"未|没有|无一|无|不")


MAX_SENTENCES = 3


MAX_LIST = 8


MIN_COVERAGE = 0.4


# A figure the reader is sure of, without the words next to 多少 (常住人口: 常住居民人均…), holds
# this much of the question at least.
READ_FIGURE_COVERAGE = 0.6


UNFOCUSED_COVERAGE = 0.75  # a figure clause without the words next to 多少 must match this well


RUNNER_UP = 0.85  # a second fact sentence is shown when it scores this close to the best


# Sentence ranking weights, fitted on 700 CMRC 2018 + 700 DRCD questions outside the gate's
# samples (see eval/datasets/README.md): retrieval score, shared run with the question, answer cue.
SCORE_WEIGHT = 0.5


RUN_WEIGHT = 0.3


CUE_WEIGHT = 0.05


STATES_FACT = 0.25


# The reader's answer mass in a sentence (qa/read.py), over the top READ_HITS passages;
# weight chosen on CMRC 2018 / DRCD questions of passages held out from its training.
READ_WEIGHT = 0.3


READ_HITS = 2


SURE_READ = 0.5  # reader mass that answers a question the word match leaves unanswered


# A table row names what it holds only by its headers: a sentence that says as much in the
# report's own words goes first.
TABLE_COST = 0.05


EXAMPLE_COST = 0.15  # a sentence giving an example (仅以…为例) is not the year's own figure


SURE_FIGURE = 0.6  # ... with a figure, when the sentence lacks the thing counted (行政诉讼)


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
        context = to_simplified(" ".join([*p.section_path, report.text[p.start : p.end]]))
        credit = context_credit(terms, context)
        # the title is part of every sentence of its report, in full
        title = context_credit(terms, to_simplified(report.title), share=1.0)
        if plans and plan_section(p.section_path):  # 下一步的安排: under 四、…的主要安排
            heading = context_credit(terms, to_simplified(" ".join(p.section_path)), share=1.0)
            credit = {t: max(c, heading[t]) for t, c in credit.items()}
        with_title = {t: max(c, title[t]) for t, c in credit.items()}
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


Readings = dict[str, tuple[int, Reading]]  # passage id → (its start offset, the reading)


def read_hits(reader: Reader | None, question: str, hits: list[Hit], index: Index) -> Readings:
    """The reader's answer probabilities over the top passages (none without a reader)."""
    if reader is None or not hits:
        return {}
    top = [h.passage for h in hits[:READ_HITS]]
    texts = [index.reports[p.doc_id].text[p.start : p.end] for p in top]
    return {
        p.passage_id: (p.start, r) for p, r in zip(top, reader.read(question, texts), strict=True)
    }


def ranked(question: str, c: Candidate, readings: Readings | None = None) -> Candidate:
    """The candidate with its question-specific ranking features filled in."""
    read = 0.0
    if readings and c.passage_id in readings:
        at, reading = readings[c.passage_id]
        read = reading.mass(c.start - at, c.end - at)
    text = c.report.text
    sentence = text[after_last(text, "。！？\n", c.start) : c.end]
    example = bool(_EXAMPLE.search(sentence)) and not _EXAMPLE.search(question)
    return replace(
        c,
        run=shared_run(question, c.said),
        cue=answer_cue(question, c.said),
        read=read,
        example=example,
    )


def _focused(c: Candidate, focus: tuple[str, ...]) -> bool:
    """A focus word, the first two of its three characters (信访件 → 信访; 常住人口 is not
    常住) or its stem (学了 → 学) is there."""
    simple = to_simplified(c.said)
    stems = {w.rstrip("了过的") or w for w in focus} | {w[:2] for w in focus if len(w) == 3}
    return not focus or any(has_word(simple, w) for w in (*focus, *stems))


def _rank_key(c: Candidate, kind: Kind) -> float:
    length_cost = 0.0005 if kind.base in ("fact", "list") or kind.each else 0.0015
    bonus = 0.2 if kind.total and TOTAL_WORD.search(c.said) else 0.0
    if kind.base == "yesno" and (
        NEGATION.search(to_simplified(c.text)) or re.search(r"\d", c.text)
    ):
        bonus += STATES_FACT  # 有X吗: a sentence that states the fact (無一件敗訴, 3件) answers it
    return (
        c.telling
        + bonus
        - EXAMPLE_COST * c.example
        - TABLE_COST * (c.cell is not None)
        + SCORE_WEIGHT * c.score
        + RUN_WEIGHT * c.run
        + CUE_WEIGHT * c.cue
        + READ_WEIGHT * c.read
        - length_cost * (c.end - c.start)
    )


# A table-of-contents line: its dot leaders (………… 3) point to where the answer is.
_TOC_LINE = re.compile(r"(?:…{3,}|\.{6,}|·{6,}|-{6,})\s*\d*\s*$")


def eligible(kind: Kind, c: Candidate) -> bool:
    """Can the candidate answer at all: enough of the question, and a fitting figure for 多少?"""
    if max(c.coverage, c.telling) < MIN_COVERAGE or _TOC_LINE.search(c.text):
        return False
    if not _names_body(kind, c):
        return False  # 哪家律师事务所: a sentence that names none does not answer
    if kind.base != "number":
        return True
    return c.figure_ok and (_focused(c, kind.focus) or c.coverage >= UNFOCUSED_COVERAGE)


def _names_body(kind: Kind, c: Candidate) -> bool:
    """The kind of body a 哪家 question asks for (律师事务所) is named, if it asks for one."""
    return not kind.body or has_word(to_simplified(c.said), kind.body)


def pick(
    kind: Kind, cands: list[Candidate], question: str, readings: Readings | None = None
) -> list[Candidate]:
    """The candidates that answer, best first, by the kind of question."""
    good = sorted(
        (ranked(question, c, readings) for c in cands if eligible(kind, c)),
        key=lambda c: _rank_key(c, kind),
        reverse=True,
    )
    if good:  # the sections that fit best: the plans for 下一步打算, not other years' sections
        fits = [section_fit(question, c.section_path) for c in good]
        top_fit = max(fits)
        good = [c for c, fit in zip(good, fits, strict=True) if fit == top_fit]
    if not good:
        return []
    if kind.per_report:
        best: dict[str, Candidate] = {}
        for c in good:
            best.setdefault(c.report.doc_id, c)
        return [_content_over_heading(b, good) for b in best.values()]
    if kind.base == "list":
        chosen: list[Candidate] = []
        for c in good:
            if all(_apart(c, o) for o in chosen):
                chosen.append(c)
            if len(chosen) == MAX_SENTENCES:
                break
        return chosen
    best_key = _rank_key(good[0], kind)
    runner_up = next((c for c in good[1:] if _apart(c, good[0])), None)
    if kind.base == "fact" and runner_up and _rank_key(runner_up, kind) >= RUNNER_UP * best_key:
        return [good[0], runner_up]  # two close readings: show both, each cited
    return good[:1]


def _content_over_heading(best: Candidate, good: list[Candidate]) -> Candidate:
    """A heading (（二）落实法律顾问) gives way to a sentence of its report that holds as much
    of the question (聘请青海竞帆律师事务所担任法律顾问)."""
    if not _is_heading(best):
        return best
    return next(
        (
            c
            for c in good
            if c.report.doc_id == best.report.doc_id
            and c.coverage >= best.coverage
            and not _is_heading(c)
        ),
        best,
    )


def _apart(a: Candidate, b: Candidate) -> bool:
    return a.report.doc_id != b.report.doc_id or a.end <= b.start or a.start >= b.end


def unknown_words(terms: dict[str, float], index: Index) -> list[str]:
    """The question's key words that no passage holds, when they are most of its words (at
    least two, and two thirds of them): the reports do not speak of what is asked
    (和哪家银行签订了合作协议 → 银行、合作、协议)."""
    counts = bigram_counts(index)
    unknown = [t for t in terms if any(t[i : i + 2] not in counts for i in range(len(t) - 1))]
    return unknown if len(unknown) >= 2 and 3 * len(unknown) >= 2 * len(terms) else []


def read_out(
    found: list[Candidate], question: str, readings: Readings, kind: Kind
) -> list[Candidate]:
    """When no sentence holds enough of the question's words (or no figure with the asked-for
    unit: 三分之一, 5,000,000美元), the sentence the reader is sure of, if any. A heading is
    never one: it names a topic (三、…的主要安排), it does not answer. A figure's sentence
    without the thing counted (多少件行政诉讼案件: 违法案件35起) needs a surer reader."""
    sure = [
        c
        for c in (ranked(question, c, readings) for c in found)
        if c.read >= SURE_READ
        and not _is_heading(c)
        and (
            kind.base != "number"
            or _focused(c, kind.focus)
            or (c.figure_ok and c.read >= SURE_FIGURE and c.coverage >= READ_FIGURE_COVERAGE)
        )
        and _names_body(kind, c)
    ]
    return sorted(sure, key=lambda c: c.read, reverse=True)[:1]


def _is_heading(c: Candidate) -> bool:
    title = c.section_path[-1].rstrip("…") if c.section_path else ""
    text = c.text.strip()
    return bool(title) and (text.startswith(title) or title.startswith(text))


def apart_only(picked: list[Candidate]) -> list[Candidate]:
    """Drop a candidate that overlaps one before it (two clauses grown into one sentence)."""
    kept: list[Candidate] = []
    for c in picked:
        if all(_apart(c, k) for k in kept):
            kept.append(c)
    return kept


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


# A clause that goes on to the level a change reaches: 增长8%，达到35578元.
_LEVEL_NEXT = re.compile(r"[，,]\s*(?:达到|达|为|至|突破|超过)\s*\d[\d.,]*[^\d，,；;。！？\n]{0,8}")


def with_level(c: Candidate) -> Candidate:
    """A figure's clause read on to the level it reaches (增长8%，达到35578元), when that
    clause follows straight after it."""
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
