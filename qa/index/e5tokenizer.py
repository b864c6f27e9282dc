"""The e5 file's tokeniser as a Hugging Face ``tokenizers.Tokenizer`` (for :mod:`qa.index.e5convert`).

SentencePiece unigram pieces with their scores, the file's own per-code-point normalisation
map encoded as a precompiled charsmap (a darts double array), and ``<s> … </s>`` around a text.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from typing import Any

from qa.errors import ModelError


def build_precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a code-point map as SentencePiece's precompiled charsmap (darts double array)."""
    blob, where = bytearray(), {}
    trie: dict[int, Any] = {}
    for cp, out in sorted(norm_map.items()):
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = where[out]
    units = _double_array(trie)
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + bytes(blob)


def _double_array(trie: dict[int, Any]) -> list[int]:
    units: dict[int, int] = {0: 0}
    used_bases: set[int] = set()
    queue: list[tuple[int, dict[int, Any]]] = [(0, trie)]
    next_base = 1
    while queue:
        pos, node = queue.pop()
        labels = [0 if k == -1 else k for k in node]
        base = next_base
        while base in used_bases or any((base ^ c) in units for c in labels):
            base += 1
        used_bases.add(base)
        next_base = base
        if pos ^ base >= 1 << 21:
            raise ModelError("normalisation map too large for a double array")
        units[pos] |= (pos ^ base) << 10
        for key, child in node.items():
            if key == -1:
                units[base] = child | (1 << 31)
            else:
                units[base ^ key] = key | ((1 << 8) if -1 in child else 0)
                queue.append((base ^ key, child))
    size = (max(units) // 256 + 1) * 256
    return [units.get(i, 0) for i in range(size)]


def _char_class(chars: Iterable[str]) -> str:
    """Regex class body for a set of characters, as code-point ranges (oniguruma syntax)."""
    ranges: list[list[int]] = []
    for cp in sorted({ord(c) for c in chars}):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges)


def build_tokenizer(
    pieces: Sequence[str],
    scores: Sequence[float],
    special: dict[str, int],
    norm_map: dict[int, str],
) -> Any:
    """A ``tokenizers.Tokenizer`` equivalent to e5.c's ``tok_content`` plus ``<s> … </s>``."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, processors

    vocab = list(zip(pieces, scores, strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = _pre_tokenizer(pieces)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    return tok


def _pre_tokenizer(pieces: Sequence[str]) -> Any:
    """Metaspace without splitting, then each character outside the vocabulary on its own."""
    from tokenizers import Regex, pre_tokenizers

    # e5.c runs one Viterbi over the whole text (no split at spaces) and scores every
    # unknown character as its own <unk>; isolating those keeps HF from fusing them.
    unknown = Regex("[^" + _char_class(p for p in pieces if len(p) == 1) + "]")
    return pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False),
            pre_tokenizers.Split(unknown, behavior="isolated"),
        ]
    )
