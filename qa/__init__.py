"""qa: grounded question answering over Chinese government reports."""

from __future__ import annotations

__version__ = "0.1.0"
