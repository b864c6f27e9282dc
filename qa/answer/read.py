"""Read stage: where in a passage the answer to a question lies, by an extractive reader.

The reader is the default model (multilingual-e5-small) with its top layers fine-tuned to
mark answer spans (a start and an end logit per token). Its trained tensors ship with the
project in ``qa/models/reader-<RECIPE>.safetensors`` beside a manifest (sha256, recipe, data,
licence); ``make reader`` retrains them from the recipe (:mod:`qa.answer.reader_train`). The rest,
word embeddings included, are the converted model's own. The graph is exported once into
``<model folder>/onnx/reader-<sha>.onnx`` and run on ONNX Runtime, so serving does not
import torch.

:meth:`Reader.read` gives, for each passage, the probability that the answer starts and ends
at each character; the answer stage adds the share of that mass a sentence holds to its rank.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from qa.index.embed_onnx import WordRows, open_session, replacing, word_rows, write_graph

log = logging.getLogger(__name__)

RECIPE = "r1"  # qa/reader_train.py's recipe: a new one is a new file, trained anew
MAX_QUESTION = 48  # tokens of the question kept
WINDOW = 320  # passage tokens per window
STRIDE = 256  # windows overlap by 64 tokens (training used 160)
F32 = npt.NDArray[np.float32]
_Window = tuple[int, list[int], list[tuple[int, int]]]  # text number, window's ids, their offsets


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
        rows = self._windows(texts)
        bos, eos = self.tokenizer.bos_token_id, self.tokenizer.eos_token_id
        head = [bos, *q_ids, eos, eos]
        logits = self._logits(head, rows)
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
        return _per_character(texts, rows, p_start, p_end)

    def _windows(self, texts: Sequence[str]) -> list[_Window]:
        """Each text's tokens in windows of :data:`WINDOW`, :data:`STRIDE` apart: (text's
        number, token ids, their character offsets)."""
        rows: list[_Window] = []
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
        return rows

    def _logits(self, head: list[int], rows: list[_Window]) -> list[F32]:
        """Start and end logits of each window after the question's ``head`` tokens."""
        eos = self.tokenizer.eos_token_id
        # one window a run: no padding is computed (a batch pads every window to the longest)
        return [
            self.session.run(
                None,
                {
                    "inputs_embeds": self.words[np.array([[*head, *ids, eos]], dtype=np.int64)],
                    "attention_mask": np.ones((1, len(head) + len(ids) + 1), dtype=np.int64),
                },
            )[0][0]
            for _, ids, _ in rows
        ]

    def _map(self, text: str) -> str:
        return text.translate(self.charmap) if self.charmap else text

    def _ids(self, text: str) -> list[int]:
        return list(self.tokenizer(self._map(text), add_special_tokens=False)["input_ids"])


def _per_character(
    texts: Sequence[str], rows: list[_Window], p_start: F32, p_end: F32
) -> list[Reading]:
    """Token probabilities laid on the characters they cover, the highest where windows
    overlap: a token's start at its first character, its end at its last."""
    out = [Reading(np.zeros(len(t), np.float32), np.zeros(len(t), np.float32)) for t in texts]
    k = 0
    for t, _, offsets in rows:
        for a, b in offsets:
            reading = out[t]
            reading.start[a] = max(reading.start[a], p_start[k])
            reading.end[max(b - 1, 0)] = max(reading.end[max(b - 1, 0)], p_end[k])
            k += 1
    return out


def _softmax(logits: F32, null: float) -> F32:
    top = max(float(logits.max()), null)
    e = np.exp(logits - top)
    return np.asarray(e / (e.sum() + np.exp(null - top)), dtype=np.float32)


SCALE = ".row_scale"  # the key suffix of an int8 matrix's per-row scales


def quantize_rows(tensors: dict[str, npt.NDArray[Any]]) -> dict[str, npt.NDArray[Any]]:
    """Matrices as int8 with one fp16 scale per row (symmetric: value = scale × q); vectors
    (biases, layer norms) as fp16. Halves the shipped file against fp16."""
    out: dict[str, npt.NDArray[Any]] = {}
    for name, value in tensors.items():
        value = np.asarray(value, dtype=np.float32)
        if value.ndim != 2:
            out[name] = value.astype(np.float16)
            continue
        scale = (np.abs(value).max(axis=1, keepdims=True) / 127).astype(np.float16)
        safe = np.maximum(scale.astype(np.float32), np.finfo(np.float16).tiny)
        out[name] = np.clip(np.rint(value / safe), -127, 127).astype(np.int8)
        out[name + SCALE] = scale
    return out


def dequantize_rows(tensors: dict[str, npt.NDArray[Any]]) -> dict[str, F32]:
    """The fp32 tensors :func:`quantize_rows` stored (fp16 or fp32 files load as they are)."""
    out: dict[str, F32] = {}
    for name, value in tensors.items():
        if name.endswith(SCALE):
            continue
        scale = tensors.get(name + SCALE)
        full = value.astype(np.float32)
        out[name] = full * scale.astype(np.float32) if scale is not None else full
    return out


MODELS = Path(__file__).resolve().parents[1] / "models"  # weights that ship with the project


def weights_path() -> Path:
    """The shipped reader's trained tensors (int8 rows, fp16 scales)."""
    return MODELS / f"reader-{RECIPE}.safetensors"


def manifest_path(weights: Path) -> Path:
    """The manifest written beside ``weights``: sha256, recipe, data and licence."""
    return weights.with_suffix(".json")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def export(folder: Path, weights: Path, target: Path) -> None:
    """The reader graph (inputs_embeds, attention_mask → start/end logits) into ``target``."""
    import torch
    from safetensors.numpy import load_file
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    state = {k: torch.from_numpy(v) for k, v in dequantize_rows(load_file(str(weights))).items()}
    head = torch.nn.Linear(model.config.hidden_size, 2)
    head.load_state_dict({"weight": state.pop("head.weight"), "bias": state.pop("head.bias")})
    unknown = model.load_state_dict(state, strict=False).unexpected_keys
    if unknown:
        raise ValueError(f"{weights}: tensors the model does not have: {unknown[:3]}")
    model.eval()
    model.set_attn_implementation("eager")

    class _Spans(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model, self.head = model, head

        def forward(self, inputs_embeds: Any, attention_mask: Any) -> Any:
            hidden = self.model(inputs_embeds=inputs_embeds, attention_mask=attention_mask)
            return self.head(hidden.last_hidden_state)

    write_graph(_Spans(), model.config.hidden_size, target, "logits")


def graph(folder: Path, weights: Path) -> Path:
    """The reader's ONNX graph for ``weights`` over the model in ``folder``, exported once
    and its matrices quantized to int8 (ONNX Runtime's dynamic quantization, one scale per
    channel): twice as fast on a CPU, the same answers on the development and CMRC/DRCD
    sets (docs/architecture.md). Graphs of earlier weights are removed."""
    target = folder / "onnx" / f"reader-{_digest(weights)}-{QUANTIZED}.onnx"
    if not target.is_file():
        full = target.with_name(f"reader-{_digest(weights)}.onnx")
        if not full.is_file():
            export(folder, weights, full)
        quantize(full, target)
    for stale in target.parent.glob("reader-*.onnx"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


QUANTIZED = "int8pc"  # the name part of the quantized graph (a new scheme: a new file)


def quantize(source: Path, target: Path) -> None:
    """``source``'s matrix products with int8 weights into ``target`` (renamed into place)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]

    logging.disable(logging.WARNING)  # its advice to pre-process goes to the root logger
    try:
        with replacing(target) as tmp:
            quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)
    log.info("quantized %s", target)


def load_reader(
    folder: Path,
    threads: int,
    charmap: dict[int, str] | None = None,
    weights: Path | None = None,
    tokenizer: Any = None,
) -> Reader | None:
    """The reader over the converted default model in ``folder`` (its weights by default the
    shipped ones, :func:`weights_path`); None when the weights or ONNX Runtime are missing
    or the export fails (answers then rank sentences without it).

    ``tokenizer`` is the model's own, shared with the embedder when it has loaded it (the
    250,002-piece tokenizer holds ~290 MB); otherwise it is loaded from ``folder``."""
    weights = weights or weights_path()
    if not weights.is_file():
        log.warning("找不到阅读模型（%s）：运行 git checkout qa/models 或 make reader", weights)
        return None
    try:
        ort: Any = importlib.import_module("onnxruntime")
    except ImportError:
        return None
    try:
        target = graph(folder, weights)
        # windows vary in length: no arena, so each run's buffers are freed
        session = open_session(ort, target, threads, arena=False)
        if tokenizer is None:
            from transformers import PreTrainedTokenizerFast

            tokenizer = PreTrainedTokenizerFast.from_pretrained(str(folder), local_files_only=True)
        # the reader needs offsets into the text itself: dropped characters become spaces
        same_length = {k: v if len(v) == 1 else " " for k, v in (charmap or {}).items()}
        return Reader(session, tokenizer, word_rows(folder), same_length or None)
    except Exception as exc:  # a reader that cannot load leaves answers as they were
        log.warning("reader unavailable: %s", exc)
        return None
