"""`--batch` for `qa search` and `qa ask`: JSONL rows in, one JSON line per row out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import click

from qa.errors import QAError


def _read_batch(lines: Any) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) for each non-blank line of a --batch file; in place of the row, why
    the line is not one (each bad line gets its own output line and the batch goes on)."""
    for n, line in enumerate(lines, start=1):
        if line.strip():
            yield n, _parse_batch_row(n, line)


def _parse_batch_row(n: int, line: str) -> dict[str, Any] | str:
    if any("\udc80" <= ch <= "\udcff" for ch in line):  # bytes that were not UTF-8
        return f"批量文件第 {n} 行不是有效的 UTF-8 文字。请把文件另存为 UTF-8 后重试。"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"批量文件第 {n} 行不是合法 JSON：{exc}"
    if not isinstance(row, dict):
        return f'批量文件第 {n} 行应是一个 JSON 对象，例如 {{"id": "q1", "question": "…"}}。'
    if "question" not in row:
        return f"批量文件第 {n} 行缺少 question 字段。"
    return row


def _json_line(value: dict[str, Any]) -> str:
    """One output line; \\u escapes when a value holds a lone surrogate (from JSON "\\udcff")."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value)
    return text


def echo_batch(lines: Any, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """One JSON line per batch row: its id, then what ``handle`` makes of the row, or the
    error of that row alone."""
    for n, row in _read_batch(lines):
        if isinstance(row, str):
            out = {"id": None, "line": n, "error": row}
        else:
            try:
                out = {"id": row.get("id"), **handle(row)}
            except QAError as exc:  # one bad row is reported in its line, not fatal
                out = {"id": row.get("id"), "question": row["question"], "error": str(exc)}
        click.echo(_json_line(out))
