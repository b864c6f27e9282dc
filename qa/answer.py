"""Answer stage: pick the reports' own sentences that answer, cite them, or decline."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.clean import normalize_width, to_simplified
from qa.index import Index
from qa.keywords import tokenize
from qa.records import Answer, Citation, Hit, Report
from qa.retrieve import Scope, strip_scope_words
from qa.verify import AnswerSentence, verify_sentences

# Words that say what kind of answer is wanted.
_NUMBER_Q = re.compile(
    r"多少|几[个件次名人起宗条项家份场亩天批处]?|数量|金额|比例|百分之|多大|多长"
)
_YESNO_Q = re.compile(r"是否|有没有|有无|是不是|吗[？?]?$")
_LIST_Q = re.compile(r"哪些|哪几|有什么|什么(?:措施|方式|做法|举措|问题|工作|活动|内容)")
_PER_REPORT_Q = re.compile(
    r"哪些局|哪几个局|各局|分别|哪些(?:县|区|单位|部门|报告)|哪几个(?:县|区)"
)
# A figure with an optional unit: 112.23万元, 20件, 3个工作日, 98.5%.
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?(?:余|多)?(?:万|亿|千)?"
    r"(?:个工作日|工作日|人次|平方米|公顷|公里|万元|亿元|元|件|次|个|人|名|亩|%|起|宗|份|场|家|项|户|条|本|册|天|日|批|处|期|宗)?"
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
    "天": "天日工作日",
    "亩": "亩",
    "元": "元",
    "%": "%",
}
_MONEY = ("罚款", "罚没", "金额", "资金", "经费", "保证金", "费用", "多少钱", "收缴", "收取")
_SPLIT = re.compile(r"[^。！？；\n]+[。！？；]?")
_CLAUSE = re.compile(r"[^，,、：:]+[，,、：:]?")
_GENERIC = frozenset(
    "自然资源 自然 资源 局 报告 年度 年 县 区 市 工作 情况 开展 提到 哪些 多少 几 我局 今年 全年 共".split()
)
_NEGATION = re.compile(r"未|没有|无一|无|不")
MAX_SENTENCES = 3
MIN_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence or clause span of one report, scored against the question."""

    report: Report
    hit: Hit
    start: int
    end: int
    coverage: float
    figure_ok: bool

    @property
    def text(self) -> str:
        return self.report.text[self.start : self.end]


def question_kind(question: str) -> str:
    """number | yesno | list | per_report | fact."""
    q = to_simplified(question)
    if _PER_REPORT_Q.search(q):
        return "per_report"
    if _NUMBER_Q.search(q):
        return "number"
    if _YESNO_Q.search(q):
        return "yesno"
    if _LIST_Q.search(q):
        return "list"
    return "fact"


def key_terms(question: str, index: Index) -> dict[str, float]:
    """Content words of the question, weighted by length; places and years left out."""
    q = strip_scope_words(to_simplified(normalize_width(question)), index)
    terms = {t: min(len(t), 4) / 4 for t in tokenize(q) if t not in _GENERIC and not t.isdigit()}
    return terms


def asked_units(question: str) -> str | None:
    """The unit letters an answer figure may carry, from 多少件 / 几个 / 罚款多少."""
    q = to_simplified(question)
    m = re.search(r"(?:多少|几)(个工作日|[个件次名人起宗条天亩元])", q)
    if m:
        return "天日工作日" if m.group(1) == "个工作日" else _UNITS.get(m.group(1), m.group(1))
    if "%" in q or "比例" in q or "百分" in q:
        return "%"
    if any(w in q for w in _MONEY):
        return "元"
    return None


def figure_fits(text: str, units: str | None) -> bool:
    """Does the text hold a figure, with an allowed unit when one is asked for?"""
    for m in _FIGURE.finditer(text):
        unit = re.sub(r"^[\d.]+(?:余|多)?(?:万|亿|千)?", "", m.group())
        if re.fullmatch(r"(?:19|20)\d{2}", m.group()):
            continue  # a bare year is not an answer figure
        if units is None or (unit and unit[-1] in units) or (units == "元" and "元" in unit):
            return True
    return False


def _coverage(text: str, terms: dict[str, float], context: str) -> float:
    if not terms:
        return 0.0
    simple = to_simplified(text)
    got = sum(w if t in simple else w / 3 if t in context else 0.0 for t, w in terms.items())
    return got / sum(terms.values())


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "，,、；;：:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "，,、：:"):
        end -= 1
    return start, end


def _spans(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Sentence spans of [start, end), plus clause windows of the longer sentences."""
    spans: list[tuple[int, int, bool]] = []
    for m in _SPLIT.finditer(text, start, end):
        s, e = _trim_span(text, m.start(), m.end())
        if e - s < 2:
            continue
        spans.append((s, e, True))
        if e - s <= 40:
            continue
        clauses = [_trim_span(text, c.start(), c.end()) for c in _CLAUSE.finditer(text, s, e)]
        for i in range(len(clauses)):
            for j in (i, i + 1):
                if j < len(clauses) and clauses[j][1] > clauses[i][0]:
                    spans.append((clauses[i][0], clauses[j][1], False))
    return spans


def candidates(
    hits: list[Hit], index: Index, terms: dict[str, float], units: str | None
) -> list[Candidate]:
    """Every sentence and clause of the hits, scored by how much of the question they hold."""
    found: list[Candidate] = []
    for hit in hits:
        report = index.reports[hit.passage.doc_id]
        context = to_simplified(" ".join(hit.passage.section_path))
        for s, e, _ in _spans(report.text, hit.passage.start, hit.passage.end):
            text = report.text[s:e]
            cov = _coverage(text, terms, context)
            found.append(Candidate(report, hit, s, e, cov, figure_fits(text, units)))
    return found


def _rank_key(c: Candidate) -> float:
    return c.coverage + 0.15 * c.hit.score - 0.0015 * (c.end - c.start)


def _lead(report: Report) -> str:
    year = f"（{report.year}年）" if report.year else ""
    return f"{report.agency or report.title}{year}："


def _citation(n: int, c: Candidate) -> Citation:
    p = c.hit.passage
    return Citation(
        n=n,
        passage_id=p.passage_id,
        doc_id=p.doc_id,
        start=c.start,
        end=c.end,
        quote=c.text,
        title=c.report.title,
        agency=c.report.agency,
        year=c.report.year,
        section_path=p.section_path,
        source=c.report.path,
        page=c.report.page_at(c.start),
    )


def _sentence(n: int, c: Candidate, head: str = "") -> AnswerSentence:
    body = c.text.rstrip("。；;！!？?")
    return AnswerSentence(f"{head}{_lead(c.report)}{body}", (_citation(n, c),))


def _pick(kind: str, cands: list[Candidate]) -> list[Candidate]:
    """The candidates that answer, best first, by the kind of question."""
    if kind == "number":
        cands = [c for c in cands if c.figure_ok]
    good = sorted((c for c in cands if c.coverage >= MIN_COVERAGE), key=_rank_key, reverse=True)
    if not good:
        return []
    if kind == "per_report":
        best: dict[str, Candidate] = {}
        for c in good:
            best.setdefault(c.report.doc_id, c)
        return list(best.values())
    if kind == "list":
        chosen: list[Candidate] = []
        for c in good:
            if all(c.end <= o.start or c.start >= o.end for o in chosen):
                chosen.append(c)
            if len(chosen) == MAX_SENTENCES:
                break
        return chosen
    return good[:1]


def compose(question: str, kind: str, picked: list[Candidate]) -> list[AnswerSentence]:
    """Write the answer sentences, each quoting its evidence."""
    if kind == "yesno":
        c = picked[0]
        negative = _NEGATION.search(to_simplified(c.text)) is not None
        return [_sentence(1, c, head="否。" if negative else "是。")]
    return [_sentence(i + 1, c) for i, c in enumerate(picked)]


def _decline(question: str, resolved: str, hits: list[Hit], scope: Scope, why: str) -> Answer:
    related = "；".join(
        f"《{h.passage.title}》{' '.join(h.passage.section_path[-1:])}" for h in hits[:3]
    )
    text = f"在已索引的报告中没有找到{why}。"
    if related:
        text += f"\n可能相关：{related}"
    return Answer(question, resolved, text, (), tuple(hits), False, scope.unmatched)


def compose_answer(
    question: str, resolved: str, hits: list[Hit], scope: Scope, index: Index
) -> Answer:
    """Turn hits into a verified, cited answer, or decline honestly."""
    if scope.unmatched:
        return _decline(question, resolved, hits, scope, f"关于{'、'.join(scope.unmatched)}的报告")
    kind = question_kind(resolved)
    terms = key_terms(resolved, index)
    picked = _pick(kind, candidates(hits, index, terms, asked_units(resolved)))
    if not picked:
        return _decline(question, resolved, hits, scope, "能回答这个问题的内容")
    sentences, dropped = verify_sentences(compose(resolved, kind, picked), index.reports)
    if not sentences:
        return _decline(question, resolved, hits, scope, "经核验能回答这个问题的内容")
    lines: list[str] = []
    citations: list[Citation] = []
    for n, sentence in enumerate(sentences, start=1):
        cites = tuple(_renumber(c, n) for c in sentence.citations)
        citations.extend(cites)
        marker = "".join(f"[{c.n}]" for c in cites)
        prefix = "- " if kind in ("per_report", "list") and len(sentences) > 1 else ""
        lines.append(f"{prefix}{sentence.text}{marker}。")
    return Answer(
        question,
        resolved,
        "\n".join(lines),
        tuple(citations),
        tuple(hits),
        not dropped,
        tuple(dropped),
    )


def _renumber(c: Citation, n: int) -> Citation:
    return replace(c, n=n)
