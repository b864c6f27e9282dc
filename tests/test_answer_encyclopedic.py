"""Answers over encyclopedic passages (the shape of CMRC 2018 / DRCD): which sentence is quoted."""

from __future__ import annotations

import json

import pytest

from qa.api import Library
from qa.evaluation.datasets import load_dataset_reports
from qa.index.build import write_whole_index
from qa.index.embed import HashEmbedder
from qa.ingest.clean import to_simplified
from tests.conftest import fake_settings

ARTICLES = {
    "南加州大学": "南加州大学是位于洛杉矶的一所私立研究型大学。学校的传统对手是圣母大学。"
    "两校在大学足球的竞争上堪称是全国最激烈的。南加州大学的吉祥物是特洛伊人。",
    "唐爱陆": "唐爱陆（1872年—1944年），清朝末年民国初年革命家、实业家。"
    "1912年，唐爱陆在汉口筹资创办旅汉公学。唐爱陆曾任汉口商会会长。",
    "罗伯特·吉芬": "罗伯特·吉芬是美国化学家。他于1962年12月10日在马里兰州的安纳波利斯去世。",
    "版权法": "版权法保护作者的权利。根据美国版权法的基本原理，一个作品要获得版权法的保护，要具备三点要素："
    "一是要有原创性；二是要为作者创作，而非机器创作；三是固定在一定的表达媒介上面。版权的期限因国家而异。",
    "张三丰": "张三丰是武当派的开创者。\n一、生平\n他于1247年出生在辽东懿州，曾在宝鸡金台观修道。",
    "上海市市长": "上海市市长是上海市人民政府的首长。1985年至1987年间，江泽民任上海市市长。"
    "上海市人民政府设在黄浦区。",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("encyclopedia")
    folder = root / "articles"  # shaped like eval/datasets/<name>/, read the same way
    folder.mkdir()
    rows = [{"id": f"a{n}", "title": t, "text": x} for n, (t, x) in enumerate(ARTICLES.items())]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    (folder / "passages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = fake_settings(root / "indexes")
    reports = load_dataset_reports(folder)
    write_whole_index(reports, settings, HashEmbedder())
    return Library.open(settings, HashEmbedder())


def _quotes(library: Library, question: str) -> tuple[str, list[str]]:
    answer = library.ask(question)
    assert answer.grounded, answer.text
    for c in answer.citations:  # every quote slices back out of its report
        assert library.index.reports[c.doc_id].text[c.start : c.end] == c.quote
    return answer.text, [c.quote for c in answer.citations]


def test_a_sentence_pointing_back_is_quoted_with_the_one_before(library: Library) -> None:
    text, quotes = _quotes(library, "南加大和哪所学校在大学足球的竞争上堪称是全国最激烈的？")
    assert "圣母大学" in text
    assert quotes[0].startswith("学校的传统对手是圣母大学。两校")


def test_the_article_named_in_the_question_is_the_one_quoted(library: Library) -> None:
    # 去世 is only in 罗伯特·吉芬's article, but the question is about 唐爱陆: his article's
    # title counts for every one of its sentences
    text, quotes = _quotes(library, "唐爱陆在什么时候去世？")
    assert "1962年" not in text
    assert quotes and all("唐爱陆" in q for q in quotes)


def test_a_place_the_passages_name_in_a_longer_phrase_is_not_declined(library: Library) -> None:
    # 当时的上海市 is read as a place; its tail 上海市 is in the passages, so no decline
    text, _ = _quotes(library, "1986年的时候，当时的上海市市长是谁？")
    assert "江泽民" in to_simplified(text)


def test_a_place_no_passage_names_is_still_declined(library: Library) -> None:
    answer = library.ask("仁寿县的县长是谁？")
    assert not answer.citations
    assert "仁寿县" in answer.text


def test_a_list_cut_at_semicolons_is_quoted_whole(library: Library) -> None:
    text, quotes = _quotes(library, "美国版权法中认为受版权法保护的作品有哪些要素？")
    for item in ("一是要有原创性", "二是要为作者创作", "三是固定在一定的表达媒介上面"):
        assert item in text
    assert len(quotes) == len(set(quotes))


def test_a_paragraph_opening_with_he_is_not_joined_to_the_heading_above(library: Library) -> None:
    text, quotes = _quotes(library, "张三丰是哪一年出生的？")
    assert "1247年" in text
    assert quotes[0].startswith("他于1247年")  # not "一、生平\n他于…"
