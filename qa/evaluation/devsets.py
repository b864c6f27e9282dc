"""The development question sets (issue 16) and their files under eval/dev: each a part
developed on and a validation part that is only measured. Kept import-light for the CLI."""

from __future__ import annotations

DEV_SETS = {
    "dev": "dev.jsonl",
    "dev-validation": "validation.jsonl",
    "dev-xxgk": "xxgk_dev.jsonl",
    "dev-xxgk-validation": "xxgk_validation.jsonl",
    "dev-national": "fresh_dev.jsonl",
    "dev-national-validation": "fresh_validation.jsonl",
    "dev-xxgk2": "xxgk2_dev.jsonl",
    "dev-kinds": "kinds_dev.jsonl",
    "dev-mixed": "mixed_dev.jsonl",
    "dev-mixed2": "mixed2_dev.jsonl",
    "dev-mixed3": "mixed3_dev.jsonl",
    "dev-mixed4": "mixed4_dev.jsonl",
    "dev-mixed5": "mixed5_dev.jsonl",
    "dev-mixed6": "mixed6_dev.jsonl",
    "dev-xxgk3": "xxgk3_dev.jsonl",
    "dev-mixed7": "mixed7_dev.jsonl",
    "dev-budgets": "budgets_dev.jsonl",
    "dev-mixed8": "mixed8_dev.jsonl",
    "dev-mixed9": "mixed9_dev.jsonl",
    "dev-xxgk4": "xxgk4_dev.jsonl",
    "dev-xxgk5": "xxgk5_dev.jsonl",
}
