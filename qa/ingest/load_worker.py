"""Load stage, isolation: report files are parsed in a child process with a time and memory budget.

The limits of qa/load_limits.py stop every known way a file can make a parser run long or
allocate without end; the child process is for the ones nobody has found yet. A file still
being parsed after ``parse_timeout_s`` has its child killed and fails with its name and the
reason, and the next file gets a new child. The child may map at most ``parse_memory_mb``
(RLIMIT_AS), so a file that would exhaust memory fails too, while ``qa index`` or the web app
that asked goes on with the next file.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import qa
from qa.config import Settings
from qa.errors import ReportFormatError
from qa.ingest.load_limits import MB, LoadLimits
from qa.ingest.load_text import _error
from qa.records import Report

_HEADER = struct.Struct("!Q")  # each message: its length, then a pickle
# One thread for numpy / faiss in the child: it only parses, and each thread's arena would
# count against the memory limit.
_CHILD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_CHILD_CODE = "from qa.ingest.load_worker import serve; serve()"
_SETTING_FIX = "如确是正常报告，可在 qa.toml 中调高 {setting}（或设环境变量 QA_{upper}）后重试。"


class ReportLoader:
    """``load(path, doc_id)`` → Report, each file parsed in the child process (started on
    first use, replaced after a file that fails it). Use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        self.limits = LoadLimits.from_settings(settings)
        self.timeout_s = settings.parse_timeout_s
        self.memory_mb = settings.parse_memory_mb
        self.child: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ReportLoader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __call__(self, path: Path, doc_id: str | None = None) -> Report:
        """Read, clean and describe one report file (qa.index.build.load_report) within the budget."""
        if self.timeout_s <= 0 or os.name != "posix":
            from qa.index.build import load_report  # qa.index.build uses this module

            return load_report(path, doc_id, self.limits)
        child = self._started()
        assert child.stdin is not None and child.stdout is not None
        try:
            _write_message(child.stdin, (path, doc_id, self.limits))
            status, value = _read_message(child.stdout, time.monotonic() + self.timeout_s)
        except TimeoutError:
            self._kill()
            raise _error(
                path,
                f"解析超过时间上限（{self.timeout_s:g} 秒）",
                _SETTING_FIX.format(setting="parse_timeout_s", upper="PARSE_TIMEOUT_S"),
            ) from None
        except (EOFError, OSError, pickle.UnpicklingError):
            code = self._kill()
            raise _error(
                path,
                f"解析进程意外退出（{_exit_reason(code)}），可能用尽了内存上限 {self.memory_mb} MB",
                _SETTING_FIX.format(setting="parse_memory_mb", upper="PARSE_MEMORY_MB"),
            ) from None
        if status == "ok":
            return value  # type: ignore[no-any-return]
        raise ReportFormatError(value)

    def close(self) -> None:
        """Let the child finish (it exits when its input closes); kill it if it does not."""
        child, self.child = self.child, None
        if child is None:
            return
        assert child.stdin is not None and child.stdout is not None
        child.stdin.close()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()

    def _started(self) -> subprocess.Popen[bytes]:
        if self.child is None or self.child.poll() is not None:
            self._kill()
            package_root = str(Path(qa.__file__).resolve().parents[1])
            path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
            self.child = subprocess.Popen(
                [sys.executable, "-c", _CHILD_CODE, str(self.memory_mb), str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, **_CHILD_ENV, "PYTHONPATH": path},
            )
        return self.child

    def _kill(self) -> int | None:
        """Stop the child now; its exit code (negative: the signal), None if there was none."""
        child, self.child = self.child, None
        if child is None:
            return None
        child.kill()
        code = child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
        return code


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        return f"信号 {-code}"
    return f"退出码 {code}"


def _write_message(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_message(stream: IO[bytes], deadline: float | None = None) -> Any:
    size = _HEADER.unpack(_read_exactly(stream, _HEADER.size, deadline))[0]
    return pickle.loads(_read_exactly(stream, size, deadline))


def _read_exactly(stream: IO[bytes], size: int, deadline: float | None) -> bytes:
    """``size`` bytes from a pipe; TimeoutError after ``deadline``, EOFError when it closes."""
    parts: list[bytes] = []
    fd = stream.fileno()
    while size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


# ---------------------------------------------------------------------------
# The child


def serve() -> None:
    """The child's loop: read (path, doc_id, limits), answer ("ok", Report) or ("error", text).

    Arguments: the memory limit in MB and the parent's process id (the child exits when
    the parent is gone, even in the middle of a file).
    """
    import resource

    from qa.index.build import load_report

    memory_mb, parent = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    while True:
        try:
            path, doc_id, limits = _read_message(requests)
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("ok", load_report(path, doc_id, limits))
        except ReportFormatError as exc:
            reply = ("error", str(exc))
        except MemoryError:
            reply = ("error", str(_memory_error(path, memory_mb)))
        except Exception as exc:  # a parser bug must not end the batch either
            reason = f"解析出错（{type(exc).__name__}: {exc}）"
            reply = ("error", str(_error(path, reason, "请确认文件完整后重试。")))
        _write_message(replies, reply)


def _memory_error(path: Path, memory_mb: int) -> ReportFormatError:
    fix = _SETTING_FIX.format(setting="parse_memory_mb", upper="PARSE_MEMORY_MB")
    return _error(path, f"解析时内存超过上限（{memory_mb} MB）", fix)


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
