"""Answer strategies: an ordered registry, each strategy saying when it applies and proposing
the cited spans that answer.

:func:`choose` tries :data:`STRATEGIES` in order. A strategy returns None when it does not
apply (the next one is tried), or its candidates (an empty list: it applies and nothing
answers, so the question is declined). A new way of answering is a function added here, in
its place in the order: the way llm's and txtai's plugins are a list the pipeline walks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from qa.answer.candidate import MAX_QUOTE, Candidate, span_candidate
from qa.answer.candidates import candidates
from qa.answer.figures import (
    TARGET,
    asked_tense,
    figure_on_topic,
    fitting_tense,
    for_later_year,
    over_years_for_one,
    topic_words,
    without_tense_words,
)
from qa.answer.quoted import of_quoted
from qa.answer.rank import (
    UNFOCUSED_COVERAGE,
    apart_only,
    contested,
    pick,
    read_hits,
    read_out,
    settled,
)
from qa.answer.read import Reader
from qa.answer.report_facts import fact_candidates
from qa.answer.section_answer import fitting_section_items, numbered_items, section_items
from qa.answer.table_answer import table_candidates
from qa.answer.widen import (
    whole_sentence,
    with_antecedent,
    with_breakdown,
    with_items,
    with_level,
)
from qa.index.chunk import without_number
from qa.index.core import Index
from qa.ingest.clean import to_simplified
from qa.query.kind import CATEGORIES_Q, Kind
from qa.query.parse import Query
from qa.query.plans import PROBLEM_WORDS, asks_for_whole_plan, asks_for_whole_problems
from qa.query.question import has_word
from qa.query.scope import Scope
from qa.query.units import asked_units
from qa.records import Hit, Report


@dataclass(frozen=True, slots=True)
class Ask:
    """What a strategy sees: the parsed question, its hits and the words no report holds."""

    query: Query
    hits: list[Hit]
    index: Index
    unknown: list[str]
    reader: Reader | None

    @property
    def kind(self) -> Kind:
        return self.query.kind

    @property
    def simple(self) -> str:
        """The resolved question in simplified script (Query.simple): what the question
        analysis below reads; the reader alone reads the question as resolved."""
        return self.query.simple


Strategy = Callable[[Ask], list[Candidate] | None]


def report_facts(ask: Ask) -> list[Candidate] | None:
    """哪天作的, 文号, 报告人 …, or 哪几份是2023年度的: the line that states it, or the
    reports' titles."""
    scope, index = ask.query.scope, ask.index
    every = (
        []
        if one_report(scope, index)
        else [index.reports[d] for d in scope.doc_ids or index.reports]
    )
    found = fact_candidates(ask.simple, ask.hits, index, every)
    return found or report_candidates(ask.simple, scope, index) or None


def unknown_topic(ask: Ask) -> list[Candidate] | None:
    """Most of the question's words are in no report (和哪家银行签订了合作协议): declined."""
    return [] if ask.unknown else None


def whole_section(ask: Ask) -> list[Candidate] | None:
    """下一步有什么打算 / 存在哪些问题 as a whole: each report's plans or shortcomings section
    with its items (the part of it that fits: （一）主要问题)."""
    terms = ask.query.terms
    whole_problems = asks_for_whole_problems(ask.simple) and not set(terms) - PROBLEM_WORDS
    if not (asks_for_whole_plan(ask.simple) or whole_problems) or not ask.hits:
        return None
    single = one_report(ask.query.scope, ask.index) and not ask.kind.per_report
    reports = reports_of(ask.hits[:1] if single else ask.hits, ask.index)
    sections = [fitting_section_items(ask.index, ask.simple, r) for r in reports]
    return [c for items in sections for c in items] if any(sections) else None


def section_list(ask: Ask) -> list[Candidate] | None:
    """有哪些…: the best-matching section heading with its sub-headings or 一是/二是 items."""
    if ask.kind.base != "list" or CATEGORIES_Q.search(ask.simple):
        return None
    hits = ask.hits[:4]
    found = section_items(ask.index, reports_of(hits, ask.index), dict(ask.query.terms), ask.simple)
    return found or None


def numbered_list(ask: Ask) -> list[Candidate] | None:
    """“五大战略”分别是哪些: the items the numbered name stands for, 一是 to 五是."""
    if ask.kind.base not in ("list", "fact"):
        return None
    found = numbered_items(ask.index, reports_of(ask.hits[:4], ask.index), dict(ask.query.terms))
    return found or None


def sentences(ask: Ask) -> list[Candidate] | None:
    """Everything else: the sentences, clauses and table rows that hold the question's words
    (and the figure it asks for), ranked, with the reader's help for one fact or list."""
    kind, resolved, terms = ask.kind, ask.simple, dict(ask.query.terms)
    units = asked_units(resolved)
    if kind.base == "number":  # target and actual words are for fitting_tense to see to
        terms = without_tense_words(resolved, terms)
        focus = without_tense_words(resolved, dict.fromkeys(kind.focus, 1.0))
        kind = replace(kind, focus=tuple(focus))
    found = candidates(
        resolved, ask.hits, ask.index, terms, units, kind.base in ("number", "yesno")
    )
    found = [c for c in found if not _echoes(c, resolved)]
    if kind.base == "number":
        cells = table_candidates(ask.hits, ask.index, terms, units, ask.query.simple)
        cells = [c for c in cells if not kind.change or _states_change(c)]
        found = _figures_asked(resolved, found + cells, terms, units)
        found = of_quoted(ask.query.question, found)
    # the reader ranks one answer's sentences; a figure's clause (whose reader mass grows with
    # every clause around it) and per-report answers are left to the word match
    one = kind.base in ("fact", "list") and not (kind.per_report or kind.each)
    contest = contested(kind, found) if one else []
    contest = [] if contest and settled(kind, contest, resolved) else contest
    readings = read_hits(ask.reader, ask.query.resolved, ask.hits, ask.index, contest)
    picked = pick(kind, found, resolved, readings)
    if not picked and ask.reader is not None and not (kind.per_report or kind.each):
        readings = readings or read_hits(ask.reader, ask.query.resolved, ask.hits, ask.index, found)
        picked = read_out(found, resolved, readings, kind)
    if kind.base == "yesno" and terms:  # 有没有行政诉讼案件: 是 needs 诉讼 said, not 上诉
        top = max(terms.values())  # the strongest words: 收取 or 处理费 (没有产生…处理费)
        topics = [t for t in terms if terms[t] >= TOPIC_SHARE * top]
        picked = [
            c
            for c in picked
            if c.coverage >= UNFOCUSED_COVERAGE
            or any(has_word(to_simplified(c.text), t) for t in topics)
        ]
    return [with_antecedent(c) for c in _shaped(kind, picked)]


TOPIC_SHARE = 0.9  # a yes/no question's topic: its words within a tenth of the strongest


# A column that states a change (增减, 比上年增长, 增减幅度).
_CHANGE_COLUMN = re.compile(r"增减|增长|减少|变动|变化|比上年|同比")


def _states_change(c: Candidate) -> bool:
    """Does a table entry state a change (a column of 增减), as 比上年少了多少 asks?"""
    return c.cell is not None and any(_CHANGE_COLUMN.search(v.column) for v in c.cell.values)


def _echoes(c: Candidate, question: str) -> bool:
    """A sentence the question says in full tells nothing new: …第一责任人履职情况里提到的
    “三个抓” is not answered by the heading 三、第一责任人履职情况."""
    said = re.sub(r"\W", "", without_number(to_simplified(c.text)))
    return len(said) >= 4 and said in re.sub(r"\W", "", question)


def _figures_asked(
    resolved: str, found: list[Candidate], terms: dict[str, float], units: str | None
) -> list[Candidate]:
    """The figures of the tense asked (a target for 目标是多少, an actual for 完成了多少); a
    list of targets answers only for its own items."""
    found = [
        c
        for c in fitting_tense(resolved, found)
        if not over_years_for_one(resolved, c) and not for_later_year(resolved, c)
    ]
    if asked_tense(resolved) == TARGET:
        top = topic_words(terms, resolved)
        found = [c for c in found if c.cell or figure_on_topic(c.text, top, units)]
    return found


def _shaped(kind: Kind, picked: list[Candidate]) -> list[Candidate]:
    """Each answer span grown to what reads whole for its kind of question."""
    if kind.each and not kind.per_report:
        return apart_only([with_breakdown(whole_sentence(c)) for c in picked])
    if kind.base == "list" and not kind.per_report:
        whole = [with_breakdown(whole_sentence(c, "。！？\n")) for c in picked]
        return apart_only([with_items(c) for c in whole])
    if kind.base == "fact":  # a clause cut at ； reads whole with its sentence, if short
        return apart_only([with_items(whole_sentence(c, "。！？\n", MAX_QUOTE)) for c in picked])
    if kind.base == "number":
        return [with_level(c) for c in picked]
    return picked


# The order is the order of preference: the first strategy that applies answers.
STRATEGIES: tuple[Strategy, ...] = (
    report_facts,
    unknown_topic,
    whole_section,
    numbered_list,
    section_list,
    sentences,
)


def choose(ask: Ask) -> list[Candidate]:
    """The candidates of the first strategy that applies."""
    for strategy in STRATEGIES:
        found = strategy(ask)
        if found is not None:
            return found
    return []


_WHICH_REPORTS_Q = re.compile(r"哪(?:几|一)?(?:份|篇|个)(?:报告)?(?:是|属于|为)|哪些报告")


def report_candidates(resolved: str, scope: Scope, index: Index) -> list[Candidate]:
    """哪几份是2023年度的: the reports the question's year/place selects, each by its title."""
    if scope.doc_ids is None or not _WHICH_REPORTS_Q.search(resolved):
        return []
    found = []
    for doc_id in scope.doc_ids:
        report = index.reports[doc_id]
        at = report.text.find(report.title) if report.title else -1
        if at >= 0:
            found.append(span_candidate(index, report, at, at + len(report.title)))
    return found


def one_report(scope: Scope, index: Index) -> bool:
    """Does the question mean a single report (it names one, or only one is indexed)?"""
    return len(index.reports) == 1 or (scope.doc_ids is not None and len(scope.doc_ids) == 1)


def reports_of(hits: list[Hit], index: Index) -> list[Report]:
    """The hits' reports, each once, in the order they first appear."""
    return list({h.passage.doc_id: index.reports[h.passage.doc_id] for h in hits}.values())
