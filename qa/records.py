"""Record types shared by every stage: Report (with its Tables), Passage, Hit, Citation,
Dropped, Answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class TableValue:
    """One value cell: its column's headers (本年支出·预算数) and its span in the text."""

    column: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TableEntry:
    """A row header with the values it labels (a whole row, or half of one where two tables
    sit side by side); ``start``:``end`` spans them in the report's text, for the quote."""

    label: str
    start: int
    end: int
    values: tuple[TableValue, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table of a report: its title and unit (from the lines above it), its column headers
    and its entries; every offset points into ``Report.text``."""

    title: str
    unit: str
    columns: tuple[str, ...]
    start: int
    end: int
    entries: tuple[TableEntry, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        entries = tuple(
            TableEntry(
                e["label"],
                e["start"],
                e["end"],
                tuple(TableValue(**v) for v in e["values"]),
            )
            for e in data["entries"]
        )
        return cls(
            data["title"], data["unit"], tuple(data["columns"]), data["start"], data["end"], entries
        )


@dataclass(frozen=True, slots=True)
class Report:
    """One loaded and cleaned report.

    ``text`` is the cleaned text in the report's own script: every offset in the
    library points into it. ``page_starts`` holds the offset at which each PDF page
    begins (empty for other formats).
    """

    doc_id: str
    path: str
    title: str
    agency: str
    region: str
    year: int | None
    signed: str | None
    doc_number: str | None
    text: str
    sha256: str
    page_starts: tuple[int, ...] = ()
    overrides: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    kind: str = ""  # 政府工作报告, 部门预算 … (qa/lexicon/kinds.toml), "" when unknown
    covers: int | None = None  # the year it reviews or reports on
    plans: int | None = None  # the year whose targets or plans it sets
    speaker: str = ""  # who delivered or signed it
    sources: tuple[tuple[str, str], ...] = ()  # (field, where in the report it was found)
    meta_version: int = (
        0  # qa.ingest.metadata.VERSION it was described with (older: describe again)
    )
    tables: tuple[Table, ...] = ()  # its tables' cells with their headers (qa/tables.py)

    def page_at(self, offset: int) -> int | None:
        """Return the 1-based PDF page holding ``offset``, or None for non-PDF reports."""
        if not self.page_starts:
            return None
        page = 0
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i
            else:
                break
        return page + 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("page_starts", "overrides", "warnings"):
            data[key] = list(data[key])
        data["sources"] = dict(self.sources)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        values = dict(data)
        for key in ("page_starts", "overrides", "warnings"):
            values[key] = tuple(values.get(key, ()))
        values["sources"] = tuple(sorted(dict(values.get("sources") or {}).items()))
        values["tables"] = tuple(Table.from_dict(t) for t in values.get("tables", ()))
        return cls(**values)

    @property
    def name(self) -> str:
        """Who or what the report is by: its body, else its title as answers show it."""
        return self.agency or shown_title(self.title)

    @property
    def label(self) -> str:
        """How answers name the report: its body (or title) and the year it is named by,
        never a raw None (上海市普陀区司法局（2026年）, 政府工作报告)."""
        return f"{self.name}（{self.year}年）" if self.year else self.name


UNKNOWN_TITLE = "（标题未识别）"


def shown_title(title: str) -> str:
    """A title as answers and cards show it: 《…》 inside, or that it could not be read from
    the report (never its file name)."""
    return title or UNKNOWN_TITLE


@dataclass(frozen=True, slots=True)
class Passage:
    """A span of one report's cleaned text inside a single section."""

    passage_id: str
    doc_id: str
    agency: str
    year: int | None
    title: str
    section_path: tuple[str, ...]
    text: str
    start: int
    end: int
    ordinal: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}:{self.end} in {self.passage_id}")
        if len(self.text) != self.end - self.start:
            raise ValueError(f"text length does not match span in {self.passage_id}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["section_path"] = list(self.section_path)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        values = dict(data)
        values["section_path"] = tuple(values["section_path"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved passage with its fused score and why it matched."""

    passage: Passage
    score: float
    rank: int
    dense: float = 0.0
    keyword: float = 0.0
    metadata_match: tuple[str, ...] = ()
    sentence: float = 0.0  # the best sentence's match, added to the score by the rerank stage


@dataclass(frozen=True, slots=True)
class Citation:
    """An exact quote of a report: ``report.text[start:end] == quote``."""

    n: int
    passage_id: str
    doc_id: str
    start: int
    end: int
    quote: str
    title: str = ""
    agency: str = ""
    year: int | None = None
    section_path: tuple[str, ...] = ()
    source: str = ""
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Dropped:
    """A generated sentence that failed verification, and why (shown on request only)."""

    sentence: str
    reason: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to one question; ``grounded`` is True only when every sentence is verified.

    ``mode`` says who wrote the text: "extractive" (the reports' own sentences) or "llm"
    (a generated answer whose surviving sentences were verified; ``dropped`` lists the
    others). ``notice`` is a short message for the user, such as why the LLM was not used.
    """

    question: str
    resolved_question: str
    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    grounded: bool
    notes: tuple[str, ...] = field(default=())
    mode: str = "extractive"
    dropped: tuple[Dropped, ...] = ()
    notice: str = ""
