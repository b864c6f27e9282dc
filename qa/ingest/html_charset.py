"""A web page's bytes decoded: BOM, then its declared charset when it fits, then detection."""

from __future__ import annotations

import codecs
import logging
import re

from qa.ingest.load_text import (
    _MIN_PLAUSIBILITY,
    _decode_bytes,
    _normalise_newlines,
    _plausibility,
    _strict_decode,
)

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_DECLARED_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950"}

# Charsets a web page may declare that Python decodes as text (codecs.lookup names);
# anything else ("undefined", "punycode", "idna", "utf-7", "rot13" …) falls back to detection.
_WEB_CHARSETS = frozenset(
    (
        *"utf-8 utf-16 utf-16-le utf-16-be gb18030 gbk gb2312 hz big5 big5hkscs cp950".split(),
        *"euc_jp shift_jis cp932 iso2022_jp euc_kr cp949 ascii koi8-r koi8-u mac-roman".split(),
        *(f"iso8859-{n}" for n in range(1, 17)),
        *(f"cp{n}" for n in range(1250, 1259)),
    )
)


def _web_charset(declared: str) -> str | None:
    """The codec for a declared charset label, or None when it is not a text charset."""
    encoding = _DECLARED_ALIASES.get(declared, declared)
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError):
        return None
    return encoding if name in _WEB_CHARSETS else None


def decode_html(data: bytes) -> tuple[str, str] | None:
    """BOM first, then <meta charset> / XML declaration, then detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = data[:4096]
        match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        if match:
            declared = match.group(1).decode("ascii").lower()
            encoding = _web_charset(declared)
            text = None if encoding is None else _strict_decode(data, encoding)
            if encoding and text is not None and _plausibility(text) >= _MIN_PLAUSIBILITY:
                return _normalise_newlines(text), encoding
            logger.debug("declared charset %s does not fit; detecting", declared)
    decoded = _decode_bytes(data)
    return None if decoded is None else (_normalise_newlines(decoded[0]), decoded[1])
