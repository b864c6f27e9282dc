"""The ONNX Runtime backend gives the torch path's vectors and its retrieval results."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.config import Settings
from qa.index.build import update_index
from qa.index.core import load_index
from qa.index.embed import SentenceEmbedder, load_embedder
from qa.index.embed_onnx import LEGACY_FILE, ONNX_FILE, OnnxEmbedder
from qa.search.retrieve import search
from tests.conftest import graphless_model_folder

pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[1]
REPORT_DIRS = [ROOT / "eval" / "corpus", ROOT.parent / "shared" / "data" / "gov_work_reports"]
pytestmark = pytest.mark.slow


def _cache_dir() -> Path:
    env = os.environ.get("QA_MODEL_CACHE_DIR")
    return Path(env).expanduser() if env else Settings().model_cache_dir


def _passages(n: int = 240) -> list[str]:
    """~200-character pieces spread over the real reports."""
    files = [p for d in REPORT_DIRS for p in sorted(d.glob("*.txt"))]
    per = n // max(1, len(files)) + 1
    out: list[str] = []
    for path in files:
        text = " ".join(path.read_text(encoding="utf-8").split())
        chunks = [text[i : i + 200] for i in range(0, len(text) - 200, 200)]
        out += chunks[:: max(1, len(chunks) // per)][:per]
    return out[:n]


@pytest.fixture(scope="module")
def embedders() -> tuple[Any, Any]:
    settings = Settings(model_cache_dir=_cache_dir())
    onnx = load_embedder(settings)
    assert isinstance(onnx, OnnxEmbedder), "onnxruntime is installed: the default should use it"
    return onnx, load_embedder(settings, onnx=False)


def test_the_onnx_embedder_keeps_no_torch_weights(embedders: tuple[Any, Any]) -> None:
    # one copy of the ~470 MB weights in a serving process, not two
    onnx, torch_ = embedders
    assert not any(hasattr(onnx, name) for name in ("model", "auto_model"))
    assert isinstance(torch_, SentenceEmbedder)


def test_question_vectors_match_torch(embedders: tuple[Any, Any]) -> None:
    onnx, torch_ = embedders
    questions = [
        json.loads(line)["question"]
        for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    ours, ref = onnx.encode_queries(questions), torch_.encode_queries(questions)
    cos = (ours * ref).sum(axis=1)
    assert cos.min() >= 0.9999, cos.min()
    assert onnx.encode_queries([]).shape == (0, onnx.dim)


def test_graph_is_exported_into_the_model_folder(embedders: tuple[Any, Any]) -> None:
    folders = [p for p in _cache_dir().glob("multilingual-e5-small-*") if p.is_dir()]
    assert any((f / ONNX_FILE).is_file() for f in folders)
    assert not [t for f in folders for t in (f / "onnx").glob(f".{ONNX_FILE.name}.tmp-*")]


def test_vectors_match_torch(embedders: tuple[Any, Any]) -> None:
    onnx, torch_ = embedders
    passages = _passages()
    assert len(passages) >= 200
    ours, ref = onnx.encode_documents(passages), torch_.encode_documents(passages)
    assert ours.shape == ref.shape and ours.dtype == np.float32
    cos = (ours * ref).sum(axis=1)
    assert cos.mean() >= 0.9999 and cos.min() >= 0.999, (cos.mean(), cos.min())
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_long_input_still_windowed(embedders: tuple[Any, Any]) -> None:
    onnx, torch_ = embedders
    long = " ".join(_passages()[:12])
    short = _passages()[20]
    ours, ref = onnx.encode_documents([long, short]), torch_.encode_documents([long, short])
    assert float((ours * ref).sum(axis=1).min()) >= 0.999


def test_top5_retrieval_identical(embedders: tuple[Any, Any], tmp_path: Path) -> None:
    onnx, torch_ = embedders
    questions = [
        json.loads(line)["question"]
        for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][:20]
    assert len(questions) == 20
    hits = {}
    for name, embedder in (("onnx", onnx), ("torch", torch_)):
        settings = Settings(model_cache_dir=_cache_dir(), index_root=tmp_path / name)
        update_index([ROOT / "eval" / "corpus"], settings, embedder)
        index = load_index(settings)
        hits[name] = [[h.passage.passage_id for h in search(q, index, embedder)] for q in questions]
    assert hits["onnx"] == hits["torch"]


def test_graph_is_exported_on_first_load(embedders: tuple[Any, Any], tmp_path: Path) -> None:
    # a model folder without its graph (a new machine): the first load exports it
    copy = graphless_model_folder(tmp_path)
    (copy / LEGACY_FILE).parent.mkdir()
    (copy / LEGACY_FILE).write_bytes(b"an earlier graph that held the word embeddings")
    fresh = load_embedder(Settings(model_cache_dir=tmp_path))
    assert isinstance(fresh, OnnxEmbedder)
    assert (copy / ONNX_FILE).is_file() and not (copy / LEGACY_FILE).exists()
    assert not list((copy / ONNX_FILE.parent).glob(f".{ONNX_FILE.name}.tmp-*"))
    text = _passages()[:3]
    cos = (fresh.encode_documents(text) * embedders[0].encode_documents(text)).sum(axis=1)
    assert cos.min() >= 0.99999
