"""Evaluation: question sets, metrics, reports and the gate (`qa eval`)."""
