"""Fuzz suite (issue 18): crafted hostile files, property-based runs over the loaders and the
question checks, and a batch with bad files among good ones.

Every crafted file must end in a load or the tool's own error within 10 s and 512 MB, measured
in a process of its own (tests/helpers/bounded_load.py). The property-based runs are bounded
for CI (QA_FUZZ_EXAMPLES examples per property, 200 by default); `make fuzz` runs more.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES, fake_settings
from helpers.crafted import (
    CRAFTED,
    REPORT,
    REPORT_HTML,
    fifo,
    html_page,
    nested,
    raw_pdf,
    report_docx,
    symlink,
    write,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.api import Library, check_history, check_question
from qa.errors import QAError, ReportFormatError
from qa.index.build import update_index
from qa.index.embed import HashEmbedder
from qa.ingest.load import SUPPORTED_SUFFIXES, RawDocument, read_document
from qa.query.kind import question_kind
from qa.query.question import bare_question

ROOT = Path(__file__).resolve().parents[1]
BOUNDED_LOAD = ROOT / "tests" / "helpers" / "bounded_load.py"
SECONDS = 10  # the bound on each crafted file
MEMORY_MB = 512
STARTUP_SLACK_S = 60  # starting Python and importing qa, on a busy two-core machine
EXAMPLES = int(os.environ.get("QA_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=SECONDS),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- crafted files (tests/helpers/crafted.py) -------------------------------------------


def bounded_load(path: Path) -> dict[str, Any]:
    """Load ``path`` in a process of its own; how it ended, its time and peak memory."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    done = subprocess.run(
        [sys.executable, str(BOUNDED_LOAD), os.fsencode(path), str(MEMORY_MB)],
        capture_output=True,
        timeout=SECONDS + STARTUP_SLACK_S,
        env=env,
        cwd=ROOT,
    )
    lines = done.stdout.decode().strip().splitlines()
    assert done.returncode == 0 and lines, done.stderr.decode()[-2000:]
    return dict(json.loads(lines[-1]))


@pytest.mark.parametrize(
    ("builder", "expected"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED]
)
def test_crafted_file_ends_in_load_or_own_error_within_budget(
    tmp_path: Path, builder: Callable[[Path], Path], expected: str | None
) -> None:
    path = builder(tmp_path)
    result = bounded_load(path)
    if expected is None:
        assert result["outcome"] == "ok", result["message"]
    else:
        assert result["outcome"] == "error", result
        assert result["message"].startswith("无法读取 ") and expected in result["message"], result
    assert result["seconds"] <= SECONDS, result
    assert result["peak_rss_mb"] <= MEMORY_MB, result


# --- property-based ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def read_or_refuse(folder: Path, suffix: str, data: bytes) -> RawDocument | None:
    """read_document on the bytes as a file with ``suffix``: a document or None for the tool's
    own error; anything else (a traceback) fails the property."""
    path = folder / f"f{suffix}"
    path.write_bytes(data)
    try:
        return read_document(path)
    except ReportFormatError as exc:
        assert str(exc).startswith(f"无法读取 {path}：")
        return None


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_any_bytes_load_or_fail_cleanly(fuzz_dir: Path, data: bytes, suffix: str) -> None:
    read_or_refuse(fuzz_dir, suffix, data)


SEEDS = {
    ".docx": report_docx(3),
    ".pdf": raw_pdf(2, b"BT /F1 12 Tf 72 700 Td (Report 2023) Tj ET"),
    ".html": html_page(REPORT_HTML[:3000], "gb2312"),
    ".txt": REPORT[:2000].encode("gb18030"),
    ".md": ("# 报告\n" + REPORT[:2000]).encode("utf-8"),
}


@FUZZ
@given(
    suffix=st.sampled_from(sorted(SEEDS)),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=12),
)
def test_damaged_files_load_or_fail_cleanly(
    fuzz_dir: Path, suffix: str, cut: float, flips: list[tuple[float, int]]
) -> None:
    data = bytearray(SEEDS[suffix][: max(1, int(len(SEEDS[suffix]) * cut))])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    read_or_refuse(fuzz_dir, suffix, bytes(data))


ENCODINGS = ["utf-8", "utf-16", "gb18030", "big5", "utf-32", "latin-1"]


@FUZZ
@given(
    text=st.text(max_size=2000),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".txt", ".md", ".html"]),
)
def test_any_text_in_any_encoding_loads_or_fails_cleanly(
    fuzz_dir: Path, text: str, encoding: str, suffix: str
) -> None:
    doc = read_or_refuse(fuzz_dir, suffix, text.encode(encoding, errors="ignore"))
    if doc is not None:
        assert doc.text.strip()


# Question-like pieces (words of real questions, odd whitespace and code points, undecodable
# command-line bytes as Python sees them) and any text at all.
QUESTION_PIECES = st.sampled_from(
    [*"井研县自然资源局年收缴罚款多少？哪些那呢是否有没有各分别一二三十百0123456789 \t\n#（）"]
    + ["\u200b", "\udcff", "\x00", "２０２３", "湘潭縣", "行政復議", "2023年", "那酉阳县呢？"]
)
QUESTIONS = st.one_of(st.lists(QUESTION_PIECES, max_size=40).map("".join), st.text(max_size=600))


@FUZZ
@given(question=QUESTIONS)
def test_question_checks_and_parser_never_raise_anything_else(question: str) -> None:
    from qa.config import Settings

    try:
        text = check_question(question, Settings())
    except QAError:
        return
    assert text == text.strip() and len(text) <= Settings().max_question_chars
    question_kind(text)
    bare_question(text)


@FUZZ
@given(
    history=st.one_of(
        st.lists(
            st.one_of(st.text(max_size=50), st.integers(), st.none(), st.lists(st.text())),
            max_size=4,
        ),
        st.text(max_size=20),
        st.integers(),
    )
)
def test_history_is_a_list_of_questions_or_a_clear_error(history: Any) -> None:
    from qa.config import Settings

    try:
        checked = check_history(history, Settings())
    except QAError as exc:
        assert "对话历史" in str(exc)
        return
    assert all(isinstance(q, str) and q for q in checked)


@pytest.fixture(scope="module")
def fake_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    settings = fake_settings(tmp_path_factory.mktemp("fuzz-index"))
    update_index([SAMPLES], settings, HashEmbedder())
    return Library.open(settings, HashEmbedder())


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=timedelta(seconds=SECONDS))
@given(
    question=QUESTIONS,
    history=st.lists(st.lists(QUESTION_PIECES, max_size=10).map("".join), max_size=3),
)
def test_ask_answers_or_refuses_any_question(
    fake_library: Library, question: str, history: list[str]
) -> None:
    try:
        answer = fake_library.ask(question, history)
    except QAError:
        return
    assert answer.text


# --- one bad file never stops a batch ----------------------------------------------------


def test_bad_files_among_good_ones_are_named_and_the_good_ones_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    good = sorted(SAMPLES.glob("*.txt"))
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    garbage = bytes(range(0x80, 0x100)) * 40
    write(folder, "a-undefined.html", b'<meta charset="undefined">' + garbage)
    write(folder, "b-punycode.html", b'<meta charset="punycode">' + garbage)
    write(folder, "c-deep.html", html_page(nested("<div>")))
    symlink(folder, "d-zero.txt", "/dev/zero")
    fifo(folder, "e-pipe.txt")
    settings = fake_settings(tmp_path / "idx")
    summary = update_index([folder], settings, HashEmbedder())
    assert sorted(summary.added) == sorted(p.stem for p in good)
    failed = {Path(path).name: reason for path, reason in summary.failed}
    assert sorted(failed) == [
        "a-undefined.html",
        "b-punycode.html",
        "c-deep.html",
        "d-zero.txt",
        "e-pipe.txt",
    ]
    assert "嵌套过深" in failed["c-deep.html"] and "命名管道" in failed["e-pipe.txt"]
    assert all(reason.startswith("无法读取 ") for reason in failed.values())
