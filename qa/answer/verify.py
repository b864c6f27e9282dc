"""Verification: every answer sentence must be backed by exact quotes of its reports."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.ingest.clean import to_simplified
from qa.ingest.issuer import NOT_PLACE_START, PLACE_NAME
from qa.ingest.tables import in_wan
from qa.records import Citation, Report

# A number as answers and quotes state it: 112.23, 20, 2023
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class AnswerSentence:
    """One sentence of an answer and the citations that must support it."""

    text: str
    citations: tuple[Citation, ...]
    opens_list: bool = False  # a heading: shown with a colon, its items below it


def support_text(citations: Sequence[Citation], reports: Mapping[str, Report]) -> str:
    """What the cited quotes vouch for: the quotes, their reports' names and dates, and for a
    table's row its title, unit and column headers (and its 元 figures restated in 万元)."""
    parts: list[str] = []
    for c in citations:
        parts.append(c.quote)
        report = reports.get(c.doc_id)
        if report:
            parts += [report.agency, report.region, report.title, str(report.year or "")]
            parts.append(report.signed or "")
            for table in report.tables:  # a table's row is read with its headers
                if table.start <= c.start and c.end <= table.end:
                    parts += [table.title, table.unit, *table.columns]
                    if table.unit == "元":  # restated in 万元 (折合9101.68万元)
                        parts += [in_wan(n) for n in re.findall(r"[\d,]+(?:\.\d+)?", c.quote)]
    return to_simplified("\n".join(parts))


def _splits_number(text: str, at: int) -> bool:
    """Whether a quote boundary at ``at`` falls inside a figure (约1 | ,000米; 3 | 5件)."""
    if at <= 0 or at >= len(text):
        return False
    before, after = text[at - 1], text[at]
    if before.isdigit() and after.isdigit():
        return True
    if before.isdigit() and after in ",." and text[at + 1 : at + 2].isdigit():
        return True
    return after.isdigit() and before in ",." and text[at - 2 : at - 1].isdigit()


def check_sentence(sentence: AnswerSentence, reports: Mapping[str, Report]) -> str | None:
    """Return why a sentence is not grounded, or None when it is."""
    if not sentence.citations:
        return "没有引用"
    for c in sentence.citations:
        report = reports.get(c.doc_id)
        if report is None:
            return f"引用了不存在的报告 {c.doc_id}"
        if report.text[c.start : c.end] != c.quote or not c.quote:
            return f"引文与报告 {c.doc_id} 的 {c.start}:{c.end} 处原文不符"
        if _splits_number(report.text, c.start) or _splits_number(report.text, c.end):
            return f"引文在报告 {c.doc_id} 的 {c.start}:{c.end} 处截断了数字"
    support = support_text(sentence.citations, reports)
    numbers = set(re.findall(r"\d+(?:\.\d+)?", support))
    for num in NUMBER.findall(sentence.text):
        if num not in numbers:
            return f"数字 {num} 不在引文中"
    text = to_simplified(sentence.text)
    for m in PLACE_NAME.finditer(text):
        name = m.group()
        if name[0] not in NOT_PLACE_START and name not in support:
            return f"名称 {name} 不在引文中"
    return None


def verify_sentences(
    sentences: Sequence[AnswerSentence], reports: Mapping[str, Report]
) -> tuple[list[AnswerSentence], list[str]]:
    """Keep the grounded sentences; return them with the reasons the others were dropped."""
    kept: list[AnswerSentence] = []
    dropped: list[str] = []
    for sentence in sentences:
        reason = check_sentence(sentence, reports)
        if reason is None:
            kept.append(sentence)
        else:
            dropped.append(f"已删除未通过核验的句子（{reason}）：{sentence.text}")
    return kept, dropped
