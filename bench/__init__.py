"""Benchmarks: embedding speed and fidelity, a ~10k-passage index, and a llama-index baseline."""

from __future__ import annotations
