"""Crash-test driver: run update_index with the HashEmbedder, slowly, printing phase markers.

Usage: python slow_update.py INDEX_ROOT PAUSE_AT PATH...

Markers (one per line, flushed) let the test kill the process at a known phase:
START (update_index called), EMBEDDING (first batch embedded), MANIFEST (staging folder
written except its manifest), RENAMED (staging renamed to its version folder),
CURRENT-TMP (the new CURRENT pointer written, not yet switched), SWITCHED (CURRENT switched,
old versions not yet pruned), DONE. With PAUSE_AT naming one of MANIFEST, RENAMED,
CURRENT-TMP or SWITCHED the driver sleeps there for a minute (the test kills it);
``none`` runs straight through, slowed only by the progress callback (a pause at the first
batch, then a little at each).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import qa.index.core
import qa.index.store
from qa.config import Settings
from qa.index.build import update_index
from qa.index.embed import HashEmbedder

PAUSE = 60.0
# Reused vectors leave an update little to embed: without this pause an idle machine finished
# the whole update in 1.3 s, the longest delay at which the test kills it mid-update.
FIRST_BATCH_PAUSE = 1.0


def mark(name: str, pause_at: str) -> None:
    print(name, flush=True)
    if name == pause_at:
        time.sleep(PAUSE)


def main() -> None:
    index_root, pause_at, *paths = sys.argv[1:]
    settings = Settings(
        index_root=Path(index_root), embed_model=HashEmbedder().model_id, batch_size=2
    )
    real_write_json = qa.index.core.write_json
    real_replace = os.replace
    started: list[bool] = []

    def write_json(path: Path, data: object) -> None:
        if path.name == "manifest.json":
            mark("MANIFEST", pause_at)
        real_write_json(path, data)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        name = Path(dst).name
        if name == qa.index.store.CURRENT:
            mark("CURRENT-TMP", pause_at)
        real_replace(src, dst)
        if name.startswith("v"):
            mark("RENAMED", pause_at)
        elif name == qa.index.store.CURRENT:
            mark("SWITCHED", pause_at)

    def progress(done: int, total: int) -> None:
        if not started:
            started.append(True)
            print("EMBEDDING", flush=True)
            time.sleep(FIRST_BATCH_PAUSE)
        time.sleep(0.02)

    qa.index.core.write_json = write_json  # type: ignore[assignment]
    os.replace = replace  # type: ignore[assignment]
    print("START", flush=True)
    summary = update_index([Path(p) for p in paths], settings, HashEmbedder(), progress=progress)
    print("DONE", summary.embedded, flush=True)


if __name__ == "__main__":
    main()
