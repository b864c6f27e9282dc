"""Question stage: what a question asks for (a figure, a list, yes/no…) and which words count."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache, lru_cache

import jieba

from qa.index.core import Index
from qa.index.keywords import tokenize
from qa.ingest.clean import normalize_width, to_simplified
from qa.ingest.metadata import LEXICON
from qa.query.scope import Scope, strip_scope_words

_NUMBER_Q = re.compile(
    r"多少|(?<!哪)几[个件次名人起宗条项家份场亩天批处]|数量|金额|比例|百分之|多大|多长|多久"
)
_YESNO_Q = re.compile(r"是否|有没有|有无|是不是|吗[？?]?$")
_LIST_Q = re.compile(r"哪些|哪几|有什么|什么(?:措施|方式|做法|举措|问题|工作|活动|内容)|几个方面")
_PER_REPORT_Q = re.compile(
    r"哪些局|哪几个局|各局|哪些(?:县|区|单位|部门|报告)|哪几(?:个|份)?(?:县|区|报告)"
)
_EACH_Q = re.compile(r"分别|各自|各是|各多少|各有|哪几类|哪几种")
_DAY_Q = re.compile(r"哪天|哪一天|日期|落款|哪日")
_DATE_Q = re.compile(rf"{_DAY_Q.pattern}|何时|什么时候")  # a day, or any time (何时)
_YEAR_Q = re.compile(r"哪年|哪一年|何年|哪个年份|什么年份")
_TOTAL_Q = re.compile(r"一共|总共|合计|共计|总计|总数|总额")
TOTAL_WORD = re.compile(r"共计|合计|总计|总数|总额|共")


def _load_synonyms() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """The reports' words for a question's words, and spoken words read as the reports write
    them (qa/lexicon/synonyms.toml, each entry with an example and a source)."""
    data = tomllib.loads((LEXICON / "synonyms.toml").read_text(encoding="utf-8"))
    synonyms = {e["word"]: tuple(e["said"]) for e in data["synonym"]}
    return synonyms, {e["word"]: e["as"] for e in data["spoken"]}


# The reports' words for what a question asks about (打算 → 安排/计划 …), and spoken words of
# questions as the reports write them (怎么聘的 → 聘请, 案子 → 案件).
SYNONYMS, _SPOKEN = _load_synonyms()
# Words between a topic word and the asking word: 收缴罚款(的)(大约)(是)多少.
_FILLER = frozenset(
    "了 的 有 是 大约 大概 约 共 一共 总共 达 为 到 都 各 各有 各是 各为 各自 分别 分别有 分别是"
    " 分别为".split()
)
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
    "件": "件个起宗",
    "次": "次场期批",
    "名": "名人个",
    "人": "人名次",
    "起": "起件宗个",
    "宗": "宗起件个",
    "条": "条幅",
    "天": "天日",
    "亩": "亩",
    "元": "元",
    "%": "%",
}
# Measure words an answer figure carries (多少|头, 几|岁); any other character after 多少
# is a noun (多少经费, 多少融资) and says nothing about the unit.
_MEASURE_WORDS = frozenset(
    "个件次名人起宗条项家份场亩天批处元岁年月日周米头只枚座所位种倍册卷本首部篇章台辆架艘"
    "层户吨斤克升里顷栋间张期届轮门支队班对双套块片颗粒"
)
# After 几/多少 but not a unit: 哪几类, 几种, 多少年, 多少钱 (money is asked below).
_NOT_UNITS = frozenset("类种年钱方面")
_MONEY = ("罚款", "罚没", "金额", "资金", "经费", "保证金", "费用", "多少钱", "收缴", "收取")
_GENERIC = frozenset(
    "自然资源 自然 资源 局 报告 年度 年 县 区 市 工作 情况 开展 提到 指出 列 认为 打算 哪些 哪几"
    " 多少 几 我局 今年 全年 共 方面 明确 写到 写明 其中 谁 分别 各自 多长 多久 长时间 一般 大约 大概"
    " 已经 分成 分为 包括 包含 两个 三个 几个 各是 各为 各有 各局 各个 各单位 各部门 哪天 哪个 哪家 什么 名称 叫 叫什么 是什么 情况 相关 有关 主要 目前 一共 总共 同时"
    # the asking words of encyclopedic questions (什么时候, 哪一年, 怎样的, 文中提及…)
    " 时候 怎样 怎么 怎么样 什么样 有着 这个 那个 哪种 哪方面 为何 何时 何处 何年 如何 为什么"
    " 哪里 哪儿 一年 哪位 何人 文中 提及 提到的 自己 认为".split()
)
# The asking part of a question word (几次, 多少件) says nothing about the topic.
# Asking words, and the comparisons a question asks to make (哪个更高): no topic of their own.
_ASKING_WORD = re.compile(r"几|多少|哪|什么|吗|呢|^[更较][高低多少快慢大小]$")
MAX_TERM_WEIGHT = 4.0
ABSENT_TERM_WEIGHT = 1.0
_ASKING_PHRASE = re.compile(r"(?:哪些|哪几个|哪个|哪家|各)(?:局|单位|部门)|有没有|是不是|是否")
_AUTHOR_Q = re.compile(r"谁(?:写|撰写|执笔|起草)的?|作者是谁|(?:写|执笔|起草)的人")
# A number that names a thing or a year (the 12345 hotline, 683年), not a count (100件, 2500余份);
# the years that choose reports (2023年) are taken out before.
_CODE_NUMBER = re.compile(
    r"(?<!\d)(\d{3,})(?![\d.,]|\s*(?:余|多)?[万亿千]?[件次人个项条起名元亩月日天份宗户批场学时平米%])"
)


@dataclass(frozen=True, slots=True)
class Kind:
    """What the question asks for: number | yesno | list | fact, and per report or not."""

    base: str
    per_report: bool
    each: bool = False  # 分别/各多少/哪几类: the whole sentence, not one clause
    total: bool = False  # 一共/合计: prefer the clause that states the total
    focus: tuple[str, ...] = ()  # words next to 多少/几: one must be in a figure's clause
    body: str = ""  # the kind of body 哪家 asks for (律师事务所): the answer must name one


def question_kind(question: str) -> Kind:
    """Classify a question by the answer it wants."""
    q = to_simplified(question)
    per_report = bool(_PER_REPORT_Q.search(q))
    flags = {"each": bool(_EACH_Q.search(q)), "total": bool(_TOTAL_Q.search(q))}
    if _NUMBER_Q.search(q) or _DATE_Q.search(q) or _YEAR_Q.search(q):
        base = "number"
    elif _YESNO_Q.search(q):
        base = "yesno"
    elif _LIST_Q.search(q) and not per_report:
        base = "list"
    else:
        base = "fact"
    focus = focus_words(q) if base == "number" else ()
    return Kind(base, per_report, **flags, focus=focus, body=body_asked(q))


# 哪家律师事务所 / 哪家律所当法律顾问 / 哪家公司: the kind of body asked for
_BODY_ASKED = re.compile(
    r"哪一?家(律师事务所|律所|事务所|公司|银行|医院|学校|大学|单位|机构|媒体|报社|报纸|网站"
    r"|企业|部门|法院|出版社|电视台)"
)


def body_asked(question: str) -> str:
    """The kind of body a 哪家 question asks for: 哪家律师事务所 → 律师事务所, else ''."""
    m = _BODY_ASKED.search(to_simplified(question))
    return m.group(1) if m else ""


_COPULA_ASKING = re.compile(r"(?<=[\u4e00-\u9fff])(?=[是为](?:多少|几))")


def focus_words(question: str) -> tuple[str, ...]:
    """The content words right before and after the asking word (败诉了几件 → 败诉)."""
    q = re.sub(r"(?:19|20)\d{2}\s*年度?", "，", to_simplified(normalize_width(question)))
    q = _COPULA_ASKING.sub(" ", q)  # 预算数是多少: jieba would glue 数是
    words = [w for w in jieba.lcut(q) if w.strip()]
    at = next((i for i, w in enumerate(words) if "多少" in w or w.startswith("几")), None)
    if at is None:
        return ()
    found: list[str] = []
    for step, stop in ((-1, -1), (1, len(words))):
        for i in range(at + step, stop, step):
            w = words[i]
            if w in "，,；;。？?！!":
                break  # the counted thing is in the asking clause: …哪几个局，各是多少
            if w in _FILLER or w in _GENERIC or len(w) == 1:
                continue  # particles, measure words, punctuation
            if re.match(r"[\u4e00-\u9fff]", w):
                found.append(w)
                # 自然人提出的有多少: the thing counted is left out; who did it tells it
                if step < 0 and i + 1 < len(words) and words[i + 1] == "的" and i > 0:
                    before = words[i - 1]
                    if (
                        len(before) > 1
                        and before not in _GENERIC
                        and re.match(r"[\u4e00-\u9fff]", before)
                    ):
                        found.append(before)
            break
    return tuple(found)


def key_terms(question: str, index: Index) -> dict[str, float]:
    """Content words of the question weighted by IDF; places, years and sub-words left out."""
    q = strip_scope_words(to_simplified(normalize_width(question)), index)
    if _AUTHOR_Q.search(q):  # 谁写的: the report's 撰稿人
        q += " 撰稿"
    q = _ASKING_PHRASE.sub(" ", q)  # 哪些局配了… is no 局配, 有没有败诉 no 没有
    codes = {m.group(1) for m in _CODE_NUMBER.finditer(q)}
    tokens = {
        t
        for t in (_SPOKEN.get(w, w) for w in tokenize(q))
        if t not in _GENERIC
        and (not t.isdigit() or t in codes)
        and len(t) > 1
        and not _ASKING_WORD.search(t)
    }
    # jieba's search mode gives 力量薄弱 and also 力量, 薄弱: keep the parts only.
    whole = {t for t in tokens if _covered_by_parts(t, tokens - {t})}
    terms = {t: index.keywords.idf(t) for t in tokens - whole}
    # A word no passage has still counts (the reports may not say it), but only a little:
    # question wording often differs from the reports' own.
    return {t: min(w, MAX_TERM_WEIGHT) if w > 0 else ABSENT_TERM_WEIGHT for t, w in terms.items()}


def _covered_by_parts(token: str, others: set[str]) -> bool:
    covered = [False] * len(token)
    for other in others:
        at = token.find(other)
        while at >= 0:
            covered[at : at + len(other)] = [True] * len(other)
            at = token.find(other, at + 1)
    return len(token) > 1 and all(covered)


WHEN_UNITS = "年月日"  # the units of 什么时候 / 何时: a date, a year, or a named period
# 多少个小时: the unit is 小时 (its first letters), not 个
_TIME_WORDS = {"小时": "小钟", "钟头": "钟", "星期": "星周礼", "礼拜": "礼星周", "月": "月"}
_TIME_ASKED = re.compile(rf"(?:多少|几)个?({'|'.join(_TIME_WORDS)})")


def asked_units(question: str) -> str | None:
    """The unit letters an answer figure may carry, from 多少件 / 几个 / 罚款多少 / 哪天."""
    q = to_simplified(question)
    if _DAY_Q.search(q):
        return "日月"
    if _DATE_Q.search(q):  # 什么时候, 何时: a year will do (1944年, 天启五年)
        return WHEN_UNITS
    if _YEAR_Q.search(q):
        return "年"
    timed = _TIME_ASKED.search(q)
    if timed:
        return _TIME_WORDS[timed.group(1)]
    # 哪几个局 asks which reports, not a count
    asked = [m.group(1) for m in re.finditer(r"(?:多少|(?<!哪)几)(个工作日|[\u4e00-\u9fff%])", q)]
    asked = [u for u in asked if u not in _NOT_UNITS and (u in _UNITS or u in _MEASURE_WORDS)]
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


def figure_fits(text: str, units: str | None) -> bool:
    """Does the text hold a figure, followed by an allowed unit when one is asked for?

    For 什么时候 (:data:`WHEN_UNITS`) a named period counts as well.
    """
    text = to_simplified(text)  # 四個 is 四个
    if units == WHEN_UNITS and _PERIOD.search(text):
        return True
    for m in _NUMBER_AND_SCALE.finditer(text):
        after = text[m.end() : m.end() + 1]
        if after in "、.．" and not text[: m.start()].strip("（( "):
            continue  # a heading's number (三、政府采购预算情况; 2. 收入预算总表) counts nothing
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
            and re.fullmatch(r"\d{4}", m.group())
            and after in ("年", "")
        ):
            continue  # a year is not an answer figure, unless a year is asked for
        if units is None or (after and after in units):
            return True
        if "元" in units and _CURRENCY.match(text, m.end()):  # 5,000,000美元, 5800日元
            return True
    return False


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
        if not unit and after and (after in _MEASURE_WORDS or after == "%"):
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


# 下一步有什么打算 asks for plans; 会前学法计划叫什么名称 asks for a plan document's name
_PLAN = re.compile(
    r"下一步|打算|明年|下一年|来年|今后|展望|下一阶段|(?:有什么|有哪些|什么)(?:计划|安排)"
    r"|(?:计划|安排)(?:是什么|有哪些)"
)
_PLAN_SECTION = re.compile(r"主要安排|工作安排|工作计划|打算|下一步|下一年|工作思路|展望")
# after the shortcomings as a whole (存在哪些问题, 不足有哪些), not one of them (执法力量薄弱吗)
_WHOLE_PROBLEMS = re.compile(
    r"(?:存在|有)(?:哪些|什么|哪几方面的?)(?:主要)?(?:问题|不足|短板)"
    r"|(?:问题|不足|短板)(?:有哪些|是什么|有什么|在哪)"
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
    simple = to_simplified(question)
    return (
        asks_for_plans(question)
        and bool(_WHOLE_PLAN.search(simple))
        and not _ONE_FIELD.search(simple)
    )


def asks_for_whole_problems(question: str) -> bool:
    """存在哪些问题 / 不足有哪些 (not 在普法方面存在哪些不足): the wording of a question after
    the report's shortcomings as a whole; its topic words are checked against
    :data:`PROBLEM_WORDS` by the caller."""
    simple = to_simplified(question)
    return (
        asks_for_problems(question)
        and bool(_WHOLE_PROBLEMS.search(simple))
        and not _ONE_FIELD.search(simple)
    )


@lru_cache(maxsize=256)
def _asked(question: str) -> tuple[frozenset[str], bool]:
    """The years a question names and whether it asks for plans, worked out once a question
    (:func:`section_fit` is called for every passage and sentence it ranks)."""
    return frozenset(years_named(question)), bool(_PLAN.search(to_simplified(question)))


@lru_cache(maxsize=256)
def asks_for_problems(question: str) -> bool:
    """Is the question about shortcomings (执法力量薄弱, 形式单一, 存在哪些问题), not plans?"""
    return bool(_PROBLEM.search(to_simplified(question))) and not asks_for_plans(question)


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


SYNONYM_CREDIT = 0.8


def _match(text: str, term: str, barred: tuple[str, ...] = ()) -> float:
    """1 for the word itself, a little less for one of its synonyms, else 0; an occurrence
    right after a ``barred`` modifier (人均地区生产总值 for 地区生产总值) does not count."""
    if _free(text, term, barred):
        return 1.0
    synonyms = SYNONYMS.get(term, ())
    return SYNONYM_CREDIT if any(_free(text, s, barred) for s in synonyms) else 0.0


def _free(text: str, word: str, barred: tuple[str, ...]) -> bool:
    """Does ``word`` occur in the text other than shortly after a barred modifier, with no
    punctuation between (人均地区生产总值 bars 生产总值 too)?"""
    if not barred:
        return word in text
    at = text.find(word)
    while at >= 0:
        before = _WORD_RUN.search(text, max(0, at - MODIFIER_REACH), at)
        if not (before and any(m in before.group() for m in barred)):
            return True
        at = text.find(word, at + 1)
    return False


MODIFIER_REACH = 6  # characters before a word a modifier may stand (人均|地区生产|总值)
_WORD_RUN = re.compile(r"[\u4e00-\u9fff]+$")


@cache
def modifiers() -> tuple[str, ...]:
    """Words that make a measure another measure (qa/lexicon/modifiers.toml)."""
    data = tomllib.loads((LEXICON / "modifiers.toml").read_text(encoding="utf-8"))
    return tuple(w for entry in data.values() for w in entry["words"])


def barred_modifiers(terms: dict[str, float]) -> tuple[str, ...]:
    """The modifiers the question's words do not carry themselves."""
    return tuple(m for m in modifiers() if not any(m in t or t in m for t in terms))


def has_word(text: str, term: str) -> bool:
    return _match(text, term) > 0


def context_credit(terms: dict[str, float], context: str, share: float = 1 / 3) -> dict[str, float]:
    """What each term earns from the text around a sentence: a third of a match by default."""
    return {t: _match(context, t) * share for t in terms}


def coverages(
    text: str, terms: dict[str, float], credits: tuple[dict[str, float], ...]
) -> tuple[float, ...]:
    """:func:`coverage` of one text under several context credits, matching the text once."""
    if not terms:
        return tuple(0.0 for _ in credits)
    simple = to_simplified(text)
    barred = barred_modifiers(terms)
    found = {t: _match(simple, t, barred) for t in terms}
    total = sum(terms.values())
    return tuple(sum(w * max(found[t], c[t]) for t, w in terms.items()) / total for c in credits)


def coverage(text: str, terms: dict[str, float], context: str = "") -> float:
    """Share of the question's term weight found in the text (a third for its context:
    section path, passage)."""
    return coverages(text, terms, (context_credit(terms, context),))[0]


# What a sentence that answers usually holds, for each way of asking (为什么 → 因/由于 …).
_ANSWER_CUES = (
    (
        re.compile(r"几|多少|多大|多长|多高|多重|多远"),
        re.compile(r"\d|[一二三四五六七八九十两百千万]"),
    ),
    (
        re.compile(r"什么时候|何时|哪一?年|哪天|哪个月|什么时间|何年|年份|日期"),
        re.compile(r"\d{3,4}年|(?<!\d)\d+[月日]|世纪|年代|朝|初|末|期间|时期"),
    ),
    (
        re.compile(r"又(?:叫|名|称)|别(?:名|称)|简称|原名|叫什么|称(?:作|为)?什么|什么名"),
        re.compile(r"又名|又称|别名|简称|原名|俗名|称为|称作|叫做|名为|亦称|或称|也称"),
    ),
    (re.compile(r"为什么|为何|原因|怎么会|何故"), re.compile(r"因为|由于|因|为了|所以|导致|原因")),
    (
        re.compile(r"哪里|哪儿|什么地方|在哪|何处|地点|位置|位于|哪个(?:国家|城市|省|地区)"),
        re.compile(r"位于|在|于|地处|坐落"),
    ),
    (re.compile(r"定义|是指|指的是|意思"), re.compile(r"是指|指|定义|称为|即")),
    (re.compile(r"著作|作品|写过|著有|出版"), re.compile(r"《|著有|出版|著")),
    # 学习了哪些法律 / 依据什么法规: the laws by name
    (
        re.compile(r"(?:哪些|哪部|哪几部|什么|何种)(?:法律|法规|条例|规章)"),
        re.compile(r"《[^》]{1,30}(?:法|条例|规定|办法|规则|细则)》"),
    ),
)
_NOT_TEXT = re.compile(r"[\s？?！!，,。、；;：:“”‘’\"'《》「」（）()]+")


def answer_cue(question: str, text: str) -> int:
    """+1 when the text holds what the question's way of asking wants, -1 when not, else 0."""
    q = to_simplified(question)
    for asks, holds in _ANSWER_CUES:
        if asks.search(q):
            return 1 if holds.search(to_simplified(text)) else -1
    return 0


def shared_run(question: str, text: str) -> float:
    """The longest run of the question found verbatim in the text, as a share of the question.

    Questions are often a sentence of the report with its answer taken out, so a long shared
    run points at the sentence that was asked about.
    """
    q = bare_question(question)
    simple = to_simplified(text)
    best = 0
    for i in range(len(q)):  # only a run longer than the best so far is looked for
        while i + best < len(q) and q[i : i + best + 1] in simple:
            best += 1
    return best / len(q) if q else 0.0


@lru_cache(maxsize=256)
def bare_question(question: str) -> str:
    """The question in simplified script without spaces and punctuation."""
    return _NOT_TEXT.sub("", to_simplified(question))


def answer_kind(resolved: str, scope: Scope) -> Kind:
    """The question's kind; naming two or more reports, or 分别/各, asks per report."""
    kind = question_kind(resolved)
    if kind.focus and scope.matched:  # 湟中区…有多少件行政诉讼案件: the focus is 行政诉讼
        q = to_simplified(resolved)
        for named in scope.matched:
            q = q.replace(to_simplified(named), "，")
        kind = replace(kind, focus=focus_words(q))
    several = scope.doc_ids is not None and len(scope.doc_ids) > 1
    if several and (kind.each or kind.base != "list"):
        return replace(kind, per_report=True)
    return kind
