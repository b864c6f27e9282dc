"""Read stage: where in a passage the answer to a question lies, by an extractive reader.

The reader is the default model (multilingual-e5-small) with its transformer fine-tuned to
mark answer spans (a start and an end logit per token), trained on CMRC 2018 and DRCD dev
questions whose passages are not in the gate samples (``bench/train_reader.py``). Its
weights ship with the package (``qa/data/reader.safetensors``, fp16, without the word
embeddings, which are read from the converted model's own file row by row). The
graph is exported once into ``<model folder>/onnx/reader-<sha>.onnx`` and run on ONNX
Runtime, so serving does not import torch.

:meth:`Reader.read` gives, for each passage, the probability that the answer starts and ends
at each character; the answer stage adds the share of that mass a sentence holds to its rank.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import struct
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

WEIGHTS = Path(__file__).with_name("data") / "reader.safetensors"
MAX_QUESTION = 48  # tokens of the question kept
WINDOW = 320  # passage tokens per window
STRIDE = 256  # windows overlap by 64 tokens (training used 160)
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Reading:
    """Per-character start and end probabilities of one passage's text."""

    start: F32
    end: F32

    def mass(self, a: int, b: int) -> float:
        """How likely the answer lies within characters [a, b) of the passage."""
        return float(self.start[a:b].sum() * self.end[a:b].sum())


@dataclass(frozen=True, slots=True)
class Reader:
    session: Any = field(repr=False)
    tokenizer: Any = field(repr=False)
    words: WordRows = field(repr=False)
    charmap: dict[int, str] | None = field(default=None, repr=False)

    def read(self, question: str, texts: Sequence[str]) -> list[Reading]:
        """One :class:`Reading` per text; probabilities are shared across all the texts and
        a 'no answer here' option, so a passage that does not answer gets little mass."""
        if not texts:
            return []
        q_ids = self._ids(question)[:MAX_QUESTION]
        rows: list[tuple[int, list[int], list[tuple[int, int]]]] = []
        for t, text in enumerate(texts):
            enc = self.tokenizer(
                self._map(text), add_special_tokens=False, return_offsets_mapping=True
            )
            ids, offsets = enc["input_ids"], enc["offset_mapping"]
            at = 0
            while True:
                stop = min(len(ids), at + WINDOW)
                rows.append((t, ids[at:stop], offsets[at:stop]))
                if stop >= len(ids):
                    break
                at += STRIDE
        bos, eos = self.tokenizer.bos_token_id, self.tokenizer.eos_token_id
        head = [bos, *q_ids, eos, eos]
        # one window a run: no padding is computed (a batch pads every window to the longest)
        logits: list[F32] = [
            self.session.run(
                None,
                {
                    "inputs_embeds": self.words[np.array([[*head, *ids, eos]], dtype=np.int64)],
                    "attention_mask": np.ones((1, len(head) + len(ids) + 1), dtype=np.int64),
                },
            )[0][0]
            for _, ids, _ in rows
        ]
        starts = [
            x[len(head) : len(head) + len(ids), 0]
            for x, (_, ids, _) in zip(logits, rows, strict=True)
        ]
        ends = [
            x[len(head) : len(head) + len(ids), 1]
            for x, (_, ids, _) in zip(logits, rows, strict=True)
        ]
        p_start = _softmax(np.concatenate(starts), max(float(x[0, 0]) for x in logits))
        p_end = _softmax(np.concatenate(ends), max(float(x[0, 1]) for x in logits))
        out = [Reading(np.zeros(len(t), np.float32), np.zeros(len(t), np.float32)) for t in texts]
        k = 0
        for t, _, offsets in rows:
            for a, b in offsets:
                reading = out[t]
                reading.start[a] = max(reading.start[a], p_start[k])
                reading.end[max(b - 1, 0)] = max(reading.end[max(b - 1, 0)], p_end[k])
                k += 1
        return out

    def _map(self, text: str) -> str:
        return text.translate(self.charmap) if self.charmap else text

    def _ids(self, text: str) -> list[int]:
        return list(self.tokenizer(self._map(text), add_special_tokens=False)["input_ids"])


def _softmax(logits: F32, null: float) -> F32:
    top = max(float(logits.max()), null)
    e = np.exp(logits - top)
    return np.asarray(e / (e.sum() + np.exp(null - top)), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class WordRows:
    """The model's word-embedding rows, read from its safetensors file as they are needed
    (a memory map would count every page it touches in the serving process's memory)."""

    path: Path
    offset: int
    dim: int

    def __getitem__(self, ids: npt.NDArray[np.int64]) -> F32:
        row = self.dim * 4
        with self.path.open("rb") as f:
            fd = f.fileno()
            found = {
                int(i): np.frombuffer(os.pread(fd, row, self.offset + int(i) * row), np.float32)
                for i in np.unique(ids)
            }
        return np.stack([found[int(i)] for i in ids.ravel()]).reshape(*ids.shape, self.dim)


def _word_embeddings(folder: Path) -> WordRows:
    """Where the model's word-embedding matrix lies in its safetensors file."""
    path = folder / "model.safetensors"
    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
    entry = header["embeddings.word_embeddings.weight"]
    if entry["dtype"] != "F32":
        raise ValueError(f"{path}: word embeddings are {entry['dtype']}, expected F32")
    begin, _ = entry["data_offsets"]
    return WordRows(path, 8 + size + begin, int(entry["shape"][1]))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def export(folder: Path, weights: Path, target: Path) -> None:
    """The reader graph (inputs_embeds, attention_mask → start/end logits) into ``target``."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    state = {k: v.float() for k, v in load_file(str(weights)).items()}
    head = torch.nn.Linear(model.config.hidden_size, 2)
    head.load_state_dict({"weight": state.pop("head.weight"), "bias": state.pop("head.bias")})
    model.load_state_dict(state, strict=False)
    model.eval()
    model.set_attn_implementation("eager")

    class _Spans(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model, self.head = model, head

        def forward(self, inputs_embeds: Any, attention_mask: Any) -> Any:
            hidden = self.model(inputs_embeds=inputs_embeds, attention_mask=attention_mask)
            return self.head(hidden.last_hidden_state)

    embeds = torch.zeros((2, 16, model.config.hidden_size))
    mask = torch.ones((2, 16), dtype=torch.long)
    mask[1, 10:] = 0
    axes = {0: "batch", 1: "seq"}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Spans(),
                (embeds, mask),
                str(tmp),
                input_names=["inputs_embeds", "attention_mask"],
                output_names=["logits"],
                dynamic_axes={"inputs_embeds": axes, "attention_mask": axes, "logits": axes},
                opset_version=17,
                dynamo=False,
            )
        tmp.chmod(0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("exported %s", target)


def load_reader(
    folder: Path, threads: int, charmap: dict[int, str] | None = None, weights: Path = WEIGHTS
) -> Reader | None:
    """The reader over the converted default model in ``folder``; None when its weights or
    ONNX Runtime are missing or the export fails (answers then rank sentences without it)."""
    if not weights.is_file():
        return None
    try:
        ort: Any = importlib.import_module("onnxruntime")
    except ImportError:
        return None
    try:
        target = folder / "onnx" / f"reader-{_digest(weights)}.onnx"
        if not target.is_file():
            export(folder, weights, target)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_cpu_mem_arena = False  # windows vary in length: free each run's buffers
        session = ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])
        from transformers import PreTrainedTokenizerFast

        tokenizer = PreTrainedTokenizerFast.from_pretrained(str(folder), local_files_only=True)
        # the reader needs offsets into the text itself: dropped characters become spaces
        same_length = {k: v if len(v) == 1 else " " for k, v in (charmap or {}).items()}
        return Reader(session, tokenizer, _word_embeddings(folder), same_length or None)
    except Exception as exc:  # a reader that cannot load leaves answers as they were
        log.warning("reader unavailable: %s", exc)
        return None
