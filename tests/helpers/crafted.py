"""Crafted report files for the hostile-input tests (issue 18): zip bombs, runaway Word
numbering, deep HTML, huge PDFs, devices and FIFOs, over-long names, text that is not language.

Each builder writes into a folder and returns the path; sizes are real (a 1 GB zip bomb is about
1 MB on disk and a second to make) unless a test asks for less.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "eval" / "corpus"
REPORT = (SAMPLES / "000_4eefaf65ada41b4d.txt").read_text(encoding="utf-8")
REPORT_HTML = "".join(f"<p>{line}</p>" for line in REPORT.splitlines() if line.strip())
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MB = 1024 * 1024


def report_docx(numbering_start: int | None = None) -> bytes:
    """A small real .docx of the sample report; with a lowerLetter list starting there."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    for line in REPORT.splitlines()[:20]:
        document.add_paragraph(line)
    if numbering_start is not None:
        numbering = document.part.numbering_part.element
        numbering.insert(
            0,
            parse_xml(
                f'<w:abstractNum {W_NS} w:abstractNumId="91"><w:lvl w:ilvl="0">'
                f'<w:start w:val="{numbering_start}"/><w:numFmt w:val="lowerLetter"/>'
                '<w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>'
            ),
        )
        numbering.append(
            parse_xml(f'<w:num {W_NS} w:numId="91"><w:abstractNumId w:val="91"/></w:num>')
        )
        for text in ("第一项", "第二项"):
            paragraph = document.add_paragraph(text)
            paragraph._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr>')
            )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_member(name: str, size: int, head: bytes = b"", tail: bytes = b"") -> bytes:
    """The report .docx with member ``name`` (added or replaced) of ``size`` bytes: ``head``,
    spaces, ``tail``, really compressed (a zip bomb: 1 GB is about 1 MB here)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(report_docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        with target.open(name, "w", force_zip64=True) as member:
            member.write(head)
            left, chunk = size - len(head) - len(tail), b" " * MB
            while left > 0:
                member.write(chunk[: min(left, MB)])
                left -= MB
            member.write(tail)
    return out.getvalue()


def raw_pdf(pages: int, content: bytes) -> bytes:
    """A PDF whose ``pages`` pages all draw the one compressed content stream ``content``."""
    stream = zlib.compress(content, 9)
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"
    )
    objects += [page] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def html_page(body: str, charset: str = "utf-8") -> bytes:
    head = f'<html><head><meta charset="{charset}"><title>报告</title></head><body>'
    return (head + body + "</body></html>").encode("utf-8")


def nested(unit: str, depth: int = 10_000) -> str:
    return unit * depth + REPORT_HTML


def gb2312_soup(pairs: int = 30_000) -> bytes:
    """Random GB2312 codes: every pair decodes to a Chinese character, in no language."""
    rnd = random.Random(18)
    return bytes(
        b for _ in range(pairs) for b in (rnd.randint(0xB0, 0xF7), rnd.randint(0xA1, 0xFE))
    )


def symlink(folder: Path, name: str, target: str) -> Path:
    path = folder / name
    path.symlink_to(target)
    return path


def fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def long_path(folder: Path) -> Path:
    return folder.joinpath(*["目录" * 60] * 12, "报告.txt")  # 12 × 360 bytes


DEEP_HTML = {
    "div": "<div>",
    "span": "<span>",
    "b": "<b>",
    "font": '<font color="red">',
    "section": "<section>",
    "blockquote": "<blockquote>",
    "ul-li": "<ul><li>",
    "dl-dt": "<dl><dt>",
    "table": "<table><tr><td>",
    "content-div": '<div class="content">',
}
# (case, builder, expected: a fragment of the tool's error, or None for a good load)
CRAFTED: list[tuple[str, Callable[[Path], Path], str | None]] = [
    (
        "docx-zip-bomb-1gb",
        lambda d: write(d, "bomb.docx", docx_with_member("word/media/image1.png", 1024 * MB)),
        "解压后过大",
    ),
    (
        "docx-document-xml-400mb",
        lambda d: write(
            d,
            "big.docx",
            docx_with_member(
                "word/document.xml",
                400 * MB,
                f'<?xml version="1.0"?><w:document {W_NS}><w:body>'.encode(),
                b"</w:body></w:document>",
            ),
        ),
        "document.xml' 过大",
    ),
    (
        "docx-numbering-2e9-lowerletter",
        lambda d: write(d, "n.docx", report_docx(2_000_000_000)),
        "自动编号失控",
    ),
    (
        "docx-numbering-1e7-lowerletter",
        lambda d: write(d, "n.docx", report_docx(10_000_000)),
        "自动编号失控",
    ),
    ("symlink-dev-zero-txt", lambda d: symlink(d, "zero.txt", "/dev/zero"), "不是普通文件"),
    ("symlink-dev-zero-pdf", lambda d: symlink(d, "zero.pdf", "/dev/zero"), "不是普通文件"),
    ("symlink-urandom-txt", lambda d: symlink(d, "rnd.txt", "/dev/urandom"), "不是普通文件"),
    ("symlink-urandom-pdf", lambda d: symlink(d, "rnd.pdf", "/dev/urandom"), "不是普通文件"),
    ("fifo-txt", lambda d: fifo(d, "pipe.txt"), "命名管道"),
    *(
        (
            f"html-nested-10000-{name}",
            lambda d, u=unit: write(d, "d.html", html_page(nested(u))),
            "嵌套过深",
        )
        for name, unit in DEEP_HTML.items()
    ),
    (
        "pdf-20000-pages",
        lambda d: write(d, "p.pdf", raw_pdf(20_000, b"BT /F1 12 Tf 72 700 Td (page) Tj ET")),
        "页数过多",
    ),
    (  # at the page limit: loads
        "pdf-2000-pages",
        lambda d: write(d, "p.pdf", raw_pdf(2000, b"BT /F1 12 Tf 72 700 Td (Annual report) Tj ET")),
        None,
    ),
    (
        "pdf-one-huge-tj-string",
        lambda d: write(
            d, "tj.pdf", raw_pdf(1, b"BT /F1 12 Tf 72 700 Td [(" + b"A" * 60 * MB + b")] TJ ET")
        ),
        "内容过大",
    ),
    (
        "md-heading-200000-spaces",
        lambda d: write(d, "h.md", ("# a" + " " * 200_000 + "x\n" + REPORT).encode()),
        "行过长",
    ),
    (
        "md-heading-200000-tabs",
        lambda d: write(d, "h.md", ("#\t" + "\t" * 200_000 + "#x\n" + REPORT).encode()),
        "行过长",
    ),
    (  # under the line limit: the heading parser itself must be quick
        "md-heading-90000-spaces",
        lambda d: write(d, "h.md", ("# a" + " " * 90_000 + "x\n" + REPORT).encode()),
        None,
    ),
    (  # trailing blanks and a blank run inside a line (the clean stage)
        "txt-90000-spaces-in-line",
        lambda d: write(d, "s.txt", ("甲" + " " * 90_000 + "乙\n" + REPORT).encode()),
        None,
    ),
    (
        "html-pre-90000-spaces-tab",
        lambda d: write(
            d, "pre.html", html_page("<pre>甲" + " " * 90_000 + "乙\t丙</pre>" + REPORT_HTML)
        ),
        None,
    ),
    (  # at the size limit, one element every 8 bytes: the slowest HTML that loads
        "html-4mb-of-paragraphs",
        lambda d: write(d, "flat.html", html_page("<p>x</p>" * 490_000)),
        None,
    ),
    (
        "html-meta-undefined",
        lambda d: write(d, "u.html", html_page(REPORT_HTML, "undefined")),
        None,
    ),
    ("html-meta-punycode", lambda d: write(d, "p.html", html_page(REPORT_HTML, "punycode")), None),
    (
        "html-meta-undefined-garbage",
        lambda d: write(
            d, "g.html", b'<meta charset="undefined">' + bytes(range(0x80, 0x100)) * 40
        ),
        "编码",
    ),
    ("name-over-255-bytes", lambda d: d / ("报" * 100 + ".txt"), "名过长"),
    ("path-over-path-max", long_path, "路径过长"),
    ("random-bytes-as-gb18030", lambda d: write(d, "r.txt", gb2312_soup()), "不像中文"),
    ("zero-width-only", lambda d: write(d, "z.txt", ("\u200b" * 100_000).encode()), "不可见字符"),
    (
        "zero-width-mostly",
        lambda d: write(d, "z.md", (("报告\n" + "\u200b\u200c\u2060" * 100 + "\n") * 500).encode()),
        "不可见字符",
    ),
]
