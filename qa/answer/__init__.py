"""Answer stage: candidates, the strategy registry, composing, verifying and citing."""
