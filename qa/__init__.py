"""qa: grounded question answering over Chinese government reports, offline."""

from __future__ import annotations

__version__ = "0.1.0"

from qa.api import Library, ask  # noqa: E402
from qa.build import load_report, update_index  # noqa: E402
from qa.config import Settings, load_settings  # noqa: E402
from qa.index import Index, load_index  # noqa: E402
from qa.records import Answer, Citation, Hit, Passage, Report  # noqa: E402
from qa.retrieve import search  # noqa: E402

__all__ = [
    "Answer",
    "Citation",
    "Hit",
    "Index",
    "Library",
    "Passage",
    "Report",
    "Settings",
    "__version__",
    "ask",
    "load_index",
    "load_report",
    "load_settings",
    "search",
    "update_index",
]
