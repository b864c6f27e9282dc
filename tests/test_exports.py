"""The public API re-exported from qa."""

from __future__ import annotations

import qa


def test_all_names_exist_and_are_sorted() -> None:
    assert qa.__all__ == sorted(qa.__all__, key=str)
    for name in qa.__all__:
        assert hasattr(qa, name), name


def test_library_api_is_public() -> None:
    assert {"Library", "ask", "search", "update_index", "load_index"} <= set(qa.__all__)
