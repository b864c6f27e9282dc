"""Checks on the hand-written eval set and the fixed CMRC 2018 / DRCD samples.

Stdlib only: these tests must pass before any model or index is installed.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval"
QUESTIONS = EVAL / "questions.jsonl"
CORPUS = EVAL / "corpus"

TYPES = {"number", "fact", "list", "cross_doc", "traditional", "followup", "unanswerable"}
KEYS = {"qid", "type", "question", "history", "gold", "evidence"}
# Pinyin readings such as "(shè)" and Word bookmarks: removed from the indexed text.
ARTEFACT = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)|\[bookmark")
# Web page chrome of report 002 (site header, comment widget).
CHROME = re.compile(r"www\.|全部留言|發布時間|发布时间|評論")
WS = re.compile(r"\s+")


def _nows(s: str) -> str:
    return WS.sub("", s)


def _load_questions() -> list[dict]:
    rows = []
    with QUESTIONS.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            assert line.strip(), f"blank line {n}"
            rows.append(json.loads(line))
    return rows


ROWS = _load_questions()


def _doc_text(doc_id: str) -> str:
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")


def test_schema_and_unique_qids() -> None:
    qids = [r["qid"] for r in ROWS]
    assert len(qids) == len(set(qids)), "duplicate qid"
    for r in ROWS:
        assert set(r) == KEYS, r["qid"]
        assert re.fullmatch(r"q\d{3}", r["qid"]), r["qid"]
        assert r["type"] in TYPES, r["qid"]
        assert isinstance(r["question"], str) and r["question"].strip(), r["qid"]
        assert isinstance(r["history"], list), r["qid"]
        assert all(isinstance(h, str) and h.strip() for h in r["history"]), r["qid"]
        assert isinstance(r["gold"], list), r["qid"]
        assert all(isinstance(g, str) and g.strip() for g in r["gold"]), r["qid"]
        assert isinstance(r["evidence"], list), r["qid"]


def test_counts_and_types_present() -> None:
    counts = Counter(r["type"] for r in ROWS)
    assert len(ROWS) >= 80
    assert set(counts) == TYPES, counts


def test_followups_have_history() -> None:
    for r in ROWS:
        if r["type"] == "followup":
            assert r["history"], r["qid"]


@pytest.mark.parametrize("row", ROWS, ids=[r["qid"] for r in ROWS])
def test_evidence_and_gold(row: dict) -> None:
    if row["type"] == "unanswerable":
        assert row["gold"] == [] and row["evidence"] == [], row["qid"]
        return
    assert row["gold"], "answerable item without gold"
    assert row["evidence"], "answerable item without evidence"
    for ev in row["evidence"]:
        assert set(ev) == {"doc_id", "quote"}
        path = CORPUS / f"{ev['doc_id']}.txt"
        assert path.is_file(), ev["doc_id"]
        quote = ev["quote"]
        assert "\n" not in quote and "\r" not in quote, quote
        assert 10 <= len(quote) <= 120, quote
        assert quote in _doc_text(ev["doc_id"]), quote
        assert not ARTEFACT.search(quote), quote
        assert not CHROME.search(quote), quote
    quotes = [_nows(ev["quote"]) for ev in row["evidence"]]
    for gold in row["gold"]:
        assert any(_nows(gold) in q for q in quotes), gold


@pytest.mark.parametrize(("name", "seed"), [("cmrc2018", 2018), ("drcd", 2019)])
def test_samples(name: str, seed: int) -> None:
    base = EVAL / "datasets" / name
    with (base / "questions.jsonl").open(encoding="utf-8") as f:
        ids = {json.loads(line)["id"] for line in f if line.strip()}
    sample = (base / "sample500.txt").read_text(encoding="utf-8").split()
    assert len(sample) == 500
    assert len(set(sample)) == 500
    assert set(sample) <= ids
    assert sample == sorted(sample)
    # Reproducible: the recipe in eval/datasets/README.md.
    assert sample == sorted(random.Random(seed).sample(sorted(ids), 500))
    for fname in ("README.md", "passages.jsonl"):
        assert (base / fname).is_file()


DEV = EVAL / "dev"
DEV_REPORTS = ROOT.parent / "shared" / "corpus" / "dev_reports"


def _dev_rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DEV / name).read_text(encoding="utf-8").splitlines()]


def _dev_docs(rows: list[dict]) -> set[str]:
    return {e["doc_id"] for r in rows for e in r["evidence"]}


def test_dev_sets_have_the_sizes_and_types_issue_16_asks_for() -> None:
    dev, validation = _dev_rows("dev.jsonl"), _dev_rows("validation.jsonl")
    assert len(dev) >= 200 and len(validation) >= 60
    for rows, prefix in ((dev, "d"), (validation, "v")):
        assert all(re.fullmatch(prefix + r"\d{3}", r["qid"]) for r in rows)
        assert len({r["qid"] for r in rows}) == len(rows)
        assert {r["type"] for r in rows} == TYPES
        for r in rows:
            assert bool(r["gold"]) == bool(r["evidence"]) == (r["type"] != "unanswerable")
    assert len(_dev_docs(dev)) >= 25
    # the validation part is about reports the development part never uses
    assert not _dev_docs(dev) & _dev_docs(validation)


@pytest.mark.skipif(not DEV_REPORTS.is_dir(), reason="../shared/corpus/dev_reports is absent")
def test_dev_evidence_of_text_reports_is_verbatim() -> None:
    for name in ("dev.jsonl", "validation.jsonl"):
        for r in _dev_rows(name):
            for e in r["evidence"]:
                path = DEV_REPORTS / "txt" / f"{e['doc_id']}.txt"
                if path.is_file():
                    assert e["quote"] in path.read_text(encoding="utf-8"), r["qid"]
