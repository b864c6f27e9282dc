"""Questions of several parts: 一共多少件？其中结果被纠正的有几件？ asks two things, each
answered in turn, the later ones as follow-ups of the earlier ones."""

from __future__ import annotations

import re

from qa.query.years import asks_target_and_actual

# A part that asks something of its own: 多少, 几, 哪些, 什么, 谁, 是否 …
_ASKS = re.compile(r"多少|几|哪|什么|谁|是否|有没有|吗|怎么|怎样|如何|为什么|何时|分别")
_END = re.compile(r"(?<=[？?])")


# What a part may say beside its asking words without a topic of its own (分别是多少？).
_NO_TOPIC = re.compile(r"分别|各自|各|都|是|为|有|的|了|呢|吗|又|那么|那|其中|[？?。！!，,\s]")
# A part that only compares what the parts before it asked: 哪个多？ 谁更高？ 哪一个增长得快？
_COMPARES = re.compile(
    r"^(?:那么|那)?(?:哪个|哪一个|哪一家|哪家|哪边|谁)(?:省|市|县|区|局|部门|单位|地方|年)?(?:的)?"
    r"(?:增长|增幅|数量|金额)?(?:得)?"
    r"(?:更|最|比较|较|要)?(?:多|少|高|低|大|小|快|慢)(?:一些|些|呢)?[？?]$"
)


def question_parts(question: str) -> list[str]:
    """The parts of a question, each ending at its own question mark, asking something and
    saying what about; a question of one part is one part (比全国高还是低？), and so is one
    whose later part only asks on (哪些局写了信访数量？分别是多少？) or compares what the
    earlier parts asked (各有多少？哪个多？)."""
    parts = [c for p in _END.split(question.strip()) if p.strip() for c in _clauses(p.strip())]
    if len(parts) < 2 or not all(_ASKS.search(p) and _topic(p) for p in parts):
        return [question.strip()]
    if any(_COMPARES.match(p) for p in parts[1:]):
        return [question.strip()]
    return parts


def _topic(part: str) -> str:
    return _NO_TOPIC.sub("", _ASKS.sub("", part))


# Two figures asked in one sentence: 一共安排了几个重点项目，年度计划完成投资多少？
_FIGURE_ASKED = re.compile(r"多少|几")
_COMMA = re.compile(r"(?<=[，,])")


def _clauses(part: str) -> list[str]:
    """A part cut at its commas when every clause asks a figure of its own (几个…，…多少);
    a year's target and its actual asked together stay one part (both reports answer it)."""
    clauses = [c for c in _COMMA.split(part) if c.strip()]
    if len(clauses) < 2 or asks_target_and_actual(part):
        return [part]
    if not all(_FIGURE_ASKED.search(c) and _topic(c) for c in clauses):
        return [part]
    return [c.strip()[:-1] + "？" if c.strip()[-1] in "，," else c.strip() for c in clauses]
