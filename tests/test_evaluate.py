"""Eval scoring: answer hits, refusals, figures, gate — on hand-made answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.errors import ConfigError
from qa.evaluation.evaluate import (
    EvalItem,
    ItemResult,
    answer_hit,
    check_gate,
    load_questions,
    summarize,
)
from qa.records import Answer, Citation


def _answer(text: str, cited: bool = True) -> Answer:
    citations = (Citation(1, "d#0000", "d", 0, 4, "罚款"),) if cited else ()
    return Answer("q", "q", text, citations, (), cited)


def test_answer_hit_needs_one_of_each_group() -> None:
    both = EvalItem(
        "d1",
        "number",
        "?",
        gold=("2356.33万", "23563342.00", "217.83万"),
        gold_groups=(("23563342.00", "2356.33万"), ("2178324.44", "217.83万")),
    )
    assert answer_hit(both, _answer("人员经费23563342.00元，公用经费217.83万元[1]。"))
    assert not answer_hit(both, _answer("人员经费2356.33万元[1]。"))  # one part only


def test_answer_hit_any_or_all() -> None:
    single = EvalItem("q1", "number", "?", gold=("112.23万元", "112.23万"))
    assert answer_hit(single, _answer("收缴罚款112.23万[1]。"))
    assert not answer_hit(single, _answer("收缴罚款112.23万[1]。", cited=False))
    listed = EvalItem("q2", "cross_doc", "?", gold=("井研县", "湘潭縣"))
    assert not answer_hit(listed, _answer("井研县……[1]"))
    assert answer_hit(listed, _answer("井研县……[1]\n湘潭县……[2]"))  # compared after t2s
    wide = EvalItem("q3", "number", "?", gold=("6%左右",))
    assert answer_hit(wide, _answer("增长6％左右[1]。"))  # full-width signs as scoring.md: NFKC


def _result(**values: object) -> ItemResult:
    base = dict(
        qid="q",
        type="number",
        question="?",
        resolved="?",
        answer="",
        gold=["1件"],
        cited=["x"],
        rank=1,
        answer_hit=True,
        citation_hit=True,
        citation_recall=1.0,
        citation_precision=1.0,
        grounded=True,
        figures_verified=True,
        refused=None,
        seconds=0.01,
    )
    base.update(values)
    return ItemResult(**base)  # type: ignore[arg-type]


def test_summarize_and_gate() -> None:
    results = [
        _result(),
        _result(rank=3, answer_hit=False, citation_hit=False),
        _result(type="unanswerable", gold=[], cited=[], rank=None, refused=True, citation_hit=None),
    ]
    metrics = summarize(results)
    assert metrics["recall_at_1"] == 0.5 and metrics["recall_at_5"] == 1.0
    assert metrics["answer_hit"] == 0.5 and metrics["refusal"] == 1.0
    assert metrics["unverified_figures"] == 0
    failed = check_gate(metrics, {"answer_hit": 0.9, "refusal": 1.0, "unverified_figures_max": 0})
    assert failed == ["answer_hit=0.5 < 0.9"]


def test_gate_fails_on_missing_metric() -> None:
    assert check_gate({"answer_hit": None}, {"answer_hit": 0.9}) == ["answer_hit=None < 0.9"]


def test_bad_question_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"qid": "q1", "type": "number", "question": "?"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="第 2 行"):
        load_questions(path)


def test_repository_question_set_loads() -> None:
    items = load_questions(Path(__file__).resolve().parents[1] / "eval" / "questions.jsonl")
    assert len(items) >= 80 and any(i.expects_refusal for i in items)
