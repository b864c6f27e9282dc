"""Answer stage: pick the reports' own sentences that answer, cite them, or decline."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.chunk import split_sections
from qa.clean import normalize_width, to_simplified
from qa.index import Index
from qa.keywords import tokenize
from qa.records import Answer, Citation, Hit, Report
from qa.retrieve import Scope, strip_scope_words
from qa.verify import AnswerSentence, verify_sentences

# Words that say what kind of answer is wanted.
_NUMBER_Q = re.compile(
    r"多少|几[个件次名人起宗条项家份场亩天批处]|数量|金额|比例|百分之|多大|多长|多久"
)
_YESNO_Q = re.compile(r"是否|有没有|有无|是不是|吗[？?]?$")
_LIST_Q = re.compile(r"哪些|哪几|有什么|什么(?:措施|方式|做法|举措|问题|工作|活动|内容)|几个方面")
_PER_REPORT_Q = re.compile(
    r"哪些局|哪几个局|各局|哪些(?:县|区|单位|部门|报告)|哪几(?:个|份)?(?:县|区|报告)"
)
_EACH_Q = re.compile(r"分别|各自|各是|各多少|各有")
# A figure with an optional unit: 112.23万元, 20件, 3个工作日, 98.5%.
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?(?:余|多)?(?:万|亿|千)?"
    r"(?:个工作日|工作日|人次|平方米|公顷|公里|分钟|小时|万元|亿元|元|件|次|个|人|名|亩|%|起|宗|份|场|家|项|户|条|本|册|天|日|批|处|期)?"
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
MAX_TERM_WEIGHT = 4.0
ABSENT_TERM_WEIGHT = 1.0
MAX_QUOTE = 160


@dataclass(frozen=True, slots=True)
class Kind:
    """What the question asks for: number | yesno | list | fact, and per report or not."""

    base: str
    per_report: bool


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
    if _NUMBER_Q.search(q):
        base = "number"
    elif _YESNO_Q.search(q):
        base = "yesno"
    elif _LIST_Q.search(q) and not per_report:
        base = "list"
    else:
        base = "fact"
    return Kind(base, per_report)


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
    """The unit letters an answer figure may carry, from 多少件 / 几个 / 罚款多少."""
    q = to_simplified(question)
    m = re.search(r"(?:多少|几)(个工作日|[个件次名人起宗条天亩元])", q)
    if m:
        return "天日" if m.group(1) == "个工作日" else _UNITS.get(m.group(1), m.group(1))
    if "%" in q or "比例" in q or "百分" in q or "率" in q:
        return "%"
    if any(w in q for w in _MONEY):
        return "元"
    return None


def figure_fits(text: str, units: str | None) -> bool:
    """Does the text hold a figure, with an allowed unit when one is asked for?"""
    for m in _FIGURE.finditer(text):
        if re.fullmatch(r"(?:19|20)\d{2}", m.group()):
            continue  # a bare year is not an answer figure
        unit = re.sub(r"^[\d.]+(?:余|多)?(?:万|亿|千)?", "", m.group())
        if units is None or (unit and unit[-1] in units):
            return True
    return False


def coverage(text: str, terms: dict[str, float], context: str = "") -> float:
    """Share of the question's term weight found in the text (a third for its section)."""
    if not terms:
        return 0.0
    simple = to_simplified(text)
    got = sum(w if t in simple else w / 3 if t in context else 0.0 for t, w in terms.items())
    return got / sum(terms.values())


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "，,、；;：:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "，,、：:；;"):
        end -= 1
    return start, end


def _spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of [start, end), plus windows of one to three clauses of long ones."""
    spans: list[tuple[int, int]] = []
    for m in _SPLIT.finditer(text, start, end):
        s, e = _trim_span(text, m.start(), m.end())
        if e - s < 2:
            continue
        if e - s <= MAX_QUOTE:
            spans.append((s, e))
        if e - s <= 40:
            continue
        clauses = [_trim_span(text, c.start(), c.end()) for c in _CLAUSE.finditer(text, s, e)]
        for i in range(len(clauses)):
            for j in range(i, min(i + 3, len(clauses))):
                if clauses[j][1] > clauses[i][0] and clauses[j][1] - clauses[i][0] <= MAX_QUOTE:
                    spans.append((clauses[i][0], clauses[j][1]))
    return spans


def candidates(
    hits: list[Hit], index: Index, terms: dict[str, float], units: str | None
) -> list[Candidate]:
    """Every sentence and clause of the hits, scored by how much of the question they hold."""
    found: list[Candidate] = []
    for hit in hits:
        p = hit.passage
        report = index.reports[p.doc_id]
        context = to_simplified(" ".join(p.section_path))
        for s, e in _spans(report.text, p.start, p.end):
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


def _rank_key(c: Candidate, kind: Kind) -> float:
    length_cost = 0.0005 if kind.base in ("fact", "list") else 0.0015
    return c.coverage + 0.15 * c.score - length_cost * (c.end - c.start)


def pick(kind: Kind, cands: list[Candidate]) -> list[Candidate]:
    """The candidates that answer, best first, by the kind of question."""
    if kind.base == "number":
        cands = [c for c in cands if c.figure_ok]
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
    return good[:1]


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
    best: tuple[float, Report, int] | None = None
    per_report = {r.doc_id: split_sections(r.text) for r in reports}
    for report in reports:
        for i, sec in enumerate(per_report[report.doc_id]):
            cov = coverage(sec.path[-1], terms) if sec.path else 0.0
            if cov >= MIN_COVERAGE and (best is None or cov > best[0]):
                best = (cov, report, i)
    if best is None:
        return []
    _, report, i = best
    sections = per_report[report.doc_id]
    sec, depth = sections[i], len(sections[i].path)
    inner = [s for s in sections[i + 1 :]]
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


def _decline(question: str, resolved: str, hits: list[Hit], scope: Scope, why: str) -> Answer:
    related = "；".join(
        f"《{h.passage.title}》{' '.join(h.passage.section_path[-1:])}" for h in hits[:3]
    )
    text = f"在已索引的报告中没有找到{why}。"
    if related:
        text += f"\n可能相关：{related}"
    return Answer(question, resolved, text, (), tuple(hits), False, scope.unmatched)


def _choose(
    kind: Kind, resolved: str, hits: list[Hit], index: Index
) -> tuple[list[Candidate], bool]:
    terms = key_terms(resolved, index)
    if kind.base == "list":
        reports = list(
            {h.passage.doc_id: index.reports[h.passage.doc_id] for h in hits[:4]}.values()
        )
        items = section_items(index, reports, terms)
        if items:
            return items, True
    return pick(kind, candidates(hits, index, terms, asked_units(resolved))), False


def compose_answer(
    question: str, resolved: str, hits: list[Hit], scope: Scope, index: Index
) -> Answer:
    """Turn hits into a verified, cited answer, or decline honestly."""
    if scope.unmatched:
        return _decline(question, resolved, hits, scope, f"关于{'、'.join(scope.unmatched)}的报告")
    kind = answer_kind(resolved, scope)
    picked, listed = _choose(kind, resolved, hits, index)
    if not picked:
        return _decline(question, resolved, hits, scope, "能回答这个问题的内容")
    sentences, dropped = verify_sentences(compose(kind, picked, listed), index.reports)
    if not sentences:
        return _decline(question, resolved, hits, scope, "经核验能回答这个问题的内容")
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
    if several and (_EACH_Q.search(to_simplified(resolved)) or kind.base != "list"):
        return Kind(kind.base, True)
    return kind
