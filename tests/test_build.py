"""Index stage, writing side: load_report, incremental updates, failures, locks, crashes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SAMPLES, RecordingEmbedder, fake_settings

from qa.config import Settings
from qa.errors import IndexLocked, IndexMismatch
from qa.index.build import load_report, update_index
from qa.index.core import Index, load_index, passage_texts
from qa.index.embed import HashEmbedder
from qa.index.store import CURRENT, writer_lock
from qa.search.retrieve import search

DRIVER = ROOT / "tests" / "helpers" / "slow_update.py"
QUESTIONS = ["收缴罚款多少", "普法宣传活动", "耕地保护执法检查", "行政复议案件", "下一步工作计划"]
NEW_PARAGRAPH = (
    "\n（五）新增的测试段落\n今年另外完成了测试用的地质灾害排查工作，共排查隐患点42处。\n"
)


def copy_samples(folder: Path) -> Path:
    """The sample reports in a writable folder (the originals are read-only)."""
    shutil.copytree(SAMPLES, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    return folder


def vectors_by_id(index: Index) -> dict[str, np.ndarray]:
    return {p.passage_id: index.vectors[i] for i, p in enumerate(index.passages)}


def ids_of(index: Index, doc_id: str) -> list[str]:
    return [p.passage_id for p in index.passages if p.doc_id == doc_id]


def snapshot(index: Index) -> tuple[object, ...]:
    """Everything a reader sees of an index, and its answers to a few questions."""
    hits = [
        [(h.passage.passage_id, round(h.score, 6)) for h in search(q, index, HashEmbedder())]
        for q in QUESTIONS
    ]
    return (
        index.path.name,
        index.passages,
        index.vectors.tobytes(),
        index.reports,
        index.faiss_index.ntotal,
        hits,
    )


# --- load_report -------------------------------------------------------------------------


def test_load_report_describes_a_sample() -> None:
    path = SAMPLES / "000_4eefaf65ada41b4d.txt"
    report = load_report(path)
    assert report.doc_id == "000_4eefaf65ada41b4d"
    assert report.path == str(path.resolve())
    assert report.year == 2023
    assert "井研" in report.agency
    assert len(report.sha256) == 64
    assert "收缴罚款112.23万元" in report.text


def test_load_report_makes_a_safe_doc_id_and_uses_a_year_stem(tmp_path: Path) -> None:
    odd = tmp_path / "报告 (final) v2.txt"
    odd.write_text("某县自然资源局2023年工作报告\n一、主要工作\n开展了执法检查。\n", "utf-8")
    assert load_report(odd).doc_id == "报告_final_v2"
    assert load_report(odd, "given").doc_id == "given"
    yearly = tmp_path / "1998.txt"
    yearly.write_text("政府工作报告\n一、过去五年的工作\n完成了建设任务。\n", "utf-8")
    assert load_report(yearly).year == 1998


# --- incremental updates -----------------------------------------------------------------


def test_incremental_updates_embed_only_what_changed(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    settings = fake_settings(tmp_path / "indexes")
    embedder = RecordingEmbedder()

    first = update_index([corpus], settings, embedder)
    index1 = load_index(settings)
    assert sorted(first.added) == sorted(p.stem for p in corpus.glob("*.txt"))
    assert first.written and first.embedded == len(index1.passages) == first.passages
    assert len(embedder.documents) == first.embedded
    assert not (first.changed or first.removed or first.failed)

    # Nothing changed: nothing embedded, nothing written, the same version stays live.
    embedder.documents.clear()
    again = update_index([corpus], settings, embedder)
    assert (again.embedded, again.written, embedder.documents) == (0, False, [])
    assert sorted(again.unchanged) == sorted(first.added)
    assert again.passages == first.passages
    assert load_index(settings).path == index1.path

    # A touched file with the same bytes is unchanged (sha256, not mtime).
    touched = corpus / "001_8e3adc1f376f5290.txt"
    os.utime(touched, (time.time() + 100, time.time() + 100))
    assert update_index([corpus], settings, embedder).embedded == 0
    assert embedder.documents == []

    # One file modified: only its changed passages are embedded; the others keep ids and
    # vectors.
    changed = corpus / "003_77051ec3706f57bb.txt"
    changed.write_text(changed.read_text("utf-8") + NEW_PARAGRAPH, "utf-8")
    summary = update_index([corpus], settings, embedder)
    index2 = load_index(settings)
    assert summary.changed == ["003_77051ec3706f57bb"]
    assert summary.written and not summary.added and not summary.removed
    new_003 = [p for p in index2.passages if p.doc_id == "003_77051ec3706f57bb"]
    # only the passages whose text changed are embedded; the rest keep their vectors
    assert summary.embedded + summary.reused == len(new_003)
    assert 0 < summary.embedded == len(embedder.documents) < len(new_003)
    changed_texts = [t for t in passage_texts(new_003) if "隐患点42处" in t]
    assert changed_texts and set(changed_texts) <= set(embedder.documents)
    assert set(embedder.documents) <= set(passage_texts(new_003))
    assert any("隐患点42处" in p.text for p in new_003)
    old_vectors, new_vectors = vectors_by_id(index1), vectors_by_id(index2)
    for doc_id in index1.reports:
        if doc_id == "003_77051ec3706f57bb":
            continue
        assert ids_of(index2, doc_id) == ids_of(index1, doc_id)
        for pid in ids_of(index1, doc_id):
            np.testing.assert_array_equal(new_vectors[pid], old_vectors[pid])
    assert (
        index2.reports["003_77051ec3706f57bb"].sha256
        != index1.reports["003_77051ec3706f57bb"].sha256
    )

    # A deleted file leaves the index; the rest stay as they were.
    embedder.documents.clear()
    (corpus / "001_8e3adc1f376f5290.txt").unlink()
    summary = update_index([corpus], settings, embedder)
    index3 = load_index(settings)
    assert summary.removed == ["001_8e3adc1f376f5290"]
    assert summary.written and summary.embedded == 0 and embedder.documents == []
    assert "001_8e3adc1f376f5290" not in index3.reports
    assert not ids_of(index3, "001_8e3adc1f376f5290")
    assert [p.passage_id for p in index3.passages] == [
        p.passage_id for p in index2.passages if p.doc_id != "001_8e3adc1f376f5290"
    ]
    assert index3.faiss_index.ntotal == len(index3.passages) == summary.passages

    # A new file is added under a fresh doc_id; nobody else is re-embedded.
    shutil.copy(SAMPLES / "001_8e3adc1f376f5290.txt", corpus / "new_report.txt")
    summary = update_index([corpus], settings, embedder)
    assert summary.added == ["new_report"]
    assert summary.embedded == len(ids_of(load_index(settings), "new_report")) > 0


def test_unreadable_change_keeps_the_previous_version(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    settings = fake_settings(tmp_path / "indexes")
    update_index([corpus], settings, HashEmbedder())
    before = load_index(settings)
    broken = corpus / "004_58886ce9b326548b.txt"
    broken.write_bytes(bytes(range(256)) * 40)  # binary garbage under a .txt name

    summary = update_index([corpus], settings, HashEmbedder())
    assert [path for path, _ in summary.failed] == [str(broken)]
    assert "004_58886ce9b326548b" in summary.failed[0][1]
    assert not summary.written and not summary.changed and not summary.removed
    after = load_index(settings)
    assert after.path == before.path
    assert after.reports["004_58886ce9b326548b"] == before.reports["004_58886ce9b326548b"]

    # Also when another file changes in the same run and a new version is written.
    other = corpus / "000_4eefaf65ada41b4d.txt"
    other.write_text(other.read_text("utf-8") + NEW_PARAGRAPH, "utf-8")
    summary = update_index([corpus], settings, HashEmbedder())
    assert summary.written and summary.changed == ["000_4eefaf65ada41b4d"]
    assert [path for path, _ in summary.failed] == [str(broken)]
    after = load_index(settings)
    assert ids_of(after, "004_58886ce9b326548b") == ids_of(before, "004_58886ce9b326548b")
    assert (
        after.reports["004_58886ce9b326548b"].sha256
        == before.reports["004_58886ce9b326548b"].sha256
    )
    assert after.path != before.path


def test_a_new_unreadable_file_is_reported_and_not_added(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    (corpus / "empty.txt").write_text("   \n", "utf-8")
    settings = fake_settings(tmp_path / "indexes")
    summary = update_index([corpus, tmp_path / "no-such-folder"], settings, HashEmbedder())
    failed = dict(summary.failed)
    assert set(failed) == {str(corpus / "empty.txt"), str(tmp_path / "no-such-folder")}
    assert "empty" not in load_index(settings).reports
    assert len(summary.added) == 5


def test_files_outside_the_given_folders_are_kept(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.move(corpus / "002_73c7b93b254d5d56.txt", extra / "002_73c7b93b254d5d56.txt")
    settings = fake_settings(tmp_path / "indexes")
    update_index([corpus, extra], settings, HashEmbedder())
    (corpus / "000_4eefaf65ada41b4d.txt").unlink()
    summary = update_index([corpus], settings, HashEmbedder())
    assert summary.removed == ["000_4eefaf65ada41b4d"]
    assert "002_73c7b93b254d5d56" in load_index(settings).reports


def test_remove_option_drops_a_report_even_when_its_folder_is_given(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    settings = fake_settings(tmp_path / "indexes")
    update_index([corpus], settings, HashEmbedder())
    summary = update_index([corpus], settings, HashEmbedder(), remove=["000_4eefaf65ada41b4d"])
    assert summary.removed == ["000_4eefaf65ada41b4d"]
    assert summary.written
    assert "000_4eefaf65ada41b4d" not in load_index(settings).reports
    summary = update_index([], settings, HashEmbedder(), remove=["002_73c7b93b254d5d56"])
    assert summary.removed == ["002_73c7b93b254d5d56"]
    assert set(load_index(settings).reports) == {
        "001_8e3adc1f376f5290",
        "003_77051ec3706f57bb",
        "004_58886ce9b326548b",
    }


def test_other_model_or_chunking_needs_rebuild(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    settings = fake_settings(tmp_path / "indexes")
    update_index([corpus], settings, HashEmbedder())
    before = load_index(settings)

    with pytest.raises(IndexMismatch, match="--rebuild") as err:
        update_index([corpus], settings.with_overrides(chunk_chars=200), HashEmbedder())
    assert "200" in str(err.value)
    other_model = HashEmbedder(model_id="hash-bigram-32", dim=32)
    other = settings.with_overrides(embed_model=other_model.model_id)
    with pytest.raises(IndexMismatch, match="--rebuild") as err:
        update_index([corpus], other, other_model)
    assert "hash-bigram-32" in str(err.value)
    assert load_index(settings).path == before.path  # refused before writing anything

    # --rebuild with smaller chunks re-embeds everything.
    embedder = RecordingEmbedder()
    small = settings.with_overrides(chunk_chars=200)
    summary = update_index([corpus], small, embedder, rebuild=True)
    rebuilt = load_index(small)
    assert summary.written and sorted(summary.changed) == sorted(before.reports)
    assert summary.embedded == len(rebuilt.passages) == len(embedder.documents)
    assert len(rebuilt.passages) > len(before.passages)
    assert rebuilt.manifest["chunking"]["chunk_chars"] == 200
    with pytest.raises(IndexMismatch):
        load_index(settings)

    # --rebuild with another model (another dimension) while one file is unreadable: the
    # unreadable file's old vectors belong to the old model and cannot be kept.
    (corpus / "001_8e3adc1f376f5290.txt").write_bytes(b"\x00\x01\x02" * 500)
    summary = update_index([corpus], other, other_model, rebuild=True)
    assert [Path(p).name for p, _ in summary.failed] == ["001_8e3adc1f376f5290.txt"]
    assert "001_8e3adc1f376f5290" in summary.removed
    index = load_index(other)
    assert index.vectors.shape[1] == 32
    assert "001_8e3adc1f376f5290" not in index.reports


def test_rebuild_with_same_settings_keeps_ids_and_vectors(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    settings = fake_settings(tmp_path / "indexes")
    update_index([corpus], settings, HashEmbedder())
    before = load_index(settings)
    summary = update_index([corpus], settings, HashEmbedder(), rebuild=True)
    after = load_index(settings)
    assert summary.written and summary.embedded == len(after.passages)
    assert after.path != before.path
    assert [p.passage_id for p in after.passages] == [p.passage_id for p in before.passages]
    np.testing.assert_array_equal(after.vectors, before.vectors)


# --- concurrency -------------------------------------------------------------------------


def test_second_writer_is_refused_while_the_lock_is_held(tmp_path: Path) -> None:
    corpus = copy_samples(tmp_path / "corpus")
    settings = fake_settings(tmp_path / "indexes")
    with writer_lock(settings.index_dir):
        with pytest.raises(IndexLocked) as err:
            update_index([corpus], settings, HashEmbedder())
    assert str(settings.index_dir) in str(err.value)
    assert "qa index" in str(err.value)
    assert not (settings.index_dir / CURRENT).exists()
    assert update_index([corpus], settings, HashEmbedder()).written


# --- crash safety ------------------------------------------------------------------------


@dataclass
class CrashSetup:
    corpus: Path
    base_root: Path  # an index of the original samples, copied for every scenario
    old: tuple[object, ...]
    new_ids: list[str]
    new_vectors: bytes


@pytest.fixture(scope="module")
def crash_setup(tmp_path_factory: pytest.TempPathFactory) -> CrashSetup:
    """An index of the samples, then the samples changed so that the next update has work."""
    tmp = tmp_path_factory.mktemp("crash")
    corpus = copy_samples(tmp / "corpus")
    base = fake_settings(tmp / "base")
    update_index([corpus], base, HashEmbedder())
    old = snapshot(load_index(base))
    for name in ("000_4eefaf65ada41b4d.txt", "003_77051ec3706f57bb.txt"):
        path = corpus / name
        path.write_text(path.read_text("utf-8") + NEW_PARAGRAPH, "utf-8")
    (corpus / "002_73c7b93b254d5d56.txt").unlink()
    shutil.copy(SAMPLES / "002_73c7b93b254d5d56.txt", corpus / "added.txt")
    reference = fake_settings(tmp / "reference")
    shutil.copytree(base.index_root, reference.index_root)
    update_index([corpus], reference, HashEmbedder())
    new = load_index(reference)
    return CrashSetup(
        corpus, base.index_root, old, [p.passage_id for p in new.passages], new.vectors.tobytes()
    )


def run_driver(root: Path, corpus: Path, pause_at: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, str(DRIVER), str(root), pause_at, str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def read_markers(proc: subprocess.Popen[str], markers: list[str], until: str) -> None:
    """Collect the driver's markers in a thread until ``until`` appears (or it exits)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        markers.append(line.split()[0])
        if markers[-1] == until:
            return


def kill_at(
    proc: subprocess.Popen[str],
    until: str,
    delay: float,
    before_kill: Callable[[], None] | None = None,
) -> list[str]:
    """Wait for marker ``until``, then ``delay`` seconds, then SIGKILL; return the markers."""
    markers: list[str] = []
    reader = threading.Thread(target=read_markers, args=(proc, markers, until), daemon=True)
    reader.start()
    reader.join(timeout=30)
    try:
        assert markers and markers[-1] == until, markers
        time.sleep(delay)
        if before_kill is not None:
            before_kill()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.stdout is not None and proc.stderr is not None
        markers.extend(line.split()[0] for line in proc.stdout.read().splitlines() if line)
        errors = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, (markers, errors)  # killed, not finished
    return markers


def assert_recovers(setup: CrashSetup, settings: Settings, markers: list[str]) -> None:
    """After the kill the live index is the old or the new one, whole; then an update works."""
    index = load_index(settings)
    if "CURRENT-TMP" not in markers:  # CURRENT not switched yet: exactly the previous index
        assert snapshot(index)[1:] == setup.old[1:]
    elif "SWITCHED" in markers:
        assert [p.passage_id for p in index.passages] == setup.new_ids
    else:  # killed around the switch itself: one of the two, never a mix
        ids = [p.passage_id for p in index.passages]
        assert snapshot(index)[1:] == setup.old[1:] or ids == setup.new_ids

    summary = update_index([setup.corpus], settings, HashEmbedder())
    index = load_index(settings)
    assert [p.passage_id for p in index.passages] == setup.new_ids
    assert index.vectors.tobytes() == setup.new_vectors
    if summary.written:
        assert not list(settings.index_dir.glob(".staging-*"))
        assert not (settings.index_dir / f"{CURRENT}.tmp").exists()
        versions = [p.name for p in settings.index_dir.iterdir() if p.name.startswith("v")]
        assert len(versions) <= 2


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5, 0.9, 1.3])
def test_kill_during_update_at_a_time_keeps_the_previous_index(
    tmp_path: Path, crash_setup: CrashSetup, delay: float
) -> None:
    settings = fake_settings(tmp_path / "indexes")
    shutil.copytree(crash_setup.base_root, settings.index_root)
    proc = run_driver(settings.index_root, crash_setup.corpus, "none")
    markers = kill_at(proc, "START", delay)
    assert "DONE" not in markers
    assert_recovers(crash_setup, settings, markers)


@pytest.mark.parametrize("phase", ["MANIFEST", "RENAMED", "CURRENT-TMP", "SWITCHED"])
def test_kill_at_each_publish_step_keeps_a_whole_index(
    tmp_path: Path, crash_setup: CrashSetup, phase: str
) -> None:
    settings = fake_settings(tmp_path / "indexes")
    shutil.copytree(crash_setup.base_root, settings.index_root)

    def while_staging() -> None:
        # A staging folder is half written, and the writer holds the lock.
        assert list(settings.index_dir.glob(".staging-*"))
        with pytest.raises(IndexLocked):
            update_index([crash_setup.corpus], settings, HashEmbedder())

    proc = run_driver(settings.index_root, crash_setup.corpus, phase)
    markers = kill_at(proc, phase, 0.0, while_staging if phase == "MANIFEST" else None)
    assert_recovers(crash_setup, settings, markers)
    if phase in ("MANIFEST", "RENAMED"):
        assert "SWITCHED" not in markers


def test_a_title_the_text_does_not_state_stays_empty_and_is_shown_as_unread(
    tmp_path: Path,
) -> None:
    from qa.records import UNKNOWN_TITLE, Report, shown_title

    path = tmp_path / "scan-0042.txt"
    path.write_text("全县共受理申请749件，均已按时答复。\n办理结果良好。\n", encoding="utf-8")
    report = load_report(path, Settings())
    assert report.title == "" and "scan" not in report.label
    assert shown_title(report.title) == UNKNOWN_TITLE
    assert Report.from_dict(report.to_dict()).title == ""
