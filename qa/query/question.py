"""Question words: which words of a question count, their synonyms, and how a text covers them."""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache

from qa.index.core import Index
from qa.index.keywords import tokenize
from qa.ingest.clean import normalize_width, to_simplified
from qa.ingest.report_kind import LEXICON
from qa.query.kind import (
    CATEGORY_ASKED,
    COPULA_ASKING,
    GENERIC,
    GROUPED_BY,
    MEASURE_WORDS,
    TOTAL_Q,
)
from qa.query.scope import strip_scope_words


def _load_synonyms() -> tuple[dict[str, tuple[str, ...]], dict[str, str], tuple[str, ...]]:
    """The reports' words for a question's words and phrases, spoken words read as the reports
    write them, and the phrases (qa/lexicon/synonyms.toml, each entry with an example and a
    source)."""
    data = tomllib.loads((LEXICON / "synonyms.toml").read_text(encoding="utf-8"))
    synonyms = {e["word"]: tuple(e["said"]) for e in [*data["synonym"], *data["phrase"]]}
    phrases = tuple(e["word"] for e in data["phrase"])
    return synonyms, {e["word"]: e["as"] for e in data["spoken"]}, phrases


# The reports' words for what a question asks about (打算 → 安排/计划 …), spoken words of
# questions as the reports write them (怎么聘的 → 聘请, 案子 → 案件), and phrases taken as one
# term (经济增速 → 生产总值增长).
SYNONYMS, _SPOKEN, _PHRASES = _load_synonyms()
# The asking part of a question word (几次, 多少件) says nothing about the topic.
# Asking words, and the comparisons a question asks to make (哪个更高): no topic of their own.
_ASKING_WORD = re.compile(r"几|多少|哪|什么|吗|呢|^[更较][高低多少快慢大小]$")
MAX_TERM_WEIGHT = 4.0
ABSENT_TERM_WEIGHT = 1.0
_ASKING_PHRASE = re.compile(
    r"(?:哪些|哪几个|哪个|哪家|各)(?:局|单位|部门)|有没有|是不是|是否"
    r"|哪[一二三四五六七八九十两几]+(?:个|项|条|件)?(?:方面)?"  # 哪六个方面: asking, no topic
)
_AUTHOR_Q = re.compile(r"谁(?:写|撰写|执笔|起草)的?|作者是谁|(?:写|执笔|起草)的人")
# A number that names a thing or a year (the 12345 hotline, 683年), not a count (100件, 2500余份);
# the years that choose reports (2023年) are taken out before.
_CODE_NUMBER = re.compile(
    r"(?<!\d)(\d{3,})(?![\d.,]|\s*(?:余|多)?[万亿千]?[件次人个项条起名元亩月日天份宗户批场学时平米%])"
)


def key_terms(question: str, index: Index) -> dict[str, float]:
    """Content words of the question weighted by IDF; places, years and sub-words left out."""
    q = strip_scope_words(to_simplified(normalize_width(question)), index)
    if _AUTHOR_Q.search(q):  # 谁写的: the report's 撰稿人
        q += " 撰稿"
    q = _ASKING_PHRASE.sub(" ", q)  # 哪些局配了… is no 局配, 有没有败诉 no 没有
    q = COPULA_ASKING.sub(" ", q)  # 局有几名: no 局有
    q = GROUPED_BY.sub(" ", q)  # 按类别分: how the answer is split (工业类3个…), not what about
    codes = {m.group(1) for m in _CODE_NUMBER.finditer(q)}
    tokens = {
        t
        for t in (_spoken(w) for w in tokenize(q))
        if t not in GENERIC
        and (not t.isdigit() or t in codes)
        and len(t) > 1
        and not _ASKING_WORD.search(t)
        and not TOTAL_Q.fullmatch(t)  # 总额/合计 ask for the total (Kind.total), no word of it
    }
    # jieba's search mode gives 力量薄弱 and also 力量, 薄弱: keep the parts only.
    whole = {t for t in tokens if _covered_by_parts(t, tokens - {t})}
    terms = {t: index.keywords.idf(t) for t in tokens - whole}
    # A word no passage has still counts (the reports may not say it), but only a little:
    # question wording often differs from the reports' own.
    weights = {
        t: min(w, MAX_TERM_WEIGHT) if w > 0 else ABSENT_TERM_WEIGHT for t, w in terms.items()
    }
    asked = to_simplified(normalize_width(question))
    for m in CATEGORY_ASKED.finditer(asked):  # 工作情况类有几条: its words are generic, not it
        weights[m.group(1)] = MAX_TERM_WEIGHT
    return _as_phrases(q, weights)


def _spoken(word: str) -> str:
    """A spoken word as the reports write it (案子 → 案件); a measure word glued to the noun
    it counts (几辆车: 辆车) lets the noun be read so too (车 → 车辆)."""
    if word in _SPOKEN:
        return _SPOKEN[word]
    if len(word) == 2 and word[0] in MEASURE_WORDS and word[1] in _SPOKEN:
        return _SPOKEN[word[1]]
    return word


# A name the question quotes (按“其他处理”答复的, “十四五”期间): one term, as the reports write it.
_QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fff]{2,10})[”\"」』]")


def _as_phrases(q: str, weights: dict[str, float]) -> dict[str, float]:
    """The words of a phrase the question says (经济增速) or quotes (“其他处理”) taken as one
    term, with their weight."""
    quoted = _QUOTED.findall(q)
    for phrase in (*_PHRASES, *quoted):
        parts = [t for t in weights if t in phrase]
        if phrase in q and parts:
            weights[phrase] = min(sum(weights.pop(t) for t in parts), MAX_TERM_WEIGHT)
        elif phrase in quoted:  # “三个抓”: a name the question stresses, though no word of it
            weights[phrase] = ABSENT_TERM_WEIGHT  # is a term (three items, each with 抓)
    return weights


def _covered_by_parts(token: str, others: set[str]) -> bool:
    covered = [False] * len(token)
    for other in others:
        at = token.find(other)
        while at >= 0:
            covered[at : at + len(other)] = [True] * len(other)
            at = token.find(other, at + 1)
    return len(token) > 1 and all(covered)


SYNONYM_CREDIT = 0.8


def _match(text: str, term: str, barred: tuple[str, ...] = ()) -> float:
    """1 for the word itself, a little less for one of its synonyms or for the items a
    numbered short name stands for, else 0; an occurrence right after a ``barred`` modifier
    (人均地区生产总值 for 地区生产总值) does not count. Latin letters match in either case
    (the question's terms are lower-cased: gdp for GDP)."""
    if term.isascii() and term != term.upper():
        text = text.lower()
    if _free(text, term, barred):
        return 1.0
    synonyms = SYNONYMS.get(term, ())
    if any(_free(text, s, barred) for s in synonyms) or _spelt_out(text, term):
        return SYNONYM_CREDIT
    if len(term) >= 3 and term[0] == "总" and _free(text, term[1:], barred):
        return SYNONYM_CREDIT  # 总产量 as the reports say it: 粮食产量
    return 0.0


# 六稳, 三农, 三大经济, 三个抓: a count and the word each of the items named has (稳就业、
# 稳金融…; 资源经济、园区经济、口岸经济; 亲自抓，对口抓，具体抓).
_NUMBERED_NAME = re.compile(r"([两二三四五六七八九])[大个]?([\u4e00-\u9fff]{1,3})")
_COUNTS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"两": 2}


@lru_cache(maxsize=4096)
def numbered_name(term: str) -> tuple[int, str] | None:
    """五大战略 → (5, 战略), 六稳 → (6, 稳): how many items a numbered short name stands for
    and the word each has; None for any other term."""
    m = _NUMBERED_NAME.fullmatch(term)
    return (_COUNTS[m.group(1)], m.group(2)) if m else None


def _spelt_out(text: str, term: str) -> bool:
    """Does the text list, one after another, the items a numbered short name stands for
    (六稳: six items with 稳, 稳就业、稳金融、…; 三大经济: three with 经济)?"""
    named = numbered_name(term)
    if not named:
        return False
    item = rf"[\u4e00-\u9fff]{{0,6}}{named[1]}[\u4e00-\u9fff]{{0,6}}"
    return re.search(rf"{item}(?:[、，,]{item}){{{named[0] - 1}}}", text) is not None


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
    return _barred(tuple(terms))


@lru_cache(maxsize=256)
def _barred(terms: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`barred_modifiers`, worked out once for a question's words (not once for each of
    its thousands of candidate clauses)."""
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


# 学习了哪些法律 / 依据什么法规: the laws by name
_LAWS_ASKED = (
    re.compile(r"(?:哪些|哪部|哪几部|什么|何种)(?:法律|法规|条例|规章)"),
    re.compile(r"《[^》]{1,30}(?:法|条例|规定|办法|规则|细则)》"),
)
# What a sentence that answers usually holds, for each way of asking (为什么 → 因/由于 …).
_ANSWER_CUES = (
    (
        re.compile(r"(?<!哪)几|多少|多大|多长|多高|多重|多远"),  # 哪几个 asks which
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
    _LAWS_ASKED,
)
_NOT_TEXT = re.compile(r"[\s？?！!，,。、；;：:“”‘’\"'《》「」（）()]+")


def answer_cue(question: str, text: str) -> int:
    """+1 when the text holds what the question's way of asking wants, -1 when not, else 0."""
    for asks, holds in _ANSWER_CUES:
        if asks.search(question):
            return 1 if holds.search(to_simplified(text)) else -1
    return 0


def names_laws(question: str, text: str) -> bool | None:
    """For a question after laws by name (学习了哪些法律): does the text name one (《宪法》)?
    None for any other question."""
    asks, holds = _LAWS_ASKED
    return bool(holds.search(to_simplified(text))) if asks.search(question) else None


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
    """The question in simplified script without spaces and punctuation (cached: rerank and
    the sentence ranking ask for it once a sentence; an LLM's reply is simplified here too)."""
    return _NOT_TEXT.sub("", to_simplified(question))
