"""Index storage: versioned folders, an atomic CURRENT pointer and a writer lock."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.errors import IndexCorrupt, IndexLocked, IndexNotFound

CURRENT = "CURRENT"
_VERSION_NAME = re.compile(r"v\d{6,}")  # v000001, as publish names them


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder below ``folder`` (numpy, FAISS and bm25s do not fsync)."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            _fsync_dir(path)
        else:
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def write_json(path: Path, data: Any) -> None:
    """Write JSON and fsync it."""
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())


def current_version(index_dir: Path) -> Path:
    """The folder of the live version; raises IndexNotFound / IndexCorrupt."""
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        raise IndexNotFound(
            f"索引 {index_dir} 不存在。请先运行 `qa index 报告文件夹 --index {index_dir.name}`。"
        )
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    if not _VERSION_NAME.fullmatch(name):  # garbage, or a path leading out of the index
        raise IndexCorrupt(
            f"索引 {index_dir} 已损坏（{CURRENT} 文件内容无效）。"
            "请运行 `qa index 报告文件夹 --rebuild` 重建。"
        )
    version = index_dir / name
    if not (version / "manifest.json").is_file():
        raise IndexCorrupt(
            f"索引 {index_dir} 已损坏（缺少 {version.name}/manifest.json）。"
            "请运行 `qa index 报告文件夹 --rebuild` 重建。"
        )
    return version


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's writer lock; a second writer is refused, not queued."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexLocked(
                f"索引 {index_dir} 正在被另一个 `qa index` 更新，请等它结束后再试。"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def new_staging(index_dir: Path) -> Path:
    """A fresh folder to write the next version into."""
    staging = index_dir / f".staging-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    return staging


def publish(index_dir: Path, staging: Path) -> Path:
    """Move a fully written staging folder into place and switch CURRENT to it atomically."""
    _fsync_tree(staging)
    live = _pointed_version(index_dir)
    versions = sorted(
        (p.name for p in index_dir.iterdir() if _VERSION_NAME.fullmatch(p.name) and p.is_dir()),
        key=lambda name: int(name[1:]),
    )
    number = int(versions[-1][1:]) + 1 if versions else 1
    final = index_dir / f"v{number:06d}"
    os.replace(staging, final)
    _fsync_dir(index_dir)
    tmp = index_dir / f"{CURRENT}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(final.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    # The version that was live stays one more round for readers that opened it a moment
    # ago (after a crash the newest folder may be an unpublished one, not the live one).
    _prune(index_dir, keep={final.name, *([live] if live else [])})
    return final


def _pointed_version(index_dir: Path) -> str | None:
    """The version CURRENT names, if it names one."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if _VERSION_NAME.fullmatch(name) else None


def _prune(index_dir: Path, keep: set[str]) -> None:
    """Remove old versions and stale staging folders (called while holding the lock)."""
    for path in index_dir.iterdir():
        stale = path.name.startswith(".staging-") or (
            bool(_VERSION_NAME.fullmatch(path.name)) and path.is_dir() and path.name not in keep
        )
        if stale:
            shutil.rmtree(path, ignore_errors=True)
