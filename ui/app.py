"""Gradio chat UI: the app, launch, `qa serve` and malloc trimming (widgets: ui/layout.py)."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from qa.api import Library
from qa.config import Settings
from qa.errors import ConfigError, IndexNotFound
from qa.index.embed import load_embedder
from qa.library_ops import index_files
from qa.llm.client import llm_status, remote_notice
from ui.handlers import Handlers
from ui.layout import chat_tab, library_tab, wire_events
from ui.render import CSS
from ui.service import ChatService
from ui.uploads import MAX_UPLOAD_BYTES

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Gradio keeps every session it has seen (each browser tab, each API client), with a copy of
# the page's component settings and the last chat shown, until it holds 10,000 of them: about
# 0.14 MB each, so a busy server grew by ~11 MB a minute (bench/soak.py). The 200 most
# recently used are plenty for an office; an older one starts over with an empty chat.
SESSION_CAPACITY = 200
SAMPLE_CORPUS = Path("eval/corpus")
_REPO_SAMPLES = Path(__file__).resolve().parents[1] / SAMPLE_CORPUS


def header_text(settings: Settings) -> str:
    """The page's title and how it answers (the extractive line, or which LLM answers)."""
    if not settings.llm_base_url:
        return "## 政府报告问答\n回答只摘自已索引的报告原文，每句都标注来源 [n]。"
    return (
        "## 政府报告问答\n由大模型依据已索引的报告作答，每句都标注来源 [n]，"
        f"并与所引原文逐句核验，未通过的句子会被删除。\n\n{llm_status(settings)}"
    )


def build_app(library: Library, settings: Settings) -> gr.Blocks:
    """The chat and report-library tabs over an opened library."""
    h = Handlers(ChatService(library, settings))
    years, agencies = h.service.filter_choices()
    demo = gr.Blocks(title="政府报告问答", analytics_enabled=False)
    with demo:
        turns = gr.State([])
        gr.Markdown(header_text(settings), elem_id="qa-header")
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chat = chat_tab(years, agencies)
            with gr.Tab("报告库", id="library"):
                lib = library_tab()
        wire_events(demo, h, turns, chat, lib)
    return demo


def launch_app(
    demo: gr.Blocks,
    host: str = "127.0.0.1",
    port: int | None = None,
    auth: tuple[str, str] | None = None,
    block: bool = True,
) -> str:
    """Start the server with the app's CSS and upload limit; returns the local URL."""
    _, url, _ = demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        css=CSS,
        max_file_size=MAX_UPLOAD_BYTES,
        state_session_capacity=SESSION_CAPACITY,
        prevent_thread_lock=True,
        quiet=True,
    )
    print(f"问答界面已启动：{url}（按 Ctrl+C 停止）", flush=True)
    if block:
        demo.block_thread()
    return str(url)


def check_exposure(host: str, auth: str | None) -> tuple[str, str] | None:
    """Refuse a non-local address without a password; parse 'user:pass'."""
    if auth is None:
        if host not in LOCAL_HOSTS:
            raise ConfigError(
                f"拒绝在 {host} 上提供服务：对本机以外开放时必须设置登录口令。"
                "请加 --auth 用户名:密码（或设置环境变量 QA_AUTH），或使用默认的 --host 127.0.0.1。"
            )
        return None
    user, sep, password = auth.partition(":")
    if not (sep and user and password):
        raise ConfigError("--auth / QA_AUTH 的格式应为“用户名:密码”，两者都不能为空。")
    return user, password


def open_library(settings: Settings) -> Library:
    """Open the index; build it from the sample reports first when it does not exist."""
    try:
        return Library.open(settings)
    except IndexNotFound:
        embedder = load_embedder(settings)
        samples = _REPO_SAMPLES if _REPO_SAMPLES.is_dir() else SAMPLE_CORPUS
        print(f"索引 {settings.index_dir} 不存在，正在用示例报告（{samples}）建立……", flush=True)
        index_files([samples], settings, embedder)
        return Library.open(settings, embedder)


_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8  # glibc <malloc.h>
MALLOC_ARENAS = 2
# Blocks this big or bigger get pages of their own, handed back to the system when freed.
MMAP_THRESHOLD = 256 * 1024
# How often `qa serve` hands the free pages of glibc's heap back to the system (trim_malloc).
TRIM_EVERY_S = 10.0


@functools.cache
def _libc() -> Any:
    """The C library (ctypes), or None where there is none to load; found once (find_library
    runs ldconfig)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name is not None else None
    except OSError:
        return None


def limit_malloc_arenas(
    arenas: int = MALLOC_ARENAS, mmap_threshold: int | None = MMAP_THRESHOLD
) -> bool:
    """Make every thread allocate from ``arenas`` glibc malloc arenas (as MALLOC_ARENA_MAX=2),
    and, if given, every block of ``mmap_threshold`` bytes or more from pages of its own (as
    MALLOC_MMAP_THRESHOLD_).

    glibc gives threads that allocate at the same time arenas of their own (up to 8 a core)
    and seldom hands their freed memory back: with 20 chat users `qa serve` grew from 692 MB
    to 1,263 MB in its first minute and went on growing; with 2 arenas, 721 MB to 924 MB, then
    1 % in two more minutes (bench/soak.py). Left to itself, glibc raises its mmap threshold
    to the largest block freed so far (up to 32 MB), so each answer's big short-lived buffers
    come from the heap, which keeps their pages: 2 threads answering 400 questions ran at
    870–886 MB, and at 767–775 MB with the threshold fixed at 256 KiB (at ~25 ms of system
    time an answer). 50 users for 10 minutes: RSS growth after the first minute 7.7 % with
    defaults, 10.4 % with trimming alone, 1.6 % with both (bench/soak.py, 2026-12-06).
    Whether the C library took the settings (glibc only).
    """
    libc = _libc()
    try:
        if libc is None or not libc.mallopt(_M_ARENA_MAX, arenas):
            return False
        return mmap_threshold is None or bool(libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold))
    except AttributeError:  # no mallopt (not glibc)
        return False


def trim_malloc() -> bool:
    """Hand the free pages of glibc's heap back to the system (malloc_trim(0)).

    glibc gives freed memory back by itself only from the top of its heap; pages freed in the
    middle stay in the process. After 5 minutes of 50 chat users (bench/soak.py), with 2
    arenas, one malloc_trim(0) took `qa serve` from 941 MB to 867 MB in a few ms, the bytes in
    use unchanged. Whether it ran (glibc only).
    """
    trim = getattr(_libc(), "malloc_trim", None)  # None without a C library or glibc
    if trim is None:
        return False
    trim(0)
    return True


def start_trimming(
    every: float = TRIM_EVERY_S, stop: threading.Event | None = None
) -> threading.Thread:
    """A daemon thread that calls :func:`trim_malloc` every ``every`` seconds until ``stop`` is
    set (or the C library has no malloc_trim)."""
    done = stop or threading.Event()

    def run() -> None:
        while not done.wait(every) and trim_malloc():
            pass

    thread = threading.Thread(target=run, name="qa-malloc-trim", daemon=True)
    thread.start()
    return thread


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None
) -> None:
    """`qa serve`: the chat UI on host:port (127.0.0.1 unless a password is set)."""
    # `qa serve` takes the password from --auth or QA_AUTH (click's envvar, at the edge).
    credentials = check_exposure(host, auth or None)
    limit_malloc_arenas()  # before the model's and Gradio's threads start
    start_trimming()  # and from then on, freed heap pages go back every TRIM_EVERY_S
    if settings.llm_base_url:  # which model answers, and, once, whether text leaves the machine
        print(llm_status(settings), flush=True)
        notice = remote_notice(settings)
        if notice:
            print(notice, flush=True)
    demo = build_app(open_library(settings), settings)
    launch_app(demo, host=host, port=port, auth=credentials)
