"""UI session logic without widgets: ask with filters, list, upload and remove reports."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.answer.cite import quote_context
from qa.api import Library
from qa.config import Settings
from qa.errors import QAError
from qa.index.build import UpdateSummary
from qa.index.embed import Embedder
from qa.library_ops import ReportSummary
from ui.render import Turn
from ui.uploads import discard, stage_uploads, uploads_dir

ALL = "全部"
Progress = Callable[[int, int], None]


class LockedEmbedder:
    """The library's model behind a lock: chat and indexing never run it at the same time.

    Hugging Face fast tokenizers raise "Already borrowed" when one instance is used by
    two threads at once, and Gradio runs chat and upload events in parallel threads.
    """

    def __init__(self, inner: Embedder, lock: threading.RLock) -> None:
        self._inner, self._lock = inner, lock

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def dim(self) -> int:
        return self._inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._inner.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._inner.encode_documents(texts)


@dataclass(slots=True)
class UploadReport:
    """What an upload did, with failures named by the file names the user chose."""

    summary: UpdateSummary | None
    failed: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[tuple[str, str]]:
        """(kind, text) lines for the status box; kind is "ok", "info" or "error"."""
        s = self.summary
        out: list[tuple[str, str]] = []
        if s is not None:
            if s.added:
                out.append(("ok", f"已新增 {len(s.added)} 份报告：{'、'.join(s.added)}"))
            if s.changed:
                out.append(("ok", f"已更新 {len(s.changed)} 份报告：{'、'.join(s.changed)}"))
            if s.unchanged and not (s.added or s.changed):
                out.append(("info", "文件与已索引的版本相同，无需更新。"))
        out += [("error", f"{name}：{reason}") for name, reason in self.failed]
        if not out:
            out.append(("info", "没有可索引的文件。"))
        return out


def parse_filters(year: Any, agency: Any) -> dict[str, Any]:
    """Dropdown values → library filters ("全部" means no filter)."""
    return {
        "year": int(year) if year not in (None, "", ALL) else None,
        "agency": agency if agency not in (None, "", ALL) else None,
    }


def _hide_folder(reason: str, path: Path) -> str:
    """Library messages name the stored path; the user only needs the file name."""
    for shown_path in (str(path.resolve()), str(path)):
        reason = reason.replace(shown_path, path.name)
    return reason


class ChatService:
    """One opened library shared by every browser session."""

    def __init__(self, library: Library, settings: Settings) -> None:
        self.library, self.settings = library, settings
        self.lock = threading.RLock()
        self.embedder = LockedEmbedder(library.embedder, self.lock)

    @property
    def uses_llm(self) -> bool:
        """Whether answers go through the configured LLM."""
        return self.library.llm is not None

    def ask(
        self,
        question: str,
        turns: Sequence[Turn],
        year: Any,
        agency: Any,
        on_text: Callable[[str], None] | None = None,
    ) -> Turn:
        """Answer with the earlier questions as history; keep each quote's surrounding text.

        The model runs under the lock; the LLM, which may take a while, runs outside it.
        """
        history = [t.question for t in turns]
        with self.lock:
            found = self.library.retrieve(question, history, parse_filters(year, agency))
            answer = self.library.compose(found)
        if self.uses_llm:
            answer = self.library.generate(found, answer, on_text)
        contexts = tuple(quote_context(found.index, c) for c in answer.citations)
        return Turn(question.strip(), answer, contexts)

    def filter_choices(self) -> tuple[list[str], list[str]]:
        """Years (newest first) and agencies in the index, each list led by "全部"."""
        reports = self.library.reports()
        years = sorted({r.year for r in reports if r.year}, reverse=True)
        agencies = sorted({r.agency for r in reports if r.agency})
        return [ALL, *map(str, years)], [ALL, *agencies]

    def report_rows(self) -> list[ReportSummary]:
        """Every indexed report with its metadata, passage count and indexing time."""
        return self.library.reports()

    def upload(self, files: Iterable[Path], progress: Progress | None = None) -> UploadReport:
        """Store the acceptable files and index them incrementally; bad files are listed."""
        staged = stage_uploads(files, self.settings)
        report = UploadReport(None, list(staged.rejected))
        if not staged.saved:
            return report
        try:
            summary = self.library.update(staged.saved, progress=progress, embedder=self.embedder)
        except QAError:
            discard(staged.new, self.settings)
            raise
        failed = {Path(p): reason for p, reason in summary.failed}
        report.failed += [
            (staged.names.get(p, p.name), _hide_folder(why, p)) for p, why in failed.items()
        ]
        discard((p for p in staged.new if p in failed), self.settings)
        report.summary = summary
        self.reload()
        return report

    def remove(self, doc_id: str) -> UpdateSummary:
        """Drop a report from the index (and its stored upload, if it was uploaded here)."""
        report = self.library.report(doc_id)
        summary = self.library.update([], remove=[doc_id], embedder=self.embedder)
        if report is not None and Path(report.path).parent == uploads_dir(self.settings).resolve():
            discard([Path(report.path)], self.settings)
        self.reload()
        return summary

    def reload(self) -> None:
        with self.lock:
            self.library.reload()
