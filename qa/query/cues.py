"""The words that tell what a figure is (qa/lexicon/cues.toml): a target or an actual, a
figure over several years, and the words a question asks for either with."""

from __future__ import annotations

import tomllib
from functools import cache

from qa.ingest.report_kind import LEXICON


@cache
def cues() -> dict[str, tuple[str, ...]]:
    data = tomllib.loads((LEXICON / "cues.toml").read_text(encoding="utf-8"))
    return {k: tuple(v["words"]) for k, v in data.items()}


@cache
def tense_words() -> frozenset[str]:
    """Every word that asks or tells target or actual (目标, 计划, 完成, 实际 …)."""
    words = cues()
    said = (*words["target"], *words["actual"], *words["target_question"])
    return frozenset((*said, *words["actual_question"], "预期"))


@cache
def actual_words() -> frozenset[str]:
    """The words that ask what was achieved (实际完成了多少): an actual sentence seldom says
    them (城镇新增就业1361万人), so they are never what a figure must be next to."""
    return frozenset((*cues()["actual"], *cues()["actual_question"]))
