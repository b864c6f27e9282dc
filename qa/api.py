"""The library API the CLI and UI call: open an index once, then ask and search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qa.answer import compose_answer
from qa.config import Settings
from qa.embed import Embedder, load_default_reader, load_embedder
from qa.errors import EmptyQuestion
from qa.followup import resolve_question
from qa.index import Index, load_index
from qa.question import answer_kind
from qa.read import Reader
from qa.records import Answer, Hit
from qa.retrieve import search
from qa.scope import analyze_question

ANSWER_HITS = 8
PER_REPORT_HITS = 3


@dataclass(slots=True)
class Library:
    """An opened index with its embedding model, loaded once and reused."""

    settings: Settings
    index: Index
    embedder: Embedder
    reader: Reader | None = None

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Library:
        """Load the index named by ``settings``, its embedding model and (with the default
        model) the answer reader."""
        index = load_index(settings)
        embedder = embedder or load_embedder(settings)
        return cls(settings, index, embedder, load_default_reader(settings, embedder))

    def reload(self) -> None:
        """Pick up a new version of the index after an update."""
        self.index = load_index(self.settings)

    def search(
        self, question: str, k: int | None = None, filters: dict[str, Any] | None = None
    ) -> list[Hit]:
        """Ranked passages for a question."""
        question = check_question(question, self.settings)
        return search(
            question,
            self.index,
            self.embedder,
            k=k or self.settings.top_k,
            filters=filters,
            dense_weight=self.settings.dense_weight,
        )

    def ask(
        self,
        question: str,
        history: Sequence[str] = (),
        filters: dict[str, Any] | None = None,
    ) -> Answer:
        """Answer a question (with earlier questions of the conversation) from the reports."""
        question = check_question(question, self.settings)
        index = self.index  # one version for the whole answer, even if reload() runs meanwhile
        resolved = resolve_question(question, history, index)
        scope = analyze_question(resolved, index, filters)
        kind = answer_kind(resolved, scope)
        hits = search(
            resolved,
            index,
            self.embedder,
            k=ANSWER_HITS,
            filters=filters,
            dense_weight=self.settings.dense_weight,
            scope=scope,
            per_report=PER_REPORT_HITS if kind.per_report else None,
        )
        return compose_answer(question, resolved, hits, scope, index, self.reader)


def check_question(question: str, settings: Settings) -> str:
    """Refuse empty and over-long questions with a message that says the limit."""
    text = (question or "").strip()
    if not text:
        raise EmptyQuestion("问题为空。请输入一个问题，例如：井研县自然资源局2023年收缴罚款多少？")
    if len(text) > settings.max_question_chars:
        raise EmptyQuestion(
            f"问题过长（{len(text)} 字），请控制在 {settings.max_question_chars} 字以内。"
        )
    return text


def ask(question: str, history: Sequence[str] = (), *, library: Library) -> Answer:
    """Answer a question with an opened library."""
    return library.ask(question, history)
