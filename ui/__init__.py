"""Gradio web UI over the qa library (`qa serve`); nothing under qa/ imports it."""

from __future__ import annotations

import os

# Read by Gradio when it is imported (every ui module imports this package first): no usage
# analytics and no version check, the calls Gradio makes to api.gradio.app. An office's
# offline tool must not reach outside the machine; build_app also passes analytics_enabled=False.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
