"""One answer from the answers to a question's parts: their texts in turn, each under its
part, with the citations numbered on."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.records import Answer, Citation

_MARK = re.compile(r"\[(\d+)\]")


def _numbered_on(text: str, offset: int) -> str:
    """The text with its citation marks [n] as [n + offset]."""
    return _MARK.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)


def joined_answer(question: str, answers: list[Answer]) -> Answer:
    """The parts' answers as one: each part's text under its question, its citation marks
    [n] numbered after the parts before it; grounded when every part that answers is (a part
    that declines claims nothing)."""
    texts: list[str] = []
    citations: list[Citation] = []
    for answer in answers:
        said = answer.text if answer.citations else answer.text.split("\n")[0]  # a decline
        texts.append(f"{answer.question}\n{_numbered_on(said, len(citations))}")
        citations += [replace(c, n=c.n + len(citations)) for c in answer.citations]
    hits = {h.passage.passage_id: h for a in answers for h in a.hits}
    resolved = [a.resolved_question for a in answers]
    return Answer(
        question,
        question if resolved == [a.question for a in answers] else " ".join(resolved),
        "\n\n".join(texts),
        tuple(citations),
        tuple(hits.values()),
        any(a.citations for a in answers) and all(a.grounded for a in answers if a.citations),
        tuple(n for a in answers for n in a.notes),
    )
