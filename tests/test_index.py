"""Index stage: FAISS ids and search, save/load of one version, corrupt indexes, BM25."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, fake_settings

from qa.config import Settings
from qa.errors import IndexCorrupt, IndexMismatch, IndexNotFound
from qa.index.build import update_index
from qa.index.chunk import chunk_report
from qa.index.core import (
    check_compatible,
    load_index,
    make_faiss,
    passage_int_id,
    passage_texts,
    save_version,
)
from qa.index.embed import HashEmbedder
from qa.index.keywords import KeywordIndex, tokenize
from qa.index.store import CURRENT, new_staging, publish
from qa.records import Passage, Report


def make_passages(n: int) -> list[Passage]:
    return [
        Passage(f"doc{i % 7}#{i:04d}", f"doc{i % 7}", "某局", 2023, "报告", ("一",), "x", 0, 1, i)
        for i in range(n)
    ]


def random_unit_vectors(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_passage_int_id_is_stable_nonnegative_and_distinct() -> None:
    ids = [f"{doc}#{i:04d}" for doc in ("000_a", "001_b", "湘潭") for i in range(300)]
    ints = [passage_int_id(p) for p in ids]
    assert all(0 <= n < 2**63 for n in ints)
    assert len(set(ints)) == len(ids)
    # Stable across processes and releases: derived from blake2b, not Python's salted hash().
    digest = hashlib.blake2b(b"000_a#0000", digest_size=8).digest()
    assert ints[0] == int.from_bytes(digest, "big") & (2**63 - 1)


@pytest.mark.parametrize("n, dim, k", [(1, 8, 1), (50, 16, 5), (1000, 64, 10), (300, 32, 300)])
def test_faiss_top_k_equals_brute_force(n: int, dim: int, k: int) -> None:
    rng = np.random.default_rng(n * 1000 + dim)
    vectors = random_unit_vectors(rng, n, dim)
    queries = random_unit_vectors(rng, 20, dim)
    passages = make_passages(n)
    index = make_faiss(vectors, passages)
    assert index.ntotal == n
    scores, ids = index.search(queries, k)

    by_int_id = {passage_int_id(p.passage_id): i for i, p in enumerate(passages)}
    dots = queries @ vectors.T
    for q in range(len(queries)):
        rows = [by_int_id[int(i)] for i in ids[q]]
        expected = np.argsort(-dots[q], kind="stable")[:k].tolist()
        np.testing.assert_allclose(scores[q], dots[q][expected], rtol=1e-5, atol=1e-5)
        # The same passages in the same order (a swap is only allowed between equal scores).
        for got, want in zip(rows, expected, strict=True):
            assert got == want or abs(dots[q][got] - dots[q][want]) < 1e-5
        assert len(set(rows)) == k
        assert passages[rows[0]].passage_id == passages[expected[0]].passage_id


def test_make_faiss_of_no_passages_is_empty() -> None:
    index = make_faiss(np.zeros((0, 16), np.float32), [])
    assert index.ntotal == 0
    assert index.d == 16


def sample_reports() -> list[Report]:
    from qa.index.build import load_report

    return [load_report(p) for p in sorted(SAMPLES.glob("00[02]_*.txt"))]


def save_sample_version(index_dir: Path, settings: Settings) -> tuple[list[Report], list[Passage]]:
    reports = sample_reports()
    passages = [p for r in reports for p in chunk_report(r, settings.chunk_chars)]
    vectors = HashEmbedder().encode_documents(passage_texts(passages))
    staging = new_staging(index_dir)
    manifest = {
        "embed_model": settings.embed_model,
        "chunking": {"chunk_chars": settings.chunk_chars, "overlap_chars": settings.overlap_chars},
    }
    save_version(staging, reports, passages, vectors, manifest)
    publish(index_dir, staging)
    return reports, passages


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    reports, passages = save_sample_version(settings.index_dir, settings)
    index = load_index(settings)
    assert index.passages == passages
    assert index.reports == {r.doc_id: r for r in reports}
    np.testing.assert_array_equal(
        index.vectors, HashEmbedder().encode_documents(passage_texts(passages))
    )
    assert index.faiss_index.ntotal == len(passages)
    assert index.by_int_id[passage_int_id(passages[3].passage_id)] == 3
    assert index.manifest["counts"] == {"reports": len(reports), "passages": len(passages)}
    assert index.manifest["dimension"] == HashEmbedder().dim
    # FAISS on disk answers like the stored vectors do.
    q = HashEmbedder().encode_queries(["收缴罚款"])
    _, ids = index.faiss_index.search(q, 3)
    best = int(np.argmax(index.vectors @ q[0]))
    assert index.by_int_id[int(ids[0][0])] == best


def test_load_refuses_other_model_or_chunking(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    save_sample_version(settings.index_dir, settings)
    with pytest.raises(IndexMismatch, match="--rebuild") as err:
        load_index(settings.with_overrides(embed_model="some-other-model"))
    assert "some-other-model" in str(err.value)
    with pytest.raises(IndexMismatch, match="--rebuild"):
        load_index(settings.with_overrides(chunk_chars=200))
    assert load_index(settings.with_overrides(chunk_chars=200), check_model=False).passages


def test_check_compatible_accepts_same_settings() -> None:
    settings = Settings(embed_model="m", chunk_chars=300)
    ok = {"embed_model": "m", "chunking": {"chunk_chars": 300, "overlap_chars": 0}}
    check_compatible(ok, settings)
    with pytest.raises(IndexMismatch):
        check_compatible(ok | {"chunking": {"chunk_chars": 350, "overlap_chars": 0}}, settings)


def test_missing_index_is_not_found(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    with pytest.raises(IndexNotFound) as err:
        load_index(settings)
    assert str(settings.index_dir) in str(err.value)


def truncate(path: Path, keep: int | float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])


CORRUPTIONS = {
    "manifest-missing": lambda v: (v / "manifest.json").unlink(),
    "manifest-garbage": lambda v: (v / "manifest.json").write_bytes(b"{not json"),
    "vectors-empty": lambda v: truncate(v / "vectors.npy", 0),
    "vectors-header": lambda v: truncate(v / "vectors.npy", 40),
    "vectors-half": lambda v: truncate(v / "vectors.npy", 0.5),
    "vectors-last-byte": lambda v: truncate(v / "vectors.npy", 0.999),
    "vectors-missing": lambda v: (v / "vectors.npy").unlink(),
    "faiss-half": lambda v: truncate(v / "index.faiss", 0.5),
    "passages-cut-mid-line": lambda v: truncate(v / "passages.jsonl", 0.5),
    "passages-missing-line": lambda v: (v / "passages.jsonl").write_text(
        "".join((v / "passages.jsonl").read_text(encoding="utf-8").splitlines(True)[:-1]),
        encoding="utf-8",
    ),
    "doc-missing": lambda v: next((v / "docs").iterdir()).unlink(),
    "reports-garbage": lambda v: (v / "reports.json").write_bytes(b"\xff\xfe"),
    "bm25-missing": lambda v: shutil.rmtree(v / "bm25"),
    "current-garbage": lambda v: (v.parent / CURRENT).write_bytes(b"\x89PNG\r\n\x1a\n"),
    "current-missing-version": lambda v: shutil.rmtree(v),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupt_index_names_index_and_rebuild(tmp_path: Path, corruption: str) -> None:
    settings = fake_settings(tmp_path)
    save_sample_version(settings.index_dir, settings)
    version = load_index(settings).path
    CORRUPTIONS[corruption](version)
    with pytest.raises(IndexCorrupt) as err:
        load_index(settings)
    message = str(err.value)
    assert str(settings.index_dir) in message
    assert "--rebuild" in message


def test_update_refuses_corrupt_index_unless_rebuild(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    update_index([SAMPLES], settings, HashEmbedder())
    (settings.index_dir / CURRENT).write_bytes(b"\xff\x00")
    with pytest.raises(IndexCorrupt, match="--rebuild"):
        update_index([SAMPLES], settings, HashEmbedder())
    summary = update_index([SAMPLES], settings, HashEmbedder(), rebuild=True)
    assert summary.written
    assert len(load_index(settings).reports) == 5


def test_manifest_records_model_chunking_and_sources(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path, chunk_chars=300)
    update_index([SAMPLES], settings, HashEmbedder())
    manifest = json.loads((load_index(settings).path / "manifest.json").read_text("utf-8"))
    assert manifest["embed_model"] == settings.embed_model
    assert manifest["model_id"] == HashEmbedder().model_id
    assert manifest["chunking"] == {"chunk_chars": 300, "overlap_chars": 0}
    assert set(manifest["reports"]) == {p.stem for p in SAMPLES.glob("*.txt")}


def test_tokenize_maps_traditional_and_full_width_to_simplified() -> None:
    assert "罚款" in tokenize("收繳罰款")
    assert "罚款" in tokenize("收缴罚款")
    assert "2023" in tokenize("２０２３年")
    assert "的" not in tokenize("自然资源局的工作")


def test_keyword_index_scores_and_round_trip(tmp_path: Path) -> None:
    texts = ["收缴罚款112.23万元", "开展普法宣传活动", "耕地保护和执法检查", ""]
    keywords = KeywordIndex.build(texts)
    scores = keywords.scores("收繳罰款多少")  # traditional question, simplified text
    assert scores.shape == (4,)
    assert int(np.argmax(scores)) == 0 and scores[0] > 0
    assert scores[1] == scores[2] == scores[3] == 0
    assert not keywords.scores("完全无关的词语xyz").any()
    assert not keywords.scores("的了").any()  # only stopwords
    assert keywords.idf("罚款") > 0
    assert keywords.idf("不存在") == 0.0
    keywords.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path)
    np.testing.assert_array_equal(loaded.scores("普法宣传"), keywords.scores("普法宣传"))
    assert loaded.idf("罚款") == pytest.approx(keywords.idf("罚款"))


def test_empty_keyword_index_round_trip(tmp_path: Path) -> None:
    empty = KeywordIndex.build([])
    assert empty.scores("罚款").shape == (0,)
    empty.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path)
    assert loaded.size == 0
    assert loaded.idf("罚款") == 0.0
