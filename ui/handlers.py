"""UI event handlers: Gradio inputs → ChatService calls → rendered outputs; errors as gr.Error."""

from __future__ import annotations

import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr

from qa.api import check_question
from qa.errors import QAError
from qa.records import shown_title
from ui.export import export_files, to_plain_text
from ui.render import (
    Turn,
    render_library,
    render_messages,
    render_pending,
    render_status,
    shown,
)
from ui.service import ChatService

Chat = tuple[list[dict[str, str]], list[Turn], str]
PROGRESS_PAUSE = 0.3  # seconds between 生成中… updates while the LLM streams

SCOPE_LAST = "最近一条回答"
SCOPE_ALL = "整段对话"
SCOPES = (SCOPE_LAST, SCOPE_ALL)
# Gradio finds the progress bar by this default value and swaps in a tracker per call.
PROGRESS = gr.Progress()
EXAMPLES = (
    "井研县自然资源局2023年收缴罚款多少？",
    "哪些局提到执法力量薄弱？",
    "湘潭县2025年行政复议案件有多少件？",
)


@contextmanager
def readable_errors() -> Iterator[None]:
    """Library errors become a Gradio message box, never a stack trace."""
    try:
        yield
    except QAError as exc:
        raise gr.Error(str(exc), print_exception=False) from exc


def file_paths(files: Any) -> list[Path]:
    """Paths of a gr.File value (None, one path, or a list of paths / FileData)."""
    if not files:
        return []
    items = files if isinstance(files, list) else [files]
    return [
        Path(f if isinstance(f, str | Path) else getattr(f, "path", None) or f.name) for f in items
    ]


# A conversation keeps (and shows) its last 100 questions: each answer re-renders the whole chat
# and Gradio keeps it per session, so one tab driven without end must not grow without end.
MAX_TURNS = 100


def recent(turns: list[Turn]) -> list[Turn]:
    """The conversation's last MAX_TURNS turns."""
    return turns[-MAX_TURNS:]


class Handlers:
    """The functions the Blocks layout wires to its events."""

    def __init__(self, service: ChatService) -> None:
        self.service = service

    def submit(
        self, message: str, turns: list[Turn], year: Any, agency: Any, script: str
    ) -> tuple[list[dict[str, str]], list[Turn], str]:
        """Ask the question; return the re-rendered chat, the new state and an empty input box."""
        with readable_errors():
            turn = self.service.ask(message, turns or [], year, agency)
        turns = recent([*(turns or []), turn])
        return render_messages(turns, script), turns, ""

    def example(
        self, evt: gr.SelectData, turns: list[Turn], year: Any, agency: Any, script: str
    ) -> tuple[list[dict[str, str]], list[Turn], str]:
        """A click on an example question of the empty chat asks it."""
        return self.submit(example_text(evt), turns, year, agency, script)

    def submit_llm(
        self, message: str, turns: list[Turn], year: Any, agency: Any, script: str
    ) -> Iterator[Chat]:
        """With an LLM: the question and 生成中… at once, then the answer once verified.

        The LLM streams in a worker thread; until its reply is verified only its length shows.
        """
        turns = list(turns or [])
        with readable_errors():
            check_question(message, self.service.settings)
        progress: queue.Queue[int | None] = queue.Queue()
        outcome: dict[str, Any] = {}
        args = (message, turns, year, agency, progress, outcome)
        threading.Thread(target=self._ask_into, args=args, daemon=True).start()
        yield render_pending(turns, message, 0, script), turns, ""
        while (chars := _latest(progress)) is not None:
            yield render_pending(turns, message, chars, script), turns, ""
            time.sleep(PROGRESS_PAUSE)
        error = outcome.get("error")
        if isinstance(error, QAError):
            raise gr.Error(str(error), print_exception=False)
        if error is not None:
            raise error
        turns = recent([*turns, outcome["turn"]])
        yield render_messages(turns, script), turns, ""

    def _ask_into(
        self,
        message: str,
        turns: list[Turn],
        year: Any,
        agency: Any,
        progress: queue.Queue[int | None],
        outcome: dict[str, Any],
    ) -> None:
        """Worker: ask, reporting the length of the LLM's reply so far; None when done."""
        try:
            outcome["turn"] = self.service.ask(
                message, turns, year, agency, on_text=lambda text: progress.put(len(text))
            )
        except Exception as exc:  # handed to the event's thread, which shows or raises it
            outcome["error"] = exc
        finally:
            progress.put(None)

    def example_llm(
        self, evt: gr.SelectData, turns: list[Turn], year: Any, agency: Any, script: str
    ) -> Iterator[Chat]:
        """A click on an example question, answered through the LLM."""
        yield from self.submit_llm(example_text(evt), turns, year, agency, script)

    @staticmethod
    def new_chat() -> tuple[list[dict[str, str]], list[Turn], str, str, None]:
        """Forget the conversation: chat, state, input box, copy box and downloads."""
        return [], [], "", "", None

    @staticmethod
    def restyle(turns: list[Turn], script: str) -> list[dict[str, str]]:
        return render_messages(turns or [], script)

    @staticmethod
    def _chosen(turns: list[Turn], scope: str) -> list[Turn]:
        if not turns:
            raise gr.Error("还没有可复制或导出的回答。请先提问。", print_exception=False)
        return list(turns) if scope == SCOPE_ALL else [turns[-1]]

    def copy(self, turns: list[Turn], scope: str, script: str) -> str:
        """The chosen answer(s) with numbered sources as plain text."""
        return to_plain_text(self._chosen(turns, scope), script)

    def export(self, turns: list[Turn], scope: str, script: str) -> list[str]:
        """Markdown and .docx files of the chosen answer(s)."""
        chosen = self._chosen(turns, scope)
        folder = Path(tempfile.mkdtemp(prefix="qa-export-"))
        return [str(p) for p in export_files(chosen, script, folder)]

    def refresh(self, script: str) -> tuple[str, Any, Any, Any]:
        """Library table and the dropdowns that list years, agencies and reports."""
        years, agencies = self.service.filter_choices()
        rows = self.service.report_rows()
        removable = [
            (f"{shown(shown_title(r.title), script)}（{r.doc_id}）", r.doc_id) for r in rows
        ]
        return (
            render_library(rows, script),
            gr.update(choices=years),
            gr.update(choices=agencies),
            gr.update(choices=removable, value=None),
        )

    def upload(self, files: Any, script: str, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        """Store and index the uploaded files; show what was added and what failed."""
        paths = file_paths(files)
        if not paths:
            raise gr.Error("请先选择要上传的报告文件。", print_exception=False)
        step = _progress_callback(progress)
        step(0, 1)
        with readable_errors():
            result = self.service.upload(paths, step)
        return (render_status(result.lines()), *self.refresh(script), None)

    def remove(self, doc_id: str | None, script: str) -> tuple[Any, ...]:
        """Remove the chosen report from the index."""
        if not doc_id:
            raise gr.Error("请先选择要删除的报告。", print_exception=False)
        with readable_errors():
            summary = self.service.remove(doc_id)
        line = ("ok", f"已删除：{doc_id}") if summary.removed else ("error", f"未找到报告 {doc_id}")
        return (render_status([line]), *self.refresh(script))


def example_text(evt: gr.SelectData) -> str:
    """The text of the example question that was clicked."""
    value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
    return str(value.get("text", ""))


def _latest(progress: queue.Queue[int | None]) -> int | None:
    """Wait for news from the worker; the newest of what has arrived (None: it is done)."""
    item = progress.get()
    while item is not None and not progress.empty():
        item = progress.get_nowait()
    return item


def _progress_callback(progress: gr.Progress) -> Callable[[int, int], None]:
    def step(done: int, total: int) -> None:
        progress((done, total), desc="正在建立索引（嵌入段落）", unit="段")

    return step
