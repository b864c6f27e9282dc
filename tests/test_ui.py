"""Tests of the web UI functions (ui/): rendering, export, uploads, serve checks, and the
handlers against the real sample index."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import gradio as gr
import pytest

from qa.answer.cite import QuoteContext, quote_context
from qa.api import Library
from qa.config import Settings
from qa.errors import ConfigError
from qa.index.store import writer_lock
from qa.library_ops import ReportSummary
from qa.records import Answer, Citation
from ui import app
from ui.export import export_files, to_markdown, to_plain_text
from ui.handlers import SCOPE_ALL, SCOPE_LAST, Handlers
from ui.render import (
    SCRIPT_ORIGINAL,
    SCRIPT_SIMPLIFIED,
    Turn,
    render_answer,
    render_library,
    render_messages,
    render_status,
)
from ui.service import ALL, ChatService, parse_filters
from ui.uploads import MAX_UPLOAD_BYTES, safe_filename, stage_uploads, uploads_dir

JINGYAN_Q = "井研县自然资源局2023年收缴罚款多少？"
JINGYAN_TITLE = "关于2023年度法治政府建设情况的报告"
JINGYAN_SENTENCE = (
    "截至目前，制止违法行为16件，作出处罚决定4个，收缴罚款112.23万元，查处违法面积9000余平方米"
)
JINGYAN_FOOTNOTE = (
    "《关于2023年度法治政府建设情况的报告》（井研县自然资源局，2023年），"
    "一、2023年度法治政府建设主要举措和成效“（三）履行部门职能，推行依法行政”"
)
XSS = "<img src=x onerror=alert(1)>"
NEW_REPORT = """清水县自然资源局2024年法治政府建设情况报告
一、2024年度法治政府建设主要举措和成效
（一）严格规范执法
2024年，我局立案查处违法用地案件9件，收缴罚款86.4万元，全部按期结案。
（二）加强普法宣传
开展“法律进乡村”活动12场，发放资料3000余份。
二、存在的问题
一是执法人员数量不足，二是信息化水平不高。
"""


def make_turn(title: str = "报告", quote: str = "收缴罚款1万元", text: str = "") -> Turn:
    """A hand-made turn with one citation, for rendering tests that need no model."""
    c = Citation(
        n=1,
        passage_id="d#0001",
        doc_id="d",
        start=10,
        end=10 + len(quote),
        quote=quote,
        title=title,
        agency="某县自然資源局",
        year=2024,
        section_path=("一、总体情况", "（二）执法"),
        source="/srv/secret/folder/d.pdf",
        page=3,
    )
    answer = Answer("问", "问", text or f"某县：{quote}[1]。", (c,), (), True)
    return Turn("问", answer, (QuoteContext("前文" * 3, quote, "后文", True, False),))


# --- rendering and export (no model) -------------------------------------------------


def test_render_escapes_report_text_and_links_marker_to_card() -> None:
    html = render_answer(
        make_turn(title=XSS, quote="<script>alert(2)</script>"), 3, SCRIPT_ORIGINAL
    )
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<mark class="qa-quote">&lt;script&gt;alert(2)&lt;/script&gt;</mark>' in html
    assert 'href="#qa-src-3-1"' in html and 'id="qa-src-3-1"' in html
    assert "来源文件：d.pdf，第3页" in html and "/srv/secret" not in html
    assert "\n\n" not in html  # one HTML block: Markdown must not split it


def test_render_leaves_unknown_markers_and_shows_script() -> None:
    turn = make_turn(text="见[1]与[7]")
    html = render_answer(turn, 1, SCRIPT_ORIGINAL)
    assert html.count('class="qa-marker"') == 1 and "[7]" in html
    assert "某县自然資源局" in html
    assert "某县自然资源局" in render_answer(turn, 1, SCRIPT_SIMPLIFIED)


def test_render_messages_escape_questions() -> None:
    turn = make_turn()
    turn = Turn(XSS, turn.answer, turn.contexts)
    messages = render_messages([turn], SCRIPT_ORIGINAL)
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == "&lt;img src=x onerror=alert(1)&gt;"


def test_render_library_and_status_escape() -> None:
    row = ReportSummary(
        "d", XSS, "局", "县", 2024, None, None, f"/x/{XSS}.txt", 3, "2026-01-01T10:00"
    )
    html = render_library([row], SCRIPT_ORIGINAL) + render_status([("error", f"{XSS}.exe：坏")])
    assert "<img" not in html and html.count("&lt;img") == 3


def test_export_numbers_footnotes_across_the_conversation(tmp_path: Path) -> None:
    turns = [make_turn(), make_turn(quote="收缴罚款2万元")]
    text = to_plain_text(turns, SCRIPT_ORIGINAL)
    assert "答：某县：收缴罚款1万元[1]。" in text and "答：某县：收缴罚款2万元[2]。" in text
    assert "[2] 《报告》（某县自然資源局，2024年），一、总体情况“（二）执法”" in text
    md = to_markdown(turns, SCRIPT_SIMPLIFIED)
    assert "收缴罚款2万元[^2]" in md and "[^1]: 《报告》（某县自然资源局，2024年）" in md
    md_path, docx_path = export_files(turns, SCRIPT_ORIGINAL, tmp_path)
    assert md_path.suffix == ".md" and docx_path.suffix == ".docx"
    body = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert "答：某县：收缴罚款1万元[1]。" in body and "注释" in body


def test_markdown_export_keeps_report_markup_as_text() -> None:
    md = to_markdown([make_turn(title=XSS, quote="<script>x</script>")], SCRIPT_ORIGINAL)
    assert not re.search(r"(?<!\\)[<>]", md)  # every angle bracket backslash-escaped
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in md


# --- uploads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.ini.md", "win.ini.md"),
        (f"{XSS}.txt", "img_src_x_onerror_alert(1).txt"),
        ("湘潭縣 2025 報告.DOCX", "湘潭縣_2025_報告.docx"),
        ("..", "report"),
        (".hidden.html", "hidden.html"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_limits_length() -> None:
    name = safe_filename("报" * 500 + ".pdf")
    assert name.endswith(".pdf") and len(name) <= 120


def test_stage_uploads_checks_type_size_and_stays_in_index_folder(tmp_path: Path) -> None:
    settings = Settings(index_root=tmp_path / "idx")
    src = tmp_path / "src"
    src.mkdir()
    good = src / "清水县.txt"
    good.write_text(NEW_REPORT, encoding="utf-8")
    (src / "tool.exe").write_bytes(b"MZ")
    (src / "empty.md").write_bytes(b"")
    big = src / "big.pdf"
    with big.open("wb") as fh:
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    staged = stage_uploads(sorted(src.iterdir()), settings)
    assert staged.saved == [uploads_dir(settings) / "清水县.txt"]
    assert staged.saved[0].read_text(encoding="utf-8") == NEW_REPORT
    reasons = dict(staged.rejected)
    assert set(reasons) == {"tool.exe", "empty.md", "big.pdf"}
    assert "不支持的文件类型" in reasons["tool.exe"] and "上限为 20 MB" in reasons["big.pdf"]


# --- serve ---------------------------------------------------------------------------


def test_check_exposure() -> None:
    assert app.check_exposure("127.0.0.1", None) is None
    assert app.check_exposure("0.0.0.0", "ann:s3:cret") == ("ann", "s3:cret")
    with pytest.raises(ConfigError, match="--auth 用户名:密码"):
        app.check_exposure("0.0.0.0", None)
    with pytest.raises(ConfigError, match="用户名:密码"):
        app.check_exposure("127.0.0.1", "nopassword")


def test_serve_refuses_public_host_before_loading_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QA_AUTH", raising=False)
    monkeypatch.setattr(app, "open_library", pytest.fail)
    with pytest.raises(ConfigError, match="拒绝在 0.0.0.0 上提供服务"):
        app.serve(Settings(index_root=tmp_path), host="0.0.0.0")


def test_serve_takes_password_from_qa_auth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from qa.cli import cli

    seen: dict[str, object] = {}
    monkeypatch.setenv("QA_AUTH", "ann:pw")
    monkeypatch.setattr(app, "open_library", lambda s: "library")
    monkeypatch.setattr(app, "build_app", lambda lib, s: "demo")
    monkeypatch.setattr(app, "launch_app", lambda demo, **kw: seen.update(kw))
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "9999"])
    assert result.exit_code == 0, result.output
    assert seen == {"host": "0.0.0.0", "port": 9999, "auth": ("ann", "pw")}


@pytest.mark.slow
def test_open_library_builds_sample_index_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_embedder: object
) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "qingshui.txt").write_text(NEW_REPORT, encoding="utf-8")
    monkeypatch.setattr(app, "_REPO_SAMPLES", samples)
    monkeypatch.setattr(app, "load_embedder", lambda s: real_embedder)
    settings = Settings(index_root=tmp_path / "idx")
    library = app.open_library(settings)
    assert [r.agency for r in library.index.reports.values()] == ["清水县自然资源局"]


# --- handlers on the real sample index -----------------------------------------------


@pytest.fixture(scope="module")
def handlers(sample_library: Library, sample_settings: Settings) -> Handlers:
    return Handlers(ChatService(sample_library, sample_settings))


def ask(h: Handlers, question: str, turns: list[Turn] | None = None, **kw: object) -> list[Turn]:
    filters = {"year": ALL, "agency": ALL} | kw
    messages, new_turns, box = h.submit(
        question, turns or [], filters["year"], filters["agency"], SCRIPT_ORIGINAL
    )
    assert box == "" and len(messages) == 2 * len(new_turns)
    return new_turns


@pytest.mark.slow
def test_submit_answers_with_linked_source_card(handlers: Handlers) -> None:
    turns = ask(handlers, JINGYAN_Q)
    html = render_answer(turns[0], 1, SCRIPT_ORIGINAL)
    assert "112.23万元" in html and f"《{JINGYAN_TITLE}》" in html
    assert '<a class="qa-marker" href="#qa-src-1-1" data-n="1">[1]</a>' in html
    assert 'id="qa-src-1-1"' in html and "井研县自然资源局 · 2023年" in html
    # the source quotes the whole sentence the answer's clause is cut from
    assert re.search(r'<mark class="qa-quote">[^<]*收缴罚款112.23万元[^<]*</mark>', html)
    assert "来源文件：000_4eefaf65ada41b4d.txt" in html


@pytest.mark.slow
def test_follow_up_uses_earlier_questions(handlers: Handlers) -> None:
    turns = ask(handlers, "那酉阳县呢？", ask(handlers, JINGYAN_Q))
    assert "145.29万元" in turns[1].answer.text
    messages = render_messages(turns, SCRIPT_ORIGINAL)
    assert "按“酉阳县2023年收缴罚款多少？”理解" in messages[3]["content"]
    assert 'id="qa-src-2-1"' in messages[3]["content"]


@pytest.mark.slow
def test_traditional_question_and_display_toggle(handlers: Handlers) -> None:
    turns = ask(handlers, "湘潭縣2025年行政復議案件有多少件？")
    assert "14件" in turns[0].answer.text
    original = handlers.restyle(turns, SCRIPT_ORIGINAL)[1]["content"]
    simplified = handlers.restyle(turns, SCRIPT_SIMPLIFIED)[1]["content"]
    assert "湘潭縣自然資源局" in original and "行政復議" in original
    assert "湘潭县自然资源局" in simplified and "湘潭縣" not in simplified


@pytest.mark.slow
def test_quote_context_surrounds_the_quote(sample_library: Library) -> None:
    c = sample_library.ask(JINGYAN_Q).citations[0]
    ctx = quote_context(sample_library.index, c)
    text = sample_library.index.reports[c.doc_id].text
    assert ctx.quote == c.quote and len(ctx.before) == len(ctx.after) == 120
    assert text[c.start - 120 : c.end + 120] == ctx.before + ctx.quote + ctx.after


@pytest.mark.slow
def test_filters_apply_to_the_question(handlers: Handlers) -> None:
    assert parse_filters("2023", ALL) == {"year": 2023, "agency": None}
    off = ask(handlers, JINGYAN_Q, year="2020")[0].answer
    assert "112.23" not in off.text
    on = ask(handlers, "收缴罚款多少？", agency="井研县自然资源局")[0].answer
    assert "112.23万元" in on.text and {c.doc_id for c in on.citations} == {"000_4eefaf65ada41b4d"}
    years, agencies = handlers.service.filter_choices()
    assert years == [ALL, "2025", "2024", "2023", "2020"] and "井研县自然资源局" in agencies


@pytest.mark.slow
def test_empty_question_is_a_readable_error(handlers: Handlers) -> None:
    with pytest.raises(gr.Error, match="问题为空"):
        handlers.submit("   ", [], ALL, ALL, SCRIPT_ORIGINAL)


@pytest.mark.slow
def test_copy_and_export_use_briefing_footnotes(handlers: Handlers) -> None:
    turns = ask(handlers, "那酉阳县呢？", ask(handlers, JINGYAN_Q))
    text = handlers.copy(turns, SCOPE_ALL, SCRIPT_ORIGINAL)
    assert f"[1] {JINGYAN_FOOTNOTE}。原文：“{JINGYAN_SENTENCE}”" in text
    assert "145.29万元[2]" in text
    last = handlers.copy(turns, SCOPE_LAST, SCRIPT_ORIGINAL)
    assert "112.23" not in last and "145.29万元[1]" in last
    paths = [Path(p) for p in handlers.export(turns, SCOPE_ALL, SCRIPT_ORIGINAL)]
    assert "[^1]: 《" in paths[0].read_text(encoding="utf-8") and paths[1].stat().st_size > 0
    with pytest.raises(gr.Error, match="还没有"):
        handlers.copy([], SCOPE_LAST, SCRIPT_ORIGINAL)


@pytest.mark.slow
def test_library_lists_every_report(handlers: Handlers, sample_library: Library) -> None:
    rows = handlers.service.report_rows()
    assert len(rows) == 5 and sum(r.passages for r in rows) == len(sample_library.index.passages)
    assert all(r.indexed_at[:2] == "20" and r.passages > 0 for r in rows)
    html, *_ = handlers.refresh(SCRIPT_ORIGINAL)
    assert html.count("<tr data-doc-id=") == 5 and JINGYAN_TITLE in html


@pytest.fixture()
def own_handlers(tmp_path: Path, sample_settings: Settings, real_embedder: object) -> Handlers:
    """Handlers over a private copy of the sample index, for tests that change it."""
    settings = Settings(
        index_root=tmp_path / "copy", model_cache_dir=sample_settings.model_cache_dir
    )
    shutil.copytree(sample_settings.index_dir, settings.index_dir)
    return Handlers(ChatService(Library.open(settings, real_embedder), settings))  # type: ignore[arg-type]


@pytest.mark.slow
def test_upload_indexes_good_files_and_names_bad_ones(
    own_handlers: Handlers, tmp_path: Path
) -> None:
    src = tmp_path / "picked"
    src.mkdir()
    (src / "清水县报告.txt").write_text(NEW_REPORT, encoding="utf-8")
    (src / "garbage.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (src / "virus.exe").write_bytes(b"MZ")
    status, library_html, *_ = own_handlers.upload(sorted(src.iterdir()), SCRIPT_ORIGINAL)
    assert (
        "已新增 1 份报告" in status and "清水县自然资源局2024年法治政府建设情况报告" in library_html
    )
    assert "garbage.pdf：无法读取 garbage.pdf" in status and "uploads" not in status
    assert "virus.exe：不支持的文件类型" in status
    folder = uploads_dir(own_handlers.service.settings)
    assert sorted(p.name for p in folder.iterdir()) == ["清水县报告.txt"]
    turns = ask(own_handlers, "清水县2024年收缴罚款多少？")
    assert "86.4万元" in turns[0].answer.text
    status, library_html, *_ = own_handlers.remove("清水县报告", SCRIPT_ORIGINAL)
    assert "已删除：清水县报告" in status and "清水县" not in library_html
    assert not any(folder.iterdir())


@pytest.mark.slow
def test_upload_while_index_is_locked_is_a_readable_error(
    own_handlers: Handlers, tmp_path: Path
) -> None:
    report = tmp_path / "清水县.txt"
    report.write_text(NEW_REPORT, encoding="utf-8")
    with writer_lock(own_handlers.service.settings.index_dir):
        with pytest.raises(gr.Error, match="正在被另一个"):
            own_handlers.upload([report], SCRIPT_ORIGINAL)
    assert not any(uploads_dir(own_handlers.service.settings).iterdir())


def test_new_chat_clears_everything() -> None:
    assert Handlers.new_chat() == ([], [], "", "", None)
