"""The library API front ends use: list reports, add and remove files, answer from the new
version after reload (never reaching into the index's internals)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SAMPLES, fake_settings

from qa.api import Library
from qa.index.embed import HashEmbedder
from qa.library_ops import index_files


def test_reports_update_remove_and_reload(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path / "indexes")
    embedder = HashEmbedder()
    first, second = sorted(SAMPLES.glob("*.txt"))[:2]
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(first, folder / first.name)
    index_files([folder], settings, embedder)
    library = Library.open(settings, embedder)
    (only,) = library.reports()
    assert only.passages > 0 and only.title and only.indexed_at
    assert library.report(only.doc_id) is not None and library.report("no-such") is None

    summary = library.update([second])
    assert len(summary.added) == 1 and len(library.reports()) == 1  # not before reload
    library.reload()
    assert {r.doc_id for r in library.reports()} == {only.doc_id, *summary.added}

    library.update([], remove=[only.doc_id])
    library.reload()
    assert [r.doc_id for r in library.reports()] == summary.added
