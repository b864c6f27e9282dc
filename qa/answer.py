"""Answer stage: pick the reports' own sentences that answer, cite them, or decline."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import jieba

from qa.chunk import Section, split_sections
from qa.clean import normalize_width, to_simplified
from qa.index import Index
from qa.keywords import tokenize
from qa.records import Answer, Citation, Hit, Report
from qa.retrieve import Scope, place_aliases, strip_scope_words
from qa.verify import AnswerSentence, verify_sentences

# Words that say what kind of answer is wanted.
_NUMBER_Q = re.compile(
    r"多少|(?<!哪)几[个件次名人起宗条项家份场亩天批处]|数量|金额|比例|百分之|多大|多长|多久"
)
_YESNO_Q = re.compile(r"是否|有没有|有无|是不是|吗[？?]?$")
_LIST_Q = re.compile(r"哪些|哪几|有什么|什么(?:措施|方式|做法|举措|问题|工作|活动|内容)|几个方面")
_PER_REPORT_Q = re.compile(
    r"哪些局|哪几个局|各局|哪些(?:县|区|单位|部门|报告)|哪几(?:个|份)?(?:县|区|报告)"
)
_EACH_Q = re.compile(r"分别|各自|各是|各多少|各有|哪几类|哪几种")
_DATE_Q = re.compile(r"哪天|哪一天|日期|落款|何时|什么时候|哪日")
_YEAR_Q = re.compile(r"哪年|哪一年|何年|哪个年份|什么年份")
_TOTAL_Q = re.compile(r"一共|总共|合计|共计|总计|总数|总额")
_TOTAL_WORD = re.compile(r"共计|合计|总计|总数|总额|共")
# The reports' words for what a question asks about (打算 → 安排/计划 …).
SYNONYMS = {
    "打算": ("安排", "计划", "下一步", "思路"),
    "改进": ("安排", "计划", "下一步", "加强", "提升"),
    "不足": ("问题", "不足", "差距", "薄弱"),
    "问题": ("不足", "问题", "差距"),
    "措施": ("举措", "措施", "做法"),
    "做法": ("举措", "措施", "做法"),
    "成效": ("成效", "成绩", "成果"),
    "上一年": ("去年", "上年", "同比"),
    "减少": ("减少", "下降"),
    "增加": ("增加", "增长", "上升"),
    "金额": ("金额", "总额", "万元", "元"),
    "数量": ("数量", "总数", "件", "个"),
}
# Words between a topic word and the asking word: 收缴罚款(的)(大约)(是)多少.
_FILLER = frozenset("了 的 有 是 大约 大概 约 共 一共 总共 达 为 到 都".split())
# A number with its scale; the character after it is its unit: 112.23万|元, 20|件, 40|学时.
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
# After 几/多少 but not a unit: 哪几类, 几种, 多少年, 多少钱 (money is asked below).
_NOT_UNITS = frozenset("类种年钱方面")
_MONEY = ("罚款", "罚没", "金额", "资金", "经费", "保证金", "费用", "多少钱", "收缴", "收取")
_SPLIT = re.compile(r"[^。！？；\n]+[。！？；]?")
_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")
_GENERIC = frozenset(
    "自然资源 自然 资源 局 报告 年度 年 县 区 市 工作 情况 开展 提到 指出 列 认为 打算 哪些 哪几"
    " 多少 几 我局 今年 全年 共 方面 明确 写到 写明 其中 谁 分别 各自 多长 多久 长时间 一般 大约 大概"
    " 哪天 哪个 哪家 什么 名称 叫 叫什么 是什么 情况 相关 有关 主要 目前 一共 总共 同时".split()
)
# The asking part of a question word (几次, 多少件) says nothing about the topic.
_ASKING_WORD = re.compile(r"几|多少|哪|什么|吗|呢")
_NEGATION = re.compile(r"未|没有|无一|无|不")
# In-paragraph enumerations: 一是…。二是…。
_ENUM_ITEM = re.compile(r"[一二三四五六七八九十]+是[^。；;！？\n]*")
MAX_SENTENCES = 3
MAX_LIST = 8
MIN_COVERAGE = 0.4
UNFOCUSED_COVERAGE = 0.75  # a figure clause without the words next to 多少 must match this well
RUNNER_UP = 0.9  # a second fact sentence is shown when it scores this close to the best
MAX_TERM_WEIGHT = 4.0
ABSENT_TERM_WEIGHT = 1.0
MAX_QUOTE = 160


@dataclass(frozen=True, slots=True)
class Kind:
    """What the question asks for: number | yesno | list | fact, and per report or not."""

    base: str
    per_report: bool
    each: bool = False  # 分别/各多少/哪几类: the whole sentence, not one clause
    total: bool = False  # 一共/合计: prefer the clause that states the total
    focus: tuple[str, ...] = ()  # words next to 多少/几: one must be in a figure's clause


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence or clause span of one report, scored against the question."""

    report: Report
    passage_id: str
    section_path: tuple[str, ...]
    score: float
    start: int
    end: int
    coverage: float
    figure_ok: bool

    @property
    def text(self) -> str:
        return self.report.text[self.start : self.end]


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
    return Kind(base, per_report, **flags, focus=focus_words(q) if base == "number" else ())


def focus_words(question: str) -> tuple[str, ...]:
    """The content words right before and after the asking word (败诉了几件 → 败诉)."""
    q = re.sub(r"(?:19|20)\d{2}\s*年度?", "，", to_simplified(normalize_width(question)))
    words = [w for w in jieba.lcut(q) if w.strip()]
    at = next((i for i, w in enumerate(words) if "多少" in w or w.startswith("几")), None)
    if at is None:
        return ()
    found: list[str] = []
    for step, stop in ((-1, -1), (1, len(words))):
        for i in range(at + step, stop, step):
            w = words[i]
            if w in _FILLER or w in _GENERIC or len(w) == 1:
                continue  # particles, measure words, punctuation
            if re.match(r"[\u4e00-\u9fff]", w):
                found.append(w)
            break
    return tuple(found)


def key_terms(question: str, index: Index) -> dict[str, float]:
    """Content words of the question weighted by IDF; places, years and sub-words left out."""
    q = strip_scope_words(to_simplified(normalize_width(question)), index)
    tokens = {
        t
        for t in tokenize(q)
        if t not in _GENERIC and not t.isdigit() and len(t) > 1 and not _ASKING_WORD.search(t)
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


def asked_units(question: str) -> str | None:
    """The unit letters an answer figure may carry, from 多少件 / 几个 / 罚款多少 / 哪天."""
    q = to_simplified(question)
    if _DATE_Q.search(q):
        return "日月"
    if _YEAR_Q.search(q):
        return "年"
    asked = [m.group(1) for m in re.finditer(r"(?:多少|几)(个工作日|[\u4e00-\u9fff%])", q)]
    asked = [u for u in asked if u not in _NOT_UNITS]
    if asked:
        unit = next((u for u in asked if u in _UNITS), asked[0])
        return "个" if unit == "个工作日" else _UNITS.get(unit, unit)
    if "%" in q or "比例" in q or "百分" in q or "率" in q:
        return "%"
    if any(w in q for w in _MONEY):
        return "元"
    return None


def figure_fits(text: str, units: str | None) -> bool:
    """Does the text hold a figure, followed by an allowed unit when one is asked for?"""
    for m in _NUMBER_AND_SCALE.finditer(text):
        after = text[m.end() : m.end() + 1]
        if units != "年" and re.fullmatch(r"\d{4}", m.group()) and after in ("年", ""):
            continue  # a year is not an answer figure, unless a year is asked for
        if units is None or (after and after in units) or (units == "元" and after == "元"):
            return True
    return False


SYNONYM_CREDIT = 0.8


def _match(text: str, term: str) -> float:
    """1 for the word itself, a little less for one of its synonyms, else 0."""
    if term in text:
        return 1.0
    return SYNONYM_CREDIT if any(s in text for s in SYNONYMS.get(term, ())) else 0.0


def _has(text: str, term: str) -> bool:
    return _match(text, term) > 0


def coverage(text: str, terms: dict[str, float], context: str = "") -> float:
    """Share of the question's term weight found in the text (a third for its section)."""
    if not terms:
        return 0.0
    simple = to_simplified(text)
    got = sum(w * max(_match(simple, t), _match(context, t) / 3) for t, w in terms.items())
    return got / sum(terms.values())


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "，,、；;：:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "，,、：:；;"):
        end -= 1
    return start, end


def _spans(text: str, start: int, end: int, fine: bool) -> list[tuple[int, int]]:
    """Sentence spans of [start, end), plus windows of one to three clauses.

    Clause windows are for figures (``fine``), where the answer is one clause of a long
    sentence; other answers keep whole sentences, windows only where a sentence is too long.
    """
    spans: list[tuple[int, int]] = []
    for s, e in _sentences(text, start, end):
        if e - s < 2:
            continue
        if e - s <= MAX_QUOTE:
            spans.append((s, e))
        if e - s <= (40 if fine else MAX_QUOTE):
            continue
        clauses = [_trim_span(text, c.start(), c.end()) for c in _CLAUSE.finditer(text, s, e)]
        for i in range(len(clauses)):
            for j in range(i, min(i + 3, len(clauses))):
                if clauses[j][1] > clauses[i][0] and clauses[j][1] - clauses[i][0] <= MAX_QUOTE:
                    spans.append((clauses[i][0], clauses[j][1]))
    return spans


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Trimmed sentence spans; a sentence does not end inside brackets (舜天（；）据…)."""
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _SPLIT.finditer(text, start, end):
        s = m.start() if open_at is None else open_at
        piece = text[s : m.end()]
        if piece.count("（") + piece.count("(") > piece.count("）") + piece.count(")"):
            open_at = s
            continue
        open_at = None
        out.append(_trim_span(text, s, m.end()))
    if open_at is not None:
        out.append(_trim_span(text, open_at, end))
    return out


def candidates(
    hits: list[Hit], index: Index, terms: dict[str, float], units: str | None, fine: bool = True
) -> list[Candidate]:
    """Every sentence and clause of the hits, scored by how much of the question they hold."""
    found: list[Candidate] = []
    for hit in hits:
        p = hit.passage
        report = index.reports[p.doc_id]
        context = to_simplified(" ".join(p.section_path))
        for s, e in _spans(report.text, p.start, p.end, fine):
            text = report.text[s:e]
            found.append(
                Candidate(
                    report,
                    p.passage_id,
                    p.section_path,
                    hit.score,
                    s,
                    e,
                    coverage(text, terms, context),
                    figure_fits(text, units),
                )
            )
    return found


def _focused(c: Candidate, focus: tuple[str, ...]) -> bool:
    """A focus word, its first two characters (信访件 → 信访) or its stem (学了 → 学) is there."""
    simple = to_simplified(c.text)
    stems = {w.rstrip("了过的") or w for w in focus} | {w[:2] for w in focus if len(w) > 2}
    return not focus or any(_has(simple, w) for w in (*focus, *stems))


def _rank_key(c: Candidate, kind: Kind) -> float:
    length_cost = 0.0005 if kind.base in ("fact", "list") or kind.each else 0.0015
    bonus = 0.2 if kind.total and _TOTAL_WORD.search(c.text) else 0.0
    if kind.base == "yesno" and (_NEGATION.search(c.text) or re.search(r"\d", c.text)):
        bonus += 0.1  # 有X吗: a sentence that states the fact (無一件敗訴, 3件) answers it
    return c.coverage + bonus + 0.15 * c.score - length_cost * (c.end - c.start)


def pick(kind: Kind, cands: list[Candidate]) -> list[Candidate]:
    """The candidates that answer, best first, by the kind of question."""
    if kind.base == "number":
        cands = [
            c
            for c in cands
            if c.figure_ok and (_focused(c, kind.focus) or c.coverage >= UNFOCUSED_COVERAGE)
        ]
    good = sorted(
        (c for c in cands if c.coverage >= MIN_COVERAGE),
        key=lambda c: _rank_key(c, kind),
        reverse=True,
    )
    if not good:
        return []
    if kind.per_report:
        best: dict[str, Candidate] = {}
        for c in good:
            best.setdefault(c.report.doc_id, c)
        return list(best.values())
    if kind.base == "list":
        chosen: list[Candidate] = []
        for c in good:
            if all(c.end <= o.start or c.start >= o.end for o in chosen):
                chosen.append(c)
            if len(chosen) == MAX_SENTENCES:
                break
        return chosen
    best_key = _rank_key(good[0], kind)
    runner_up = next((c for c in good[1:] if _apart(c, good[0])), None)
    if kind.base == "fact" and runner_up and _rank_key(runner_up, kind) >= RUNNER_UP * best_key:
        return [good[0], runner_up]  # two close readings: show both, each cited
    return good[:1]


def _apart(a: Candidate, b: Candidate) -> bool:
    return a.report.doc_id != b.report.doc_id or a.end <= b.start or a.start >= b.end


def _passage_id_at(index: Index, doc_id: str, offset: int) -> tuple[str, tuple[str, ...]]:
    for p in index.passages:
        if p.doc_id == doc_id and p.start <= offset < p.end:
            return p.passage_id, p.section_path
    return f"{doc_id}#heading", ()


def _span_candidate(index: Index, report: Report, start: int, end: int) -> Candidate:
    passage_id, path = _passage_id_at(index, report.doc_id, start)
    return Candidate(report, passage_id, path, 1.0, start, end, 1.0, True)


def section_items(index: Index, reports: list[Report], terms: dict[str, float]) -> list[Candidate]:
    """For 有哪些… questions: the best-matching section's sub-headings or 一是/二是 items.

    The first candidate is the section heading itself; the rest are its items.
    """
    per_report = {r.doc_id: split_sections(r.text) for r in reports}
    ranked: list[tuple[float, int, Report, int]] = []
    for order, report in enumerate(reports):
        for i, sec in enumerate(per_report[report.doc_id]):
            cov = coverage(sec.path[-1], terms) if sec.path else 0.0
            if cov >= MIN_COVERAGE:
                ranked.append((-cov, order, report, i))
    for _, _, report, i in sorted(ranked, key=lambda r: (r[0], r[1], r[3])):
        items = _items_under(index, report, per_report[report.doc_id], i)
        if items:
            return items
    return []


def _items_under(index: Index, report: Report, sections: list[Section], i: int) -> list[Candidate]:
    """A section heading and its sub-headings, else its 一是/二是 items (at least two)."""
    sec, depth = sections[i], len(sections[i].path)
    inner = sections[i + 1 :]
    stop = next((j for j, s in enumerate(inner) if len(s.path) <= depth), len(inner))
    inner = inner[:stop]
    end = inner[-1].end if inner else sec.end
    children = [s for s in inner if len(s.path) == depth + 1]
    spans = [_heading_span(report.text, s.start, s.path[-1]) for s in children]
    if len(spans) < 2:
        spans = [
            _trim_span(report.text, m.start(), m.end())
            for m in _ENUM_ITEM.finditer(report.text, sec.start, end)
        ]
    if len(spans) < 2:
        return []
    head = _heading_span(report.text, sec.start, sec.path[-1])
    return [_span_candidate(index, report, s, e) for s, e in [head, *spans[:MAX_LIST]]]


def _heading_span(text: str, start: int, title: str) -> tuple[int, int]:
    shown = title.rstrip("…")
    if text.startswith(shown, start):
        return start, start + len(shown)
    line_end = text.find("\n", start)
    return start, (line_end if line_end > start else start + len(shown))


def _lead(report: Report) -> str:
    year = f"（{report.year}年）" if report.year else ""
    return f"{report.agency or report.title}{year}："


def _citation(n: int, c: Candidate) -> Citation:
    return Citation(
        n=n,
        passage_id=c.passage_id,
        doc_id=c.report.doc_id,
        start=c.start,
        end=c.end,
        quote=c.text,
        title=c.report.title,
        agency=c.report.agency,
        year=c.report.year,
        section_path=c.section_path,
        source=c.report.path,
        page=c.report.page_at(c.start),
    )


def _sentence(c: Candidate, head: str = "", lead: bool = True) -> AnswerSentence:
    body = c.text.rstrip("。；;！!？?")
    return AnswerSentence(f"{head}{_lead(c.report) if lead else ''}{body}", (_citation(0, c),))


def compose(kind: Kind, picked: list[Candidate], listed: bool) -> list[AnswerSentence]:
    """Write the answer sentences, each quoting its evidence."""
    if listed:  # a section heading, then its items
        return [_sentence(picked[0], head="", lead=True)] + [
            _sentence(c, lead=False) for c in picked[1:]
        ]
    if kind.base == "yesno" and not kind.per_report:
        c = picked[0]
        negative = _NEGATION.search(to_simplified(c.text)) is not None
        return [_sentence(c, head="否。" if negative else "是。")]
    return [_sentence(c) for c in picked]


def _decline(
    question: str, resolved: str, hits: list[Hit], scope: Scope, why: str, index: Index
) -> Answer:
    text = f"在已索引的报告中没有找到{why}。"
    places = [m for m in scope.matched if not re.fullmatch(r"\d{4}年", m)]
    if scope.unmatched and places:
        have = sorted(
            {
                f"{r.agency}（{r.year}年）"
                for r in index.reports.values()
                if any(p in place_aliases(r) for p in places)
            }
        )
        if have:
            text += f"\n已索引的相关报告：{'；'.join(have)}"
    related = "；".join(
        f"《{h.passage.title}》{' '.join(h.passage.section_path[-1:])}" for h in hits[:3]
    )
    if related:
        text += f"\n可能相关：{related}"
    return Answer(question, resolved, text, (), tuple(hits), False, scope.unmatched)


_DOC_NUMBER_Q = re.compile(r"文号|发文字号|文件编号")
_SIGNED_Q = re.compile(r"落款|签发|成文日期|报告(?:是)?(?:哪天|哪一天|什么时候)")
_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def metadata_candidates(resolved: str, hits: list[Hit], index: Index) -> list[Candidate]:
    """文号 and 落款日期 questions: the report's own number or signature date, quoted."""
    q = to_simplified(resolved)
    if not hits or not (_DOC_NUMBER_Q.search(q) or _SIGNED_Q.search(q)):
        return []
    report = index.reports[hits[0].passage.doc_id]
    text = report.text
    span: tuple[int, int] | None = None
    if _DOC_NUMBER_Q.search(q) and report.doc_number:
        at = text.find(report.doc_number)
        span = (at, at + len(report.doc_number)) if at >= 0 else None
    elif _SIGNED_Q.search(q):
        tail = max(0, len(text) - 300)
        dates = list(_DATE.finditer(text, tail))
        span = (dates[-1].start(), dates[-1].end()) if dates else None
    return [_span_candidate(index, report, *span)] if span else []


def _choose(
    kind: Kind, resolved: str, hits: list[Hit], index: Index
) -> tuple[list[Candidate], bool]:
    meta = metadata_candidates(resolved, hits, index)
    if meta:
        return meta, False
    terms = key_terms(resolved, index)
    if kind.base == "list":
        reports = list(
            {h.passage.doc_id: index.reports[h.passage.doc_id] for h in hits[:4]}.values()
        )
        items = section_items(index, reports, terms)
        if items:
            return items, True
    fine = kind.base in ("number", "yesno")
    picked = pick(kind, candidates(hits, index, terms, asked_units(resolved), fine))
    if kind.each and not kind.per_report:
        picked = [_whole_sentence(c) for c in picked]
    return picked, False


def _whole_sentence(c: Candidate) -> Candidate:
    """The full sentence around a clause (for 分别/各多少 questions)."""
    text = c.report.text
    start = max(text.rfind(mark, 0, c.start) for mark in "。！？；\n") + 1
    ends = [i for i in (text.find(mark, c.end) for mark in "。！？；\n") if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    start, end = _trim_span(text, start, end)
    if end - start > 2 * MAX_QUOTE:
        return c
    return replace(c, start=start, end=end)


def compose_answer(
    question: str, resolved: str, hits: list[Hit], scope: Scope, index: Index
) -> Answer:
    """Turn hits into a verified, cited answer, or decline honestly."""
    if scope.unmatched:
        return _decline(
            question, resolved, hits, scope, f"关于{'、'.join(scope.unmatched)}的报告", index
        )
    kind = answer_kind(resolved, scope)
    picked, listed = _choose(kind, resolved, hits, index)
    if not picked:
        return _decline(question, resolved, hits, scope, "能回答这个问题的内容", index)
    sentences, dropped = verify_sentences(compose(kind, picked, listed), index.reports)
    if not sentences:
        return _decline(question, resolved, hits, scope, "经核验能回答这个问题的内容", index)
    lines: list[str] = []
    citations: list[Citation] = []
    for n, sentence in enumerate(sentences, start=1):
        cite = replace(sentence.citations[0], n=n)
        citations.append(cite)
        bullet = "- " if len(sentences) > 1 and (n > 1 or not listed) else ""
        end = "：" if listed and n == 1 else "。"
        lines.append(f"{bullet}{sentence.text}[{n}]{end}")
    return Answer(
        question,
        resolved,
        "\n".join(lines),
        tuple(citations),
        tuple(hits),
        not dropped,
        tuple(dropped),
    )


def answer_kind(resolved: str, scope: Scope) -> Kind:
    """The question's kind; naming two or more reports, or 分别/各, asks per report."""
    kind = question_kind(resolved)
    several = scope.doc_ids is not None and len(scope.doc_ids) > 1
    if several and (kind.each or kind.base != "list"):
        return replace(kind, per_report=True)
    return kind
