"""Targets and actuals: a figure a report sets as a goal (预期目标: 增长5%左右) is not one it
reports as achieved (实际完成: 完成274.4亿元). Answers say which they quote, and a question
that asks for one is not answered with the other. The words are data (qa/lexicon/cues.toml)."""

from __future__ import annotations

import re

from qa.answer.candidate import Candidate
from qa.index.sentences import after_last
from qa.ingest.clean import to_simplified
from qa.ingest.report_kind import figures_of
from qa.query.cues import cues, tense_words
from qa.query.plans import plan_section
from qa.query.question import ABSENT_TERM_WEIGHT, has_word
from qa.query.units import figure_fits, years_named
from qa.query.years import asks_target_and_actual, figure_years
from qa.records import Report

TARGET, ACTUAL = "预期目标", "实际完成"


# 五年共实施, 三年间: a count of years over which a figure is summed (not a span of years,
# 1985年至1987年间, in which a fact held).
_YEARS_SPAN = re.compile(
    r"(?<![\d今明去前后])(?:[两二三四五六七八九十]|\d{1,2})年(?:来|间|内|中|里|共|累计|合计)"
)


def over_years(text: str) -> bool:
    """Does the text speak of a figure over several years (年均增长, 五年来, “十四五”时期,
    五年共实施)?"""
    simple = to_simplified(text)
    return any(w in simple for w in cues()["period"]) or bool(_YEARS_SPAN.search(simple))


def over_years_for_one(question: str, c: Candidate) -> bool:
    """Does the quote state a figure over several years (年均增长7.8%) where the question asks
    for one year's (陕西2025年一般公共预算收入增长了多少)? It never answers it."""
    return (
        c.cell is None
        and bool(figure_years(question))
        and not over_years(question)
        and over_years(c.text)
    )


def for_later_year(question: str, c: Candidate) -> bool:
    """Does the quote give its figure for a year after every year the question asks about
    (山西省2026年粮食产量目标 → 粮食综合生产能力2030年达到305亿斤: a goal for 2030)? A year
    before it is the base of a change (增长4%，快于2024年1.8个百分点) and may stay."""
    asked = figure_years(question)
    if c.cell is not None or not asked:
        return False
    return any(int(y) > max(int(a) for a in asked) for y in years_named(c.text))


# 全年, 去年, 2015年, 今年: a paragraph turning back to a single year.
_ONE_YEAR = re.compile(r"全年|去年|今年|当年|上年|(?<![到至])(?:19|20)\d{2}年(?!均|以来|到|至|—|-)")


def in_period_paragraph(text: str, start: int, end: int, section: str = "") -> bool:
    """Does the paragraph before ``start`` speak of several years (过去五年，…) after the last
    single year it, or the sentence up to ``end``, names? Then the sentence gives a figure
    over those years (2015年是“十二五”收官之年。过去五年，…城镇新增就业人数超过6400万人), not
    one that turns back to a year (…年均增长5.7%。全年实现地区生产总值5696亿元). A ``section``
    about several years counts as said at the paragraph's start."""
    lead = to_simplified(text[text.rfind("\n", 0, start) + 1 : end])
    before = lead[: len(lead) - (end - start)]
    period = max((before.rfind(w) for w in cues()["period"]), default=-1)
    # under 二、“十三五”时期主要目标任务: from the paragraph's start (not under 2025年和“十四五”
    # 时期工作回顾, which reviews a year too)
    if over_years(section) and not _ONE_YEAR.search(to_simplified(section)):
        period = max(period, 0)
    single = max((m.start() for m in _ONE_YEAR.finditer(lead)), default=-1)
    return period > single


def reviews_and_targets(report: Report) -> bool:
    """A report that reviews an earlier year and sets its own year's targets (a 政府工作报告),
    where a figure may be either."""
    covers, year = report.covers, report.year
    return covers is not None and year is not None and covers < year


def figure_tag(quote: str, both: bool = True) -> str:
    """What a quoted figure is: 预期目标 (a target word: 目标, 左右, 力争 …), or, in a report
    holding ``both`` actuals and targets, 实际完成 (an actual word and no target word: 完成,
    同比 …); "" when the sentence does not say."""
    simple = to_simplified(quote)
    against = [w for w in cues()["against_target"] if w in simple]
    for w in against:  # 增长5.4%，好于预期: an outcome, measured against the target
        simple = simple.replace(w, "")
    if any(w in simple for w in cues()["target"]):
        return TARGET
    if against:
        return ACTUAL if both else ""
    return ACTUAL if both and any(w in simple for w in cues()["actual"]) else ""


def asked_tense(question: str) -> str:
    """预期目标 when the question asks for a target (目标是多少), 实际完成 when it asks what
    was achieved (实际完成了多少, 实际是多少, 去年…多少), else ""."""
    if asks_target_and_actual(question):
        return ""  # 目标和实际完成分别是多少: each report's own (fitting_tense by its year)
    if any(w in question for w in cues()["target_question"]):
        return TARGET
    said = figure_tag(question)
    if said or not any(w in question for w in cues()["actual_question"]):
        return said
    return ACTUAL  # 实际是多少, 去年…是多少


def said_as(c: Candidate, near: bool = False) -> str:
    """What the candidate's figure is, read from its sentence up to it (主要预期目标是：…，
    城镇常住居民人均可支配收入增长8%: a target), else from the year its section is about,
    else (unless only what is ``near`` counts) from its paragraph's opening sentence or its
    headings' words."""
    text = c.report.text
    opening = after_last(text, "。！？\n", c.start)
    sentence, section = text[opening : c.end], _section_tense(c)
    said = _as_section_reads(figure_tag(sentence), section, sentence, c.report) or section
    if said or near:
        return said
    # the paragraph's opening sentence (主要预期目标是：…。城镇新增就业110万人以上。)
    paragraph = after_last(text, "\n", c.start)
    first = min((i for i in (text.find(m, paragraph) for m in "。！？\n") if i >= 0), default=0)
    return figure_tag(text[paragraph : max(first, paragraph)]) or figure_tag(
        " ".join(c.section_path)
    )


def quote_tense(c: Candidate, both: bool) -> str:
    """What the quote itself says its figure is (:func:`figure_tag`), where a weak target word
    (左右) in the review of the year does not make it a target."""
    said = _as_section_reads(figure_tag(c.text, both), _section_tense(c), c.text, c.report)
    lead = c.report.text[after_last(c.report.text, "。！？\n", c.start) : c.start]
    if said != TARGET and _TARGETS_INTRO.search(lead):  # 预期目标是：…，同比增长21%
        return TARGET
    return "" if said == ACTUAL and not both else said


# A sentence that introduces its clauses as targets: 主要预期目标是：…
_TARGETS_INTRO = re.compile(r"目标(?:是|为)?[:：]")


def _as_section_reads(said: str, section: str, sentence: str, report: Report) -> str:
    """The tense a sentence says, unless only a word its section's tense also uses says it:
    左右 in the review of the year (稳定在5%左右的较低水平) is no target, 完成 in the plan of
    the year (完成营造林600万亩, under 三、2026年主要工作) no actual unless it names the
    year reviewed (2016年…完成32942元)."""
    weak = {TARGET: "weak_target", ACTUAL: "weak_actual"}.get(said)
    if weak is None or not section or section == said:
        return said
    if said == ACTUAL and report.covers and f"{report.covers}年" in sentence:
        return said
    simple = to_simplified(sentence)
    for w in cues()[weak]:
        simple = simple.replace(w, "")
    return said if figure_tag(simple) else section


def _section_tense(c: Candidate) -> str:
    """A section about the year a report plans (三、2026年重点工作, 下一步工作安排) holds
    targets; one about the year it reviews (一、2025年工作回顾) holds actuals."""
    headings = to_simplified(" ".join(c.section_path))
    plans, covers = c.report.plans, c.report.covers
    if plan_section(c.section_path) or (plans and f"{plans}年" in headings):
        return TARGET
    if covers and f"{covers}年" in headings:
        return ACTUAL
    return ""


def fitting_tense(question: str, found: list[Candidate]) -> list[Candidate]:
    """In reports that hold both, only targets answer a question asking for a target, and
    targets do not answer one asking what was achieved; a question that says neither asks
    for the actual of a year the report reviews and the target of a year it plans (重庆2025年
    地区生产总值多少 of the 2026 report: what 2025 achieved, not 2030's goal)."""
    said = asked_tense(question)
    years = {int(y) for y in figure_years(question)}
    keep: list[Candidate] = []
    for c in found:
        if _asks_spent(question) and figures_of(c.report.kind) not in ("", ACTUAL):
            continue  # 实际支出了多少 of a 部门预算: its figures are all planned
        asked = said or _tense_of_year(c.report, years)
        if not asked or not reviews_and_targets(c.report):
            keep.append(c)
        elif said and (said_as(c) == TARGET) == (asked == TARGET):
            keep.append(c)
        elif not said and said_as(c, near=True) in ("", asked):
            keep.append(c)  # the year alone rules out only what its sentence or section says
    return keep


def _asks_spent(question: str) -> bool:
    """实际 said and no 预算 (2025年预算和2024年实际…分别 asks a budget too; 比上年 is no 实际)."""
    return "实际" in question and "预算" not in question


def _tense_of_year(report: Report, years: set[int]) -> str:
    """实际完成 when the question names only the year the report reviews, 预期目标 when only
    the year it plans, else ""."""
    if report.covers in years and report.plans not in years:
        return ACTUAL
    if report.plans in years and report.covers not in years:
        return TARGET
    return ""


def without_tense_words(question: str, terms: dict[str, float]) -> dict[str, float]:
    """The question's words without its target or actual words (目标, 实际, 完成) when it asks
    for one: :func:`fitting_tense` sees to those, and a list of every target (主要预期目标是：
    …) must not answer for the one thing asked by holding 目标 alone."""
    if not asked_tense(question):
        return terms
    words = tense_words()
    kept = {t: w for t, w in terms.items() if t not in words}
    return kept or terms


# Clause marks: a figure answers for the words of its own clause or the one before it
# (“十二五”期间，累积完成全社会固定资产投资615亿元). 、 joins a figure to its measure, and a
# comma inside a figure (2,517.78) is none.
_CLAUSE_MARK = re.compile(r"[，；;。！？：:]|,(?!\d)")


def topic_words(terms: dict[str, float], question: str) -> tuple[str, ...]:
    """The question's weightiest word that is not a target or actual word, with the words
    written right before it (一般公共预算收入 → 公共, 预算, 收入: the compound it ends, not
    旅游综合收入); of equal weights, the one nearest the asking end. () when none."""
    topic = {t: w for t, w in terms.items() if t not in tense_words()}
    if not topic:
        return ()
    top = max(topic, key=lambda t: (round(topic[t], 6), question.rfind(t)))
    words, at = [top], question.rfind(top)
    while at > 0:  # a word no report has (对细 of 对细颗粒物) is no part of the reports' compound
        before = next(
            (
                t
                for t in topic
                if t not in words and topic[t] != ABSENT_TERM_WEIGHT and question.endswith(t, 0, at)
            ),
            None,
        )
        if before is None:
            break
        words, at = [before, *words], at - len(before)
    return tuple(words)


def figure_on_topic(text: str, top: tuple[str, ...], units: str | None) -> bool:
    """Does a clause of the text hold a fitting figure, with the question's topic words
    ``top`` (:func:`topic_words`, or their synonyms) in it or in the clause before? A list of
    targets (地区生产总值增长6%左右，…，旅游综合收入增长6%) does not answer
    一般公共预算收入增长目标 by holding 收入 after every figure."""
    if not top:
        return True
    clauses = _CLAUSE_MARK.split(to_simplified(text))
    return any(
        figure_fits(clause, units)
        and all(has_word("".join(clauses[max(0, i - 1) : i + 1]), t) for t in top)
        for i, clause in enumerate(clauses)
    )


# A bound on a figure, not the figure: 控制在5.5%以内, 不超过3%, 不高于.
_BOUND = re.compile(r"(?:控制在|不超过|不高于)[^，,；;。\d]{0,6}\d|\d[\d.]*\s*%?以内")


def bounded(text: str, focus: tuple[str, ...]) -> bool:
    """Does the clause stating the focus's figure give a bound on it (失业率控制在5.5%以内),
    not the figure?"""
    for clause in re.split(r"[，,；;。]", to_simplified(text)):
        if any(f in clause for f in focus) and re.search(r"\d", clause):
            return _BOUND.search(clause) is not None
    return False
