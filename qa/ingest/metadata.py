"""Metadata stage: what a report is, who issued it, where, and which years it is about.

``infer_metadata`` reads the title, subtitle and speaker lines near the top and the
signature at the end of the cleaned text: the kind (:file:`qa/lexicon/kinds.toml`), the
issuing body, the region as a chain of divisions (:mod:`qa.ingest.gazetteer`), the year the report
is named by, the years it reviews and plans, the date it was delivered or signed, its
speaker and document number. Each found value records where it came from
(``Metadata.sources``); what cannot be found stays empty, never a file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from qa.ingest.clean import to_simplified
from qa.ingest.issuer import BODY_END, find_issuer, find_region, find_speaker
from qa.ingest.report_dates import period, report_years
from qa.ingest.report_kind import (
    Kind,
    find_kind,
    first_lines,
    front_title,
    kinds,
    report_lines,
    squeezed,
)

# A document number: 井政发〔2023〕5号, 湘自然资发[2024]12号
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*[号號]")
_TITLE_FROM_BODY = re.compile(r"(?:19|20)\d{2}年度?[\u4e00-\u9fff]{2,16}?情况(?:的)?报告")
_TITLE_WORDS = ("报告", "報告")
# Raised when inference (or what loading keeps: 3-6 tables, 7-8 PDF line wraps, 9-15 web-page
# and .docx tables, 16-17 table captions and header units, 20-21 tables one cell to a line and
# fixed statutory layouts, 22 web pages' footnote marks dropped, 26 contents lines no headings
# and a 决算 planning no later year, 27 an item's number alone on its line joined to its text
# and a line with a clause mark no table cell)
# changes, so `qa index` reads unchanged files again.
VERSION = 27


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the library knows about a report besides its text."""

    title: str = ""
    agency: str = ""  # the issuing body
    region: str = ""  # the divisions it belongs to, province first (四川省乐山市井研县)
    year: int | None = None  # the year the report is named by (2026年政府工作报告)
    signed: str | None = None  # ISO date delivered or signed
    doc_number: str | None = None
    kind: str = ""  # one of kinds.toml's names, or "" when none fits
    covers: int | None = None  # the year it reviews or reports on
    plans: int | None = None  # the year whose targets or plans it sets
    speaker: str = ""  # who delivered or signed it
    sources: tuple[tuple[str, str], ...] = field(default=())  # (field, where it was found)


_FULL_DIGIT = re.compile("[０-９]")


def _ascii_digit(m: re.Match[str]) -> str:
    return chr(ord(m.group()) - 0xFEE0)


def infer_title(lines: list[str], agency: str, year: int | None) -> str:
    """The report's title: a heading line with 报告 near the top, else one built from the body."""
    lines = [front_title(line) for line in lines]
    for i, line in enumerate(lines[:3]):
        simple = to_simplified(line)
        if (
            any(w in line for w in _TITLE_WORDS)
            and len(line) <= 80
            and not simple.endswith(("：", ":"))
        ):
            title = DOC_NUMBER.sub("", line).strip("（）() ")
            if i > 0 and lines[i - 1].endswith("局") and len(lines[i - 1]) <= 30:
                title = lines[i - 1] + title
            return title
    for line in lines[:3]:
        m = _TITLE_FROM_BODY.search(to_simplified(line))
        if m:
            return agency + m.group().replace("我局", "")
    return f"{agency}{year or ''}年度报告" if agency else ""


def infer_metadata(text: str, fallback_year: int | None = None) -> Metadata:
    """Infer metadata from cleaned report text (either script); ``fallback_year`` is a year
    the file's name gives (2024.txt), used only when the text names none."""
    simple = _FULL_DIGIT.sub(_ascii_digit, to_simplified(text))  # １９９１年 reads as 1991年
    lines = report_lines(simple)
    sources: dict[str, str] = {}
    kind, at, span = find_kind(lines, simple)
    if kind:
        sources["kind"] = f"标题第{at + 1}行" if at >= 0 else "开头“各位代表……报告工作”"
    heading = _heading(lines, at, span)
    agency, place = find_issuer(simple, lines, kind, heading, sources)
    year, signed = report_years(lines, kind, heading, fallback_year, sources)
    number = next(
        (m.group() for line in first_lines(text, 3) for m in [DOC_NUMBER.search(line)] if m), None
    )
    if number:
        sources["doc_number"] = "开头的文号"
    title = _title(text, simple, kind, heading, (agency, place), year)
    region = find_region(simple, lines, agency, place, sources)
    covers, plans = period(kind, year)
    if covers is not None:
        how = f"按{kind.name}推算" if kind else "默认为报告年份及次年"
        sources |= {"covers": f"报告年份{how}", "plans": f"报告年份{how}"}
    return Metadata(
        title=title,
        agency=_own_script(text, simple, agency),
        region=_own_script(text, simple, region),
        year=year,
        signed=signed,
        doc_number=number,
        kind=kind.name if kind else "",
        covers=covers,
        plans=plans,
        speaker=find_speaker(lines, sources),
        sources=tuple(sorted(sources.items())),
    )


def _title(
    text: str,
    simple: str,
    kind: Kind | None,
    heading: str,
    body: tuple[str, str],
    year: int | None,
) -> str:
    """The title: the heading in the report's own script, else one built from the kind, the
    year and the (body, place)."""
    agency, place = body
    if agency == "国务院":
        return f"{year or ''}年政府工作报告"
    if kind and kind.name != "法治政府建设年度报告" and heading:
        return _own_script(text, simple, heading)
    if kind and kind.name != "法治政府建设年度报告":
        return f"{year or ''}年{place or agency}{kind.name}" if year else kind.name
    return infer_title(first_lines(text, 3), agency, year)


def _heading(lines: list[str], at: int, span: int = 1) -> str:
    """The title (spaces taken out: 政 府 工 作 报 告), after the body named on the line
    above it (上海市普陀区财政局 / 2024年度部门决算)."""
    if at < 0:
        return ""
    title = squeezed(lines[at : at + span])
    above = re.sub(r"[\s　]+", "", lines[at - 1]) if at > 0 else ""
    if above and len(above) <= 30 and BODY_END.search(above):
        return above + title
    return title


def _own_script(text: str, simple: str, value: str) -> str:
    """The value as the report spells it (simplified search, original display)."""
    if not value:
        return value
    at = simple.find(value)
    if at >= 0 and len(simple) == len(text):
        return text[at : at + len(value)]
    return value


def apply_overrides(meta: Metadata, overrides: dict[str, object]) -> Metadata:
    """Overrides from sidecar files win over inferred values."""
    values = {k: v for k, v in overrides.items() if k in Metadata.__dataclass_fields__}
    if "year" in values and not {"covers", "plans"} & set(values):
        # the years reviewed and planned follow the named year, as the kind counts them
        kind = next((k for k in kinds() if k.name == values.get("kind", meta.kind)), None)
        values["covers"], values["plans"] = period(kind, int(values["year"]))  # type: ignore[call-overload]
    sources = dict(meta.sources) | {k: "覆盖文件" for k in values}
    return replace(meta, **values, sources=tuple(sorted(sources.items())))  # type: ignore[arg-type]
