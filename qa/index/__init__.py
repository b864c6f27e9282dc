"""Index stage: split reports into passages, embed them, and keep the versioned index on disk."""
