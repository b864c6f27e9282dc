"""The lexicon is data, reviewed as data: every entry says where its words come from."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from qa.ingest.report_kind import LEXICON


def _entries(node: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """Every table of a lexicon file that lists words (an entry), with where it stands."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if any(
            isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in node.values()
        ) or bool({"as", "asks"} & node.keys()):
            found.append((where, node))
        for key, value in node.items():
            found += _entries(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _entries(item, f"{where}[{i}]")
    return found


@pytest.mark.parametrize("path", sorted(LEXICON.glob("*.toml")), ids=lambda p: p.name)
def test_every_lexicon_entry_has_an_example_and_a_source(path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = _entries(data, path.name)
    assert entries
    for where, entry in entries:
        assert entry.get("example") and entry.get("source"), where
