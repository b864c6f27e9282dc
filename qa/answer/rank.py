"""Ranking candidates: the question-specific features, which candidates can answer, and the
ones picked for each kind of question."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.candidate import Candidate
from qa.answer.candidates import MAX_SENTENCES, MIN_COVERAGE, NEGATION
from qa.answer.figures import bounded, in_period_paragraph, over_years
from qa.answer.read import Reader, Reading
from qa.index.chunk import TOC_LINE
from qa.index.core import Index
from qa.index.sentences import after_last
from qa.ingest.clean import to_simplified
from qa.query.kind import MEASURE_HEADS, TOTAL_WORD, Kind
from qa.query.plans import section_fit
from qa.query.question import SYNONYMS, answer_cue, has_word, names_laws, shared_run
from qa.query.units import years_named
from qa.records import Hit

_EXAMPLE = re.compile(r"为例|例如|比如|譬如|举例")
# A sentence of parts (分区域看，长株潭地区生产总值…；湘南地区…): each clause is one part's
# figure, not the whole's, unless the question asks by parts too.
_BY_PARTS = re.compile(r"[ \t\u3000]*(?:分|按|从)[\u4e00-\u9fff]{1,4}?来?看[，,：:]")
_PARTS = r"(?:区域|地区|板块|片区|行业|产业|区县|市州|城乡)"
_PARTS_ASKED = re.compile(
    rf"分[\u4e00-\u9fff]{{1,4}}?来?看|分{_PARTS}|各{_PARTS}|哪(?:几|些)个?{_PARTS}"
)
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
EXAMPLE_COST = 0.15  # an example (仅以…为例) or one part (分区域看，…) is not the whole's figure
PERIOD_COST = 0.15  # nor is one over several years (年均增长5.7%) when one year is asked
SURE_FIGURE = 0.6  # ... with a figure, when the sentence lacks the thing counted (行政诉讼)
UNFOCUSED_COST = 0.15  # a figure's clause without the words next to 多少, against one with them
BOUND_COST = 0.15  # a bound (失业率控制在5.5%以内) says less than the figure itself (失业率5.2%)


Readings = dict[str, tuple[int, Reading]]  # passage id → (its start offset, the reading)


def read_hits(
    reader: Reader | None, question: str, hits: list[Hit], index: Index, cands: list[Candidate]
) -> Readings:
    """The reader's answer probabilities over the top passages; none without a reader, or when
    none of ``cands`` (the candidates whose rank the readings would change) lies in them."""
    top = [h.passage for h in hits[:READ_HITS]]
    read = {p.passage_id for p in top}
    if reader is None or not any(c.passage_id in read for c in cands):
        return {}
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
    opening = after_last(text, "。！？\n", c.start)
    sentence = text[opening : c.end]
    example = bool(_EXAMPLE.search(sentence)) and not _EXAMPLE.search(question)
    example = example or (
        bool(_BY_PARTS.match(text, opening)) and not _PARTS_ASKED.search(question)
    )
    period = (
        (
            over_years(sentence)
            or in_period_paragraph(text, c.start, c.end, " ".join(c.section_path))
        )
        and not over_years(question)
        and bool(years_named(question))
    )
    return replace(
        c,
        run=shared_run(question, c.said),
        cue=answer_cue(question, c.said),
        read=read,
        example=example,
        period=period,
    )


def _focused(c: Candidate, focus: tuple[str, ...]) -> bool:
    """Is a focus word there (:func:`focus_share`)?"""
    return not focus or focus_share(c, focus) > 0


def focus_share(c: Candidate, focus: tuple[str, ...]) -> float:
    """The share of the focus words there: each itself, the first two of its three
    characters (信访件 → 信访; 常住人口 is not 常住), its stem (学了 → 学), the word before a
    head that names the measure (就业人员 → 就业) or its synonyms (:func:`has_word`: 总产量
    as 粮食产量 too); a table row has its section's headings too (申请 of
    三、收到和处理政府信息公开申请情况 for the row 予以公开)."""
    if not focus:
        return 1.0
    simple = to_simplified(" ".join([c.said, *c.section_path]) if c.cell else c.said)
    unit = (c.cell.table.unit or c.cell.counted) if c.cell else ""
    held = 0
    for w in focus:
        if unit and len(w) > 1 and w.endswith(unit):
            held += 1  # 案件 of a table that counts 件
            continue
        forms = {w, w.rstrip("了过的") or w, *SYNONYMS.get(w, ())}
        if len(w) == 3:
            forms.add(w[:2])
        if len(w) >= 4 and w.endswith(MEASURE_HEADS):
            forms.add(w[:-2])
        held += any(has_word(simple, f) for f in forms)
    return held / len(focus)


def _rank_key(c: Candidate, kind: Kind) -> float:
    length_cost = 0.0005 if kind.base in ("fact", "list") or kind.each else 0.0015
    bonus = 0.2 if kind.total and TOTAL_WORD.search(c.said) else 0.0
    named = c.cell is not None and c.cell.row_named
    if kind.base == "number" and not named:  # 年初预算为0.95万元 for 决算数是多少
        bonus -= UNFOCUSED_COST * (1 - focus_share(c, kind.focus))
    if kind.base == "yesno" and (
        NEGATION.search(to_simplified(c.text)) or re.search(r"\d", c.text)
    ):
        bonus += STATES_FACT  # 有X吗: a sentence that states the fact (無一件敗訴, 3件) answers it
    return (
        c.telling
        + bonus
        - EXAMPLE_COST * c.example
        - PERIOD_COST * c.period
        - BOUND_COST * (kind.base == "number" and not c.cell and bounded(c.text, kind.focus))
        - (c.cell.cost if c.cell else 0.0)
        + SCORE_WEIGHT * c.score
        + RUN_WEIGHT * c.run
        + CUE_WEIGHT * c.cue
        + READ_WEIGHT * c.read
        - length_cost * (c.end - c.start)
    )


def eligible(kind: Kind, c: Candidate) -> bool:
    """Can the candidate answer at all: enough of the question, and a fitting figure for 多少?"""
    if max(c.coverage, c.telling) < MIN_COVERAGE or TOC_LINE.search(c.text):
        return False
    if not _names_body(kind, c):
        return False  # 哪家律师事务所: a sentence that names none does not answer
    if kind.base != "number":
        return True
    if kind.total and c.cell and not c.cell.states_total:
        return False  # 一共多少: a row's parts (自然人 252件, 商业企业 12件) do not say the total
    named = c.cell is not None and c.cell.row_named  # 予以公开的申请: the row 予以公开
    return c.figure_ok and (named or _focused(c, kind.focus) or c.coverage >= UNFOCUSED_COVERAGE)


def _names_body(kind: Kind, c: Candidate) -> bool:
    """The kind of body a 哪家 question asks for (律师事务所) is named, if it asks for one."""
    return not kind.body or has_word(to_simplified(c.said), kind.body)


def contested(kind: Kind, cands: list[Candidate]) -> list[Candidate]:
    """The candidates the reader may reorder: those that can answer, when two or more can (the
    pick of one is the same whatever the reader says)."""
    able = [c for c in cands if eligible(kind, c)]
    return able if len(able) > 1 else []


def settled(kind: Kind, able: list[Candidate], question: str) -> bool:
    """Would the reader's reading change nothing? For one fact: the best candidate of the
    best-fitting sections leads every other by more than a reading can add (READ_WEIGHT),
    even against the bar a second sentence must clear (RUNNER_UP); reading costs most of an
    answer's time."""
    if kind.base != "fact" or kind.per_report or kind.each or len(able) < 2:
        return False
    plain = [ranked(question, c) for c in able]
    fits = [section_fit(question, c.section_path) for c in plain]
    top = max(fits)
    keys = sorted(
        (_rank_key(c, kind) for c, fit in zip(plain, fits, strict=True) if fit == top),
        reverse=True,
    )
    return len(keys) < 2 or (keys[0] > 0 and keys[1] + READ_WEIGHT < RUNNER_UP * keys[0])


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
        naming = [c for c in good if names_laws(question, c.said)]
        good = naming or good  # 学习了哪些法律: the sentences that name laws, if any does
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
    """Two reports, or two places of one report that say different things (a web page may
    repeat its title block: one of them is enough)."""
    if a.report.doc_id != b.report.doc_id:
        return True
    return (a.end <= b.start or a.start >= b.end) and a.said.strip() != b.said.strip()


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
            or (_focused(c, kind.focus) and c.cue >= 0)  # 多少: a numeral, at least
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
