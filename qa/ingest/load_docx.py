"""Load stage, .docx part: paragraph and table text with Word auto-numbering."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.errors import ReportFormatError
from qa.ingest.docx_numbering import Numbering, RunawayNumbering
from qa.ingest.docx_numbering import W as _W
from qa.ingest.load_limits import MB, LoadLimits, over_limit
from qa.ingest.load_text import _error
from qa.ingest.markup_tables import Rows, SpanCell, cell_line, lay_out, span_cell

logger = logging.getLogger(__name__)

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not paragraph text: properties, deletions, text boxes, fallbacks.
_DOCX_SKIP = frozenset(
    (f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", _MC_FALLBACK)
)
_DOCX_CHARS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read_docx(path: Path, data: bytes, limits: LoadLimits) -> tuple[str, tuple[Rows, ...]]:
    """The document's text (a line per paragraph and per table row) and its tables' grids."""
    if data.startswith(_OLE_MAGIC):
        raise _error(
            path, "这是旧版 Word (.doc) 文件，只是扩展名为 .docx", "请用 Word 另存为 .docx 后重试。"
        )
    if not data.startswith(b"PK"):
        raise _error(
            path, "不是有效的 .docx 文件", "请确认文件完整，或用 Word 重新另存为 .docx 后重试。"
        )
    try:
        _check_zip(path, data, limits)
        import docx

        document = docx.Document(io.BytesIO(data))
        numbering = Numbering.from_document(document)
        grids: list[Rows] = []
        lines = list(_docx_blocks(document.element.body, numbering, grids))
    except ReportFormatError:
        raise
    except RunawayNumbering as exc:
        raise _error(
            path,
            f"Word 自动编号失控（{exc}）",
            "请在 Word 中重新设置编号的起始值后另存为 .docx 再重试。",
        ) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise _error(
            path, "文件已损坏或不完整", "请重新下载或用 Word 重新另存为 .docx 后重试。"
        ) from exc
    except Exception as exc:  # python-docx / lxml raise many kinds on broken packages
        logger.debug("python-docx failed on %s", path, exc_info=True)
        raise _error(
            path,
            f"无法解析 .docx（{type(exc).__name__}）",
            "请用 Word 打开并重新另存为 .docx 后重试。",
        ) from exc
    return "\n".join(line for line in lines if line.strip()), tuple(grids)


def _check_zip(path: Path, data: bytes, limits: LoadLimits) -> None:
    """Member count and unpacked sizes, from the zip's directory, before anything is unpacked.

    zipfile stops reading a member at its declared size (and fails its CRC when the data is
    longer), so declared sizes bound what python-docx can unpack.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
    if len(members) > limits.max_docx_members:
        raise over_limit(
            path,
            f".docx 压缩包内文件过多（{len(members)} 个，上限 {limits.max_docx_members} 个）",
            "max_docx_members",
        )
    for member in members:
        xml = member.filename.lower().endswith((".xml", ".rels"))
        if xml and member.file_size > limits.max_docx_xml_mb * MB:
            raise over_limit(
                path,
                f".docx 中的 {member.filename[:100]!r} 过大（{member.file_size / MB:.0f} MB，"
                f"上限 {limits.max_docx_xml_mb} MB）",
                "max_docx_xml_mb",
                in_mb=True,
            )
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_docx_unpacked_mb * MB:
        raise over_limit(
            path,
            f".docx 解压后过大（{unpacked / MB:.0f} MB，上限 {limits.max_docx_unpacked_mb} MB），"
            "可能是压缩炸弹",
            "max_docx_unpacked_mb",
            in_mb=True,
        )


def _docx_blocks(
    container: Any, numbering: Numbering, grids: list[Rows] | None = None
) -> Iterator[str]:
    """Yield one line per paragraph and per table row, in document order; each table's grid
    goes into ``grids`` (None: a table inside another's cell, read as that cell's text)."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield _docx_paragraph(child, numbering)
        elif tag == f"{_W}tbl":
            yield from _docx_table(child, numbering, grids)
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _docx_blocks(child, numbering, grids)


def _docx_paragraph(p: Any, numbering: Numbering) -> str:
    label = numbering.label(p)
    return label + _docx_run_text(p)


def _docx_run_text(element: Any) -> str:
    """Text of a paragraph's runs, hyperlinks and insertions; w:tab/w:br become \\t/\\n."""
    parts: list[str] = []
    stack = list(reversed(list(element)))
    while stack:
        node = stack.pop()
        tag = node.tag
        if not isinstance(tag, str) or tag in _DOCX_SKIP:
            continue
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag in _DOCX_CHARS:
            parts.append(_DOCX_CHARS[tag])
        else:
            stack.extend(reversed(list(node)))
    return "".join(parts)


def _docx_table(tbl: Any, numbering: Numbering, grids: list[Rows] | None) -> Iterator[str]:
    """One line per row, cells joined by a tab; vertically merged continuations are empty.
    The rows are read once (Word's numbering counts on as they are), for the text and for
    the table's grid."""
    rows = _docx_rows(tbl, numbering)
    laid = lay_out(rows)
    if grids is not None and len(laid) >= 2:
        grids.append(laid)
    for row in rows:
        cells = ["" if c.merged else c.text for c in row]
        if any(cells):
            yield "\t".join(cells)


def _docx_rows(tbl: Any, numbering: Numbering) -> list[list[SpanCell]]:
    """A table's rows as cells with their spans (w:gridSpan, w:vMerge, w:gridBefore)."""
    rows: list[list[SpanCell]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        cells = [span_cell("", before.get(f"{_W}val", 1))] if before is not None else []
        for tc in tr.iterchildren(f"{_W}tc"):
            span = tc.find(f"{_W}tcPr/{_W}gridSpan")
            colspan = span.get(f"{_W}val", 1) if span is not None else 1
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                cells.append(span_cell("", colspan, merged=True))
                continue
            cells.append(span_cell(cell_line(list(_docx_blocks(tc, numbering))), colspan))
        rows.append(cells)
    return rows
