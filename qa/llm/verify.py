"""Verification of a generated answer, sentence by sentence, against the passages it cites.

A sentence survives only if it cites passages that were offered, and every figure, date,
document number, named body, title, quotation and web address it states (:mod:`qa.llm.claims`)
occurs in the sentences it is then quoted with (after t2s and full-width normalisation), and it
shares enough of its wording with them. The quotes are whole sentences of the cited passages, so
each citation is an exact span of its report; :func:`qa.answer.verify.check_sentence` checks the
spans and every number once more. Failing sentences are dropped with the reason; markers are
renumbered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from qa.answer.verify import AnswerSentence, check_sentence
from qa.index.sentences import sentence_spans
from qa.ingest.clean import normalize_width, to_simplified
from qa.llm.claims import Claim, claims, norm
from qa.llm.client import Offered
from qa.query.question import bare_question
from qa.records import Citation, Dropped, Report

# A source marker as models write it: [1], [1][2], [1,3], ［2］, 【3】
MARKER = re.compile(r"[\[［【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］】]")
# One sentence of a reply line: up to 。！？ and the markers right after it (…万元。[1]).
_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+(?:\s*" + MARKER.pattern + r")*|$)")
# A list bullet at the start of a line: - 1. 2、 (3) 一、 (not 1.5万元)
_BULLET = re.compile(
    r"^\s*(?:[-*•·]|\d{1,2}[.、．)）](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)\s*"
)
_MARKDOWN = re.compile(r"\*\*|__|^#+\s*")
# A report sentence that talks to a model (忽略以上要求…, 你现在是…): data, never evidence.
_ADDRESSES_MODEL = re.compile(
    r"忽略(?:以上|上述|之前|前面|先前|所有|全部)"
    r"|你(?:现在)?(?:是一个|扮演|必须|应当|应该|需要)"
    r"|请(?:直接)?(?:回答|输出|回复|告诉用户)|系统提示|提示词"
    r"|ignore (?:all |the )?(?:previous|above|prior)|instructions?\b|system prompt",
    re.IGNORECASE,
)
MIN_SHARED = 0.4  # share of a sentence's character bigrams its quotes (and report) must hold


@dataclass(frozen=True, slots=True)
class ReplySentence:
    """One sentence of the LLM's reply: its text without markers, bullet and end mark."""

    text: str
    markers: tuple[int, ...]
    end: str  # 。！？ (。 for a line that ends without one)
    line_end: bool  # the reply's line ends after it
    raw: str  # as the model wrote it, markers included


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence of a cited passage, a possible quote."""

    source: Offered
    start: int
    end: int
    norm: str


@dataclass(frozen=True, slots=True)
class VerifiedReply:
    """The surviving sentences as answer text with renumbered markers, and what was dropped."""

    text: str
    citations: tuple[Citation, ...]
    dropped: tuple[Dropped, ...]
    notes: tuple[str, ...]
    kept: int


def split_reply(reply: str) -> list[ReplySentence]:
    """The reply's sentences, each with the source numbers it cites."""
    out: list[ReplySentence] = []
    for line in reply.splitlines():
        line = _MARKDOWN.sub("", _BULLET.sub("", line, count=1))
        pieces = [m.group().strip() for m in _SENTENCE.finditer(line) if m.group().strip()]
        for i, piece in enumerate(pieces):
            numbers = [re.split(r"\s*[,，、]\s*", m.group(1)) for m in MARKER.finditer(piece)]
            body = normalize_width(MARKER.sub("", piece)).strip()
            end = re.search(r"[。！？!?]+$", body)
            body = (body[: end.start()] if end else body).strip().rstrip("，,；;：:、")
            if not re.search(r"\w", body):
                continue  # a stray mark or marker
            mark = {"!": "！", "?": "？"}.get(end.group()[0], end.group()[0]) if end else "。"
            markers = tuple(int(n) for group in numbers for n in group)
            out.append(ReplySentence(body, markers, mark, i == len(pieces) - 1, piece))
    return out


def candidate_spans(sources: Sequence[Offered]) -> list[Span]:
    """The sentences of the cited passages that may be quoted: not a sentence that talks to a
    model (a planted instruction is report text, never evidence)."""
    spans: list[Span] = []
    for o in sources:
        text = o.report.text
        for s, e in sentence_spans(text, o.passage.start, o.passage.end):
            if e - s >= 2 and not _ADDRESSES_MODEL.search(to_simplified(text[s:e])):
                spans.append(Span(o, s, e, norm(text[s:e])))
    return spans


def report_facts(sources: Sequence[Offered]) -> str:
    """What the cited reports say of themselves, as :func:`qa.answer.verify.check_sentence` counts it."""
    parts: list[str] = []
    for o in sources:
        r = o.report
        parts += [r.agency, r.region, r.title, f"{r.year}年" if r.year else "", r.signed or ""]
    return norm(" ".join(parts))


def _bigrams(text: str) -> set[str]:
    bare = bare_question(MARKER.sub("", text))
    return {bare[i : i + 2] for i in range(len(bare) - 1)}


def shared(sentence: str, support: str) -> float:
    """The share of the sentence's character bigrams that the support holds."""
    grams = _bigrams(sentence)
    return len(grams & _bigrams(support)) / len(grams) if grams else 1.0


def cover(needed: list[Claim], spans: list[Span]) -> tuple[list[Span], Claim | None]:
    """Sentences that together hold every claim (greedy, the earlier of ``spans`` first on a
    tie), or the first claim none holds."""
    chosen: list[Span] = []
    while needed:
        best = max(spans, key=lambda s: sum(c.held_by(s.norm) for c in needed), default=None)
        held = [c for c in needed if best is not None and c.held_by(best.norm)]
        if best is None or not held:
            return chosen, needed[0]
        chosen.append(best)
        needed = [c for c in needed if c not in held]
    return chosen, None


def choose_quotes(sentence: str, sources: Sequence[Offered]) -> tuple[list[Span], str | None]:
    """The sentences of ``sources`` to quote for ``sentence``, or why there are none."""
    facts = report_facts(sources)
    needed = [c for c in claims(sentence) if not c.held_by(facts)]
    # most alike first: of the sentences holding a figure, the one the answer restates
    by_match = sorted(candidate_spans(sources), key=lambda s: -shared(sentence, s.norm))
    chosen, missing = cover(needed, by_match)
    if missing is not None:
        return [], f"{missing.kind}“{missing.shown}”不在所引段落中"
    for extra in [None, *by_match[:1]]:
        if extra is not None and extra not in chosen:
            chosen = [*chosen, extra]
        if chosen and shared(sentence, facts + "".join(s.norm for s in chosen)) >= MIN_SHARED:
            return sorted(chosen, key=lambda s: (s.source.n, s.start)), None
    return [], "与所引段落的内容不符"


def quote(span: Span) -> Citation:
    """The span as an exact quote of its report (numbered later)."""
    p, r = span.source.passage, span.source.report
    return Citation(
        n=0,
        passage_id=p.passage_id,
        doc_id=p.doc_id,
        start=span.start,
        end=span.end,
        quote=r.text[span.start : span.end],
        title=r.title,
        agency=r.agency,
        year=r.year,
        section_path=p.section_path,
        source=r.path,
        page=r.page_at(span.start),
    )


def support_for(
    sentence: str, sources: Sequence[Offered], reports: Mapping[str, Report]
) -> tuple[tuple[Citation, ...], str | None]:
    """The citations that verify ``sentence`` against ``sources``, or why it fails."""
    spans, why = choose_quotes(sentence, sources)
    if why is not None:
        return (), why
    citations = tuple(quote(s) for s in spans)
    why = check_sentence(AnswerSentence(sentence, citations), reports)
    return (citations, None) if why is None else ((), why)


def verify_sentence(
    s: ReplySentence, offered: Mapping[int, Offered], reports: Mapping[str, Report]
) -> tuple[tuple[Citation, ...], str | None, bool]:
    """(citations, reason it fails, re-cited): a sentence whose figures are in another offered
    passage than the one it cites is re-cited to that passage, never left as it is."""
    if not s.markers:
        return (), "没有标注来源编号", False
    unknown = sorted({n for n in s.markers if n not in offered})
    if unknown:
        return (), f"引用了未提供的编号 {'、'.join(f'[{n}]' for n in unknown)}", False
    cited = [offered[n] for n in dict.fromkeys(s.markers)]
    citations, why = support_for(s.text, cited, reports)
    if why is None or not claims(s.text):
        return citations, why, False
    for other in (o for n, o in offered.items() if n not in s.markers):
        moved, still = support_for(s.text, [other], reports)
        if still is None:
            return moved, None, True
    return (), why, False


def verify_reply(
    reply: str, offered: Sequence[Offered], reports: Mapping[str, Report]
) -> VerifiedReply:
    """Keep the verified sentences of a reply, quote their sources, renumber the markers."""
    by_n = {o.n: o for o in offered}
    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    dropped: list[Dropped] = []
    notes: list[str] = []
    for s in split_reply(reply):
        cites, why, moved = verify_sentence(s, by_n, reports)
        if why is not None:
            dropped.append(Dropped(s.raw, why))
            continue
        if moved:
            notes.append(f"已按原文更正这句的来源：{s.text}")
        marks = ""
        for c in cites:
            key = (c.doc_id, c.start, c.end)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(replace(c, n=numbers[key]))
            marks += f"[{numbers[key]}]"
        parts.append(f"{s.text}{marks}{s.end}" + ("\n" if s.line_end else ""))
    text = "".join(parts).strip()
    return VerifiedReply(text, tuple(citations), tuple(dropped), tuple(notes), len(parts))
