"""Index stage: build, update, save and load an index folder (FAISS + BM25 + texts)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

from qa import __version__
from qa.config import Settings
from qa.errors import IndexCorrupt, IndexMismatch
from qa.index.chunk import chunk_report, embedding_text
from qa.index.keywords import KeywordIndex
from qa.index.store import current_version, write_json
from qa.ingest.clean import to_simplified
from qa.records import Passage, Report

if TYPE_CHECKING:
    from qa.index.embed import Embedder

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
Progress = Callable[[int, int], None]


def passage_int_id(passage_id: str) -> int:
    """A stable non-negative int64 FAISS id for a passage id."""
    digest = hashlib.blake2b(passage_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(slots=True)
class Index:
    """A loaded index: reports, passages, their vectors, FAISS and BM25."""

    path: Path
    manifest: dict[str, Any]
    reports: dict[str, Report]
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: Any
    keywords: KeywordIndex
    by_int_id: dict[int, int] = field(default_factory=dict)
    # Every place alias of the reports, filled in once by ``places.known_places``: the
    # reports never change after loading, and a new version is a new Index.
    place_names: frozenset[str] | None = field(default=None, repr=False, compare=False)
    office_names: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _by_doc: dict[str, list[Passage]] | None = field(default=None, repr=False, compare=False)
    # How many passages hold each character bigram, filled in once by ``rerank.bigram_counts``.
    bigram_df: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def model(self) -> str:
        return str(self.manifest["embed_model"])

    def passages_of(self, doc_id: str) -> list[Passage]:
        """One report's passages (grouped once, on first use; the index never changes)."""
        if self._by_doc is None:
            self._by_doc = {}
            for p in self.passages:
                self._by_doc.setdefault(p.doc_id, []).append(p)
        return self._by_doc.get(doc_id, [])

    def passage_at(self, doc_id: str, offset: int) -> Passage | None:
        """The passage of a report that holds ``offset`` (None: a heading or a gap)."""
        return next((p for p in self.passages_of(doc_id) if p.start <= offset < p.end), None)


def make_faiss(vectors: np.ndarray, passages: Sequence[Passage]) -> Any:
    """An inner-product FAISS index with stable int64 ids (IndexIDMap2 over IndexFlatIP)."""
    dim = vectors.shape[1]
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if len(passages):
        ids = np.array([passage_int_id(p.passage_id) for p in passages], dtype=np.int64)
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
    return index


def passage_texts(passages: Sequence[Passage]) -> list[str]:
    """What gets embedded and keyword-indexed: simplified text with its context."""
    return [to_simplified(embedding_text(p)) for p in passages]


def embed_passages(
    passages: Sequence[Passage], embedder: Embedder, batch: int, progress: Progress | None
) -> np.ndarray:
    """Embed passages in batches, reporting progress as (done, total)."""
    texts = passage_texts(passages)
    parts = [np.zeros((0, embedder.dim), dtype=np.float32)]
    for i in range(0, len(texts), batch):
        parts.append(np.asarray(embedder.encode_documents(texts[i : i + batch]), np.float32))
        if progress:
            progress(min(i + batch, len(texts)), len(texts))
    return np.concatenate(parts)


def chunk_settings(settings: Settings) -> dict[str, int]:
    return {"chunk_chars": settings.chunk_chars, "overlap_chars": settings.overlap_chars}


def check_compatible(manifest: dict[str, Any], settings: Settings) -> None:
    """Refuse an index built with another model or chunking (use --rebuild)."""
    if manifest.get("embed_model") != settings.embed_model:
        raise IndexMismatch(
            f"索引由模型 {manifest.get('embed_model')!r} 建立，当前配置的模型是 "
            f"{settings.embed_model!r}。请加 --rebuild 重建索引，或改回原模型。"
        )
    if manifest.get("chunking") != chunk_settings(settings):
        raise IndexMismatch(
            f"索引的分块设置 {manifest.get('chunking')} 与当前设置 {chunk_settings(settings)} "
            "不同。请加 --rebuild 重建索引。"
        )


def save_version(
    folder: Path,
    reports: Sequence[Report],
    passages: Sequence[Passage],
    vectors: np.ndarray,
    manifest: dict[str, Any],
) -> None:
    """Write every file of one index version; the manifest goes last."""
    (folder / "docs").mkdir()
    for report in reports:
        (folder / "docs" / f"{report.doc_id}.txt").write_text(report.text, encoding="utf-8")
    with (folder / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    np.save(folder / "vectors.npy", vectors.astype(np.float32))
    faiss.write_index(make_faiss(vectors, passages), str(folder / "index.faiss"))
    (folder / "bm25").mkdir()
    KeywordIndex.build(passage_texts(passages)).save(folder / "bm25")
    meta = [{k: v for k, v in r.to_dict().items() if k != "text"} for r in reports]
    write_json(folder / "reports.json", meta)
    write_json(
        folder / "manifest.json",
        manifest
        | {
            "format_version": FORMAT_VERSION,
            "qa_version": __version__,
            "dimension": int(vectors.shape[1]),
            "counts": {"reports": len(reports), "passages": len(passages)},
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    )


def load_index(settings: Settings, check_model: bool = True) -> Index:
    """Load the live version of ``settings.index_dir``."""
    version = current_version(settings.index_dir)
    try:
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        if check_model:
            check_compatible(manifest, settings)
        metas = json.loads((version / "reports.json").read_text(encoding="utf-8"))
        reports = {}
        for meta in metas:
            text = (version / "docs" / f"{meta['doc_id']}.txt").read_text(encoding="utf-8")
            reports[meta["doc_id"]] = Report.from_dict(meta | {"text": text})
        with (version / "passages.jsonl").open(encoding="utf-8") as fh:
            passages = [Passage.from_dict(json.loads(line)) for line in fh]
        vectors = np.load(version / "vectors.npy")
        faiss_index = faiss.read_index(str(version / "index.faiss"))
        keywords = KeywordIndex.load(version / "bm25")
    except (OSError, EOFError, ValueError, KeyError, RuntimeError, TypeError) as exc:
        raise IndexCorrupt(
            f"索引 {settings.index_dir} 的文件无法读取（{exc}）。"
            "请运行 `qa index 报告文件夹 --rebuild` 重建。"
        ) from exc
    if len(passages) != len(vectors) or faiss_index.ntotal != len(passages):
        raise IndexCorrupt(f"索引 {settings.index_dir} 的向量与段落数量不一致，请 --rebuild 重建。")
    by_int_id = {passage_int_id(p.passage_id): i for i, p in enumerate(passages)}
    return Index(version, manifest, reports, passages, vectors, faiss_index, keywords, by_int_id)


def chunk_all(reports: Sequence[Report], settings: Settings) -> list[list[Passage]]:
    return [chunk_report(r, settings.chunk_chars) for r in reports]
