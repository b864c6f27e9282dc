"""What keeps `qa serve`'s memory bounded under many chat users (issue 18, bench/soak.py):
Gradio's session store stays at its capacity, and freed heap memory goes back to the system."""

from __future__ import annotations

import platform
import socket
import threading
from pathlib import Path

import pytest
from conftest import SAMPLES, fake_settings

from qa.api import Library
from qa.config import Settings
from qa.index.build import update_index
from qa.index.embed import HashEmbedder
from ui import app


def test_the_session_store_keeps_only_the_most_recent_sessions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from gradio_client import Client

    capacity, sessions = 2, 4
    monkeypatch.setattr(app, "SESSION_CAPACITY", capacity)
    settings = fake_settings(tmp_path / "idx")
    update_index([SAMPLES], settings, HashEmbedder())
    demo = app.build_app(Library.open(settings, HashEmbedder()), settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    url = app.launch_app(demo, port=port, block=False)
    held: list[int] = []
    try:
        for _ in range(sessions):  # each client is a new browser tab with one question
            client = Client(url, verbose=False)
            client.predict(
                "井研县自然资源局2023年收缴罚款多少？",
                "全部",
                "全部",
                "报告原文字体",
                api_name="/chat",
            )
            client.close()
            held.append(len(demo.state_holder.session_data))
    finally:
        demo.close()
    assert held == [1, 2, 2, 2]


def test_trim_malloc_runs_where_the_c_library_is_glibc() -> None:
    assert app.trim_malloc() is (platform.libc_ver()[0] == "glibc")


def test_trimming_runs_in_the_background_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    twice = threading.Event()

    def trim() -> bool:
        calls.append(1)
        if len(calls) >= 2:
            twice.set()
        return True

    monkeypatch.setattr(app, "trim_malloc", trim)
    stop = threading.Event()
    thread = app.start_trimming(every=0.01, stop=stop)
    assert twice.wait(60)
    stop.set()
    thread.join(60)
    assert not thread.is_alive()


def test_trimming_stops_by_itself_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "trim_malloc", lambda: False)
    thread = app.start_trimming(every=0.01)
    thread.join(60)
    assert not thread.is_alive()


def test_serve_starts_trimming_before_the_library_opens(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(app, "limit_malloc_arenas", lambda: calls.append("arenas"))
    monkeypatch.setattr(app, "start_trimming", lambda: calls.append("trim"))
    monkeypatch.setattr(app, "open_library", lambda settings: calls.append("library"))
    monkeypatch.setattr(app, "build_app", lambda library, settings: "demo")
    monkeypatch.setattr(app, "launch_app", lambda demo, **kw: calls.append("launch"))
    app.serve(Settings(index_root=tmp_path))
    assert calls == ["arenas", "trim", "library", "launch"]
