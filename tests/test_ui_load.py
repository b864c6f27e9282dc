"""Load test of the web UI: 20 concurrent chat requests through gradio_client, each with its
own session, all answered with the right figure and a cited source card."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from qa.api import Library
from qa.config import Settings

REQUESTS = 20
WORKERS = 8  # client threads; the server queues the rest
PER_REQUEST_TIMEOUT_S = 120
TOTAL_BUDGET_S = 180
# (question, figure in the answer, title in the source card)
CASES = [
    ("井研县自然资源局2023年收缴罚款多少？", "112.23万元", "关于2023年度法治政府建设情况的报告"),
    ("酉阳县2023年罚款总额是多少？", "145.29万元", "酉阳土家族苗族自治县规划和自然资源局2023年"),
    ("湘潭县2025年行政复议案件有多少件？", "14件", "湘潭縣自然資源局2025年度法治政府建設工作報告"),
    ("湘潭縣2025年行政復議案件有多少件？", "14件", "湘潭縣自然資源局2025年度法治政府建設工作報告"),
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app_url(sample_library: Library, sample_settings: Settings) -> Iterator[str]:
    from ui.app import build_app, launch_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    demo = build_app(sample_library, sample_settings)
    yield launch_app(demo, port=port, block=False)
    demo.close()


def chat_once(url: str, question: str) -> str:
    """One chat request in a fresh session; returns the assistant message's HTML."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    try:
        job = client.submit(question, "全部", "全部", "报告原文字体", api_name="/chat")
        messages, box = job.result(timeout=PER_REQUEST_TIMEOUT_S)
    finally:
        client.close()
    assert box == "" and [m["role"] for m in messages] == ["user", "assistant"]
    return str(messages[1]["content"][0]["text"])


def test_twenty_concurrent_chats_are_all_answered_with_sources(app_url: str) -> None:
    cases = [CASES[i % len(CASES)] for i in range(REQUESTS)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = list(pool.map(lambda case: chat_once(app_url, case[0]), cases))
    elapsed = time.monotonic() - started
    for (question, figure, title), html in zip(cases, answers, strict=True):
        text, _, sources = html.partition('<div class="qa-sources">')
        assert figure in text, question
        assert 'href="#qa-src-1-1"' in text and 'id="qa-src-1-1"' in sources, question
        assert title in sources, question
    assert elapsed < TOTAL_BUDGET_S, f"{REQUESTS} requests took {elapsed:.1f} s"
