"""Plans and shortcomings: questions after a report's plans or problems, and the sections
that state them."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.ingest.clean import to_simplified
from qa.query.units import years_named

# 下一步有什么打算 asks for plans; 会前学法计划叫什么名称 asks for a plan document's name
_PLAN = re.compile(
    r"下一步|打算|明年|下一年|来年|今后|展望|下一阶段|(?:有什么|有哪些|什么)(?:计划|安排)"
    r"|(?:计划|安排)(?:是什么|有哪些)"
)
_PLAN_SECTION = re.compile(r"主要安排|工作安排|工作计划|打算|下一步|下一年|工作思路|展望")
# after the shortcomings as a whole (存在哪些问题, 不足有哪些), not one of them (执法力量薄弱吗)
_HOW_MANY = r"哪[几两二三四五六七八九十]+(?:条|个|项|点|方面)?"  # 哪两条, 哪几点
_WHOLE_PROBLEMS = re.compile(
    rf"(?:存在|有)(?:哪些|什么|哪几方面的?|{_HOW_MANY})(?:主要)?(?:问题|不足|短板)"
    rf"|(?:问题|不足|短板)(?:有哪些|是什么|有什么|在哪|有?{_HOW_MANY})"
)
# after the report's shortcomings (哪些局认为普法形式单一, 执法力量薄弱, 存在哪些问题), which the
# reports' template states under 二、存在的不足和原因 / 存在的问题
_PROBLEM = re.compile(
    r"不足|短板|薄弱|欠缺|缺乏|不够|单一|不到位|有待|差距|" + _WHOLE_PROBLEMS.pattern
)
# Words of a question after the shortcomings as a whole; any other topic word (遗留问题,
# 案卷评查发现的问题) makes it a question about that topic.
PROBLEM_WORDS = frozenset("问题 不足 存在 短板 差距 方面 主要 自身 工作 法治 建设 政府".split())
_PROBLEM_SECTION = re.compile(
    r"存在的(?:主要)?(?:问题|不足)|(?:问题|不足)(?:和|与|及)(?:原因|不足|问题)|不足之处|短板"
)


# after the plans as a whole (下一步打算怎么做, 有什么计划, 打算从哪几方面改进), not after one
# thing in them (今后划入哪个单位)
_WHOLE_PLAN = re.compile(
    r"(?:打算|计划|安排|措施)\S{0,2}(?:怎么做|怎样做|如何做|是什么|有哪些|有什么)"
    r"|(?:有什么|有哪些|哪些)\S{0,2}(?:计划|打算|安排|措施)|(?:打算|计划)从哪"
    r"|(?:打算|计划|准备)\S{0,2}(?:怎么|怎样|如何)(?:做|改进|改|办|推进|加强|落实|解决)"
    r"(?:呢)?[？?。]?$"
)


def asks_for_plans(question: str) -> bool:
    return _asked(question)[1]


_ONE_FIELD = re.compile(r"在\S{1,10}(?:方面|领域|上)")  # 在普法宣传方面有什么打算: one item


def asks_for_whole_plan(question: str) -> bool:
    return (
        asks_for_plans(question)
        and bool(_WHOLE_PLAN.search(question))
        and not _ONE_FIELD.search(question)
    )


def asks_for_whole_problems(question: str) -> bool:
    """存在哪些问题 / 不足有哪些 (not 在普法方面存在哪些不足): the wording of a question after
    the report's shortcomings as a whole; its topic words are checked against
    :data:`PROBLEM_WORDS` by the caller."""
    return (
        asks_for_problems(question)
        and bool(_WHOLE_PROBLEMS.search(question))
        and not _ONE_FIELD.search(question)
    )


@lru_cache(maxsize=256)
def _asked(question: str) -> tuple[frozenset[str], bool]:
    """The years a question names and whether it asks for plans, worked out once a question
    (:func:`section_fit` is called for every passage and sentence it ranks)."""
    return frozenset(years_named(question)), bool(_PLAN.search(question))


@lru_cache(maxsize=256)
def asks_for_problems(question: str) -> bool:
    """Is the question about shortcomings (执法力量薄弱, 形式单一, 存在哪些问题), not plans?"""
    return bool(_PROBLEM.search(question)) and not asks_for_plans(question)


_PROBLEM_PART = re.compile(r"问题|不足|短板|差距")
_REMEDY_PART = re.compile(r"改进|整改|措施|打算|计划|安排")


def problem_part(question: str, heading: str) -> bool:
    """A part of a section that states the shortcomings the question asks for: （一）主要问题,
    not （二）改进措施 or （一）2024年存在问题的改进情况."""
    simple = to_simplified(heading)
    return (
        asks_for_problems(question)
        and bool(_PROBLEM_PART.search(simple))
        and not _REMEDY_PART.search(simple)
    )


def plan_section(section_path: tuple[str, ...]) -> bool:
    return bool(_PLAN_SECTION.search(to_simplified(" ".join(section_path))))


def section_fit(question: str, section_path: tuple[str, ...]) -> int:
    """How a section fits what the question asks about: +1 for the plans (四、下一年度…的主要
    安排, or a section about a later year) when it asks for plans (下一步打算); -1 for a
    section about other years (2020年借助哪些… is not answered under 四、2021年度…的主要安排);
    +1 for the shortcomings (二、存在的不足和原因) when it asks about them (执法力量薄弱); 0 otherwise."""
    asked, plans = _asked(question)
    named = years_named(" ".join(section_path))
    if plans:
        later = bool(asked and named) and max(named) > max(asked)
        return 1 if later or plan_section(section_path) else 0
    if asked and named and not named & asked:
        return -1
    problems = asks_for_problems(question)
    return 1 if problems and _PROBLEM_SECTION.search(to_simplified(" ".join(section_path))) else 0
