"""What a question asks for: a figure, a date, yes/no, a list or a fact, per report or not."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import jieba

from qa.ingest.clean import normalize_width, to_simplified
from qa.query.cues import tense_words
from qa.query.scope import Scope

# Measure words an answer figure carries (多少|头, 几|岁); any other character after 多少
# is a noun (多少经费, 多少融资) and says nothing about the unit.
MEASURE_WORDS = frozenset(
    "个件次名人起宗条项家份场亩天批处元岁年月日周米头只枚座所位种倍册卷本首部篇章台辆架艘"
    "层户吨斤克升里顷栋间张期届轮门支队班对双套块片颗粒"
)
# 几 and a measure word counts (几辆, 几所, 几台); not 几年/几月/几日/几周 (when), 几种/几类 (which)
_COUNTED = "".join(sorted(MEASURE_WORDS - set("年月日周种类")))
_NUMBER_Q = re.compile(rf"多少|(?<!哪)几[{_COUNTED}]|数量|金额|比例|百分之|多大|多长|多久")
_YESNO_Q = re.compile(r"是否|有没有|有无|是不是|吗[？?]?$")
_LIST_Q = re.compile(
    r"哪些|哪几|哪[两二三四五六七八九十]+|有什么|什么(?:措施|方式|做法|举措|问题|工作|活动|内容)|几个方面"
)
_PER_REPORT_Q = re.compile(
    r"哪些局|哪几个局|各局|哪些(?:县|区|单位|部门|报告)|哪几(?:个|份)?(?:县|区|报告)"
)
_EACH_Q = re.compile(r"分别|各自|各是|各多少|各有|哪几类|哪几种")
# 分成哪几类 / 有哪些类型: the kinds a thing is broken down into, which a sentence lists
# (其中，工业类3个、城市建设类28个…), not a section's headings
CATEGORIES_Q = re.compile(r"(?:哪几|哪些|几)(?:类|种|大类|个类别|种类型)|分(?:成|为)(?:哪|几)")
DAY_Q = re.compile(r"哪天|哪一天|日期|落款|哪日")
DATE_Q = re.compile(rf"{DAY_Q.pattern}|何时|什么时候")  # a day, or any time (何时)
YEAR_Q = re.compile(r"哪年|哪一年|何年|哪个年份|什么年份")
TOTAL_Q = re.compile(r"一共|总共|合计|共计|总计|总数|总额")
# 比2024年预算少了多少 / 较上年增加多少 / 增减了多少: the change between two figures, which a
# sentence states (比2024年预算减少2,389.52万元); a table's cell states one of the two.
CHANGE_Q = re.compile(
    r"(?:[比较]|与|同|相比)[^，。？?]{0,24}?(?:多|少)了?(?:多少|几)"
    r"|(?:增加|减少|增长|下降|提高|降低|上升|下降|压减|增减|变化|变动)了?(?:多少|几)"
)
# 共 of 共办理/共收到, not of 公共, 共同, 共享, 共建 …
TOTAL_WORD = re.compile(r"共计|合计|总计|总数|总额|(?<![公总])共(?![同享建治产识赢富青])")


# Words between a topic word and the asking word: 收缴罚款(的)(大约)(是)多少.
_FILLER = frozenset(
    "了 的 有 是 大约 大概 约 共 一共 总共 达 为 到 都 各 各有 各是 各为 各自 分别 分别有 分别是"
    " 分别为 去年 上年 明年 当年 本年 前年 当初 原先 最初 最后 最终 安排 安排了"
    # words pointing back at the thing named before (信息化建设这一项安排了多少)
    " 这 这一项 一项 这项 该项 此项 这笔 这一块".split()
)
GENERIC = frozenset(
    "自然资源 自然 资源 局 报告 年度 年 县 区 市 工作 情况 开展 提到 指出 列 认为 打算 哪些 哪几"
    " 多少 几 我局 今年 去年 明年 当年 上年 前年 当初 全年 全省 全市 全区 全县 显示 共 方面 明确 写到 写明 其中 谁 分别 各自 多长 多久 长时间 一般 大约 大概"
    " 已经 分成 分为 包括 包含 两个 三个 几个 各是 各为 各有 各局 各个 各单位 各部门 哪天 哪个 哪家 什么 名称 叫 叫什么 是什么 情况 相关 有关 主要 目前 一共 总共 同时"
    # the asking words of encyclopedic questions (什么时候, 哪一年, 怎样的, 文中提及…)
    " 时候 怎样 怎么 怎么样 什么样 有着 这个 那个 哪种 哪方面 为何 何时 何处 何年 如何 为什么"
    " 哪里 哪儿 一年 哪位 何人 文中 提及 提到的 自己 认为 因为 由于 具体 具体是 年报 提出 就是 也就是"
    # the asking frame of a question (有疑问的话应该找局里哪个科室, 这份年报是从…)
    " 应该 应当 的话 如果 局里 这份 那份 是从".split()
)


@dataclass(frozen=True, slots=True)
class Kind:
    """What the question asks for: number | yesno | list | fact, and per report or not."""

    base: str
    per_report: bool
    each: bool = False  # 分别/各多少/哪几类: the whole sentence, not one clause
    total: bool = False  # 一共/合计: prefer the clause that states the total
    change: bool = False  # 比上年少了多少: a change between two figures, no table's cell
    focus: tuple[str, ...] = ()  # words next to 多少/几: one must be in a figure's clause
    body: str = ""  # the kind of body 哪家 asks for (律师事务所): the answer must name one


def question_kind(question: str) -> Kind:
    """Classify a question by the answer it wants."""
    q = to_simplified(question)
    per_report = bool(_PER_REPORT_Q.search(q))
    flags = {
        "each": bool(_EACH_Q.search(q)),
        "total": bool(TOTAL_Q.search(q.rsplit("其中", 1)[-1])),  # …总额，其中X: a part
        "change": bool(CHANGE_Q.search(q)),
    }
    if _NUMBER_Q.search(q) or DATE_Q.search(q) or YEAR_Q.search(q):
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


# Head nouns that only name what is measured: 就业人员 is counted where a report says 新增就业
MEASURE_HEADS = ("人员", "人数", "数量", "总数", "总量", "总额", "总计", "合计", "数额", "金额")
# Verbs of change between a thing and the asking word (国防预算增长多少): the thing is asked of.
_CHANGES = frozenset(
    "增长 增加 提高 上涨 上升 下降 减少 降低 下跌 回落 扩大 缩小"
    " 降到 降至 降为 提高到 提升到 提升至 增加到 增至 升至 达到 上升到 下降到 减少到".split()
)
_RATES = frozenset("年均 平均 累计".split())  # how it changed: over years, on average, in all


def _content(words: list[str], at: int) -> bool:
    """``words[at]`` is a content word of two characters or more."""
    if at < 0:
        return False
    w = words[at]
    return (
        len(w) > 1
        and w not in _FILLER
        and w not in GENERIC
        and bool(re.match(r"[\u4e00-\u9fff]", w))
    )


def _asked_of(words: list[str], at: int) -> str:
    """What ``words[at]``, a head noun or a verb of change before the asking word, is asked
    of, or "" when it is none or nothing stands before it."""
    w = words[at]
    if w in MEASURE_HEADS:  # 旅游接待人数, 行政复议的总数: 接待 is counted, 人数 names the count
        before = at - 2 if at > 1 and words[at - 1] == "的" else at - 1
        return words[before] if _content(words, before) else ""
    if w not in _CHANGES:
        return ""
    if at > 0 and words[at - 1] in _RATES:
        return words[at - 1]  # 生产总值年均增长: 年均 sets the figure apart
    if at > 1 and words[at - 1] in MEASURE_HEADS:
        at -= 1  # 国内生产总值总量达到多少: 总量 only names the measure
    if not _content(words, at - 1):
        return ""
    # 国防预算增长多少: the thing that grew (its last two words), not 增长
    return "".join(words[at - 2 if _content(words, at - 2) else at - 1 : at])


# 按类别分 / 分行业: how the things counted are grouped, not what is counted
GROUPED_BY = re.compile(
    r"[按分](?:类别|类型|种类|行业|领域|地区|区域|门类|项目类型)(?:划?分|统计)?"
)
COPULA_ASKING = re.compile(r"(?<=[\u4e00-\u9fff])(?=[是为有](?:多少|几))")


# A category quoted in the asking clause (按“其他处理”答复的有多少件, 属于“…”的) is the item
# asked for, unless it names a period (“十四五”期间); a quoted name (“三公”经费) is not.
_QUOTED_ASKED = re.compile(
    r"(?:按|属于|为|作)[“\"「『]([\u4e00-\u9fff]{2,10})[”\"」』](?!期间|时期|以来|规划|末|初)[^，,；;。？?！!]*?(?:多少|几)"
)


def _agent_of(words: list[str], at: int) -> list[str]:
    """自然人提出的有多少: the thing counted is left out and who did it (自然人) tells it, as
    the content word before ``words[at]`` when 的 follows it; not after 被 (被申请行政复议的:
    申请 is no agent)."""
    if at < 1 or at + 1 >= len(words) or words[at + 1] != "的":
        return []
    if at > 1 and words[at - 2] == "被":
        return []
    before = words[at - 1]
    if len(before) > 1 and before not in GENERIC and re.match(r"[\u4e00-\u9fff]", before):
        return [before]
    return []


# A category whose count is asked (其中工作情况类有几条): the category's name (工作情况).
CATEGORY_ASKED = re.compile(r"([\u4e00-\u9fff]{2,4})类(?:信息|的)?(?:有|是|共|占)?(?:多少|几)")


def focus_words(question: str) -> tuple[str, ...]:
    """The content words right before and after the asking word (败诉了几件 → 败诉), or the
    name the asking clause quotes."""
    simple = to_simplified(question)
    quoted = _QUOTED_ASKED.search(simple) or CATEGORY_ASKED.search(simple)
    if quoted:
        return (quoted.group(1),)
    q = re.sub(r"(?:19|20)\d{2}\s*年度?", "，", to_simplified(normalize_width(question)))
    q = COPULA_ASKING.sub(" ", q)  # 预算数是多少, 类有几条: jieba would glue 数是, 类有
    q = GROUPED_BY.sub(" ", q)  # 重点项目按类别分各有多少个: 重点项目 are counted
    # 目标/预期/实际完成 tell a tense, never the thing: 总收入预期增长多少 is of 总收入
    words = [w for w in jieba.lcut(q) if w.strip() and w not in tense_words()]
    at = next((i for i, w in enumerate(words) if "多少" in w or w.startswith("几")), None)
    if at is None:
        return ()
    found: list[str] = []
    for step, stop in ((-1, -1), (1, len(words))):
        for i in range(at + step, stop, step):
            w = words[i]
            if w in "，,；;。？?！!":
                break  # the counted thing is in the asking clause: …哪几个局，各是多少
            if w in _FILLER or w in GENERIC or len(w) == 1:
                continue  # particles, measure words, punctuation
            thing = _asked_of(words, i) if step < 0 else ""
            if thing:
                found.append(thing)
                break
            if re.match(r"[\u4e00-\u9fff]", w):
                found.append(w)
                if step < 0:
                    found.extend(_agent_of(words, i))
            break
    return tuple(found)


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
