"""LLM answers: prompt the LLM with the retrieved passages, keep what verifies, else fall back.

The extractive answer is always composed first; it is what the user gets, with a short notice,
when the LLM fails or none of its sentences survives verification.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from qa.errors import LLMError
from qa.index.core import Index
from qa.ingest.clean import to_simplified
from qa.llm.client import LLMClient, build_messages, generate, offered_passages
from qa.llm.verify import MARKER, verify_reply
from qa.records import Answer, Hit

log = logging.getLogger(__name__)

FALLBACK = "以下为摘录式回答，直接摘自报告原文。"
# A reply that only says the passages do not answer (没有相关内容, 未提及, 无法回答).
_SAYS_NOTHING = re.compile(
    r"没有(?:相关|提到|提及|涉及|找到)|未(?:提到|提及|涉及|找到|说明)|无法回答|不包含"
)


def answer_with_llm(
    client: LLMClient,
    fallback: Answer,
    hits: Sequence[Hit],
    index: Index,
    max_passages: int,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    """The LLM's verified answer over the top hits, or ``fallback`` with a notice saying why."""
    offered = offered_passages(hits, index, max_passages)
    if not offered:
        return replace(fallback, notice=f"没有检索到可供大模型参考的段落。{FALLBACK}")
    messages = build_messages(fallback.resolved_question, offered)
    try:
        reply = generate(client, messages, on_text)
    except LLMError as exc:
        log.info("LLM answer failed, falling back to the extractive answer: %s", exc)
        return replace(fallback, notice=f"大模型未能作答：{exc}。{FALLBACK}")
    result = verify_reply(reply, offered, index.reports)
    if not result.kept:
        return replace(fallback, dropped=result.dropped, notice=_nothing_kept(reply))
    return Answer(
        fallback.question,
        fallback.resolved_question,
        result.text,
        result.citations,
        tuple(hits),
        True,
        result.notes,
        mode="llm",
        dropped=result.dropped,
    )


def _nothing_kept(reply: str) -> str:
    if not MARKER.search(reply) and _SAYS_NOTHING.search(to_simplified(reply)):
        return f"大模型认为检索到的段落没有回答这个问题。{FALLBACK}"
    return f"大模型的回答没有一句通过核验，已全部删除。{FALLBACK}"
