"""Read stage: the shipped span reader, its recipe, on ONNX Runtime, and how answers use its readings."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.answer import reader_train
from qa.answer.candidates import Candidate
from qa.answer.rank import contested, pick, read_hits, read_out
from qa.answer.read import (
    QUANTIZED,
    Reading,
    _digest,
    dequantize_rows,
    load_reader,
    manifest_path,
    quantize_rows,
    weights_path,
)
from qa.errors import ModelError
from qa.index.e5convert import sha256_file
from qa.query.kind import Kind
from qa.records import Hit
from tests.conftest import graphless_model_folder

JINGYAN = "000_4eefaf65ada41b4d"


def test_the_only_weights_in_the_repository_are_the_shipped_reader_and_its_manifest() -> None:
    root = Path(__file__).resolve().parent.parent
    kept = [p for p in (root / "qa").rglob("*") if p.suffix in {".safetensors", ".onnx"}]
    assert kept == [weights_path()]
    manifest = json.loads(manifest_path(weights_path()).read_text(encoding="utf-8"))
    assert manifest["file"] == weights_path().name and manifest["recipe"] == "r1"
    assert manifest["sha256"] == sha256_file(weights_path())
    assert manifest["bytes"] == weights_path().stat().st_size < 20_000_000
    assert "CC BY-SA 4.0" in manifest["licence"] and manifest["reproduce"] == "make reader"
    assert reader_train.check_reader() == weights_path()


def test_the_shipped_reader_holds_the_trained_layers_and_head() -> None:
    trained = load_file_names(weights_path())
    assert "head.weight" in trained
    # only the layers above the frozen ones were trained and kept
    layers = {int(name.split(".")[2]) for name in trained if name.startswith("encoder.layer.")}
    assert layers == set(range(reader_train.FROZEN, 12))


def test_a_changed_or_missing_reader_is_refused_with_the_fix(tmp_path: Path) -> None:
    weights = tmp_path / weights_path().name
    shutil.copy(weights_path(), weights)
    with pytest.raises(ModelError, match="缺失或无法读取.*git checkout -- qa/models"):
        reader_train.check_reader(weights)  # no manifest beside it
    shutil.copy(manifest_path(weights_path()), manifest_path(weights))
    assert reader_train.check_reader(weights) == weights
    with weights.open("r+b") as f:
        f.seek(-1, 2)
        last = f.read(1)
        f.seek(-1, 2)
        f.write(bytes([last[0] ^ 1]))
    with pytest.raises(ModelError, match=f"校验失败（{weights}.*make reader"):
        reader_train.check_reader(weights)


def load_file_names(path: Path) -> set[str]:
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as f:
        return set(f.keys())


@pytest.mark.slow
def test_training_writes_weights_the_reader_loads(sample_library: Any, tmp_path: Path) -> None:
    folder = graphless_model_folder(tmp_path / "cache")
    target = tmp_path / "reader.safetensors"
    lines = []
    reader_train.train(
        folder, target, epochs=1, limit=2 * reader_train.BATCH, progress=lines.append
    )
    assert lines[-1].startswith("训练阅读模型 2/2 步")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    fresh = load_reader(folder, 1, weights=target, tokenizer=sample_library.reader.tokenizer)
    assert fresh is not None
    text = sample_library.index.reports[JINGYAN].text[:400]
    (ours,), (setup,) = (r.read("收缴罚款多少？", [text]) for r in (fresh, sample_library.reader))
    assert 0 < ours.start.sum() <= 1.0 + 1e-5
    assert not np.allclose(ours.start, setup.start)  # two steps are not the setup's reader


def test_without_the_training_sets_the_reader_is_not_retrained(tmp_path: Path) -> None:
    before = sha256_file(weights_path())
    with pytest.raises(ModelError, match="没有找到训练集"):
        reader_train.train_shipped(tmp_path, tmp_path / "none")
    assert sha256_file(weights_path()) == before


def test_a_failed_training_names_the_file_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "models" / "reader-r1.safetensors"
    monkeypatch.setattr(reader_train, "weights_path", lambda: target)
    with pytest.raises(ModelError, match="阅读模型训练失败.*make reader") as failed:
        reader_train.train_shipped(tmp_path)  # the training sets, but no model in the folder
    assert str(target) in str(failed.value)
    assert not target.exists() and not manifest_path(target).exists()


@pytest.mark.slow
def test_a_retrained_reader_gets_a_manifest_that_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = graphless_model_folder(tmp_path / "cache")
    target = tmp_path / "models" / "reader-r1.safetensors"
    target.parent.mkdir()
    monkeypatch.setattr(reader_train, "weights_path", lambda: target)
    real_train = reader_train.train
    monkeypatch.setattr(  # the recipe for a few steps: the code path, not the 20 minutes
        reader_train, "train", lambda *a, **k: real_train(*a, **k, epochs=1, limit=24)
    )
    said: list[str] = []
    assert reader_train.train_shipped(folder, progress=said.append) == target
    manifest = json.loads(manifest_path(target).read_text(encoding="utf-8"))
    assert manifest["windows"] == 24 and manifest["versions"]["torch"].startswith("2.13.0")
    assert reader_train.check_reader(target) == target
    assert said[0].startswith("训练阅读模型") and said[-1].startswith("训练阅读模型 2/2 步")


def test_training_windows_hold_the_answer_or_say_it_is_not_there(sample_library: Any) -> None:
    tokenizer = sample_library.reader.tokenizer
    passage = (
        "井研县自然资源局全年办理行政处罚案件15件。" * 30 + "收缴罚款112.23万元。" + "其余。" * 80
    )
    rng = random.Random(1)
    windows = [
        w
        for _ in range(20)
        for w in reader_train.crops(tokenizer, "罚款多少", passage, "112.23万元", rng)
    ]
    positives = [w for w in windows if w.label != (0, 0)]
    assert len(positives) == 20 and len(windows) > 20  # some questions add a window without it
    for w in positives:
        assert len(w.ids) <= w.head + reader_train.CROP + 1
        span = tokenizer.decode(list(w.ids[w.label[0] : w.label[1] + 1]))
        assert "112.23万元" in span.replace(" ", "")
    assert reader_train.crops(tokenizer, "罚款多少", passage, "没有的答案", rng) == []


def test_without_weights_there_is_no_reader(tmp_path: Path) -> None:
    assert load_reader(tmp_path, 1, weights=tmp_path / "missing.safetensors") is None


def test_the_default_library_reads_with_the_reader(sample_library: Any) -> None:
    reader = sample_library.reader
    assert reader is not None
    report = sample_library.index.reports[JINGYAN]
    at = report.text.index("收缴罚款112.23万元")
    start = report.text.rindex("。", 0, at) + 1
    text = report.text[start - 300 : start + 200]  # the answer's sentence among others
    gold = text.index("收缴罚款112.23万元")
    (reading,) = reader.read("井研县自然资源局2023年收缴罚款多少？", [text])
    assert reading.start.shape == reading.end.shape == (len(text),)
    assert 0 < reading.start.sum() <= 1.0 + 1e-5 and 0 < reading.end.sum() <= 1.0 + 1e-5
    # the likeliest start and end lie around the figure asked for
    assert abs(int(reading.start.argmax()) - (gold + 4)) <= 6
    assert gold + 4 <= int(reading.end.argmax()) <= gold + 14


@pytest.mark.slow
def test_the_graph_is_exported_once_on_a_new_machine(sample_library: Any, tmp_path: Path) -> None:
    folder = graphless_model_folder(tmp_path)
    stale = folder / "onnx" / "reader-000000000000.onnx"
    stale.parent.mkdir()
    stale.write_bytes(b"the graph of earlier weights")
    fresh = load_reader(folder, 1, tokenizer=sample_library.reader.tokenizer)
    assert fresh is not None
    assert [p.name for p in (folder / "onnx").iterdir()] == [
        f"reader-{_digest(weights_path())}-{QUANTIZED}.onnx"
    ]  # the full-precision export is not kept beside the quantized graph
    text = sample_library.index.reports[JINGYAN].text[:400]
    (ours,), (cached,) = (r.read("收缴罚款多少？", [text]) for r in (fresh, sample_library.reader))
    np.testing.assert_allclose(ours.start, cached.start, atol=1e-5)
    np.testing.assert_allclose(ours.end, cached.end, atol=1e-5)


def test_two_passages_share_one_distribution(sample_library: Any) -> None:
    text = sample_library.index.reports[JINGYAN].text[:400]
    first, second = sample_library.reader.read("收缴罚款多少？", [text, text[:200]])
    total = first.start.sum() + second.start.sum()
    assert total <= 1.0 + 1e-5 and first.start.sum() < 1.0


@pytest.mark.parametrize("favoured", [0, 1])
def test_pick_follows_the_readers_mass_between_equal_sentences(
    sample_library: Any, favoured: int
) -> None:
    report = sample_library.index.reports[JINGYAN]
    a, b = (Candidate(report, "p", (), 0.5, s, s + 12, 0.8, False) for s in (0, 40))
    start, end = np.zeros(80, np.float32), np.zeros(80, np.float32)
    at = (a, b)[favoured].start
    start[at + 2], end[at + 6] = 0.9, 0.9
    picked = pick(Kind("fact", False), [a, b], "怎么做的？", {"p": (0, Reading(start, end))})
    assert picked[0].start == at
    assert picked[0].read == pytest.approx(0.81)


def _reading_on(at: int, length: int, mass: float) -> Reading:
    start, end = np.zeros(length, np.float32), np.zeros(length, np.float32)
    start[at + 1], end[at + 5] = mass**0.5, mass**0.5
    return Reading(start, end)


def _two_sentences(library: Any, heading: bool, figure_ok: bool) -> list[Candidate]:
    """Two 12-character spans of 井研县's report, at 0 and 40, under its first 12 characters
    as their section heading (or none), each with a low word-match coverage of 0.1."""
    report = library.index.reports[JINGYAN]
    path = (report.text[:12],) if heading else ()
    return [Candidate(report, "p", path, 0.5, s, s + 12, 0.1, figure_ok, 0.1) for s in (0, 40)]


@pytest.mark.parametrize(
    ("mass", "on_heading", "answered"),
    [(0.81, False, True), (0.36, False, False), (0.81, True, False)],
)
def test_a_sure_reading_answers_what_the_words_leave_unanswered(
    sample_library: Any, mass: float, on_heading: bool, answered: bool
) -> None:
    # two sentences holding too little of the question to be picked by the word match
    a, b = _two_sentences(sample_library, heading=True, figure_ok=False)
    readings = {"p": (0, _reading_on((a if on_heading else b).start, 80, mass))}
    assert pick(Kind("fact", False), [a, b], "怎么做的？", readings) == []
    out = read_out([a, b], "怎么做的？", readings, Kind("fact", False))
    assert [c.start for c in out] == ([b.start] if answered else [])


@pytest.mark.parametrize(
    ("mass", "figure_ok", "answered"),
    [(0.81, True, True), (0.55, True, False), (0.81, False, False)],
)
def test_a_figure_without_the_thing_counted_needs_a_surer_reading(
    sample_library: Any, mass: float, figure_ok: bool, answered: bool
) -> None:
    # a sentence without 行政诉讼: answered only by a sure reader, and a figure that fits, in
    # a sentence that holds most of the question's other words (READ_FIGURE_COVERAGE)
    a, b = _two_sentences(sample_library, heading=False, figure_ok=figure_ok)
    assert "行政诉讼" not in b.text
    readings = {"p": (0, _reading_on(b.start, 80, mass))}
    kind = Kind("number", False, focus=("行政诉讼",))
    out = read_out([a, replace(b, coverage=0.7)], "有多少件行政诉讼案件？", readings, kind)
    assert [c.start for c in out] == ([b.start] if answered else [])
    assert read_out([a, b], "有多少件行政诉讼案件？", readings, kind) == []  # too little of it
    # with the thing counted in the sentence, the usual bar (SURE_READ) holds
    focused = Kind("number", False, focus=(b.text[2:5],))
    assert [c.start for c in read_out([a, b], "有多少件？", readings, focused)] == [b.start]


def test_int8_rows_round_trip_within_half_a_step() -> None:
    rng = np.random.default_rng(0)
    tensors = {
        "w": rng.normal(0, 0.05, (6, 32)).astype(np.float32),
        "zero": np.zeros((2, 8), np.float32),
        "b": rng.normal(0, 1, 32).astype(np.float32),
    }
    stored = quantize_rows(tensors)
    assert stored["w"].dtype == np.int8 and stored["b"].dtype == np.float16
    back = dequantize_rows(stored)
    assert set(back) == set(tensors)
    step = np.abs(tensors["w"]).max(axis=1, keepdims=True) / 127
    assert (np.abs(back["w"] - tensors["w"]) <= step * 0.51).all()
    assert (back["zero"] == 0).all()
    np.testing.assert_allclose(back["b"], tensors["b"], rtol=1e-3, atol=1e-3)


class _CountingReader:
    """Stands in for the reader: counts the passages it is asked to read."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def read(self, question: str, texts: list[str]) -> list[Reading]:
        self.texts += texts
        return [Reading(np.zeros(len(t), np.float32), np.zeros(len(t), np.float32)) for t in texts]


def test_the_reader_reads_only_when_its_readings_can_change_the_pick(sample_library: Any) -> None:
    index = sample_library.index
    passages = [p for p in index.passages if p.doc_id == JINGYAN][:3]
    hits = [Hit(p, 1.0 - n / 10, n) for n, p in enumerate(passages)]
    report = index.reports[JINGYAN]
    top, third = passages[0], passages[2]

    def able(p: Any, coverage: float = 0.8) -> Candidate:
        return Candidate(report, p.passage_id, (), 0.5, p.start, p.start + 8, coverage, False)

    kind, reader = Kind("fact", False), _CountingReader()
    # one candidate that can answer: it is the pick whatever the reader says
    assert contested(kind, [able(top), able(third, coverage=0.0)]) == []
    # two, both outside the passages read: their order is the word match's
    two_far = contested(kind, [able(third), able(third)])
    assert len(two_far) == 2
    assert read_hits(reader, "怎么做的？", hits, index, two_far) == {} and reader.texts == []
    # two, one of them in the top passages: the reader reads those passages
    readings = read_hits(
        reader, "怎么做的？", hits, index, contested(kind, [able(top), able(third)])
    )
    assert set(readings) == {passages[0].passage_id, passages[1].passage_id}
    assert len(reader.texts) == 2
    assert read_hits(None, "怎么做的？", hits, index, [able(top)]) == {}


def test_the_reader_is_skipped_only_when_its_reading_could_change_nothing() -> None:
    from qa.answer.candidate import Candidate
    from qa.answer.rank import settled
    from qa.query.kind import question_kind
    from qa.records import Report

    text = "本局聘请某律师事务所担任法律顾问。本局开展了普法宣传活动。"
    report = Report("d", "d.txt", "t", "", "", 2023, None, None, text, "")

    def sentence(start: int, end: int, telling: float) -> Candidate:
        return Candidate(report, "d#0", (), 0.5, start, end, telling, True, telling)

    kind = question_kind("本局的法律顾问是哪家律师事务所担任的？")
    clear = [sentence(0, 16, 1.0), sentence(17, 29, 0.2)]
    close = [sentence(0, 16, 1.0), sentence(17, 29, 0.95)]
    assert settled(kind, clear, "本局的法律顾问是哪家律师事务所担任的？")
    assert not settled(kind, close, "本局的法律顾问是哪家律师事务所担任的？")
    assert not settled(question_kind("有哪些做法？"), clear, "有哪些做法？")  # a list's order
