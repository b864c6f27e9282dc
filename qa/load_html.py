"""Load stage, .html part: charset detection and article text via selectolax."""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import Any

from qa.errors import ReportFormatError
from qa.load_text import (
    _MIN_PLAUSIBILITY,
    _decode_bytes,
    _error,
    _normalise_newlines,
    _plausibility,
    _strict_decode,
)

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_DECLARED_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950"}
# Removed wherever they are: never article text.
_HTML_ALWAYS_JUNK = frozenset(
    "script style noscript template iframe object embed svg canvas input select "
    "textarea button head link meta".split()
)
# Removed when they hold less than half of the page's text (pages that wrap everything
# in <form> or class="main-header" must not lose the article).
_HTML_LAYOUT_TAGS = frozenset("nav header footer aside form menu dialog".split())
_HTML_JUNK_TOKENS = frozenset(
    "header footer foot nav navbar navigation menu sidebar breadcrumb crumb crumbs "
    "position share bdsharebuttonbox copyright toolbar skip".split()
)
# id/class fragments marking the article body, best first (Chinese gov portals).
_HTML_CONTENT_HINTS = (
    ("trs_editor", 6),
    ("zoom", 5),
    ("article", 4),
    ("content", 3),
    ("detail", 2),
    ("main", 1),
)
_HTML_BLOCKS = frozenset(
    "address article aside blockquote caption center dd details div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre "
    "section summary table tbody thead tfoot tr ul body html".split()
)
_HTML_CELLS = frozenset(("td", "th"))
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _read_html(path: Path, data: bytes) -> tuple[str, str]:
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _error(path, "这不是 HTML 文本文件（含二进制内容）", "请确认扩展名是否正确后重试。")
    decoded = _decode_html(data)
    if decoded is None:
        raise _error(path, "无法识别网页的文字编码", "请在浏览器中打开并另存为 UTF-8 网页后重试。")
    markup, encoding = decoded
    try:
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(markup)
        body = tree.body
        if body is None:
            raise _error(path, "网页没有正文 <body>", "请确认文件是完整的网页后重试。")
        _remove_html_junk(body)
        text = _html_article_text(body)
    except ReportFormatError:
        raise
    except Exception as exc:  # selectolax is robust, but never let a parser traceback out
        logger.debug("selectolax failed on %s", path, exc_info=True)
        raise _error(
            path, f"无法解析网页（{type(exc).__name__}）", "请在浏览器中另存为网页后重试。"
        ) from exc
    return text, encoding


def _decode_html(data: bytes) -> tuple[str, str] | None:
    """BOM first, then <meta charset> / XML declaration, then detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = data[:4096]
        match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        if match:
            declared = match.group(1).decode("ascii").lower()
            encoding = _DECLARED_ALIASES.get(declared, declared)
            text = _strict_decode(data, encoding)
            if text is not None and _plausibility(text) >= _MIN_PLAUSIBILITY:
                return _normalise_newlines(text), encoding
            logger.debug("declared charset %s does not fit; detecting", declared)
    decoded = _decode_bytes(data)
    return None if decoded is None else (_normalise_newlines(decoded[0]), decoded[1])


def _node_hints(node: Any) -> str:
    attrs = node.attributes
    return f"{attrs.get('id') or ''} {attrs.get('class') or ''}".lower()


def _text_len(node: Any) -> int:
    return len(_HTML_SPACE.sub("", node.text(deep=True) or ""))


def _inside(node: Any, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _remove_html_junk(body: Any) -> None:
    """Drop scripts, styles and page furniture (nav, header, footer, breadcrumbs ...)."""
    always: list[Any] = []
    layout: list[Any] = []
    for node in body.traverse(include_text=False):
        tag = node.tag
        if tag in _HTML_ALWAYS_JUNK:
            always.append(node)
        elif tag in _HTML_LAYOUT_TAGS or _HTML_JUNK_TOKENS & set(_node_hints(node).split()):
            if tag in ("header", "footer") and _inside(node, frozenset(("article", "main"))):
                continue  # an article's own header holds its title
            layout.append(node)
    for node in reversed(always):
        node.decompose()
    half = _text_len(body) / 2
    for node in reversed(layout):  # descendants first, so ancestors are still valid
        if _text_len(node) < half:
            node.decompose()


def _content_root(body: Any) -> Any:
    """<article> or the element whose id/class names the article body; else <body>."""
    total = _text_len(body)
    best: tuple[int, int] | None = None
    best_node = body
    for node in body.traverse(include_text=False):
        hints = _node_hints(node)
        priority = 4 if node.tag == "article" else 1 if node.tag == "main" else 0
        for hint, value in _HTML_CONTENT_HINTS:
            if hint in hints:
                priority = max(priority, value)
                break
        if not priority:
            continue
        length = _text_len(node)
        if length >= min(200, total / 4) and (best is None or (priority, length) > best):
            best, best_node = (priority, length), node
    return best_node


def _html_article_text(body: Any) -> str:
    root = _content_root(body)
    text = _html_text(root)
    if root is not body:
        heading = body.css_first("h1")
        if heading is not None and not _contains(root, heading):
            title = _html_text(heading).strip()
            if title and not text.startswith(title):
                text = f"{title}\n{text}"
    return text


def _contains(ancestor: Any, node: Any) -> bool:
    current = node
    while current is not None:
        if current.mem_id == ancestor.mem_id:
            return True
        current = current.parent
    return False


def _html_text(root: Any) -> str:
    """Text with block elements as line breaks, table cells separated by tabs."""
    parts: list[str] = []
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag
        if tag == "-text":
            parts.append(_HTML_SPACE.sub(" ", item.text_content or ""))
        elif tag == "br":
            parts.append("\n")
        elif tag == "pre":
            parts.append("\n" + (item.text(deep=True) or "") + "\n")
        elif tag is not None and not tag.startswith("-"):
            sep = "\n" if tag in _HTML_BLOCKS else "\t" if tag in _HTML_CELLS else ""
            parts.append(sep)
            stack.append(sep)
            stack.extend(reversed(list(item.iter(include_text=True))))
    lines = (re.sub(r"\s*\t\s*", "\t", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
