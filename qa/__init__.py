"""qa: grounded question answering over Chinese government reports, offline."""

from __future__ import annotations

import os

__version__ = "0.1.0"

from qa.config import hf_offline_env  # noqa: E402

# Nothing here may reach the network: huggingface_hub reads these when it is first imported
# (by transformers, sentence-transformers or Gradio), so they are set before anything loads it.
for _name, _value in hf_offline_env().items():
    os.environ.setdefault(_name, _value)

from qa.api import Library, ask  # noqa: E402
from qa.config import Settings, load_settings  # noqa: E402
from qa.index.build import load_report, update_index  # noqa: E402
from qa.index.core import Index, load_index  # noqa: E402
from qa.records import Answer, Citation, Dropped, Hit, Passage, Report  # noqa: E402
from qa.search.retrieve import search  # noqa: E402

__all__ = [
    "Answer",
    "Citation",
    "Dropped",
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
