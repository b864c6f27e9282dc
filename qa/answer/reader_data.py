"""The reader's training data: questions, windows around their answers, frozen-layer batches."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.answer.read import MAX_QUESTION
from qa.evaluation.datasets import jsonl_rows

DATASETS = Path(__file__).resolve().parents[2] / "eval" / "datasets"
SETS = ("cmrc2018", "drcd")
CROP = 160  # passage tokens of a training window
NEGATIVES = 0.33  # share of questions that also give a window without their answer
BATCH = 16


@dataclass(frozen=True, slots=True)
class Window:
    """Token ids (question, then a stretch of passage) and the answer's token span in them;
    ``(0, 0)`` where the answer is not in the window."""

    ids: tuple[int, ...]
    head: int  # tokens before the passage: <s> question </s></s>
    label: tuple[int, int]


def training_questions(datasets: Path = DATASETS) -> tuple[list[dict[str, Any]], set[str]]:
    """Questions of passages without gate-sample questions, and the held-out passage ids."""
    rows: list[dict[str, Any]] = []
    for name in SETS:
        folder = datasets / name
        questions = jsonl_rows(folder / "questions.jsonl")
        passages = {p["id"]: p["text"] for p in jsonl_rows(folder / "passages.jsonl")}
        gate = set((folder / "sample500.txt").read_text(encoding="utf-8").split())
        gate_passages = {q["passage_id"] for q in questions if q["id"] in gate}
        rows += [
            {**q, "text": passages[q["passage_id"]]}
            for q in questions
            if q["passage_id"] not in gate_passages
        ]
    ids = sorted({r["passage_id"] for r in rows})
    random.Random(0).shuffle(ids)
    return rows, set(ids[: len(ids) // 10])


def crops(
    tokenizer: Any, question: str, passage: str, answer: str, rng: random.Random
) -> list[Window]:
    """One window around the answer (placed at random in it) and, for a share of questions,
    one of the same passage without the answer; none when the answer is not in the passage."""
    q_ids = tokenizer(question, add_special_tokens=False)["input_ids"][:MAX_QUESTION]
    enc = tokenizer(passage, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    at = passage.find(answer)
    if at < 0 or not answer:
        return []
    first = next((i for i, (_, e) in enumerate(offsets) if e > at), None)
    last = next(
        (i for i in range(len(offsets) - 1, -1, -1) if offsets[i][0] < at + len(answer)), None
    )
    if first is None or last is None or last < first or last - first >= CROP:
        return []
    prefix = [tokenizer.bos_token_id, *q_ids, tokenizer.eos_token_id, tokenizer.eos_token_id]
    head = len(prefix)

    def window(start: int, stop: int, label: tuple[int, int]) -> Window:
        return Window(tuple([*prefix, *ids[start:stop], tokenizer.eos_token_id]), head, label)

    low, high = max(0, last - CROP + 1), max(0, min(first, len(ids) - CROP))
    start = rng.randint(min(low, high), max(low, high))
    out = [window(start, start + CROP, (first - start + head, last - start + head))]
    if rng.random() < NEGATIVES:
        free = [(a, b) for a, b in ((0, first), (last + 1, len(ids))) if b - a >= 32]
        if free:
            a, b = rng.choice(free)
            start = rng.randint(a, max(a, b - CROP))
            out.append(window(start, min(b, start + CROP), (0, 0)))
    return out


def frozen_states(
    model: Any,
    frozen: int,
    pad: int,
    windows: list[Window],
    rng: random.Random,
    progress: Callable[[str], None],
) -> list[tuple[Any, ...]]:
    """Batches of windows of like length with the bottom layers' states computed once:
    (states, attention mask as the layers take it, positions that cannot answer, starts, ends)."""
    import torch

    windows = sorted(windows, key=lambda w: len(w.ids) // 32 + rng.random())  # little padding
    out = []
    layers = model.encoder.layer
    model.encoder.layer = layers[:frozen]
    try:
        with torch.no_grad():
            for i in range(0, len(windows), BATCH):
                batch = windows[i : i + BATCH]
                out.append(_batch_states(model, pad, batch))
                if len(out) % 50 == 0:
                    progress(f"阅读模型：底层表示 {i + len(batch)}/{len(windows)} 个窗口")
    finally:
        model.encoder.layer = layers
    for p in model.parameters():
        p.requires_grad_(False)
    return out


def _batch_states(model: Any, pad: int, batch: list[Window]) -> tuple[Any, ...]:
    """One batch, padded with ``pad``, through the (truncated) model: see :func:`frozen_states`."""
    import torch

    width = max(len(w.ids) for w in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, w in enumerate(batch):
        ids[row, : len(w.ids)] = torch.tensor(w.ids)
        mask[row, : len(w.ids)] = 1
    states = model(input_ids=ids, attention_mask=mask).last_hidden_state
    layer_mask = additive_mask(mask, states.dtype)
    blocked = mask == 0
    for row, w in enumerate(batch):
        blocked[row, 1 : w.head] = True  # the question is never the answer
    starts = torch.tensor([w.label[0] for w in batch])
    ends = torch.tensor([w.label[1] for w in batch])
    return (states, layer_mask, blocked, starts, ends)


def additive_mask(mask: Any, dtype: Any) -> Any:
    """The attention mask as eager attention adds it to the scores, built with torch alone:
    (batch, 1, 1, length), 0 where a token may be attended to and the dtype's minimum where
    it is padding (what transformers builds for a bidirectional encoder, without its
    private helpers, whose signatures change between releases)."""
    import torch

    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min
