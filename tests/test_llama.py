"""llama-index adapter: passages as TextNodes, and the library as a llama-index retriever."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, fake_settings
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle, TextNode

from qa.api import Library
from qa.errors import EmptyQuestion
from qa.index.build import update_index
from qa.index.core import load_index
from qa.index.embed import HashEmbedder
from qa.llm.llama import as_retriever, to_text_node
from qa.records import Passage


@pytest.fixture()
def library(tmp_path: Path, fake_embedder: HashEmbedder) -> Library:
    settings = fake_settings(tmp_path / "indexes")
    update_index([SAMPLES], settings, fake_embedder)
    return Library(settings, load_index(settings), fake_embedder)


def make_passage() -> Passage:
    return Passage(
        passage_id="gov-2023#0007",
        doc_id="gov-2023",
        agency="国务院",
        year=2023,
        title="政府工作报告",
        section_path=("三、2023年政府工作建议", "（二）加快建设现代化产业体系"),
        text="围绕制造业重点产业链",
        start=120,
        end=130,
        ordinal=7,
    )


def test_to_text_node_keeps_id_text_metadata_and_offsets() -> None:
    node = to_text_node(make_passage())
    assert isinstance(node, TextNode)
    assert node.node_id == "gov-2023#0007"
    assert node.text == "围绕制造业重点产业链"
    assert (node.start_char_idx, node.end_char_idx) == (120, 130)
    assert node.metadata == {
        "doc_id": "gov-2023",
        "title": "政府工作报告",
        "agency": "国务院",
        "year": 2023,
        "section": "三、2023年政府工作建议 > （二）加快建设现代化产业体系",
        "start": 120,
        "end": 130,
    }


def test_to_text_node_hides_positions_from_embedding_and_llm() -> None:
    node = to_text_node(make_passage())
    for mode in (MetadataMode.EMBED, MetadataMode.LLM):
        content = node.get_content(metadata_mode=mode)
        assert "政府工作报告" in content and "（二）加快建设现代化产业体系" in content
        assert "doc_id" not in content and "start" not in content and "end:" not in content


def test_to_text_node_is_deterministic() -> None:
    assert to_text_node(make_passage()).node_id == to_text_node(make_passage()).node_id


def test_retriever_returns_library_hits_as_nodes(library: Library) -> None:
    retriever = as_retriever(library, k=3)
    assert isinstance(retriever, BaseRetriever)
    question = "井研县自然资源局2023年收缴罚款多少？"
    nodes = retriever.retrieve(question)
    hits = library.search(question, k=3)
    assert len(nodes) == 3
    assert all(isinstance(n, NodeWithScore) for n in nodes)
    assert [n.node.node_id for n in nodes] == [h.passage.passage_id for h in hits]
    assert [n.score for n in nodes] == pytest.approx([h.score for h in hits])


def test_retrieved_nodes_slice_their_reports(library: Library) -> None:
    nodes = as_retriever(library, k=5).retrieve(QueryBundle("行政执法 罚款"))
    assert nodes
    for n in nodes:
        node = n.node
        assert isinstance(node, TextNode)
        report = library.index.reports[node.metadata["doc_id"]]
        start, end = node.metadata["start"], node.metadata["end"]
        assert (node.start_char_idx, node.end_char_idx) == (start, end)
        assert report.text[start:end] == node.text
        assert node.metadata["title"] == report.title
        assert node.metadata["year"] == report.year


def test_retriever_default_k_and_empty_question(library: Library) -> None:
    assert len(as_retriever(library).retrieve("法治政府建设")) == 5
    with pytest.raises(EmptyQuestion):
        as_retriever(library).retrieve("   ")
