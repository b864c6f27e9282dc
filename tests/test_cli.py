"""The command line through click's CliRunner, against indexes in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from qa import cli as cli_module
from qa.cli import cli
from qa.config import Settings


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def fake_model(monkeypatch: pytest.MonkeyPatch, fake_embedder: Any) -> Any:
    """Index and query with the HashEmbedder (fast); the model id is recorded as such."""
    import qa.api
    import qa.index.embed

    monkeypatch.setenv("QA_EMBED_MODEL", fake_embedder.model_id)
    monkeypatch.setattr(qa.index.embed, "load_embedder", lambda settings: fake_embedder)
    monkeypatch.setattr(qa.api, "load_embedder", lambda settings: fake_embedder)
    return fake_embedder


def _copy_samples(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    return folder


def test_index_then_reindex_reports_nothing_to_do(
    runner: CliRunner, tmp_path: Path, fake_model: Any
) -> None:
    folder = _copy_samples(tmp_path)
    first = runner.invoke(cli, ["index", str(folder)])
    assert first.exit_code == 0, first.output
    assert "新增" in first.output and "5" in first.output
    second = runner.invoke(cli, ["index", str(folder)])
    assert second.exit_code == 0
    assert "没有变化" in second.output


def test_index_reports_a_bad_file_and_exits_nonzero(
    runner: CliRunner, tmp_path: Path, fake_model: Any
) -> None:
    folder = _copy_samples(tmp_path)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    result = runner.invoke(cli, ["index", str(folder)])
    assert result.exit_code == 1
    assert "broken.docx" in result.output
    assert "新增" in result.output  # the good files were indexed all the same


def test_ask_json_and_batch(runner: CliRunner, tmp_path: Path, fake_model: Any) -> None:
    folder = _copy_samples(tmp_path)
    assert runner.invoke(cli, ["index", str(folder)]).exit_code == 0
    result = runner.invoke(cli, ["ask", "井研县自然资源局2023年收缴罚款多少？", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {
        "question",
        "resolved_question",
        "answer",
        "grounded",
        "citations",
        "mode",
        "dropped",
        "notice",
    }
    assert (data["mode"], data["dropped"], data["notice"]) == ("extractive", [], None)
    if data["citations"]:
        first = data["citations"][0]
        assert {
            "n",
            "doc_id",
            "title",
            "agency",
            "year",
            "section",
            "quote",
            "start",
            "end",
            "source",
        } <= set(first)
    batch = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "question": "井研县自然资源局2023年收缴罚款多少？"},
        {
            "id": "b",
            "question": "那酉阳县呢？",
            "history": ["井研县自然资源局2023年收缴罚款多少？"],
        },
        {"id": "c", "question": ""},
    ]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = runner.invoke(cli, ["ask", "--batch", str(batch)])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert "酉阳县" in lines[1]["resolved_question"]
    assert "问题为空" in lines[2]["error"]


def test_search_json(runner: CliRunner, tmp_path: Path, fake_model: Any) -> None:
    assert runner.invoke(cli, ["index", str(_copy_samples(tmp_path))]).exit_code == 0
    result = runner.invoke(cli, ["search", "收缴罚款", "--json", "--k", "3"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert {"rank", "score", "doc_id", "title", "section", "text", "start", "end"} <= set(hits[0])
    # why each matched: dense, keyword, the rerank's best-sentence match; they add up
    assert hits[0]["sentence"] > 0  # its sentence holds 收缴罚款
    assert all(0 <= h["sentence"] <= h["score"] for h in hits)


def test_search_batch_one_line_per_row(runner: CliRunner, tmp_path: Path, fake_model: Any) -> None:
    assert runner.invoke(cli, ["index", str(_copy_samples(tmp_path))]).exit_code == 0
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "收缴罚款"}\n\n{"question": "普法"}\n', "utf-8")
    result = runner.invoke(cli, ["search", "--batch", str(batch), "--k", "2", "--year", "2023"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", None]
    assert all(len(line["hits"]) == 2 for line in lines)
    assert all("年份=2023" in h["metadata_match"] for line in lines for h in line["hits"])


@pytest.mark.parametrize("command", ["search", "ask"])
def test_search_and_ask_share_their_options(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    for option in ("--index", "--year", "--agency", "--json", "--batch"):
        assert option in result.output


def test_empty_question_is_one_clear_line(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ask", "  "])
    assert result.exit_code == 1
    assert "问题为空" in result.output and "Traceback" not in result.output


def test_overlong_question(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ask", "问" * 600])
    assert result.exit_code == 1 and "问题过长" in result.output


def test_missing_index_is_one_clear_line(runner: CliRunner, fake_model: Any) -> None:
    result = runner.invoke(cli, ["ask", "井研县收缴罚款多少？", "--index", "nothing-here"])
    assert result.exit_code == 1
    assert "不存在" in result.output and "qa index" in result.output


def test_model_mismatch_is_one_clear_line(
    runner: CliRunner, tmp_path: Path, fake_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli, ["index", str(_copy_samples(tmp_path))]).exit_code == 0
    monkeypatch.setenv("QA_EMBED_MODEL", "some-other-model")
    result = runner.invoke(cli, ["ask", "井研县收缴罚款多少？"])
    assert result.exit_code == 1 and "--rebuild" in result.output


def test_inspect_json_on_samples(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["inspect", "--json", *map(str, sorted(SAMPLES.glob("*.txt")))])
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.output.splitlines()]
    assert [r["agency"] for r in reports][:2] == [
        "井研县自然资源局",
        "酉阳土家族苗族自治县规划和自然资源局",
    ]
    assert [r["year"] for r in reports] == [2023, 2023, 2025, 2020, 2024]
    first = reports[0]
    assert {
        "path",
        "doc_id",
        "title",
        "agency",
        "region",
        "year",
        "signed",
        "doc_number",
        "passages",
        "sections",
    } <= set(first)
    assert sum(s["passages"] for s in first["sections"]) == first["passages"]


def test_inspect_human_form_and_failure(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = runner.invoke(cli, ["inspect", str(next(SAMPLES.glob("000_*.txt"))), str(bad)])
    assert result.exit_code == 1
    assert "机构：井研县自然资源局" in result.output and "empty.txt" in result.output


def test_settings_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.config import load_settings

    config = tmp_path / "qa.toml"
    config.write_text("top_k = 7\nchunk_chars = 300\n", encoding="utf-8")
    monkeypatch.setenv("QA_TOP_K", "9")
    settings = load_settings(config)
    assert (settings.top_k, settings.chunk_chars) == (9, 300)
    assert settings.with_overrides(top_k=3).top_k == 3
    assert isinstance(Settings().index_dir, Path)


def test_main_entry_point_exists() -> None:
    assert callable(cli_module.main)
