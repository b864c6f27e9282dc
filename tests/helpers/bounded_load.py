"""Load one report file in a process of its own and say how it ended, how long the load took
and the most memory the process held.

Usage: python bounded_load.py PATH MEMORY_MB

Prints one JSON line: {"outcome": "ok" | "error", "message", "seconds", "peak_rss_mb",
"chars"}. The address space is capped at what the interpreter has mapped at the start plus
MEMORY_MB, so a load that allocates without end fails here instead of taking the machine.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from qa.errors import ReportFormatError
from qa.index.build import load_report
from qa.index.chunk import chunk_report


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def main() -> None:
    path, memory_mb = Path(sys.argv[1]), int(sys.argv[2])
    cap = status_kb("VmSize") * 1024 + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    started = time.perf_counter()
    try:
        report = load_report(path)
        chunk_report(report)
        result = {"outcome": "ok", "message": "", "chars": len(report.text)}
    except ReportFormatError as exc:
        result = {"outcome": "error", "message": str(exc), "chars": 0}
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["peak_rss_mb"] = round(status_kb("VmHWM") / 1024, 1)
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
