"""Index storage: versioned folders, the CURRENT pointer and the writer lock."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.errors import IndexCorrupt, IndexLocked, IndexNotFound
from qa.index.store import CURRENT, current_version, new_staging, publish, writer_lock


def publish_marked(index_dir: Path, mark: str) -> Path:
    """Publish a staging folder holding a manifest that says which publish it came from."""
    staging = new_staging(index_dir)
    (staging / "manifest.json").write_text(f'{{"mark": "{mark}"}}', encoding="utf-8")
    return publish(index_dir, staging)


def test_publish_numbers_versions_and_switches_current(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    first = publish_marked(index_dir, "a")
    assert first.name == "v000001"
    assert (index_dir / CURRENT).read_text(encoding="utf-8") == "v000001"
    assert current_version(index_dir) == first
    second = publish_marked(index_dir, "b")
    assert second.name == "v000002"
    assert current_version(index_dir) == second
    assert '"b"' in (current_version(index_dir) / "manifest.json").read_text(encoding="utf-8")
    assert not (index_dir / f"{CURRENT}.tmp").exists()


def test_publish_keeps_one_previous_version_and_prunes_older(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    for mark in "abcd":
        publish_marked(index_dir, mark)
    versions = sorted(p.name for p in index_dir.iterdir() if p.is_dir())
    assert versions == ["v000003", "v000004"]


def test_publish_removes_stale_staging_folders(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    publish_marked(index_dir, "a")
    stale = new_staging(index_dir)
    (stale / "passages.jsonl").write_text("half written", encoding="utf-8")
    publish_marked(index_dir, "b")
    assert not stale.exists()
    assert not list(index_dir.glob(".staging-*"))


def test_publish_leaves_unrelated_folders_alone(tmp_path: Path) -> None:
    """Only v000001-style folders are versions; a folder that merely starts with v is not."""
    index_dir = tmp_path / "idx"
    publish_marked(index_dir, "a")
    (index_dir / "vendor").mkdir()
    for mark in "bc":
        publish_marked(index_dir, mark)
    assert (index_dir / "vendor").is_dir()
    assert current_version(index_dir).name == "v000003"


def test_missing_current_is_index_not_found(tmp_path: Path) -> None:
    index_dir = tmp_path / "nothing-here"
    with pytest.raises(IndexNotFound) as err:
        current_version(index_dir)
    assert str(index_dir) in str(err.value)
    assert "qa index" in str(err.value)


@pytest.mark.parametrize(
    "pointer",
    [b"\xff\xfe\x00garbage", b"", b"v999999", b"../elsewhere/v000001", b"\x00", b"docs"],
    ids=["binary", "empty", "missing-version", "outside", "nul", "not-a-version"],
)
def test_garbage_current_is_index_corrupt(tmp_path: Path, pointer: bytes) -> None:
    index_dir = tmp_path / "idx"
    publish_marked(index_dir, "a")
    (index_dir / "docs").mkdir()
    (index_dir / CURRENT).write_bytes(pointer)
    with pytest.raises(IndexCorrupt) as err:
        current_version(index_dir)
    assert str(index_dir) in str(err.value)
    assert "--rebuild" in str(err.value)


def test_current_pointing_to_version_without_manifest_is_corrupt(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    version = publish_marked(index_dir, "a")
    (version / "manifest.json").unlink()
    with pytest.raises(IndexCorrupt, match="manifest.json") as err:
        current_version(index_dir)
    assert "--rebuild" in str(err.value)


def test_second_writer_in_same_process_is_refused(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    with writer_lock(index_dir):
        with pytest.raises(IndexLocked) as err:
            with writer_lock(index_dir):
                pytest.fail("a second writer got the lock")
        assert str(index_dir) in str(err.value)
        assert "qa index" in str(err.value)
    with writer_lock(index_dir):  # released on exit
        pass


HOLD_LOCK = """
import sys, time
from pathlib import Path
from qa.index.store import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("LOCKED", flush=True)
    time.sleep(60)
"""


def test_lock_held_by_another_process_and_released_when_it_is_killed(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "LOCKED"
        with pytest.raises(IndexLocked):
            with writer_lock(index_dir):
                pass
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    deadline = time.monotonic() + 5
    while True:  # the kernel drops a flock when its holder dies
        try:
            with writer_lock(index_dir):
                break
        except IndexLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    assert os.path.exists(index_dir / ".lock")


def test_publish_keeps_the_live_version_not_an_unpublished_one(tmp_path: Path) -> None:
    """After a crash between rename and switch, the newest folder is not the live one."""
    index_dir = tmp_path / "idx"
    publish_marked(index_dir, "a")
    orphan = index_dir / "v000002"  # renamed into place, CURRENT never switched to it
    orphan.mkdir()
    (orphan / "manifest.json").write_text('{"mark": "orphan"}', encoding="utf-8")
    assert current_version(index_dir).name == "v000001"
    final = publish_marked(index_dir, "c")
    assert final.name == "v000003"
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == ["v000001", "v000003"]


def test_publish_flushes_every_staged_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "idx"
    staging = new_staging(index_dir)
    (staging / "bm25").mkdir()
    for name in ("manifest.json", "vectors.npy", "bm25/vocab.json"):
        (staging / name).write_text("x", encoding="utf-8")
    flushed: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    publish(index_dir, staging)
    for name in ("manifest.json", "vectors.npy", "bm25/vocab.json", "bm25", ""):
        assert str(staging / name).rstrip("/") in flushed, name
