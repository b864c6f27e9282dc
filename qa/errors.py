"""Errors raised by the qa library.

The tree::

    QAError
    ├── ReportFormatError   a file cannot be read as a report (names the file and the fix)
    ├── IndexNotFound       no index at the given folder
    ├── IndexMismatch       index built with another model or chunk settings
    ├── IndexLocked         another `qa index` is writing the same index
    ├── IndexCorrupt        index files are missing or unreadable
    ├── ModelError          the embedding model cannot be prepared or loaded
    ├── ConfigError         a bad value in qa.toml, the environment or a flag
    ├── EmptyQuestion       an empty or over-long question
    └── LLMError            the optional LLM gave no usable reply (answers fall back, see qa/llm.py)

Library code raises these; only the edges (CLI, UI) translate them into messages.
"""

from __future__ import annotations


class QAError(Exception):
    """Base class of every error the library raises on purpose."""


class ReportFormatError(QAError):
    """A file cannot be read as a report: unsupported, empty, binary, truncated or undecodable."""


class IndexNotFound(QAError):
    """There is no index at the given folder."""


class IndexMismatch(QAError):
    """The index was built with another embedding model or chunk settings."""


class IndexLocked(QAError):
    """Another process is writing the same index."""


class IndexCorrupt(QAError):
    """Index files are missing or unreadable."""


class ModelError(QAError):
    """The embedding model cannot be prepared or loaded."""


class ConfigError(QAError):
    """A configuration value is invalid."""


class EmptyQuestion(QAError):
    """The question is empty or too long."""


class LLMError(QAError):
    """The LLM endpoint refused, timed out, failed or sent an empty or malformed reply."""
