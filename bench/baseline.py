"""A plain llama-index pipeline with the same embedding model, as a point of comparison.

SimpleDirectoryReader + SentenceSplitter (llama-index defaults: 1024 tokens, 200
overlap) into a FAISS-backed VectorStoreIndex (IndexFlatIP; the in-memory
SimpleVectorStore if llama-index-vector-stores-faiss is missing), top-5 retrieval, and
the top node's sentence sharing most characters with the question as the answer. No
LLM and no downloads.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llama_index.core import Settings as LlamaSettings
from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import NodeWithScore
from pydantic import PrivateAttr

from qa.evaluation.evaluate import EvalItem
from qa.index.embed import Embedder
from qa.ingest.clean import to_simplified

TOP_K = 5
# A sentence ends at 。！？； or a line break: "收缴罚款112.23万元。"
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")


class QaEmbedding(BaseEmbedding):
    """Our embedder as a llama-index embedding ("query: " / "passage: " prompts inside)."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_id, embed_batch_size=32, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "QaEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._embedder.encode_queries([query])[0]]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._embedder.encode_documents(texts)]


def _vector_store(dim: int) -> tuple[Any, str]:
    try:
        import faiss
        from llama_index.vector_stores.faiss import FaissVectorStore
    except ImportError:
        return None, "SimpleVectorStore (llama-index-vector-stores-faiss not installed)"
    return FaissVectorStore(faiss_index=faiss.IndexFlatIP(dim)), "FaissVectorStore(IndexFlatIP)"


@dataclass(slots=True)
class Baseline:
    """The built baseline: its retriever, the documents' texts and how long it took."""

    retriever: Any
    texts: dict[str, str]  # file stem -> document text as read
    nodes: int
    seconds: float
    store: str


def build_baseline(folder: Path, embedder: Embedder) -> Baseline:
    """Read, split, embed and index the .txt files of ``folder`` the llama-index way."""
    started = time.perf_counter()
    LlamaSettings.llm = None  # MockLLM: nothing here may call a model over the network
    embed_model = QaEmbedding(embedder)
    LlamaSettings.embed_model = embed_model
    documents = SimpleDirectoryReader(str(folder), required_exts=[".txt"]).load_data()
    nodes = SentenceSplitter().get_nodes_from_documents(documents)
    store, store_name = _vector_store(embedder.dim)
    storage = StorageContext.from_defaults(vector_store=store) if store else None
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=embed_model)
    texts = {Path(d.metadata["file_name"]).stem: d.text for d in documents}
    return Baseline(
        index.as_retriever(similarity_top_k=TOP_K),
        texts,
        len(nodes),
        time.perf_counter() - started,
        store_name,
    )


def _node_span(base: Baseline, hit: NodeWithScore) -> tuple[str, int, int]:
    doc = Path(hit.node.metadata["file_name"]).stem
    start = hit.node.start_char_idx
    if start is None:  # the splitter could not place the chunk; look it up once
        start = base.texts[doc].find(hit.node.get_content())
    return doc, start, start + len(hit.node.get_content())


def best_sentence(question: str, text: str) -> tuple[str, int, int]:
    """The sentence of ``text`` sharing most distinct characters with the question."""
    wanted = set(to_simplified(question))
    best: tuple[int, str, int, int] = (-1, "", 0, 0)
    for m in _SENTENCE.finditer(text):
        score = len(wanted & set(to_simplified(m.group())))
        if score > best[0]:
            best = (score, m.group(), m.start(), m.end())
    return best[1], best[2], best[3]


def _overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and min(a[2], b[2]) > max(a[1], b[1])


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(text))


@dataclass(slots=True)
class BaselineResult:
    qid: str
    answer: str
    recall_at_5: bool | None
    answer_hit: bool | None
    citation_hit: bool | None
    seconds: float


def run_baseline_item(base: Baseline, item: EvalItem) -> BaselineResult:
    """Retrieve, answer with the best sentence, and score against the item's gold."""
    started = time.perf_counter()
    hits = base.retriever.retrieve(item.question)
    answer, a_start, a_end = best_sentence(item.question, hits[0].node.get_content())
    seconds = time.perf_counter() - started
    top = _node_span(base, hits[0])
    answer_span = (top[0], top[1] + a_start, top[1] + a_end)
    spans = []
    for ev in item.evidence:
        at = base.texts.get(ev.doc_id, "").find(ev.quote)
        if at >= 0:
            spans.append((ev.doc_id, at, at + len(ev.quote)))
    node_spans = [_node_span(base, h) for h in hits[:TOP_K]]
    recall = any(_overlaps(s, n) for s in spans for n in node_spans) if item.answerable else None
    hit = None
    if item.answerable:
        found = [_norm(g) in _norm(answer) for g in item.gold]
        hit = all(found) if item.needs_all else any(found)
    cited = any(_overlaps(s, answer_span) for s in spans) if spans else None
    return BaselineResult(item.qid, answer, recall, hit, cited, seconds)


def _mean(values: list[bool | None]) -> float | None:
    scored = [float(v) for v in values if v is not None]
    return round(sum(scored) / len(scored), 4) if scored else None


def summarize_baseline(base: Baseline, results: list[BaselineResult]) -> dict[str, Any]:
    """The comparison row: recall@5, answer hit, citation hit, latency, index time."""
    latencies = sorted(r.seconds for r in results) or [0.0]
    return {
        "system": f"llama-index defaults ({base.store})",
        "items": len(results),
        "recall_at_5": _mean([r.recall_at_5 for r in results]),
        "answer_hit": _mean([r.answer_hit for r in results]),
        "citation_hit": _mean([r.citation_hit for r in results]),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "index_seconds": round(base.seconds, 2),
        "passages": base.nodes,
    }
