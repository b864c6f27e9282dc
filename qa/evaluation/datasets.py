"""External QA sets (CMRC 2018, DRCD) as reports and eval items, indexed on their own."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import ConfigError, IndexCorrupt, IndexMismatch, IndexNotFound
from qa.evaluation.evaluate import EvalItem
from qa.index.build import write_whole_index
from qa.index.core import load_index
from qa.ingest.clean import clean_text
from qa.records import Report

if TYPE_CHECKING:
    from qa.index.core import Progress
    from qa.index.embed import Embedder

DATASETS = ("cmrc2018", "drcd")
_UNSAFE = re.compile(r"[^\w.\-]+")


def dataset_dir(root: Path, name: str) -> Path:
    if name not in DATASETS:
        raise ConfigError(f"未知的数据集 {name!r}，可用的有 {list(DATASETS)!r}")
    folder = root / name
    if not (folder / "passages.jsonl").is_file():
        raise ConfigError(f"找不到数据集文件 {folder / 'passages.jsonl'}。")
    return folder


def jsonl_rows(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file, one a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _doc_id(passage_id: str) -> str:
    return _UNSAFE.sub("_", passage_id)


def load_dataset_reports(folder: Path) -> list[Report]:
    """Each passage of the set is one report (its Wikipedia title as the report title)."""
    reports = []
    for row in jsonl_rows(folder / "passages.jsonl"):
        text = clean_text(str(row["text"])).text
        pid = str(row["id"])
        reports.append(
            Report(
                doc_id=_doc_id(pid),
                path=f"{folder.name}:{pid}",
                title=str(row["title"]),
                agency="",
                region="",
                year=None,
                signed=None,
                doc_number=None,
                text=text,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
        )
    return reports


def load_dataset_items(folder: Path, sample: bool) -> list[EvalItem]:
    """The set's questions: the fixed 500-question sample, or all of them."""
    rows = jsonl_rows(folder / "questions.jsonl")
    if sample:
        wanted = set((folder / "sample500.txt").read_text(encoding="utf-8").split())
        rows = [r for r in rows if r["id"] in wanted]
    return [
        EvalItem(
            qid=str(r["id"]),
            type=folder.name,
            question=str(r["question"]),
            gold=tuple(str(a) for a in r["answers"]),
            gold_doc=_doc_id(str(r["passage_id"])),
        )
        for r in rows
    ]


def ensure_dataset_index(
    folder: Path, settings: Settings, embedder: Embedder, progress: Progress | None = None
) -> Settings:
    """Build ``indexes/eval-<name>`` for a set unless an up-to-date one exists."""
    target = settings.with_overrides(index_name=f"eval-{folder.name}")
    digest = hashlib.sha256((folder / "passages.jsonl").read_bytes()).hexdigest()
    try:
        if load_index(target).manifest.get("dataset_sha256") == digest:
            return target
    except (IndexNotFound, IndexCorrupt, IndexMismatch):
        pass  # build it (again)
    write_whole_index(
        load_dataset_reports(folder), target, embedder, progress, {"dataset_sha256": digest}
    )
    return target
