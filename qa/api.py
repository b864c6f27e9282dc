"""The library API the CLI and UI call: open an index once, then ask and search."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.answer.compose import compose_answer
from qa.answer.joined import joined_answer
from qa.answer.read import Reader
from qa.config import Settings
from qa.errors import ConfigError, EmptyQuestion
from qa.index.build import UpdateSummary
from qa.index.core import Index, Progress, load_index
from qa.index.embed import Embedder, load_default_reader, load_embedder
from qa.library_ops import ReportSummary, index_files, report_summaries
from qa.llm.answer import answer_with_llm
from qa.llm.client import NOT_CONFIGURED, LLMClient, open_llm
from qa.query.parse import Query, parse_query
from qa.query.parts import question_parts
from qa.query.scope import Scope
from qa.records import Answer, Hit, Report
from qa.search.retrieve import search

ANSWER_HITS = 8
PER_REPORT_HITS = 3


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What a question retrieved: the question resolved in its conversation, its scope and
    the hits, all from one version of the index."""

    query: Query
    hits: tuple[Hit, ...]
    index: Index

    @property
    def question(self) -> str:
        return self.query.question

    @property
    def resolved(self) -> str:
        return self.query.resolved

    @property
    def scope(self) -> Scope:
        return self.query.scope


@dataclass(slots=True)
class Library:
    """An opened index with its embedding model, loaded once and reused."""

    settings: Settings
    index: Index
    embedder: Embedder
    reader: Reader | None = None
    llm: LLMClient | None = None  # set when ``llm_base_url`` is configured

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Library:
        """Load the index named by ``settings``, its embedding model, (with the default
        model) the answer reader and (with ``llm_base_url``) the LLM client."""
        index = load_index(settings)
        embedder = embedder or load_embedder(settings)
        reader = load_default_reader(settings, embedder)
        return cls(settings, index, embedder, reader, open_llm(settings))

    def reload(self) -> None:
        """Pick up a new version of the index after an update."""
        self.index = load_index(self.settings)

    def reports(self) -> list[ReportSummary]:
        """Every indexed report with its metadata and passage count, newest first."""
        return report_summaries(self.index)

    def report(self, doc_id: str) -> Report | None:
        """One indexed report, or None."""
        return self.index.reports.get(doc_id)

    def update(
        self,
        paths: Iterable[Path],
        remove: Iterable[str] = (),
        progress: Progress | None = None,
        embedder: Embedder | None = None,
    ) -> UpdateSummary:
        """Index the given files (incrementally) and drop the ``remove``d reports; call
        :meth:`reload` to answer from the new version. ``embedder``: the model to embed with
        when it must be shared safely with questions answered meanwhile (default: the
        library's own)."""
        return index_files(
            paths, self.settings, embedder or self.embedder, remove=remove, progress=progress
        )

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
        *,
        use_llm: bool | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer a question (with earlier questions of the conversation) from the reports.

        ``use_llm`` None means: through the LLM when one is configured. ``on_text`` receives
        the LLM's reply so far while it streams (it is verified only once complete).
        """
        llm = self.wants_llm(use_llm)
        parts = question_parts(check_question(question, self.settings))
        if len(parts) > 1 and not llm:  # 一共多少件？其中…有几件？: each part, in turn
            turns = list(history)
            answers = []
            for part in parts:
                answers.append(self.compose(self.retrieve(part, turns, filters)))
                turns.append(part)
            return joined_answer(question, answers)
        found = self.retrieve(question, history, filters)
        answer = self.compose(found)
        if not answer.citations and found.query.scope.instead:  # said only in the year's plans
            planned = self._search(_planned(found.query), filters, found.index)
            answer = self.compose(planned) if planned.hits else answer
            found = planned if answer.citations else found
        return self.generate(found, answer, on_text) if llm else answer

    def retrieve(
        self, question: str, history: Sequence[str] = (), filters: dict[str, Any] | None = None
    ) -> Retrieval:
        """Resolve the question in its conversation, find its scope and the passages to answer
        from (the same for the extractive and the LLM answer)."""
        question = check_question(question, self.settings)
        history = check_history(history, self.settings)
        index = self.index  # one version for the whole answer, even if reload() runs meanwhile
        return self._search(parse_query(question, history, index, filters), filters, index)

    def _search(self, query: Query, filters: dict[str, Any] | None, index: Index) -> Retrieval:
        hits = search(
            query.resolved,
            index,
            self.embedder,
            k=ANSWER_HITS,
            filters=filters,
            dense_weight=self.settings.dense_weight,
            scope=query.scope,
            per_report=PER_REPORT_HITS if query.kind.per_report else None,
            terms=query.terms,
        )
        return Retrieval(query, tuple(hits), index)

    def compose(self, found: Retrieval) -> Answer:
        """The extractive answer: the reports' own sentences, verified, or a decline."""
        hits = list(found.hits)
        return compose_answer(found.query, hits, found.index, self.reader)

    def generate(
        self,
        found: Retrieval,
        extractive: Answer,
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """The LLM's verified answer, or ``extractive`` with a notice when it has none. A
        question about reports that are not indexed is declined without asking the LLM."""
        if self.llm is None or found.scope.unmatched:
            return extractive
        return answer_with_llm(
            self.llm, extractive, found.hits, found.index, self.settings.llm_max_passages, on_text
        )

    def wants_llm(self, use_llm: bool | None) -> bool:
        """Whether to answer through the LLM (``None``: when one is configured)."""
        if use_llm and self.llm is None:
            raise ConfigError(NOT_CONFIGURED)
        return self.llm is not None if use_llm is None else use_llm


def check_question(question: str, settings: Settings, what: str = "问题") -> str:
    """Refuse empty, over-long and non-text questions with a message that says the limit;
    ``what`` names the question in the message ("问题", "对话历史第 2 条")."""
    if question is not None and not isinstance(question, str):  # a JSON number or list
        raise EmptyQuestion(
            f"{what}应是一段文字，而不是 {type(question).__name__}（{str(question)[:40]}）。"
        )
    text = (question or "").strip()
    if not text:
        raise EmptyQuestion(
            f"{what}为空。请输入一个问题，例如：井研县自然资源局2023年收缴罚款多少？"
        )
    if len(text) > settings.max_question_chars:
        raise EmptyQuestion(
            f"{what}过长（{len(text)} 字），请控制在 {settings.max_question_chars} 字以内。"
        )
    if any("\ud800" <= ch <= "\udfff" for ch in text):  # undecodable bytes of the command line
        raise EmptyQuestion(
            f"{what}中有无法识别的字节（不是有效的 UTF-8 文字）。请把终端或文件的编码设为 UTF-8 后重试。"
        )
    return text


def check_history(history: Sequence[str], settings: Settings) -> list[str]:
    """The earlier questions, each checked as a question is (blank ones are left out)."""
    if isinstance(history, str) or not isinstance(history, Sequence):
        raise EmptyQuestion(f"对话历史应是问题的列表，而不是 {type(history).__name__}。")
    return [
        check_question(q, settings, f"对话历史第 {n} 条")
        for n, q in enumerate(history, start=1)
        if not isinstance(q, str) or q.strip()
    ]


def _planned(query: Query) -> Query:
    """The query scoped to the reports that plan the year it asks about."""
    scope = replace(query.scope, doc_ids=query.scope.instead, instead=())
    return replace(query, scope=scope)


def ask(question: str, history: Sequence[str] = (), *, library: Library) -> Answer:
    """Answer a question with an opened library."""
    return library.ask(question, history)
