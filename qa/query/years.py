"""Years in questions: which of a report's years (named by, reviewed, planned) a year
the question names means, and the reports that fit."""

from __future__ import annotations

import re

from qa.query.places import place_aliases
from qa.records import Report

YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


# 比2010年压减了多少 / 较2020年增长: a year a figure is compared with, not one asked about.
_BASE_YEAR = re.compile(r"(?:比|较)\s*(?:19|20)\d{2}\s*年(?:末|底|初)?")


def years_asked(question: str) -> list[int]:
    """The years a question asks about (not the years it compares with)."""
    return [int(y) for y in YEAR.findall(_BASE_YEAR.sub("", question))]


# 2015年的报告 / 2026年政府工作报告 / 2025年部门预算: the year a report is named by (not
# 2015年一般公共预算收入, a figure of the year).
_NAMES_REPORT = re.compile(
    r"((?:19|20)\d{2})\s*年度?的?[\u4e00-\u9fff]{0,12}?(?:报告|公报|年报|(?:预算|决算)(?![收支执资]))"
)


def figure_years(question: str) -> set[str]:
    """The years a question asks figures of: those it names, less a year that only names the
    report asked (2026年政府工作报告里，2025年… → 2025), unless no other is named."""
    named = set(YEAR.findall(question))
    rest = named - {m.group(1) for m in _NAMES_REPORT.finditer(question)}
    return rest or named


_TARGET_WORDS = (*("计划", "安排", "打算", "下一步", "思路"), *("目标", "预期", "力争"))
# 要突破 / 将达到 / 拟安排 / 确保: a question in the future tense asks what a year plans.
_FUTURE = re.compile(
    r"(?<![主重需只不想])要(?!求|点|素|闻)|(?<![即])将(?=[\u4e00-\u9fff])|拟|争取|确保"
)


def _year_relations(question: str, year: int) -> tuple[str, ...]:
    """Which of a report's years a year in the question means, in order of preference: the
    year it is named by (2015年的报告), the year it plans (2026年的目标) or the year it
    reviews (2014年GDP增长多少), each falling back to the named year."""
    if any(int(m.group(1)) == year for m in _NAMES_REPORT.finditer(question)):
        return ("year",)
    if asks_target_and_actual(question):  # 目标和实际完成分别是多少: both reports
        return ("plans_or_covers", "year")
    if any(w in question for w in _TARGET_WORDS) or _FUTURE.search(question):
        return ("plans", "year")
    if _SAYS_ACTUAL.search(question):
        return ("covers", "year")
    return ("covers", "plans", "year")  # 2016年高校毕业生有多少: the 2016 report's 今年…


# 实际完成了多少 / 增长了多少: a question in the past tense asks what the year achieved.
_SAYS_ACTUAL = re.compile(r"实际|实绩|完成了|实现了|了多少|了几")


def asks_target_and_actual(question: str) -> bool:
    """The question asks for a year's target and what it achieved (目标和实际完成分别是多少):
    the report that planned the year and the one that reviews it."""
    return bool(re.search(r"目标|预期", question)) and bool(re.search(r"实际|完成|实现", question))


# A question after a figure of the year (多少, 增长几成): the year it names is the one reviewed.
_ASKS_FIGURE = re.compile(r"多少|几|增长|增速|增幅|比重|占比")


def _fitting(reports: list[Report], year: int, question: str) -> list[Report]:
    """The reports the year asks for, by the first relation any report meets. For a figure,
    falling back to the year a report is named by never takes one known to review another
    year (the 2017 政府工作报告 reviews 2016: it does not say what 2017 achieved). Falling
    back from the year reviewed to the year planned takes only a report named by the year it
    plans (2016年高校毕业生有多少 → the 2016 政府工作报告's 今年…), never one that plans the year
    after its own (a 2023 法治 report's 2024 plans state no 2024 figures)."""
    relations = _year_relations(question, year)
    for key in relations:
        keys = key.split("_or_")
        found = [r for r in reports if any(getattr(r, k) == year for k in keys)]
        if key == "plans" and relations[0] == "covers":
            found = [r for r in found if r.year == year]
        if key == "year" and len(relations) > 1 and _ASKS_FIGURE.search(question):
            found = [r for r in found if r.covers in (None, year)]
        if found:
            return found
    return []


def planned_instead(reports: list[Report], years: list[int], question: str) -> list[Report]:
    """For a question that says no tense and is answered from the report reviewing its year
    (2015年重点项目按类别分各有多少个 → the 2016 report): the reports named by that year, which
    plan it (the 2015 report's 今年，我区安排重点项目105个), to answer from when the reviewing
    report says nothing of it."""
    found: list[Report] = []
    for year in years:
        relations = _year_relations(question, year)
        if relations[0] != "covers" or "plans" not in relations:
            return []
        found += [r for r in reports if r.year == year and r.plans == year and r.covers != year]
    return found


def match_years(
    selected: list[Report],
    years: list[int],
    question: str,
    named_as: dict[str, str],
    matched: list[str],
    unmatched: list[str],
) -> list[Report]:
    """Keep the reports of the years asked; note each place or year no report covers."""
    per_year = {y: _fitting(selected, y, question) for y in years}
    fitting = list({r.doc_id: r for found in per_year.values() for r in found}.values())
    if not named_as and not fitting and any(r.year is None for r in selected):
        return selected  # undated texts (encyclopedia passages): a year is only a word
    asked = "、".join(f"{y}年" for y in years)
    if named_as:
        covered = {named_as[r.doc_id] for r in fitting if r.doc_id in named_as}
        # an office of the government named (上海市政府 → 上海市人民政府办公厅's report)
        offices = {a for r in fitting for a in place_aliases(r)}
        for name in dict.fromkeys(named_as.values()):
            if name not in covered and not any(a.startswith(name) for a in offices):
                unmatched.append(f"{name}{asked}")
    for year in years:
        if per_year[year]:
            matched.append(f"{year}年")
        elif not named_as:
            unmatched.append(f"{year}年")
    return fitting
