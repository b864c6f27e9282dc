"""Load stage, .html part: charset detection and article text via selectolax."""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import Any

from qa.errors import ReportFormatError
from qa.ingest.load_limits import MB, LoadLimits, over_limit
from qa.ingest.load_text import (
    _MIN_PLAUSIBILITY,
    _decode_bytes,
    _error,
    _normalise_newlines,
    _plausibility,
    _strict_decode,
)
from qa.ingest.markup_tables import Rows, SpanCell, cell_line, lay_out, span_cell

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


def _read_html(path: Path, data: bytes, limits: LoadLimits) -> tuple[str, str, tuple[Rows, ...]]:
    if len(data) > limits.max_html_mb * MB:
        raise over_limit(
            path,
            f"网页文件过大（{len(data) / MB:.1f} MB，上限 {limits.max_html_mb} MB）",
            "max_html_mb",
            in_mb=True,
        )
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _error(path, "这不是 HTML 文本文件（含二进制内容）", "请确认扩展名是否正确后重试。")
    decoded = _decode_html(data)
    if decoded is None:
        raise _error(path, "无法识别网页的文字编码", "请在浏览器中打开并另存为 UTF-8 网页后重试。")
    markup, encoding = decoded
    depth = _html_depth(markup)
    if depth > limits.max_html_depth:
        shown = f"至少 {depth}" if depth >= _DEPTH_PROBE_MAX else str(depth)
        raise over_limit(
            path,
            f"网页标签嵌套过深（{shown} 层，上限 {limits.max_html_depth} 层）",
            "max_html_depth",
        )
    try:
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(markup)
        body = tree.body
        if body is None:
            raise _error(path, "网页没有正文 <body>", "请确认文件是完整的网页后重试。")
        page_title = tree.css_first("title")
        named = _page_title(page_title.text(deep=True) if page_title is not None else "")
        _remove_html_junk(body)
        text, grids = _html_article_text(body)
        if named and named not in text[:TITLE_REACH].replace("\n", ""):
            text = f"{named}\n{text}"
    except ReportFormatError:
        raise
    except Exception as exc:  # selectolax is robust, but never let a parser traceback out
        logger.debug("selectolax failed on %s", path, exc_info=True)
        raise _error(
            path, f"无法解析网页（{type(exc).__name__}）", "请在浏览器中另存为网页后重试。"
        ) from exc
    return text, encoding, grids


_DEPTH_PROBE_MAX = 2048  # libxml2 stops nesting there, even with huge_tree


def _html_depth(markup: str) -> int:
    """How deep elements nest, as libxml2's HTML parser builds the tree (C speed; it stops
    at 2048 levels). Measured before lexbor parses: lexbor's time grows with the square of
    the depth (100,000 nested <div> took 22 s; a million crashed it)."""
    import lxml.etree  # type: ignore[import-untyped,unused-ignore]
    import lxml.html  # type: ignore[import-untyped,unused-ignore]

    parser = lxml.html.HTMLParser(huge_tree=True, encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(markup.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):  # no elements at all
        return 0
    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


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


def _decode_html(data: bytes) -> tuple[str, str] | None:
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


def _html_article_text(body: Any) -> tuple[str, tuple[Rows, ...]]:
    """The article's text and its tables' grids."""
    root = _content_root(body)
    text = _html_text(root)
    if root is not body:
        heading = body.css_first("h1")
        if heading is not None and not _contains(root, heading):
            title = _html_text(heading).strip()
            if title and not text.startswith(title):
                text = f"{title}\n{text}"
    return text, html_grids(root)


TITLE_REACH = 400  # characters at the top of the article where its title may already stand
_TITLE_PARTS = re.compile(r"\s*(?:[|｜_]|\s[-–—]\s)\s*")
_REPORT_ENDS = ("报告", "報告", "公报", "公報", "预算", "預算", "决算", "決算", "年报", "年報")


def _page_title(title: str) -> str:
    """The report's title from the page's <title> (平潭…年度报告_平潭综合实验区管委会 →
    the part naming a report), or "" when no part does."""
    parts = [p.strip() for p in _TITLE_PARTS.split(_HTML_SPACE.sub(" ", title))]
    named = [p for p in parts if p.endswith(_REPORT_ENDS) and len(p) <= 80]
    return max(named, key=len, default="")


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
        elif tag == "tr":
            parts.append("\n" + "\t".join(c.text for c in _row_cells(item)) + "\n")
        elif tag is not None and not tag.startswith("-"):
            sep = "\n" if tag in _HTML_BLOCKS else "\t" if tag in _HTML_CELLS else ""
            parts.append(sep)
            stack.append(sep)
            stack.extend(reversed(list(item.iter(include_text=True))))
    lines = (_join_cells(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _row_cells(tr: Any) -> list[SpanCell]:
    """A table row's cells, each on one line (empty cells kept: they hold a column)."""
    return [
        span_cell(
            cell_line(_html_text(td).split("\n")),
            td.attributes.get("colspan") or 1,
            td.attributes.get("rowspan") or 1,
        )
        for td in tr.iter()
        if td.tag in _HTML_CELLS
    ]


def html_grids(root: Any) -> tuple[Rows, ...]:
    """The article's tables laid out on grids (a table inside another's cell is read as that
    cell's text)."""
    grids: list[Rows] = []
    for table in root.css("table"):
        if _inside_table(table):
            continue
        rows = [_row_cells(tr) for tr in table.css("tr") if _own_row(tr, table)]
        laid = lay_out([r for r in rows if r])
        if len(laid) >= 2:
            grids.append(laid)
    return tuple(grids)


def _inside_table(node: Any) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "table":
            return True
        parent = parent.parent
    return False


def _own_row(tr: Any, table: Any) -> bool:
    parent = tr.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent is not None and parent.mem_id == table.mem_id


def _join_cells(line: str) -> str:
    """Cells separated by one tab, blank cells kept between others (they hold a column) and
    dropped at the ends, the line stripped (string operations: a regular expression for it
    backtracked on long runs of spaces)."""
    cells = [part.strip() for part in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    first = next((i for i, cell in enumerate(cells) if cell), len(cells))
    return "\t".join(cells[first:])
