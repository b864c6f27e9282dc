"""Answer stage: pick the reports' own sentences that answer, cite them, or decline."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.candidate import MAX_QUOTE, Candidate, span_candidate
from qa.chunk import Section, report_sections
from qa.clean import to_simplified
from qa.figures import (
    TARGET,
    asked_tense,
    figure_on_topic,
    figure_tag,
    fitting_tense,
    reviews_and_targets,
    topic_word,
    without_tense_words,
)
from qa.index import Index
from qa.query import Query
from qa.question import (
    PROBLEM_WORDS,
    TOTAL_WORD,
    Kind,
    answer_cue,
    asked_units,
    asks_for_plans,
    asks_for_whole_plan,
    asks_for_whole_problems,
    context_credit,
    coverage,
    coverages,
    figure_fits,
    has_word,
    plan_section,
    problem_part,
    section_fit,
    shared_run,
)
from qa.read import Reader, Reading
from qa.records import Answer, Citation, Hit, Report
from qa.report_facts import asks_publish_date, fact_candidates
from qa.rerank import bigram_counts
from qa.scope import Scope, place_aliases
from qa.sentences import after_last, sentence_spans, trim_span
from qa.table_answer import table_candidates
from qa.verify import AnswerSentence, verify_sentences

_EXAMPLE = re.compile(r"为例|例如|比如|譬如|举例")
# A clause ends at ，；： (a comma or colon between digits is part of a figure: 1,000米, 10:30)
_CLAUSE = re.compile(r"(?:[^，,；;：:]|(?<=\d)[,:](?=\d))+[，,；;：:]?")
_NEGATION = re.compile(r"未|没有|无一|无|不")
# In-paragraph enumerations: 一是…。二是…。
# (?<!…): an item starts after the numerals, not inside a long run of them (no rescans)
_ENUM_ITEM = re.compile(r"(?<![一二三四五六七八九十])[一二三四五六七八九十]+是[^。；;！？\n]*")
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
        _NEGATION.search(to_simplified(c.text)) or re.search(r"\d", c.text)
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
    for _, _, report, i in sorted(ranked, key=lambda r: (r[0], r[1], r[3])):
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
            head = _heading_span(report.text, sec.start, sec.path[-1])
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
    spans = [(*_heading_span(report.text, s.start, s.path[-1]), s.path) for s in children]
    if len(spans) < 2:
        spans = [
            (*trim_span(report.text, m.start(), m.end()), sec.path)
            for m in _ENUM_ITEM.finditer(report.text, sec.start, end)
        ]
    if len(spans) < 2:
        return []
    head = _heading_span(report.text, sec.start, sec.path[-1])
    return [span_candidate(index, report, *head, sec.path, opens_list=True)] + [
        span_candidate(index, report, *span) for span in spans[:MAX_LIST]
    ]


def _heading_span(text: str, start: int, title: str) -> tuple[int, int]:
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


def _lead(report: Report) -> str:
    return f"{report.label}："


def _citation(n: int, c: Candidate) -> Citation:
    return Citation(
        n=n,
        passage_id=c.passage_id,
        doc_id=c.report.doc_id,
        start=c.start,
        end=c.end,
        quote=c.text,
        title=c.report.title,
        agency=c.report.agency,
        year=c.report.year,
        section_path=c.section_path,
        source=c.report.path,
        page=c.report.page_at(c.start),
    )


def _sentence(c: Candidate, head: str = "", lead: bool = True, tag: bool = False) -> AnswerSentence:
    body = c.said.rstrip("。；;！!？?")
    said = figure_tag(c.text, reviews_and_targets(c.report)) if tag else ""
    text = f"{head}{_lead(c.report) if lead else ''}{body}{f'（{said}）' if said else ''}"
    return AnswerSentence(text, (_citation(0, c), *_table_title(c)), opens_list=c.opens_list)


TITLE_REACH = 2000  # characters above a table's first row where its title line is looked for


def _table_title(c: Candidate) -> tuple[Citation, ...]:
    """A table entry's second quote: the table's title line above it, so the answer shows
    which table its row is from (《三、收到和处理政府信息公开申请情况》)."""
    if c.cell is None or not c.cell.table.title:
        return ()
    table, text = c.cell.table, c.report.text
    at = text.rfind(table.title, max(0, table.start - TITLE_REACH), table.start)
    if at < 0:
        return ()
    return (replace(_citation(0, c), start=at, end=at + len(table.title), quote=table.title),)


def compose(kind: Kind, picked: list[Candidate]) -> list[AnswerSentence]:
    """Write the answer sentences, each quoting its evidence."""
    if any(c.opens_list for c in picked):  # section headings, each followed by its items
        return [_sentence(c, lead=c.opens_list) for c in picked]
    if kind.base == "yesno" and not kind.per_report:
        c = picked[0]
        negative = _NEGATION.search(to_simplified(c.text)) is not None
        return [_sentence(c, head="否。" if negative else "是。")]
    return [_sentence(c, tag=kind.base == "number") for c in picked]


def _decline(
    question: str, resolved: str, hits: list[Hit], scope: Scope, why: str, index: Index
) -> Answer:
    text = f"在已索引的报告中没有找到{why}。"
    places = [m for m in scope.matched if not re.fullmatch(r"\d{4}年", m)]
    if scope.unmatched and places:
        have = sorted(
            {r.label for r in index.reports.values() if any(p in place_aliases(r) for p in places)}
        )
        if have:
            text += f"\n已索引的相关报告：{'；'.join(have)}"
    related = "；".join(
        f"《{h.passage.title}》{' '.join(h.passage.section_path[-1:])}" for h in hits[:3]
    )
    if related:
        text += f"\n可能相关：{related}"
    return Answer(question, resolved, text, (), tuple(hits), False, scope.unmatched)


_WHICH_REPORTS_Q = re.compile(r"哪(?:几|一)?(?:份|篇|个)(?:报告)?(?:是|属于|为)|哪些报告")


def report_candidates(resolved: str, scope: Scope, index: Index) -> list[Candidate]:
    """哪几份是2023年度的: the reports the question's year/place selects, each by its title."""
    if scope.doc_ids is None or not _WHICH_REPORTS_Q.search(to_simplified(resolved)):
        return []
    found = []
    for doc_id in scope.doc_ids:
        report = index.reports[doc_id]
        at = report.text.find(report.title) if report.title else -1
        if at >= 0:
            found.append(span_candidate(index, report, at, at + len(report.title)))
    return found


def unknown_words(terms: dict[str, float], index: Index) -> list[str]:
    """The question's key words that no passage holds, when they are most of its words (at
    least two, and two thirds of them): the reports do not speak of what is asked
    (和哪家银行签订了合作协议 → 银行、合作、协议)."""
    counts = bigram_counts(index)
    unknown = [t for t in terms if any(t[i : i + 2] not in counts for i in range(len(t) - 1))]
    return unknown if len(unknown) >= 2 and 3 * len(unknown) >= 2 * len(terms) else []


def _unknown_topic(question: str, unknown: list[str]) -> str:
    """关于“银行、合作、协议”的内容, the words in the question's order; a piece made of two
    others' characters (荣誉称号 → 誉称) is left out."""
    simple = to_simplified(question)
    shown = [t for t in unknown if not all(any(ch in o for o in unknown if o != t) for ch in t)]
    return f"关于“{'、'.join(sorted(shown, key=simple.find))}”的内容" if shown else ""


def _choose(
    kind: Kind,
    resolved: str,
    hits: list[Hit],
    index: Index,
    scope: Scope,
    terms: dict[str, float],
    unknown: list[str],
    reader: Reader | None,
) -> list[Candidate]:
    single = _one_report(scope, index)
    every = [] if single else [index.reports[d] for d in (scope.doc_ids or index.reports)]
    meta = fact_candidates(resolved, hits, index, every)
    meta = meta or report_candidates(resolved, scope, index)
    if meta:
        return meta
    if unknown:
        return []
    whole_problems = asks_for_whole_problems(resolved) and not set(terms) - PROBLEM_WORDS
    if (asks_for_whole_plan(resolved) or whole_problems) and hits:
        # 各局下一步有什么打算, or no one report named: every report's plan, one after another
        reports = _reports_of(hits[:1] if single and not kind.per_report else hits, index)
        sections = [fitting_section_items(index, resolved, r) for r in reports]
        if any(sections):
            return [c for items in sections for c in items]
    if kind.base == "list":
        items = section_items(index, _reports_of(hits[:4], index), terms, resolved)
        if items:
            return items
    fine = kind.base in ("number", "yesno")
    units = asked_units(resolved)
    if kind.base == "number":  # target and actual words are for fitting_tense to see to
        terms = without_tense_words(resolved, terms)
        kind = replace(
            kind, focus=tuple(without_tense_words(resolved, dict.fromkeys(kind.focus, 1.0)))
        )
    found = candidates(resolved, hits, index, terms, units, fine)
    if kind.base == "number":
        found += table_candidates(hits, index, terms, units)
    # the reader ranks one answer's sentences; a figure's clause (whose reader mass grows with
    # every clause around it) and per-report answers are left to the word match
    one = kind.base in ("fact", "list") and not (kind.per_report or kind.each)
    readings = read_hits(reader if one else None, resolved, hits, index)
    if kind.base == "number":
        found = fitting_tense(resolved, found)
        if asked_tense(resolved) == TARGET:  # a list of targets answers only for its items
            top = topic_word(terms)
            found = [c for c in found if c.cell or figure_on_topic(c.text, top, units)]
    picked = pick(kind, found, resolved, readings)
    if not picked and reader is not None and not (kind.per_report or kind.each):
        readings = readings or read_hits(reader, resolved, hits, index)
        picked = _read_out(found, resolved, readings, kind)
    if kind.base == "yesno" and terms:  # 有没有行政诉讼案件: 是 needs 诉讼 said, not 上诉
        topic = max(terms, key=lambda t: terms[t])
        picked = [
            c
            for c in picked
            if c.coverage >= UNFOCUSED_COVERAGE or has_word(to_simplified(c.text), topic)
        ]
    if kind.each and not kind.per_report:
        picked = [_whole_sentence(c) for c in picked]
    elif kind.base == "list" and not kind.per_report:
        picked = _apart_only([_whole_sentence(c, "。！？\n") for c in picked])
    elif kind.base == "fact":  # a clause cut at ； reads whole with its sentence, if short
        picked = _apart_only([_whole_sentence(c, "。！？\n", MAX_QUOTE) for c in picked])
    if kind.base == "number":
        picked = [_with_level(c) for c in picked]
    return [_with_antecedent(c) for c in picked]


def _one_report(scope: Scope, index: Index) -> bool:
    """Does the question mean a single report (it names one, or only one is indexed)?"""
    return len(index.reports) == 1 or (scope.doc_ids is not None and len(scope.doc_ids) == 1)


def _reports_of(hits: list[Hit], index: Index) -> list[Report]:
    """The hits' reports, each once, in the order they first appear."""
    return list({h.passage.doc_id: index.reports[h.passage.doc_id] for h in hits}.values())


def _read_out(
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


def _apart_only(picked: list[Candidate]) -> list[Candidate]:
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


def _with_antecedent(c: Candidate) -> Candidate:
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


def _with_level(c: Candidate) -> Candidate:
    """A figure's clause read on to the level it reaches (增长8%，达到35578元), when that
    clause follows straight after it."""
    if c.cell:
        return c
    m = _LEVEL_NEXT.match(c.report.text, c.end)
    if not m or c.end + len(m.group()) - c.start > MAX_QUOTE:
        return c
    return replace(c, end=trim_span(c.report.text, c.start, m.end())[1])


def _whole_sentence(
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


def compose_answer(
    query: Query, hits: list[Hit], index: Index, reader: Reader | None = None
) -> Answer:
    """Turn hits into a verified, cited answer, or decline honestly."""
    question, resolved, scope = query.question, query.resolved, query.scope
    if scope.unmatched:
        return _decline(
            question, resolved, hits, scope, f"关于{'、'.join(scope.unmatched)}的报告", index
        )
    if asks_publish_date(query.simple):
        why = "报告在网站上的发布日期（网页页眉不进索引；报告落款日期可问“报告是哪天签发的”）"
        return _decline(question, resolved, hits, scope, why, index)
    kind, terms = query.kind, dict(query.terms)
    unknown = unknown_words(terms, index)
    picked = _choose(kind, resolved, hits, index, scope, terms, unknown, reader)
    if not picked:
        why = _unknown_topic(resolved, unknown) or "能回答这个问题的内容"
        return _decline(question, resolved, hits, scope, why, index)
    sentences, dropped = verify_sentences(compose(kind, picked), index.reports)
    if not sentences:
        return _decline(question, resolved, hits, scope, "经核验能回答这个问题的内容", index)
    lines: list[str] = []
    citations: list[Citation] = []
    for sentence in sentences:
        marks = ""
        for cite in sentence.citations:  # a table's row, then its title
            citations.append(replace(cite, n=len(citations) + 1))
            marks += f"[{len(citations)}]"
        bullet = "- " if len(sentences) > 1 and not sentence.opens_list else ""
        end = "：" if sentence.opens_list else "。"
        lines.append(f"{bullet}{sentence.text}{marks}{end}")
    return Answer(
        question,
        resolved,
        "\n".join(lines),
        tuple(citations),
        tuple(hits),
        not dropped,
        tuple(dropped),
    )
