"""Questions about a report itself, not its content: its document number, the date it was
delivered or signed, who delivered it, at which meeting, the year it is about. Each is
answered by quoting the line of the report that states it: the subtitle
(「——2015年2月5日在海拉尔区第十四届人民代表大会第四次会议上」), the speaker's line, the
signature date, the number under the title. The asking patterns are data
(qa/lexicon/report_facts.toml)."""

from __future__ import annotations

import re
import tomllib
from functools import cache

from qa.answer.candidate import MAX_QUOTE, Candidate, span_candidate
from qa.index.core import Index
from qa.index.sentences import sentence_spans, trim_span
from qa.ingest.report_dates import CN_DATE, DATE
from qa.ingest.report_kind import LEXICON
from qa.records import Hit, Report

FIELDS = ("doc_number", "date", "speaker", "meeting", "year")
TOP_LINES = 40  # lines read for the subtitle and the speaker (web pages put clutter first)
END_CHARS = 300  # where a signature date is looked for
MAX_LINE = 120  # longer is a paragraph, not a subtitle or a name line
_MEETING = re.compile(r"会议|大会")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data = tomllib.loads((LEXICON / "report_facts.toml").read_text(encoding="utf-8"))
    return {name: re.compile(entry["asks"]) for name, entry in data.items()}


def asked_fields(question: str) -> tuple[str, ...]:
    """The report facts a question asks for, in :data:`FIELDS` order (a website's publish
    date is not one: the page it was published on is not indexed)."""
    patterns = _patterns()
    asked = [f for f in FIELDS if patterns[f].search(question)]
    if "date" in asked and asks_publish_date(question):
        asked.remove("date")
    return tuple(asked)


def asks_publish_date(question: str) -> bool:
    return bool(_patterns()["date"].search(question) and _patterns()["published"].search(question))


def fact_candidates(
    question: str, hits: list[Hit], index: Index, every: list[Report] | None = None
) -> list[Candidate]:
    """The quoted lines that state what is asked, for the top hit's report, or for ``every``
    report when the question names none of several."""
    fields = asked_fields(question)
    if not hits or not fields:
        return []
    reports = every or [index.reports[hits[0].passage.doc_id]]
    found: list[Candidate] = []
    for report in reports:
        spans = {span for field in fields if (span := fact_span(report, field))}
        found += [span_candidate(index, report, s, e) for s, e in sorted(spans)]
    return found


def fact_span(report: Report, field: str) -> tuple[int, int] | None:
    """Where the report states ``field`` (one of :data:`FIELDS`), or None."""
    text = report.text
    if field == "doc_number":
        at = text.find(report.doc_number) if report.doc_number else -1
        return (at, at + len(report.doc_number or "")) if at >= 0 else None
    if field == "year":
        return _year_span(report)
    top = _top_lines(text)
    if field == "speaker":
        return _speaker_line(text, top, report.speaker)
    if field == "meeting":
        return next((span for span in top if _MEETING.search(text[span[0] : span[1]])), None)
    return _date_span(text, top)


def _top_lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    while pos < len(text) and len(spans) < TOP_LINES:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        s, e = trim_span(text, pos, end)
        if 0 < e - s <= MAX_LINE:
            spans.append((s, e))
        pos = end + 1
    return spans


def _date_span(text: str, top: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A date in the subtitle (its whole line: date and meeting), else the last date of the
    signature at the end."""
    for s, e in top:
        if DATE.search(text, s, e) or CN_DATE.search(text, s, e):
            return s, e
    dates = list(DATE.finditer(text, max(0, len(text) - END_CHARS)))
    dates = dates or list(CN_DATE.finditer(text, max(0, len(text) - END_CHARS)))
    return (dates[-1].start(), dates[-1].end()) if dates else None


def _speaker_line(text: str, top: list[tuple[int, int]], speaker: str) -> tuple[int, int] | None:
    if not speaker:
        return None
    name = re.compile(r"\s*".join(map(re.escape, speaker)))
    return next((span for span in top if name.search(text, *span)), None)


def _year_span(report: Report) -> tuple[int, int] | None:
    """The sentence that names the report's year (现将我局2020年度法治政府建设情况报告如下)."""
    text = report.text
    if not report.year:
        return None
    named = re.search(rf"{report.year}\s*年度?", text)
    if not named:
        return None
    at = named.start()
    span = next(((s, e) for s, e in sentence_spans(text, 0, len(text)) if s <= at < e), None)
    return named.span() if span is None or span[1] - span[0] > MAX_QUOTE else span
