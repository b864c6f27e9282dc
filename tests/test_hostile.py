"""Hostile and broken input (issue 18): each load limit and its setting, the parse worker's
time and memory budget, --batch rows of any shape, undecodable command-line bytes, bad paths
given to `qa index`, and the web upload path. The crafted-file corpus and the property-based
runs are in test_fuzz.py."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, fake_settings
from helpers.crafted import (
    REPORT,
    REPORT_HTML,
    docx_with_member,
    html_page,
    nested,
    raw_pdf,
    report_docx,
    symlink,
    write,
)

from qa.api import Library
from qa.cli import cli
from qa.config import Settings, load_settings
from qa.errors import ReportFormatError
from qa.index.build import load_report, update_index
from qa.index.embed import HashEmbedder
from qa.ingest.load import read_document
from qa.ingest.load_limits import DEFAULT_LIMITS, LoadLimits
from qa.ingest.load_worker import ReportLoader

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


# --- each limit, named in its error ------------------------------------------------------


def tiny(**values: float) -> LoadLimits:
    return dataclasses.replace(DEFAULT_LIMITS, **values)


PDF_TEXT = b"BT /F1 12 Tf 72 700 Td (Annual report 2023) Tj ET"
LIMIT_CASES = [
    ("max_file_mb", 1, "r.txt", lambda: (REPORT * 150).encode(), "文件过大"),
    ("max_text_chars", 1000, "r.txt", lambda: REPORT.encode(), "文字过多"),
    ("max_line_chars", 100, "r.md", lambda: ("甲" * 200 + "\n" + REPORT).encode(), "第 1 行过长"),
    ("max_docx_members", 5, "r.docx", report_docx, "文件过多"),
    (
        "max_docx_unpacked_mb",
        1,
        "r.docx",
        lambda: docx_with_member("word/media/image1.png", 2 * MB),
        "解压后过大",
    ),
    (
        "max_docx_xml_mb",
        1,
        "r.docx",
        lambda: docx_with_member("word/styles.xml", 2 * MB, b"<?xml version='1.0'?><x>", b"</x>"),
        "word/styles.xml",
    ),
    ("max_pdf_pages", 1, "r.pdf", lambda: raw_pdf(2, PDF_TEXT), "页数过多"),
    ("max_pdf_page_mb", 1, "r.pdf", lambda: raw_pdf(1, PDF_TEXT + b" " * 2 * MB), "内容过大"),
    (
        "max_pdf_content_mb",
        1,
        "r.pdf",
        lambda: raw_pdf(3, PDF_TEXT + b" " * (MB // 2)),
        "页面内容过多",
    ),
    ("parse_timeout_s", 1e-9, "r.pdf", lambda: raw_pdf(2, PDF_TEXT), "解析超过时间上限"),
    ("max_html_mb", 1, "r.html", lambda: html_page(REPORT_HTML * 300), "网页文件过大"),
    ("max_html_depth", 10, "r.html", lambda: html_page(nested("<div>", 20)), "嵌套过深"),
]


@pytest.mark.parametrize(
    ("setting", "value", "name", "make", "reason"), LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES]
)
def test_each_limit_is_enforced_and_named(
    tmp_path: Path, setting: str, value: int, name: str, make: Any, reason: str
) -> None:
    path = write(tmp_path, name, make())
    read_document(path)  # within the default limits the same file loads
    with pytest.raises(ReportFormatError) as info:
        read_document(path, tiny(**{setting: value}))
    message = str(info.value)
    assert message.startswith(f"无法读取 {path}：") and reason in message
    assert f"调高 {setting}" in message and f"QA_{setting.upper()}" in message


def test_limits_come_from_qa_toml_and_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "qa.toml"
    config.write_text("max_pdf_pages = 3\nparse_timeout_s = 5\n", encoding="utf-8")
    settings = load_settings(config, environ={"QA_MAX_HTML_DEPTH": "7"})
    limits = LoadLimits.from_settings(settings)
    assert (limits.max_pdf_pages, limits.max_html_depth) == (3, 7)
    assert settings.parse_timeout_s == 5.0
    assert LoadLimits.from_settings(Settings()) == DEFAULT_LIMITS


def test_devices_fifos_and_bad_names_are_refused_before_opening(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    cases = {
        tmp_path / "pipe.txt": "命名管道",
        symlink(tmp_path, "zero.pdf", "/dev/zero"): "链接到 /dev/zero，不是普通文件（字符设备）",
        tmp_path / ("长" * 90 + ".txt"): "文件名或文件夹名过长（274 字节",
        tmp_path.joinpath(*["d" * 250] * 17, "r.txt"): "路径过长",
        tmp_path / "missing.txt": "文件不存在",
        tmp_path / "folder.txt": "这是一个文件夹",
    }
    (tmp_path / "folder.txt").mkdir()
    for path, reason in cases.items():
        with pytest.raises(ReportFormatError, match=reason):
            read_document(path)


def test_declared_charsets_that_are_no_text_codec_fall_back_to_detection(tmp_path: Path) -> None:
    for label in ("undefined", "punycode", "idna", "utf-7", "rot13", "hex", "x-no-such"):
        doc = read_document(write(tmp_path, f"{label}.html", html_page(REPORT_HTML, label)))
        assert doc.encoding == "utf-8" and "收缴罚款112.23万元" in doc.text


def test_markdown_heading_parser_matches_atx_rules() -> None:
    from qa.ingest.load_text import _strip_markdown_headings

    lines = [
        "# 一、总体",
        "## 二、 结尾 ##",
        "   ### 三",
        "    # 缩进四格",
        "#没有空格",
        "####### 七个",
    ]
    lines += ["# #", "#", "# 标题#", "#\t制表符", "# a" + " " * 200_000 + "x"]
    assert _strip_markdown_headings("\n".join(lines)).split("\n") == [
        "一、总体",
        "二、 结尾",
        "三",
        "    # 缩进四格",
        "#没有空格",
        "####### 七个",
        "#",
        "",
        "标题#",
        "制表符",
        "a" + " " * 200_000 + "x",
    ]


# --- the parse worker: time and memory budget -------------------------------------------


def sample(name: str = "000_4eefaf65ada41b4d.txt") -> Path:
    return SAMPLES / name


def test_worker_loads_what_the_loader_loads() -> None:
    with ReportLoader(Settings()) as load:
        report = load(sample(), "doc")
        again = load(sample("002_73c7b93b254d5d56.txt"))
        assert load.child is not None  # one child for both files
    assert report == load_report(sample(), "doc")
    assert again.text == load_report(sample("002_73c7b93b254d5d56.txt")).text


def test_worker_over_time_budget_fails_the_file_and_the_next_gets_a_new_child() -> None:
    # 0.05 s is less than a child needs to start: every file runs over
    with ReportLoader(Settings(parse_timeout_s=0.05)) as load:
        for path in (sample(), sample("001_8e3adc1f376f5290.txt")):
            with pytest.raises(ReportFormatError) as info:
                load(path)
            message = str(info.value)
            assert message.startswith(f"无法读取 {path}：解析超过时间上限（0.05 秒）")
            assert "parse_timeout_s" in message and load.child is None


def test_worker_over_memory_budget_fails_the_file() -> None:
    with ReportLoader(Settings(parse_memory_mb=64)) as load:
        with pytest.raises(ReportFormatError, match="内存") as info:
            load(sample())
    assert str(info.value).startswith(f"无法读取 {sample()}：")


def test_zero_time_budget_parses_in_process() -> None:
    with ReportLoader(Settings(parse_timeout_s=0)) as load:
        assert load(sample()).text == load_report(sample()).text
        assert load.child is None


# --- --batch rows, command-line bytes, bad paths -----------------------------------------


@pytest.fixture()
def fake_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """The sample reports indexed with the HashEmbedder, which the CLI then loads."""
    import qa.api
    import qa.index.embed

    embedder = HashEmbedder()
    monkeypatch.setenv("QA_EMBED_MODEL", embedder.model_id)
    monkeypatch.setattr(qa.index.embed, "load_embedder", lambda settings: embedder)
    monkeypatch.setattr(qa.api, "load_embedder", lambda settings: embedder)
    settings = load_settings()
    update_index([SAMPLES], settings, embedder)
    return settings


# (row, a fragment of its error); search has no history, so the two history rows are
# errors for ask only
BAD_ROWS: list[tuple[str, str]] = [
    ('{"id": "n", "question": 12345}', "不是 int"),
    ('{"id": "l", "question": ["收缴", "罚款"]}', "不是 list"),
    ('{"id": "e", "question": ""}', "问题为空"),
    ('{"id": "o", "question": "' + "罚" * 600 + '"}', "问题过长"),
    ('{"id": "s", "question": "罚款\\udcff"}', "UTF-8"),
    ('{"id": "h", "question": "罚款多少？", "history": "那酉阳县呢"}', "对话历史应是问题的列表"),
    ('{"id": "x", "question": "罚款", "history": [1]}', "对话历史第 1 条"),
    ('{"id": "m"}', "缺少 question"),
    ('["收缴罚款"]', "应是一个 JSON 对象"),
    ("{not json", "不是合法 JSON"),
]


@pytest.mark.parametrize("command", ["ask", "search"])
def test_every_batch_row_gets_its_own_line(
    fake_index: Settings, tmp_path: Path, command: str
) -> None:
    good = '{"id": "g", "question": "井研县自然资源局2023年收缴罚款多少？"}'
    batch = tmp_path / "rows.jsonl"
    lines = [good.encode(), *(row.encode() for row, _ in BAD_ROWS), b'{"id": "b", "q\xff"}']
    batch.write_bytes(b"\n".join([*lines, good.replace('"g"', '"g2"').encode()]) + b"\n")
    result = CliRunner().invoke(cli, [command, "--batch", str(batch)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == len(lines) + 1
    assert "error" not in out[0] and "error" not in out[-1] and out[-1]["id"] == "g2"
    for row, (_, reason) in zip(out[1:], [*BAD_ROWS, ("", "UTF-8")], strict=False):
        if command == "search" and "对话历史" in reason:
            assert "hits" in row, row
        else:
            assert reason in row["error"], row
    assert out[-2]["line"] == len(lines) and out[-2]["id"] is None


def test_undecodable_command_line_question_is_one_clear_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qa", "ask", b"\xff\xfe\xe5\xb9"],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 1 and "不是有效的 UTF-8" in stderr
    assert "Traceback" not in stderr


def test_index_names_bad_paths_and_indexes_the_rest(fake_index: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    write(folder, "good.txt", REPORT.replace("井研县", "清水县").encode())
    symlink(folder, "zero.txt", "/dev/zero")
    too_long = folder / ("报" * 100 + ".txt")
    result = CliRunner().invoke(cli, ["index", str(folder), str(too_long), str(folder / "gone")])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    output = result.output
    assert "新增" in output and "名过长" in output and "不是普通文件" in output
    assert "找不到文件或文件夹" in output
    assert output.count("无法读取") == 2  # each failure once, not its path twice


# --- the web upload reaches the same loader ----------------------------------------------


def test_upload_indexes_good_files_and_names_hostile_ones(tmp_path: Path) -> None:
    from ui.service import ChatService

    settings = fake_settings(tmp_path / "idx")
    update_index([SAMPLES], settings, HashEmbedder())
    service = ChatService(Library.open(settings, HashEmbedder()), settings)
    picked = tmp_path / "picked"
    picked.mkdir()
    good = write(picked, "清水县.txt", REPORT.replace("井研县", "清水县").encode())
    deep = write(picked, "deep.html", html_page(nested("<div>")))
    blank = write(picked, "blank.md", ("\u200b" * 5000).encode())
    report = service.upload([good, deep, blank])
    assert report.summary is not None and report.summary.added == ["清水县"]
    failed = dict(report.failed)
    assert "嵌套过深" in failed["deep.html"] and "不可见字符" in failed["blank.md"]
    assert str(tmp_path) not in " ".join(failed.values())  # names, not stored paths


def test_stored_upload_names_fit_the_file_system() -> None:
    from ui.uploads import safe_filename

    for name in ("报" * 500 + ".pdf", "a" * 500 + ".docx", "报告" * 40 + "x" * 50 + ".md"):
        stored = safe_filename(name)
        assert len(stored.encode()) <= 255 and stored.endswith(Path(name).suffix)


# --- nothing leaves the machine ----------------------------------------------------------


def is_local(host: object) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths (bytes), never the network
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Refuse every connection and name lookup that is not this machine; the attempts."""
    attempts: list[object] = []
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def local_or_refuse(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not is_local(host):
            attempts.append(address)
            raise ConnectionRefusedError(f"outbound connection refused by the test: {address}")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        local_or_refuse(address)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        local_or_refuse(address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not is_local(name):
            attempts.append(name)
            raise socket.gaierror(f"name lookup refused by the test: {name}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


def test_app_starts_and_answers_with_outbound_connections_refused(
    tmp_path: Path, offline: list[object]
) -> None:
    from gradio_client import Client

    from ui.app import SESSION_CAPACITY, build_app, launch_app

    settings = fake_settings(tmp_path / "idx")
    update_index([SAMPLES], settings, HashEmbedder())
    demo = build_app(Library.open(settings, HashEmbedder()), settings)
    assert demo.analytics_enabled is False
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    url = launch_app(demo, port=port, block=False)
    assert demo.state_session_capacity == SESSION_CAPACITY  # not Gradio's 10,000 sessions
    try:
        client = Client(url, verbose=False)
        messages, box = client.predict(
            "井研县自然资源局2023年收缴罚款多少？", "全部", "全部", "报告原文字体", api_name="/chat"
        )
        client.close()
    finally:
        demo.close()
    assert box == "" and "112.23万元" in str(messages[-1]["content"])
    assert offline == []  # no analytics, no version check, no lookup of any outside name


def test_a_conversation_keeps_its_last_hundred_turns() -> None:
    from test_ui import make_turn

    from ui.handlers import MAX_TURNS, Handlers

    class Service:
        def ask(self, message: str, turns: list[Any], year: Any, agency: Any) -> Any:
            return make_turn(quote=message)

    turns = [make_turn(quote=f"第{n}问") for n in range(MAX_TURNS)]
    messages, kept, _ = Handlers(Service()).submit("新问题", turns, "全部", "全部", "报告原文字体")  # type: ignore[arg-type]
    assert len(kept) == MAX_TURNS and kept[0] is turns[1] and "新问题" in kept[-1].answer.text
    assert len(messages) == 2 * MAX_TURNS


def test_serve_limits_malloc_arenas_before_anything_loads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platform

    from ui import app

    if platform.libc_ver()[0] == "glibc":
        assert app.limit_malloc_arenas() is True
    calls: list[str] = []
    monkeypatch.setattr(app, "limit_malloc_arenas", lambda: calls.append("arenas"))
    monkeypatch.setattr(app, "open_library", lambda settings: calls.append("library"))
    monkeypatch.setattr(app, "build_app", lambda library, settings: "demo")
    monkeypatch.setattr(app, "launch_app", lambda demo, **kw: calls.append("launch"))
    app.serve(Settings(index_root=tmp_path))
    assert calls == ["arenas", "library", "launch"]
