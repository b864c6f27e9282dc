"""Keyword stage: jieba tokens of simplified text and a BM25 index over them."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import jieba
import numpy as np

from qa.ingest.clean import normalize_width, to_simplified

jieba.setLogLevel(logging.WARNING)

# Function words that carry no topic (的 了 和 …); kept short on purpose.
STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 对 为 有 等 中 上 下 把 被 将 从 以 于 并 或 也 都 就 之 其 这 那 "
    "吗 呢 吧 啊 哪些 什么 多少 几 怎么 如何 是否 有没有 哪个 哪家 请问 一下".split()
)
_TOKEN_OK = re.compile(r"[\w\u3400-\u9fff]")


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[str, ...]:
    """Search tokens of a text in either script: jieba search-mode words, lower-cased."""
    simple = to_simplified(normalize_width(text)).lower()
    return tuple(
        tok
        for tok in jieba.cut_for_search(simple)
        if tok.strip() and _TOKEN_OK.search(tok) and tok not in STOPWORDS
    )


class KeywordIndex:
    """BM25 over jieba tokens; scores every passage for a query."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> KeywordIndex:
        model = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [list(tokenize(t)) or ["\u2400"] for t in texts]
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(model, len(corpus))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (zeros when no query token is known)."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        tokens = list(tokenize(query))
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(tokens), dtype=np.float32)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token (0 for a token no passage has)."""
        if self.size == 0:
            return 0.0
        df = int(np.count_nonzero(self._model.get_scores([token])))
        if df == 0:
            return 0.0
        return float(np.log((self.size - df + 0.5) / (df + 0.5) + 1.0))

    def save(self, folder: Path) -> None:
        if self.size:
            self._model.save(str(folder), show_progress=False)
        (folder / "size.txt").write_text(str(self.size), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        size = int((folder / "size.txt").read_text(encoding="utf-8"))
        if size == 0:
            return cls(bm25s.BM25(), 0)
        return cls(bm25s.BM25.load(str(folder), mmap=False, show_progress=False), size)
