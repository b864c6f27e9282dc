"""Figures: the units a question asks for, the figures a text states, the years it names."""

from __future__ import annotations

import re

from qa.ingest.clean import normalize_width, to_simplified
from qa.query.kind import DATE_Q, DAY_Q, MEASURE_WORDS, YEAR_Q

# A number with its scale; the character after it is its unit: 112.23万|元, 20|件, 40|学时.
# What a figure written in Chinese numerals counts: 三个, 两项, 十余家, 五年.
_CN_MEASURES = frozenset("个件项名次家人户所条起宗批场期年天月日倍成岁位元种类处座支辆台套份篇本")
# A five-year plan's name: “十四五”, 十五五规划, “九五”时期.
_PLAN_NAME = re.compile(r"[一二三四五六七八九十]{1,2}五(?:”|\"|」|规划|时期|期间)")
_NUMBER_AND_SCALE = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十两百千]+)(?:\s*)(?:余|多)?(?:万|萬|亿|億|千)?"
)
_UNITS = {
    "个": "个件起宗项名家处",
    "件": "件个起宗条",  # 受理2条公开申请: items of information counted either way
    "次": "次场期批",
    "名": "名人个",
    "人": "人名次",
    "起": "起件宗个",
    "宗": "宗起件个",
    "条": "条幅件",  # 公开政府信息共132件
    "天": "天日",
    "亩": "亩",
    "元": "元",
    "%": "%",
}
# After 几/多少 but not a unit: 哪几类, 几种, 多少年, 多少钱 (money is asked below).
_NOT_UNITS = frozenset("类种年钱方面")
_MONEY = ("罚款", "罚没", "金额", "资金", "经费", "保证金", "费用", "多少钱", "收缴", "收取")


WHEN_UNITS = "年月日"  # the units of 什么时候 / 何时: a date, a year, or a named period
# 多少个小时: the unit is 小时 (its first letters), not 个
_TIME_WORDS = {"小时": "小钟", "钟头": "钟", "星期": "星周礼", "礼拜": "礼星周", "月": "月"}
_TIME_ASKED = re.compile(rf"(?:多少|几)个?({'|'.join(_TIME_WORDS)})")


def asked_units(question: str) -> str | None:
    """The unit letters an answer figure may carry, from 多少件 / 几个 / 罚款多少 / 哪天."""
    q = question
    if DAY_Q.search(q):
        return "日月"
    if DATE_Q.search(q):  # 什么时候, 何时: a year will do (1944年, 天启五年)
        return WHEN_UNITS
    if YEAR_Q.search(q):
        return "年"
    timed = _TIME_ASKED.search(q)
    if timed:
        return _TIME_WORDS[timed.group(1)]
    # 哪几个局 asks which reports, not a count
    asked = [m.group(1) for m in re.finditer(r"(?:多少|(?<!哪)几)(个工作日|[\u4e00-\u9fff%])", q)]
    asked = [u for u in asked if u not in _NOT_UNITS and (u in _UNITS or u in MEASURE_WORDS)]
    if asked:
        unit = next((u for u in asked if u in _UNITS), asked[0])
        return "个" if unit == "个工作日" else _UNITS.get(unit, unit)
    if "%" in q or "比例" in q or "百分" in q or "率" in q:
        return "%"
    if any(w in q for w in _MONEY):
        return "元"
    return None


# 什么时候 / 何时 may be answered by a period, not a figure: 11世纪, 1960年代, 东汉, 元朝, 战国.
_PERIOD = re.compile(
    r"世纪|年代|[东西南北前后]?[汉唐宋元明清秦晋隋周商夏]朝?(?:初|末|时期|年间)?|战国|春秋|朝代|时期"
)


# 表5 2025年进出口总额及其增长速度, 附表2: a table's or figure's number opening a line or caption
# (代表5名 is no table's)
_NUMBERED = re.compile(r"(?:^|(?<=\s))(?:附|续)?[表图圖]\s*$")


_OWN_PARTS = re.compile(r"个?部分")
_THE_REPORT = re.compile(r"全文|本报告|本年报")


def figure_fits(text: str, units: str | None) -> bool:
    """Does the text hold a figure, followed by an allowed unit when one is asked for?

    For 什么时候 (:data:`WHEN_UNITS`) a named period counts as well.
    """
    text = to_simplified(text)  # 四個 is 四个
    if units == WHEN_UNITS and _PERIOD.search(text):
        return True
    if units and "日" in units and _MONTH_DAY.search(text):
        return True
    for m in _NUMBER_AND_SCALE.finditer(text):
        after = text[m.end() : m.end() + 1]
        if after in "、.．" and not text[: m.start()].strip("（( "):
            continue  # a heading's number (三、政府采购预算情况; 2. 收入预算总表) counts nothing
        if _NUMBERED.search(text, max(0, m.start() - 4), m.start()):
            continue  # 表5, 图3, 附表2: a table's or figure's number, not a figure
        if text[m.start() - 1 : m.start()] in ("[", "［") and after in ("]", "］"):
            continue  # [25]城镇新增就业人数是指…: a note's mark
        if _OWN_PARTS.match(text, m.end()) and _THE_REPORT.search(text, 0, m.start()):
            continue  # 全文包括…共六个部分: the report's own outline, not a figure of it
        if _PLAN_NAME.match(text, m.start()):
            continue  # “十五五”时期: a five-year plan's name, not a figure
        if (
            not m.group()[0].isdigit()
            and m.group()[-1] not in "万萬亿億千"
            and (not after or after not in _CN_MEASURES)
        ):
            continue  # 一般, 三大, 十分: a numeral that counts nothing
        if (
            not (units and "年" in units)
            and re.fullmatch(r"(?:19|20)\d{2}", m.group())
            and after in ("年", "")
        ):
            continue  # a year is not an answer figure, unless a year is asked for
        if units is None or (after and after in units):
            return True
        if "元" in units and _CURRENCY.match(text, m.end()):  # 5,000,000美元, 5800日元
            return True
    return False


# A day written month·day, as days of observance are (“6·25”全国土地日, “12·4”国家宪法日).
# (“4.22”、“6.25”: with a full stop only inside quotes, where it is no decimal).
_DAY = r"(?:1[0-2]|0?[1-9])[{}](?:3[01]|[12]\d|0?[1-9])"
_MONTH_DAY = re.compile(
    rf"(?<![\d.]){_DAY.format('·・•‧')}(?![\d.])|[“\"]{_DAY.format('.．')}[”\"]"
)


# Units longer than one character a figure may carry: 40学时, 3.5公里, 120平方米, 300人次.
_LONG_UNITS = tuple("平方公里 平方米 公里 公顷 学时 小时 工作日 人次 户次 件次".split())


def stated_figures(text: str) -> list[str]:
    """The figures a text states, each with its scale and unit as written (simplified):
    112.23万元, 3000余份, 98%, 2023年, 三项. A number without a unit is no figure here, and
    一 before a measure word is an article (建立一个机制), not a count."""
    text = to_simplified(normalize_width(text)).replace("％", "%")
    found: list[str] = []
    for m in _NUMBER_AND_SCALE.finditer(text):
        unit = next((u for u in _LONG_UNITS if text.startswith(u, m.end())), "")
        after = text[m.end() : m.end() + 1]
        if not unit and after and (after in MEASURE_WORDS or after == "%"):
            unit = after
        if unit and m.group() != "一":
            found.append(m.group() + unit)
    return found


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CURRENCY = re.compile(
    r"(?:美|日|港|欧|澳|加|新台|台|韩|人民币)?(?:元|圆)|英镑|卢布|马克|法郎|比索"
)


def years_named(text: str) -> set[str]:
    """The four-digit years a text names (2020年 → 2020)."""
    return set(_YEAR.findall(to_simplified(text)))
