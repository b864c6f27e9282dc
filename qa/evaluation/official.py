"""The scoring rules every question set is measured by (../shared/notes/scoring.md), on the
strings of an answer: answer hit, citation hit, refusal and evidence recall@5.

`qa eval` reports these beside its own, stricter-in-places metrics (``official_*``): its own
citation check locates the evidence in the report and compares spans, and its list answers
need every gold string; the rules here compare normalised strings only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from qa.ingest.clean import to_simplified

_PINYIN = re.compile(r"\([a-zA-Z\u00C0-\u024F]+\)")
_MARKER = re.compile(r"\[\d+\]")
_NOT_FOUND = re.compile(r"没有找到|未找到|没有相关|未提及|没有提及|未能找到|找不到")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_LISTING = ("已索引", "可能相关")
MIN_INSIDE = 8  # a cited quote lying inside an evidence string counts from this length


def norm(text: str) -> str:
    """NFKC, pinyin artefacts out, traditional → simplified, no whitespace."""
    text = _PINYIN.sub("", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", "", to_simplified(text))


def answer_hit(gold: Sequence[str], groups: Sequence[Sequence[str]], answer: str) -> bool:
    """Some gold string occurs in the answer; with groups, one member of every group."""
    text = norm(_MARKER.sub("", answer))
    if groups:
        return all(any(norm(g) in text for g in group) for group in groups)
    return any(norm(g) in text for g in gold)


def citation_share(evidence: Sequence[str], quotes: Sequence[str]) -> float:
    """The share of evidence strings that some cited quote contains, or lies inside (from
    :data:`MIN_INSIDE` characters)."""
    cited = [norm(q) for q in quotes]
    found = [
        any(e in q or (len(q) >= MIN_INSIDE and q in e) for q in cited)
        for e in (norm(s) for s in evidence)
    ]
    return sum(found) / len(found) if found else 0.0


def refused(answer: str, question: str) -> bool:
    """The answer says nothing was found and states no figure: no number outside the question,
    report years and the lines listing what is indexed or possibly related aside."""
    if not _NOT_FOUND.search(answer):
        return False
    asked = set(_NUMBER.findall(norm(question)))
    for line in answer.splitlines():
        if line.lstrip().startswith(_LISTING):
            continue
        for n in _NUMBER.findall(norm(line)):
            if n not in asked and not _YEAR.fullmatch(n):
                return False
    return True


def recall(evidence: Sequence[str], passages: Sequence[str]) -> float:
    """The share of evidence strings found in the text of the given (top 5) passages."""
    texts = [norm(p) for p in passages]
    found = [any(norm(e) in t for t in texts) for e in evidence]
    return sum(found) / len(found) if found else 0.0
