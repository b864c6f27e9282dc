"""Ingest stage: load report files, clean them, infer their metadata and read their tables."""
