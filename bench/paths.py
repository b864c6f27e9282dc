"""Where the bench reads: the repository, its sample reports and questions, the datasets."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOV_REPORTS = ROOT.parent / "shared" / "data" / "gov_work_reports"
SAMPLES = ROOT / "eval" / "corpus"
DATASETS = ROOT / "eval" / "datasets"
QUESTIONS = ROOT / "eval" / "questions.jsonl"
