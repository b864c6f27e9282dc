"""Gradio web UI over the qa library (`qa serve`); nothing under qa/ imports it."""

from __future__ import annotations
