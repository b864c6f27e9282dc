"""A web page's article element: page furniture removed (`remove_html_junk`), its body found."""

from __future__ import annotations

import re
from typing import Any

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
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _node_hints(node: Any) -> str:
    attrs = node.attributes
    return f"{attrs.get('id') or ''} {attrs.get('class') or ''}".lower()


def _text_len(node: Any) -> int:
    return len(HTML_SPACE.sub("", node.text(deep=True) or ""))


def _inside(node: Any, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


# A footnote's mark in the text: <sup>[2]</sup> or a superscript span, a number to a note at the
# page's end (全年地区生产总值[2] 55308.7亿元 reads 地区生产总值 55308.7亿元).
_FOOTNOTE_MARK = re.compile(r"\s*[\[［(（]?\s*\d{1,3}\s*[\]］)）]?\s*")


def _footnote_mark(node: Any) -> bool:
    if node.tag not in ("sup", "span"):
        return False  # (cheap first: a page may have half a million elements)
    style = (node.attributes.get("style") or "").replace(" ", "").lower()
    if node.tag != "sup" and "vertical-align:super" not in style:
        return False
    return _FOOTNOTE_MARK.fullmatch(node.text(deep=True) or "") is not None


def remove_html_junk(body: Any) -> None:
    """Drop scripts, styles, footnote marks and page furniture (nav, header, footer,
    breadcrumbs ...)."""
    always: list[Any] = []
    layout: list[Any] = []
    for node in body.traverse(include_text=False):
        tag = node.tag
        if tag in _HTML_ALWAYS_JUNK or _footnote_mark(node):
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


def content_root(body: Any) -> Any:
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
