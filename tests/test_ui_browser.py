"""End-to-end tests of the web UI in headless Chromium (Playwright): chat with cited source
cards, follow-ups, export, upload into the library, and report text that looks like HTML."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from qa.api import Library
from qa.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[1] / "test-output"
XSS = "<img src=x onerror=alert(1)>"
XSS_REPORT = f"""{XSS}清水县自然资源局2024年法治政府建设情况报告
一、2024年度法治政府建设主要举措和成效
（一）严格规范执法
2024年，我局立案查处违法用地案件9件，收缴罚款86.4万元<script>alert(2)</script>，全部按期结案。
二、存在的问题
一是执法人员数量不足，二是信息化水平不高。
"""
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.slow


def require_chromium() -> None:
    """Skip locally without Chromium; in CI (CI=true) a missing browser is a failure."""
    if CHROMIUM.is_file():
        return
    message = (
        f"{CHROMIUM} 不存在，无法运行浏览器测试。"
        "请先运行：apt-get update && apt-get install -y chromium"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(
    tmp_path_factory: pytest.TempPathFactory, sample_settings: Settings, real_embedder: object
) -> Iterator[str]:
    """The app on a free port, over a private copy of the sample index (uploads change it)."""
    require_chromium()
    from ui.app import build_app, launch_app

    root = tmp_path_factory.mktemp("browser-index")
    settings = Settings(index_root=root, model_cache_dir=sample_settings.model_cache_dir)
    shutil.copytree(sample_settings.index_dir, settings.index_dir)
    demo = build_app(Library.open(settings, real_embedder), settings)  # type: ignore[arg-type]
    url = launch_app(demo, port=free_port(), block=False)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def dialogs() -> list[str]:
    """Messages of JavaScript dialogs the page opened (an XSS would open one)."""
    return []


@pytest.fixture()
def page(browser: Browser, app_url: str, dialogs: list[str]) -> Iterator[Page]:
    """A fresh page on the app that records (and dismisses) every dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(app_url)
    pg.wait_for_selector("#qa-question textarea")
    yield pg
    context.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def ask(page: Page, question: str) -> Locator:
    """Type a question, press Enter, and return the locator of the newest answer."""
    answers = page.locator("#qa-chat .qa-answer")
    before = answers.count()
    page.fill("#qa-question textarea", question)
    page.press("#qa-question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#qa-chat .qa-answer').length > {before}")
    return answers.nth(before)


def test_chat_cites_sources_and_follows_up(page: Page, dialogs: list[str]) -> None:
    first = ask(page, "井研县自然资源局2023年收缴罚款多少？")
    assert "112.23万元" in first.locator(".qa-text").inner_text()
    card = first.locator(".qa-card").first
    assert "关于2023年度法治政府建设情况的报告" in card.locator(".qa-card-title").inner_text()
    assert "收缴罚款112.23万元" in card.locator("mark.qa-quote").inner_text()  # in its sentence
    marker = first.locator("a.qa-marker").first
    assert marker.get_attribute("href") == "#" + str(card.get_attribute("id"))
    marker.click()
    assert page.evaluate("location.hash") == "#qa-src-1-1"
    shot(page, "ui-answer.png")

    second = ask(page, "那酉阳县呢？")
    assert "145.29万元" in second.locator(".qa-text").inner_text()
    assert "酉阳" in second.locator(".qa-card-title").first.inner_text()
    shot(page, "ui-follow-up.png")

    page.click("#qa-copy")
    copied = page.locator("#qa-copied textarea")
    page.wait_for_function("document.querySelector('#qa-copied textarea').value.includes('注释')")
    assert "145.29万元[1]" in copied.input_value() and "《酉阳" in copied.input_value()
    page.click("#qa-export")
    page.wait_for_selector("text=.docx")

    page.click("#qa-new")
    page.wait_for_function("document.querySelectorAll('#qa-chat .qa-answer').length === 0")
    page.get_by_text("湘潭县2025年行政复议案件有多少件？").click()
    page.wait_for_selector("#qa-chat .qa-answer")
    assert "14件" in page.inner_text("#qa-chat .qa-text")
    page.get_by_label("简体").check()
    page.wait_for_selector("#qa-chat .qa-card-title:has-text('湘潭县自然资源局')")
    shot(page, "ui-example-simplified.png")
    assert dialogs == []


def test_upload_shows_report_html_as_text(page: Page, dialogs: list[str], tmp_path: Path) -> None:
    xss_file = tmp_path / f"清水县{XSS}.txt"
    xss_file.write_text(XSS_REPORT, encoding="utf-8")
    broken = tmp_path / "损坏的报告.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a pdf")
    page.get_by_role("tab", name="报告库").click()
    page.wait_for_selector("#qa-library table")
    page.set_input_files("#qa-upload input[type=file]", [str(xss_file), str(broken)])
    page.wait_for_selector("#qa-upload >> text=损坏的报告")  # name and suffix are apart
    page.click("#qa-upload-go")
    status = page.locator("#qa-status")
    status.locator(".qa-status-ok").wait_for()
    assert "已新增 1 份报告" in status.inner_text()
    assert "损坏的报告.pdf" in status.locator(".qa-status-error").inner_text()
    row = page.locator("#qa-library tr", has_text="清水县自然资源局")
    assert XSS in row.inner_text()  # the title is shown literally
    shot(page, "ui-library.png")

    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "清水县2024年收缴罚款多少？")
    assert "86.4万元" in answer.locator(".qa-text").inner_text()
    card = answer.locator(".qa-card").first
    assert XSS in card.locator(".qa-card-title").inner_text()
    assert "<script>alert(2)</script>" in card.locator(".qa-context").inner_text()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("#qa-chat script").count() == 0
    shot(page, "ui-xss.png")
    assert dialogs == []
