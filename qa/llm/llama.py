"""llama-index adapter: passages as TextNodes and an opened library as a retriever."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from qa.records import Passage

if TYPE_CHECKING:
    from qa.api import Library

# Bookkeeping keys: useful to find the span again, noise for an embedding model or an LLM.
POSITION_KEYS = ["doc_id", "start", "end"]


def to_text_node(p: Passage) -> TextNode:
    """The passage as a TextNode: same id, same text, offsets into the cleaned report text."""
    return TextNode(
        id_=p.passage_id,
        text=p.text,
        start_char_idx=p.start,
        end_char_idx=p.end,
        metadata={
            "doc_id": p.doc_id,
            "title": p.title,
            "agency": p.agency,
            "year": p.year,
            "section": " > ".join(p.section_path),
            "start": p.start,
            "end": p.end,
        },
        excluded_embed_metadata_keys=list(POSITION_KEYS),
        excluded_llm_metadata_keys=list(POSITION_KEYS),
    )


class LibraryRetriever(BaseRetriever):
    """A llama-index retriever over :meth:`qa.api.Library.search` (hybrid FAISS + BM25)."""

    def __init__(self, library: Library, k: int = 5) -> None:
        super().__init__()
        self.library = library
        self.k = k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.library.search(query_bundle.query_str, k=self.k)
        return [NodeWithScore(node=to_text_node(hit.passage), score=hit.score) for hit in hits]


def as_retriever(library: Library, k: int = 5) -> BaseRetriever:
    """A llama-index retriever returning the library's top ``k`` passages for a query."""
    return LibraryRetriever(library, k)
