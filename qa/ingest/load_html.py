"""Load stage, .html part: article text and table grids via selectolax (charset detection in
qa/ingest/html_charset.py, page furniture and the article element in qa/ingest/html_article.py)."""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import Any

from qa.errors import ReportFormatError
from qa.ingest.html_article import HTML_SPACE, content_root, remove_html_junk
from qa.ingest.html_charset import decode_html
from qa.ingest.load_limits import MB, LoadLimits, over_limit
from qa.ingest.load_text import _error
from qa.ingest.markup_tables import Rows, SpanCell, cell_line, lay_out, span_cell

logger = logging.getLogger(__name__)

_HTML_BLOCKS = frozenset(
    "address article aside blockquote caption center dd details div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre "
    "section summary table tbody thead tfoot tr ul body html".split()
)
_HTML_CELLS = frozenset(("td", "th"))


def _read_html(path: Path, data: bytes, limits: LoadLimits) -> tuple[str, str, tuple[Rows, ...]]:
    markup, encoding = _checked_markup(path, data, limits)
    try:
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(markup)
        body = tree.body
        if body is None:
            raise _error(path, "网页没有正文 <body>", "请确认文件是完整的网页后重试。")
        page_title = tree.css_first("title")
        named = _page_title(page_title.text(deep=True) if page_title is not None else "")
        remove_html_junk(body)
        text, grids = _html_article_text(body)
        if named and not _has_title_line(text, named):
            text = f"{named}\n{text}"
    except ReportFormatError:
        raise
    except Exception as exc:  # selectolax is robust, but never let a parser traceback out
        logger.debug("selectolax failed on %s", path, exc_info=True)
        raise _error(
            path, f"无法解析网页（{type(exc).__name__}）", "请在浏览器中另存为网页后重试。"
        ) from exc
    return text, encoding, grids


def _checked_markup(path: Path, data: bytes, limits: LoadLimits) -> tuple[str, str]:
    """The page's markup and encoding, once its size, bytes, charset and nesting pass."""
    if len(data) > limits.max_html_mb * MB:
        raise over_limit(
            path,
            f"网页文件过大（{len(data) / MB:.1f} MB，上限 {limits.max_html_mb} MB）",
            "max_html_mb",
            in_mb=True,
        )
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _error(path, "这不是 HTML 文本文件（含二进制内容）", "请确认扩展名是否正确后重试。")
    decoded = decode_html(data)
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
    return markup, encoding


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


def _html_article_text(body: Any) -> tuple[str, tuple[Rows, ...]]:
    """The article's text and its tables' grids."""
    root = content_root(body)
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


def _has_title_line(text: str, named: str) -> bool:
    """Does the page's text state the title as a heading of its own (over one or two lines,
    not just cited in a sentence: 发布《莆田市城市管理局2024年度…年度报告》)?"""
    lines = [line.strip() for line in text[:TITLE_REACH].split("\n") if line.strip()]
    want = named.replace(" ", "")
    return any(
        "".join(lines[i : i + 2]).replace(" ", "").startswith(want) or line.replace(" ", "") == want
        for i, line in enumerate(lines)
    )


def _page_title(title: str) -> str:
    """The report's title from the page's <title> (平潭…年度报告_平潭综合实验区管委会 →
    the part naming a report), or "" when no part does."""
    parts = [p.strip() for p in _TITLE_PARTS.split(HTML_SPACE.sub(" ", title))]
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
            parts.append(HTML_SPACE.sub(" ", item.text_content or ""))
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
    if "\t" not in line:
        return line.strip()  # no cells: most lines, and the cheap way
    cells = [part.strip() for part in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    first = next((i for i, cell in enumerate(cells) if cell), len(cells))
    return "\t".join(cells[first:])
