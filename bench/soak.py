"""Soak: N concurrent chat users for T minutes against `qa serve`, with the server's memory
over time (part of `make bench`; `python -m bench.soak --users 20 --minutes 3` alone).

Each user is a gradio_client session that asks the sample questions through the /chat API,
a conversation of CONVERSATION_TURNS questions, then opens a new session (a new browser tab)
and starts again, until the time is up. The server is a real `qa serve` process over an index
of the sample reports built with the configured model. Measures, never asserts: requests,
errors (with the first few messages), answer latency p50/p95, answers per second, and the
server's RSS every RSS_EVERY_S seconds, with its growth after the first minute.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.paths import QUESTIONS, ROOT, SAMPLES

CONVERSATION_TURNS = 8
RSS_EVERY_S = 10.0
REQUEST_TIMEOUT_S = 300.0
START_TIMEOUT_S = 600.0
SCRIPT = "报告原文字体"  # ui.render.SCRIPT_ORIGINAL, the display choice the chat API takes
ALL = "全部"


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass(slots=True)
class Tally:
    """What the users saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sessions: int = 0

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.seconds.append(seconds)
            else:
                self.errors.append(error)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def build_index(index_dir: Path) -> None:
    """The sample reports indexed with the configured model (incremental: quick when done)."""
    from qa.config import load_settings
    from qa.index.build import update_index
    from qa.index.embed import load_embedder

    settings = load_settings().with_overrides(
        index_root=index_dir.parent, index_name=index_dir.name
    )
    update_index([SAMPLES], settings, load_embedder(settings))


def start_server(index_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "QA_INDEX_DIR": str(index_dir)}
    command = [sys.executable, "-m", "qa", "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"qa serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"qa serve did not answer on {url}")


def answer_text(result: Any) -> str:
    """The assistant message of a /chat result ((messages, box)), or '' when there is none."""
    messages = result[0] if isinstance(result, list | tuple) else []
    last = messages[-1] if messages else {}
    content = last.get("content") if isinstance(last, dict) else None
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("text", ""))
    return str(content or "")


def user(url: str, questions: list[str], until: float, tally: Tally, seed: int) -> None:
    """One user: conversations of CONVERSATION_TURNS questions, each in a new session."""
    from gradio_client import Client

    rnd = random.Random(seed)
    while time.monotonic() < until:
        client = Client(url, verbose=False)
        with tally.lock:
            tally.sessions += 1
        try:
            for _ in range(CONVERSATION_TURNS):
                if time.monotonic() >= until:
                    break
                ask_once(client, rnd.choice(questions), tally)
        finally:
            client.close()


def ask_once(client: Any, question: str, tally: Tally) -> None:
    started = time.monotonic()
    try:
        job = client.submit(question, ALL, ALL, SCRIPT, api_name="/chat")
        text = answer_text(job.result(timeout=REQUEST_TIMEOUT_S))
        error = None if text else "empty answer"
    except Exception as exc:  # any failure the user would see counts, with its message
        error = f"{type(exc).__name__}: {exc}"[:300]
    tally.record(time.monotonic() - started, error)


def sample_rss(
    pid: int, started: float, until: float, samples: list[list[float]], alive: Callable[[], bool]
) -> None:
    while alive() and time.monotonic() < until:
        samples.append([round(time.monotonic() - started, 1), rss_mb(pid)])
        time.sleep(RSS_EVERY_S)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))] if ordered else 0.0


def rss_growth(samples: list[list[float]]) -> dict[str, Any]:
    """RSS at the first sample after one minute, at the end, and the growth in between."""
    later = [mb for t, mb in samples if t >= 60]
    if len(later) < 2:
        return {"rss_after_1_min_mb": None, "rss_end_mb": None, "growth_after_1_min_pct": None}
    return {
        "rss_after_1_min_mb": later[0],
        "rss_end_mb": later[-1],
        "rss_max_mb": max(mb for _, mb in samples),
        "growth_after_1_min_pct": round(100 * (later[-1] - later[0]) / later[0], 1),
    }


def run_soak(users: int, minutes: float, work: Path) -> dict[str, Any]:
    """Start `qa serve` over the sample index, run the users, stop it; the measurements."""
    index_dir = work / "indexes" / "soak"
    log("indexing the sample reports for the soak (quick when already done)")
    build_index(index_dir)
    questions = [json.loads(line)["question"] for line in QUESTIONS.open(encoding="utf-8")]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(index_dir, port)
    try:
        wait_until_up(url, server)
        log(f"{users} users for {minutes:g} min against {url} (server pid {server.pid})")
        return drive(server, url, questions, users, minutes)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def drive(
    server: subprocess.Popen[bytes], url: str, questions: list[str], users: int, minutes: float
) -> dict[str, Any]:
    """Run ``users`` threads against ``url`` for ``minutes`` while sampling the server's RSS."""
    tally, samples = Tally(), []
    started = time.monotonic()
    until = started + minutes * 60
    rss_before = rss_mb(server.pid)

    def alive() -> bool:
        return server.poll() is None

    threads = [
        threading.Thread(target=user, args=(url, questions, until, tally, n), daemon=True)
        for n in range(users)
    ]
    sampler = threading.Thread(
        target=sample_rss, args=(server.pid, started, until, samples, alive), daemon=True
    )
    sampler.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=minutes * 60 + REQUEST_TIMEOUT_S + 60)
    elapsed = time.monotonic() - started
    samples.append([round(elapsed, 1), rss_mb(server.pid) if alive() else 0.0])
    return soak_figures(users, minutes, tally, elapsed, rss_before, samples, alive)


def soak_figures(
    users: int,
    minutes: float,
    tally: Tally,
    elapsed: float,
    rss_before: float,
    samples: list[list[float]],
    alive: Callable[[], bool],
) -> dict[str, Any]:
    """The soak's record: requests, errors, answer latency and rate, the server's RSS."""
    seconds = tally.seconds
    return {
        "users": users,
        "minutes": minutes,
        "conversation_turns": CONVERSATION_TURNS,
        "sessions": tally.sessions,
        "requests": len(seconds) + len(tally.errors),
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "answers_per_s": round(len(seconds) / elapsed, 2),
        "latency_p50_ms": round(1000 * percentile(seconds, 0.5)),
        "latency_p95_ms": round(1000 * percentile(seconds, 0.95)),
        "latency_max_ms": round(1000 * max(seconds, default=0.0)),
        "rss_before_mb": rss_before,
        "rss_mb": samples,
        **rss_growth(samples),
        "server_alive_at_end": alive(),
    }


def render_soak(soak: dict[str, Any]) -> str:
    return (
        f"soak: {soak['users']} users × {soak['minutes']:g} min: {soak['requests']} requests, "
        f"{soak['errors']} errors, {soak['answers_per_s']} answers/s, p50 / p95 "
        f"{soak['latency_p50_ms']} / {soak['latency_p95_ms']} ms; RSS {soak['rss_before_mb']} MB "
        f"at start, {soak['rss_after_1_min_mb']} MB after 1 min, {soak['rss_end_mb']} MB at "
        f"the end ({soak['growth_after_1_min_pct']} % after the first minute)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "soak.json")
    args = parser.parse_args(argv)
    soak = run_soak(args.users, args.minutes, args.work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(soak, ensure_ascii=False, indent=1), encoding="utf-8")
    print(render_soak(soak))


if __name__ == "__main__":
    main()
