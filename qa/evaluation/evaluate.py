"""Eval stage: score retrieval, answers, citations, grounding and refusals on a question set."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qa.answer.verify import support_text
from qa.errors import ConfigError
from qa.evaluation import official
from qa.evaluation.metrics import check_gate, results_to_json, summarize, summarize_by_type
from qa.ingest.clean import to_simplified
from qa.llm.verify import split_reply
from qa.records import Answer, Hit

if TYPE_CHECKING:
    from qa.api import Library

# The aggregates live in metrics.py; callers of the eval stage import them from here too.
__all__ = [
    "EvalItem",
    "Evidence",
    "ItemResult",
    "answer_hit",
    "check_gate",
    "citation_scores",
    "figures_verified",
    "load_questions",
    "results_to_json",
    "retrieval_rank",
    "run_item",
    "summarize",
    "summarize_by_type",
]

# A figure with a unit, as a refusal must not state one: 112.23万元, 20件, 98%.
_STATED_FIGURE = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?(?:万|亿)?(?:元|件|次|个|人|名|亩|%|起|宗|份|项|条|天)"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MARKER = re.compile(r"\[\d+\]")
RANK_DEPTH = 10


@dataclass(frozen=True, slots=True)
class Evidence:
    doc_id: str
    quote: str


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One question with its gold answers and evidence."""

    qid: str
    type: str
    question: str
    history: tuple[str, ...] = ()
    gold: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    gold_doc: str | None = None  # external sets: the gold passage's report
    gold_groups: tuple[tuple[str, ...], ...] = ()  # parts an answer needs, one of each group

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    @property
    def expects_refusal(self) -> bool:
        return self.type == "unanswerable"

    @property
    def needs_all(self) -> bool:
        return self.type in ("list", "cross_doc")


@dataclass(slots=True)
class ItemResult:
    """What happened to one item."""

    qid: str
    type: str
    question: str
    resolved: str
    answer: str
    gold: list[str]
    cited: list[str]
    rank: int | None
    answer_hit: bool
    citation_hit: bool | None
    citation_recall: float | None
    citation_precision: float | None
    grounded: bool
    figures_verified: bool
    refused: bool | None
    seconds: float
    failures: list[str] = field(default_factory=list)
    llm: bool = False  # asked through the LLM mode (qa eval --llm)
    mode: str = "extractive"  # who wrote the answer; "extractive" under --llm means fell back
    sentences: int = 0  # generated sentences, kept and dropped
    dropped: int = 0
    # the same answer under ../shared/notes/scoring.md (qa.evaluation.official)
    official_answer: bool | None = None
    official_citation: float | None = None
    official_refused: bool | None = None
    official_recall: float | None = None


def load_questions(path: Path) -> list[EvalItem]:
    """Read eval/questions.jsonl rows."""
    items: list[EvalItem] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(
                EvalItem(
                    qid=row["qid"],
                    type=row["type"],
                    question=row["question"],
                    history=tuple(row.get("history") or ()),
                    gold=tuple(row.get("gold") or ()),
                    gold_groups=tuple(tuple(g) for g in row.get("gold_groups") or ()),
                    evidence=tuple(
                        Evidence(e["doc_id"], e["quote"]) for e in row.get("evidence") or ()
                    ),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(f"评测文件 {path} 第 {n} 行格式错误：{exc}") from exc
    return items


def _norm(text: str) -> str:
    """As scoring.md normalises: NFKC (６％ is 6%), simplified script, no whitespace."""
    return re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", text)))


def answer_hit(item: EvalItem, answer: Answer) -> bool:
    """A gold string in the answer (all of them for list and cross-report items; one of each
    group where the item lists the parts an answer needs)."""
    if not item.answerable:
        return False
    text = _norm(_MARKER.sub("", answer.text)) if answer.citations else ""
    if item.gold_groups:
        return all(any(_norm(g) in text for g in group) for group in item.gold_groups)
    found = [_norm(g) in text for g in item.gold]
    return all(found) if item.needs_all else any(found)


def _evidence_spans(library: Library, item: EvalItem) -> list[list[tuple[str, int, int]]]:
    """Each evidence quote's places in its report: every occurrence (a table row's label may
    also stand in a note or the prose), one list per quote found."""
    spans = []
    for ev in item.evidence:
        report = library.index.reports.get(ev.doc_id)
        if report is None or not ev.quote:
            continue
        found = [
            (ev.doc_id, m.start(), m.start() + len(ev.quote))
            for m in re.finditer(re.escape(ev.quote), report.text)
        ]
        if found:
            spans.append(found)
    return spans


def _overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and min(a[2], b[2]) > max(a[1], b[1])


def citation_scores(
    library: Library, item: EvalItem, answer: Answer
) -> tuple[bool | None, float | None, float | None]:
    """(any evidence cited, share of evidence cited, share of citations on evidence)."""
    spans = _evidence_spans(library, item)
    if not spans:
        return None, None, None
    cited = [(c.doc_id, c.start, c.end) for c in answer.citations]
    covered = [any(_overlaps(s, c) for s in places for c in cited) for places in spans]
    precise = [any(_overlaps(c, s) for places in spans for s in places) for c in cited]
    precision = sum(precise) / len(precise) if precise else None
    return any(covered), sum(covered) / len(covered), precision


def figures_verified(library: Library, answer: Answer) -> bool:
    """Every number in the answer appears in its cited quotes, their reports' names and
    dates, a cited table row's headers (and a 元 figure restated in 万元), or the question
    (restated above the answer to each of its parts)."""
    support = support_text(answer.citations, library.index.reports) + "\n" + answer.question
    numbers = set(_NUMBER.findall(support))
    return all(n in numbers for n in _NUMBER.findall(_MARKER.sub("", answer.text)))


def retrieval_rank(library: Library, item: EvalItem, hits: list[Hit]) -> int | None:
    """1-based rank of the first evidence passage among the hits, None if absent."""
    spans = _evidence_spans(library, item)
    for hit in hits:
        p = hit.passage
        if item.gold_doc is not None and p.doc_id == item.gold_doc:
            return hit.rank
        if any(_overlaps((p.doc_id, p.start, p.end), s) for places in spans for s in places):
            return hit.rank
    return None


def run_item(library: Library, item: EvalItem, use_llm: bool = False) -> ItemResult:
    """Ask one question and score everything about the answer."""
    started = time.perf_counter()
    answer = library.ask(item.question, list(item.history), use_llm=use_llm)
    seconds = time.perf_counter() - started
    hits = library.search(answer.resolved_question, k=RANK_DEPTH) if item.answerable else []
    rank = retrieval_rank(library, item, hits) if item.answerable else None
    hit = answer_hit(item, answer)
    c_hit, c_recall, c_precision = citation_scores(library, item, answer)
    # A refusal cites nothing; it must only state no figure (checked as `refused`).
    verified = figures_verified(library, answer) if answer.citations else True
    refused = None
    if item.expects_refusal:
        refused = not answer.citations and not _STATED_FIGURE.search(answer.text)
    result = ItemResult(
        item.qid,
        item.type,
        item.question,
        answer.resolved_question,
        answer.text,
        list(item.gold),
        [c.quote for c in answer.citations],
        rank,
        hit,
        c_hit,
        c_recall,
        c_precision,
        answer.grounded,
        verified,
        refused,
        seconds,
    )
    _score_officially(result, library, item, answer, hits)
    result.failures = _failures(result, item)
    if use_llm:
        kept = len(split_reply(answer.text)) if answer.mode == "llm" else 0
        result.llm, result.mode = True, answer.mode
        result.sentences, result.dropped = kept + len(answer.dropped), len(answer.dropped)
    return result


def _score_officially(
    r: ItemResult, library: Library, item: EvalItem, answer: Answer, hits: list[Hit]
) -> None:
    """The item scored by the rules the unseen reports are measured by (``hits``: those of
    the resolved question, reused when it is the question as asked)."""
    quotes = [e.quote for e in item.evidence]
    if item.answerable:
        r.official_answer = official.answer_hit(item.gold, item.gold_groups, answer.text)
        r.official_citation = official.citation_share(quotes, [c.quote for c in answer.citations])
        if not item.history:  # qa search --batch: the question as asked, its top 5 passages
            if answer.resolved_question != item.question:
                hits = library.search(item.question, k=5)
            texts = [
                library.index.reports[h.passage.doc_id].text[h.passage.start : h.passage.end]
                for h in hits[:5]
            ]
            r.official_recall = official.recall(quotes, texts)
    if item.expects_refusal:
        r.official_refused = official.refused(answer.text, item.question)


def _failures(r: ItemResult, item: EvalItem) -> list[str]:
    out = []
    if item.answerable and not r.answer_hit:
        out.append("answer")
    if r.citation_hit is False:
        out.append("citation")
    if not r.figures_verified:
        out.append("unverified-figure")
    if r.refused is False:
        out.append("refusal")
    return out
