"""Query stage: read a question once: its conversation, scope, kind and words."""
