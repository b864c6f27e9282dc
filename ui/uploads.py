"""UI uploads: check type and size, sanitise names, store files under the index's own folder."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from qa.config import Settings

ALLOWED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 255  # what the file system allows in one name (UTF-8 bytes)
# Anything but letters (CJK included), digits and a few safe marks becomes "_".
_UNSAFE_NAME = re.compile(r"[^\w\-.（）()·]+")


def uploads_dir(settings: Settings) -> Path:
    """Where uploaded reports are kept: inside the index's own folder."""
    return settings.index_dir / "uploads"


def safe_filename(name: str) -> str:
    """A file name without folders, control characters or markup; keeps Chinese letters.

    ``../../etc/passwd.txt`` → ``passwd.txt``; ``<img src=x>.txt`` → ``img_src_x_.txt``.
    """
    base = PureWindowsPath(PurePosixPath(name).name).name  # drop both / and \\ folders
    base = unicodedata.normalize("NFC", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE_NAME.sub("_", stem).strip("._ ") or "report"
    suffix = _UNSAFE_NAME.sub("", suffix).lower()
    stem = stem[: MAX_NAME_CHARS - len(suffix) - 1]
    while len(f"{stem}.{suffix}".encode()) > MAX_NAME_BYTES:  # 120 Chinese characters: 360 bytes
        stem = stem[:-1]
    return f"{stem}.{suffix}" if suffix else stem


@dataclass(slots=True)
class StagedUploads:
    """Files copied into the uploads folder, and those refused with the reason."""

    saved: list[Path] = field(default_factory=list)
    new: set[Path] = field(default_factory=set)  # did not exist before this upload
    rejected: list[tuple[str, str]] = field(default_factory=list)
    names: dict[Path, str] = field(default_factory=dict)  # stored path → name as uploaded


def check_upload(path: Path, shown_name: str) -> str | None:
    """Why an uploaded file is refused, or None when it may be indexed."""
    suffix = Path(shown_name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return f"不支持的文件类型“{suffix or '无扩展名'}”。可上传：{'、'.join(ALLOWED_SUFFIXES)}。"
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。"
    if size == 0:
        return "文件为空。"
    return None


def stage_uploads(files: Iterable[Path], settings: Settings) -> StagedUploads:
    """Copy acceptable uploads into ``uploads_dir(settings)`` under sanitised names."""
    staged = StagedUploads()
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for src in files:
        name = safe_filename(src.name)
        reason = check_upload(src, name)
        if reason:
            staged.rejected.append((src.name, reason))
            continue
        dest = _free_name(folder / name, staged.saved)
        if dest.resolve().parent != folder.resolve():  # belt and braces after sanitising
            staged.rejected.append((src.name, "文件名无效。"))
            continue
        if not dest.exists():
            staged.new.add(dest)
        shutil.copyfile(src, dest)
        staged.saved.append(dest)
        staged.names[dest] = src.name
    return staged


def _free_name(dest: Path, taken: list[Path]) -> Path:
    """Two uploads of one batch with the same name keep both: 名称.txt, 名称-2.txt."""
    n = 2
    candidate = dest
    while candidate in taken:
        candidate = dest.with_name(f"{dest.stem}-{n}{dest.suffix}")
        n += 1
    return candidate


def discard(paths: Iterable[Path], settings: Settings) -> None:
    """Delete stored uploads (only ever inside the uploads folder)."""
    folder = uploads_dir(settings).resolve()
    for path in paths:
        if path.resolve().parent == folder:
            path.unlink(missing_ok=True)
