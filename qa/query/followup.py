"""Follow-up stage: resolve a question against earlier turns without an LLM."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set

from qa.index.core import Index
from qa.ingest.clean import normalize_width, to_simplified
from qa.ingest.issuer import NOT_PLACE_START, PLACE_NAME
from qa.ingest.report_kind import kinds
from qa.query.offices import sole_offices
from qa.query.places import known_places, place_aliases
from qa.query.years import YEAR

# 那湘潭县呢？ / 湘潭县的呢 / 那2024年呢？ : the previous question, for another place or year.
_ELLIPTIC = re.compile(r"^(?:那|那么|还有)?(.{1,20}?)(?:的情况)?(?:呢|怎么样|如何|又如何)[？?。]?$")
# The asking part of a question, to carry over to a topic-only follow-up (抵押登记呢？).
_ASKING = re.compile(
    r"(?:多少|几)(?:个工作日|万元|[个件次人名起宗条项家份场亩元天年])?|哪些|哪个|哪家|什么|是否|有没有|谁|何时"
)

# A follow-up about a part of the previous answer, or its change: 其中…, 跟去年比…
_PART = "其中|其余|这些|这其中|那些|它们"
_DEPENDS = re.compile(
    rf"^(?:{_PART})|(?:跟|和|与|比|较)(?:去年|上年|上一年|全国|全省|全市|全区|平均)|同比"
)
# A question that asks which reports say something, up to its verb: 哪些局在报告中提到…
_WHICH_REPORTS = re.compile(
    r"^(?:哪些|哪几个|哪个|哪家|各)(?:局|单位|部门|县|区)\S{0,6}?"
    r"(?:提到|提及|认为|写到|写了|说到|表示|开展了|开展|存在|有没有|是否有|有)"
)
_QUOTED = re.compile(r"[“\"「『][^”\"」』]{1,20}[”\"」』]")
_OPENING = re.compile(r"^(?:那么|那|还有)")


# 比全国高还是低, 高于全省平均: the whole country or province a place is compared with.
_COMPARED = re.compile(r"(?:比|跟|和|与|较|于)(?:全国|全省|全市|全区)|(?:全国|全省|全市|全区)平均")


_NOT_IN_PLACE = frozenset("的是哪谁吗呢么了")  # no place's name holds these words of a question


def _places(question: str, aliases: Set[str]) -> list[str]:
    """Place or agency names in a question, longest first, known or not (not the whole
    country a place is compared with)."""
    question = _COMPARED.sub("", question)
    found = sorted((a for a in aliases if a in question), key=len, reverse=True)
    kept: list[str] = []
    for name in found:
        if not any(name in k for k in kept):
            kept.append(name)
    for m in PLACE_NAME.finditer(_OPENING.sub("", question)):
        name = m.group()
        if name[0] in NOT_PLACE_START or _NOT_IN_PLACE.intersection(name):
            continue  # 的政府工作报告是哪位省(长): words of a question, not a place's name
        if not any(name in k or k in name for k in kept):
            kept.append(name)
    return kept


def _replace_first(text: str, olds: list[str], new: str) -> str:
    positions = [(text.find(o), o) for o in olds if o in text]
    if not positions:
        return new + text
    at, old = min(positions)
    rest = text[at + len(old) :]
    for other in olds:  # drop further mentions of the old place
        rest = rest.replace(other, "")
    return text[:at] + new + rest


def resolve_one(
    question: str,
    previous: str | None,
    aliases: Set[str],
    covers: Callable[[str, int], bool] | None = None,
) -> str:
    """Fill in the place and year a follow-up leaves out, from the previous question;
    ``covers(place, year)`` tells whether a report of that place and year is indexed."""
    q = to_simplified(normalize_width(question.strip()))
    if not previous:
        return question.strip()
    previous = to_simplified(normalize_width(previous))
    # a quoted name (“中国三明”微信公众号) is a thing's name, not a place asked about
    places, years = _places(_QUOTED.sub("", q), aliases), YEAR.findall(q)
    prev_places, prev_years = _places(previous, aliases), YEAR.findall(previous)
    years, prev_years = _relative_years(q, previous, years, prev_years)
    shift = _SHIFT.match(q)
    if shift and years and not YEAR.search(q):  # 前一年实际完成了多少 → 2015年实际完成了多少
        q = question = q.replace(shift.group(1), f"{years[0]}年", 1)
    elliptic = _ELLIPTIC.match(q)
    if elliptic and (places or years):
        swapped = _swap_scope(previous, prev_places, prev_years, places, years, covers)
        return _with_tense(swapped, _TENSE_SAID.search(elliptic.group(1)))
    carried = _carry(prev_places if not places else [], prev_years if not years else [])
    if _DEPENDS.search(q) and not places:  # 其中12345转过来的有多少, 跟去年比呢: of the topic
        ask = _asked_on(elliptic, previous) if elliptic else question.strip()
        return carried + _topic(previous, prev_places, prev_years) + "，" + ask
    if elliptic and not _topicless(q, places, years):  # another kind of report (那单位预算呢？),
        # or a new topic (那普法宣传呢？): the asking part of the previous question about it
        topic = _kind_of_thing(elliptic.group(1), _topic(previous, prev_places, prev_years))
        anew = _carry(prev_places, prev_years) + _ask_anew(previous, topic)
        return _other_kind(previous, topic) or anew
    if _topicless(q, places, years):  # 今年的目标是多少？ 实际完成了多少？: of the same thing
        topic = _TENSE.sub("", _topic(previous, prev_places, YEAR.findall(previous)))
        ask = _asked_on(elliptic, previous) if elliptic else question.strip()
        return carried + re.sub(r"^的|是$", "", topic) + "，" + ask
    return carried + question.strip()


def _asked_on(elliptic: re.Match[str], previous: str) -> str:
    """An elliptic follow-up asked as the previous question asked (跟去年比呢？ → 跟去年比
    多少件？; 今年的目标呢？ → 今年的目标多少？)."""
    asking = _ASKING.search(previous)
    return elliptic.group(1) + (asking.group() if asking else "") + "？"


def _relative_years(
    q: str, previous: str, years: list[str], prev_years: list[str]
) -> tuple[list[str], list[str]]:
    """(the years the follow-up asks, the years to carry over) once its relative years are
    read: 前一年呢 after 2014年 asks 2013; 去年实际完成了多少 after 2019年…目标 carries 2018;
    今年的目标呢 carries none (the year the report speaks in, not the last one asked)."""
    shift = _SHIFT.match(q)
    if shift and prev_years and not years:
        return [str(int(prev_years[0]) + _SHIFTS[shift.group(1)])], prev_years
    if prev_years and not years and _LAST_YEAR.search(q) and _TENSE.search(previous):
        return years, [str(int(prev_years[0]) - 1)]
    if _THIS_YEAR.search(q):
        return years, []
    return years, prev_years


# A tense a follow-up asks of another year or place (那2012年的目标呢？), and the tense words
# of the earlier question it replaces (完成了, 实际).
_TENSE_SAID = re.compile(r"(?:预期)?目标|计划|实际完成|完成情况")
_TENSE_WORDS = re.compile(r"(?:预期)?目标|计划|实际|完成了?|实现了?")


def _with_tense(resolved: str, tense: re.Match[str] | None) -> str:
    """The resolved question asking the tense the follow-up says: 2012年…地区生产总值完成了
    多少？ with 目标 → 2012年…地区生产总值的目标是多少？"""
    if tense is None:
        return resolved
    base = _TENSE_WORDS.sub("", resolved)
    asking = _ASKING.search(base)
    if asking is None:
        return resolved
    head = re.sub(r"[的是为]+$", "", base[: asking.start()])
    return f"{head}的{tense.group()}是{base[asking.start() :]}"


def _swap_scope(
    previous: str,
    prev_places: list[str],
    prev_years: list[str],
    places: list[str],
    years: list[str],
    covers: Callable[[str, int], bool] | None,
) -> str:
    """The previous question about the place or year a follow-up names (那湘潭县呢？)."""
    resolved = previous
    if places:
        resolved = _replace_first(resolved, prev_places, places[0])
        if not years and covers is not None:  # 井研县2023年… 湘潭县的呢: 湘潭县's own year
            stale = [f"{y}年" for y in prev_years if not covers(places[0], int(y))]
            resolved = _replace_first(resolved, stale, "") if stale else resolved
    if years:
        resolved = _replace_first(resolved, [f"{y}年" for y in prev_years], f"{years[0]}年")
    return resolved


def _kind_of_thing(topic: str, thing: str) -> str:
    """A follow-up that says only what kind (当年废止的呢？ after 现行有效的行政规范性文件) asks
    about the same thing: the new kind with the earlier thing's head noun."""
    if not (topic.endswith("的") and "的" in thing):
        return topic  # 那因…被申请行政复议的呢: no kind of the earlier thing said before
    head = thing.rsplit("的", 1)[-1]
    return topic + head if len(head) >= 2 else topic


def _other_kind(previous: str, topic: str) -> str:
    """The previous question about another kind of report (单位预算 for 部门预算, 决算 for
    预算), when the follow-up names only that kind; else ""."""
    words = sorted({w for k in kinds() for w in k.title if len(w) >= 2}, key=len, reverse=True)
    if topic not in words:
        return ""
    said = next((w for w in words if w in previous), None)
    return previous.replace(said, topic, 1) if said and said != topic else ""


def _ask_anew(previous: str, topic: str) -> str:
    """The previous question's asking part about a new topic (那普法宣传呢？)."""
    which = _WHICH_REPORTS.match(previous)
    if which:  # 哪些局提到执法力量薄弱？ 那普法宣传呢？ → 哪些局提到普法宣传？
        asking = _ASKING.match(previous, which.end())  # 各局分别有多少件…: 多少件 stays
        return which.group() + (asking.group() if asking else "") + topic + "？"
    asking = _ASKING.search(previous)
    if not asking:
        return topic + "？"
    # 规上工业增加值增长了多少？ 进出口呢？ → 进出口增长了多少: the change asked carries over
    change = _CHANGE_ASKED.search(previous[: asking.start()])
    return topic + (change.group() if change else "") + asking.group() + "？"


_CHANGE_ASKED = re.compile(r"(?:增长|增加|下降|减少|提高|降低|增速|增幅|占比|比重)了?(?:是|为)?$")


# What a follow-up may say without naming a topic of its own: when, target or actual, asking.
_NO_TOPIC = re.compile(
    r"今年|本年度?|当年|去年|上年|明年|[那这同]一?年|实际|完成|实现|达到|定的|定了|定下|目标|预期|计划"
    r"|增长|增速|增幅"
    r"|支出|开支|占比|比重|比例|所占|份额"
    r"|多少|几|要|是|了|的|又|那么|那|呢|[？?。！!，,\s]"
)
# Target and actual words of the earlier question, dropped from a topic the follow-up carries
# (…增长目标是多少？ 实际完成了多少？ → 增长，实际完成了多少？).
_TENSE = re.compile(
    r"(?:预期)?目标|计划|实际(?:完成)?|预算(?=$|是|[？?，,])"
    r"|(?:政府工作)?报告(?:里|中)?(?:定的|提出的|确定的)?"  # 2016年政府工作报告定的新增就业
)


def _topicless(question: str, places: list[str], years: list[str]) -> bool:
    rest = question
    for name in [*places, *(f"{y}年" for y in years)]:
        rest = rest.replace(name, "")
    return not _NO_TOPIC.sub("", rest)


# 前一年呢？ / 后一年呢？: the year before or after the one last asked about.
_SHIFTS = {"前一年": -1, "上一年": -1, "后一年": 1, "下一年": 1, "次年": 1}
_SHIFT = re.compile(rf"^那?({'|'.join(_SHIFTS)})")
# 今年/本年: the report's own year (a 政府工作报告's targets), whatever was asked before; 当年
# (that year) is the one asked before.
_THIS_YEAR = re.compile(r"今年|本年度?")
_LAST_YEAR = re.compile(r"去年|上年(?!度?预算)")


def _topic(previous: str, places: list[str], years: list[str]) -> str:
    """The previous question without its place, year and asking words: 湟中区2024年一共接收了
    多少起信访案件？ → 接收了信访案件."""
    topic = _OPENING.sub("", re.split(rf"，(?={_PART}|跟|和|与|比|较|同比)", previous)[0])
    for name in [*places, *(f"{y}年" for y in years)]:
        topic = topic.replace(name, "")
    topic = _ASKING.sub("", topic)
    return re.sub(r"^(?:一共|总共|共)|(?<=[^\w])(?:一共|总共)|[？?。！!\s]+$", "", topic)


def _carry(places: list[str], years: list[str]) -> str:
    prefix = ""
    if places:
        prefix += places[0]
    if years:
        prefix += f"{years[0]}年"
    return prefix


def resolve_question(question: str, history: Sequence[str], index: Index) -> str:
    """The question as asked in full, given the earlier questions of the conversation (the
    places, years and offices named alone that they carry over)."""
    aliases = known_places(index) | sole_offices(index)

    def covers(place: str, year: int) -> bool:
        return any(
            year in (r.year, r.covers, r.plans) and place in place_aliases(r)
            for r in index.reports.values()
        )

    previous: str | None = None
    for turn in [*history, question]:
        if turn and turn.strip():
            previous = resolve_one(full_years(turn, aliases), previous, aliases, covers)
    return previous or question


# 酉阳24年…: a two-digit year right after a place (or opening the question), not 在位23年
_SHORT_YEAR = re.compile(r"(?<!\d)([0-3]\d)年(?!来|以来|前|后|间|内|多|左右|代|的时间)")


_OFFICE_END = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:局|委员会|办公室)$")


def full_years(question: str, aliases: Set[str]) -> str:
    """The question with its two-digit years written out (酉阳24年复议多少件 → 酉阳2024年…)."""

    def year(m: re.Match[str]) -> str:
        before = _OPENING.sub("", to_simplified(question[: m.start()]))
        place = _OFFICE_END.sub("", before)  # 酉阳规资局24年: the place before the office
        after_place = any(not b or any(b.endswith(a) for a in aliases) for b in (before, place))
        return f"20{m.group(1)}年" if after_place else m.group()

    return _SHORT_YEAR.sub(year, question)
