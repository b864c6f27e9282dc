"""Tests of the load stage (qa/load.py): encodings, .md, .docx, .pdf, .html, bad input,
sidecar overrides and folder expansion. Fixtures are generated in tmp_path."""

from __future__ import annotations

import codecs
import hashlib
import io
from pathlib import Path

import pytest

from qa.errors import QAError, ReportFormatError
from qa.ingest.load import (
    SUPPORTED_SUFFIXES,
    RawDocument,
    find_report_files,
    read_document,
    read_overrides,
)

CORPUS = Path(__file__).resolve().parents[1] / "eval" / "corpus"
SIMPLIFIED = ("000_4eefaf65ada41b4d", "001_8e3adc1f376f5290", "003_77051ec3706f57bb")
TRADITIONAL = "002_73c7b93b254d5d56"


def corpus_text(stem: str) -> str:
    return (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------
# Text encodings, with real re-encoded copies of the sample reports


ENCODINGS = [
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
    ("utf-8-sig", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    ("utf-16-le", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
    ("gb18030", lambda t: t.encode("gb18030", errors="strict"), "gb18030"),
    ("gbk", lambda t: t.encode("gbk", errors="strict"), "gb18030"),
]


@pytest.mark.parametrize("stem", [*SIMPLIFIED, "004_58886ce9b326548b", TRADITIONAL])
@pytest.mark.parametrize(("label", "encode", "expected_encoding"), ENCODINGS)
def test_text_encodings_round_trip(tmp_path, stem, label, encode, expected_encoding):
    original = corpus_text(stem)
    path = write(tmp_path, f"{stem}.{label}.txt", encode(original))
    doc = read_document(path)
    assert doc.text == original
    assert doc.encoding == expected_encoding
    assert doc.page_starts == ()
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_gb2312_subset_report_is_read_as_gb18030(tmp_path):
    original = corpus_text("001_8e3adc1f376f5290")  # every character is in GB2312
    doc = read_document(write(tmp_path, "r.txt", original.encode("gb2312", errors="strict")))
    assert doc.text == original


def big5_expectation(text: str) -> str:
    """The text as Big5 can hold it: unencodable characters become '?' (as errors='replace')."""
    out = []
    for ch in text:
        try:
            ch.encode("big5")
        except UnicodeEncodeError:
            ch = "?"
        out.append(ch)
    return "".join(out)


def test_big5_traditional_report_lossy_copy(tmp_path):
    # The traditional report holds pinyin with tone marks ("建設(shè)") and 徍, which Big5
    # cannot encode; Big5 bytes are made with errors="replace", so the honest expectation
    # is the same text with those characters as "?".
    original = corpus_text(TRADITIONAL)
    data = original.encode("big5", errors="replace")
    expected = big5_expectation(original)
    lost = sum(a != b for a, b in zip(original, expected, strict=True))
    assert 0 < lost < len(original) // 20
    doc = read_document(write(tmp_path, "big5.txt", data))
    assert doc.encoding in ("big5", "cp950", "big5hkscs")
    assert doc.text == expected


def test_big5_lines_that_encode_round_trip_exactly(tmp_path):
    lines = [line for line in corpus_text(TRADITIONAL).split("\n") if line and _big5_ok(line)]
    assert len(lines) >= 5
    original = "\n".join(lines) + "\n"
    doc = read_document(write(tmp_path, "big5.txt", original.encode("big5", errors="strict")))
    assert doc.text == original
    assert doc.encoding == "big5"


def _big5_ok(line: str) -> bool:
    try:
        line.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("湘潭縣人民政府", "big5"),
        ("湘潭縣人民政府", "gbk"),
        ("關於法治政府建設", "big5"),
        ("一、工作开展情况", "gbk"),
        ("报告", "gbk"),
        ("報告", "big5"),
    ],
)
def test_short_chinese_texts_pick_the_right_codec(tmp_path, text, encoding):
    doc = read_document(write(tmp_path, "short.txt", text.encode(encoding)))
    assert doc.text == text


def test_line_endings_are_normalised(tmp_path):
    original = corpus_text("000_4eefaf65ada41b4d")
    crlf = read_document(write(tmp_path, "crlf.txt", original.replace("\n", "\r\n").encode()))
    cr = read_document(write(tmp_path, "cr.txt", original.replace("\n", "\r").encode("gbk")))
    assert crlf.text == original
    assert cr.text == original
    assert "\r" not in crlf.text + cr.text


def test_utf16_without_bom_is_detected(tmp_path):
    original = corpus_text("004_58886ce9b326548b")
    doc = read_document(write(tmp_path, "r.txt", original.encode("utf-16-le")))
    assert doc.text == original
    assert doc.encoding == "utf-16-le"


def test_private_use_and_stray_controls_do_not_reject_real_text(tmp_path):
    # GBK user-defined area (AAA1) decodes to a private-use character: still GBK text.
    gbk = "报告".encode("gbk") + b"\xaa\xa1" + "完毕，现将有关情况报告如下。".encode("gbk")
    doc = read_document(write(tmp_path, "pua.txt", gbk))
    assert doc.encoding == "gb18030"
    assert doc.text == "报告\ue000完毕，现将有关情况报告如下。"
    utf8 = ("一份报告\ue001" + "正文" * 100 + "\x08结尾\v下一行\f下一页").encode("utf-8")
    doc = read_document(write(tmp_path, "stray.txt", utf8))
    assert doc.text == "一份报告\ue001" + "正文" * 100 + "\x08结尾\n下一行\n下一页"


def test_markdown_heading_markers_are_dropped(tmp_path):
    source = "# 关于2023年度法治政府建设情况的报告\n\n## 一、主要举措 ##\n正文 #不是标题\n#井号\n"
    source += "```\n# 代码块里的井号保留\n```\n"
    doc = read_document(write(tmp_path, "r.md", source.encode("utf-8")))
    assert doc.text.split("\n") == [
        "关于2023年度法治政府建设情况的报告",
        "",
        "一、主要举措",
        "正文 #不是标题",
        "#井号",
        "```",
        "# 代码块里的井号保留",
        "```",
        "",
    ]
    assert doc.encoding == "utf-8"


# ---------------------------------------------------------------------------
# .docx

_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CHINESE_LIST = f"""
<w:abstractNum {_W_NS} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>"""
_CHINESE_NUM = f'<w:num {_W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def _numbered(doc, text: str, ilvl: int):
    from docx.oxml import parse_xml

    paragraph = doc.add_paragraph(text)
    numpr = parse_xml(f'<w:numPr {_W_NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>')
    paragraph._p.get_or_add_pPr().append(numpr)
    return paragraph


def make_docx() -> bytes:
    import docx
    from docx.oxml import parse_xml

    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(_CHINESE_LIST))  # abstractNum must precede num
    numbering.append(parse_xml(_CHINESE_NUM))
    doc.add_heading("关于2023年度法治政府建设情况的报告", level=1)
    doc.add_paragraph("2023年，我局深入贯彻落实党的二十大精神。")
    _numbered(doc, "推进法治政府建设的主要举措", 0)
    _numbered(doc, "加强组织领导", 1)
    _numbered(doc, "完善制度建设", 1)
    _numbered(doc, "存在的不足", 0)
    _numbered(doc, "执法力量薄弱", 1)
    doc.add_paragraph("样式自动编号的段落", style="List Number")
    doc.add_paragraph("第二个自动编号", style="List Number")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("项目", "数量", "备注"), ("行政复议", "14件", "已办结10件")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "合计说明"
    doc.add_paragraph("表格之后的段落。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_paragraphs_headings_numbering_and_table_in_order(tmp_path):
    doc = read_document(write(tmp_path, "report.docx", make_docx()))
    assert doc.encoding is None
    assert doc.page_starts == ()
    assert doc.text.split("\n") == [
        "关于2023年度法治政府建设情况的报告",
        "2023年，我局深入贯彻落实党的二十大精神。",
        "一、推进法治政府建设的主要举措",
        "（一）加强组织领导",
        "（二）完善制度建设",
        "二、存在的不足",
        "（一）执法力量薄弱",
        "1.样式自动编号的段落",
        "2.第二个自动编号",
        "项目\t数量\t备注",
        "行政复议\t14件\t已办结10件",
        "合计说明",
        "表格之后的段落。",
    ]


def test_docx_vertical_merge_is_not_repeated(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "合并单元格"
    table.cell(0, 1).text = "第一行"
    table.cell(1, 1).text = "第二行"
    out = io.BytesIO()
    document.save(out)
    doc = read_document(write(tmp_path, "t.docx", out.getvalue()))
    assert doc.text.split("\n") == ["合并单元格\t第一行", "\t第二行"]


def test_docx_unknown_numbering_does_not_crash(tmp_path):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("编号定义缺失的段落")
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {_W_NS}><w:ilvl w:val="3"/><w:numId w:val="777"/></w:numPr>')
    )
    document.add_paragraph("项目符号", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    doc = read_document(write(tmp_path, "n.docx", out.getvalue()))
    assert doc.text.split("\n") == ["编号定义缺失的段落", "项目符号"]


def test_truncated_docx_is_a_format_error(tmp_path):
    data = make_docx()
    path = write(tmp_path, "truncated.docx", data[: len(data) // 2])
    with pytest.raises(ReportFormatError) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message and "损坏" in message and "另存为 .docx" in message


def test_docx_that_is_really_a_doc_file(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(ReportFormatError, match=r"旧版 Word \(\.doc\)"):
        read_document(write(tmp_path, "old.docx", data))


def test_zip_that_is_not_a_docx(tmp_path):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "不是 Word 文件")
    with pytest.raises(ReportFormatError, match="无法解析 .docx"):
        read_document(write(tmp_path, "fake.docx", out.getvalue()))


# ---------------------------------------------------------------------------
# .pdf

PAGE1 = ["关于2023年度法治政府建设情况的报告", "一、推进法治政府建设的主要举措和成效。"]
PAGE2 = ["湘潭縣自然資源局報告：行政复议案件14件，已办结10件。"]


def make_pdf(pages: list[list[str]], text: bool = True) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for lines in pages:
        if text:
            pdf.setFont("STSong-Light", 12)
            for i, line in enumerate(lines):
                pdf.drawString(72, 760 - 20 * i, line)
        else:  # a "scan": graphics only, no text layer
            pdf.rect(72, 500, 300, 200, fill=1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_pdf_cid_font_text_and_page_starts(tmp_path):
    doc = read_document(write(tmp_path, "report.pdf", make_pdf([PAGE1, PAGE2])))
    assert doc.encoding is None
    assert len(doc.page_starts) == 2
    assert doc.page_starts[0] == 0
    first, second = doc.text[: doc.page_starts[1]], doc.text[doc.page_starts[1] :]
    assert first.split("\n")[:2] == PAGE1
    assert second.split("\n")[0] == PAGE2[0]
    assert doc.text[doc.page_starts[1] - 1] == "\n"


def test_pdf_empty_middle_page_keeps_offsets(tmp_path):
    doc = read_document(write(tmp_path, "r.pdf", make_pdf([PAGE1, [], PAGE2])))
    assert len(doc.page_starts) == 3
    assert doc.text[doc.page_starts[2] :].startswith(PAGE2[0])
    assert doc.page_starts[1] < doc.page_starts[2]


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    path = write(tmp_path, "scan.pdf", make_pdf([[], []], text=False))
    with pytest.raises(ReportFormatError, match="OCR") as info:
        read_document(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_a_format_error(tmp_path, cut):
    data = make_pdf([PAGE1, PAGE2])
    with pytest.raises(ReportFormatError, match="不完整"):
        read_document(write(tmp_path, "cut.pdf", data[: int(len(data) * cut)]))


def test_garbage_with_pdf_suffix(tmp_path):
    with pytest.raises(ReportFormatError, match="不是有效的 PDF"):
        read_document(write(tmp_path, "x.pdf", "一份文本报告".encode()))


def test_broken_pdf_body_is_a_format_error(tmp_path):
    with pytest.raises(ReportFormatError, match="无法读取"):
        read_document(write(tmp_path, "x.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF\n"))


# ---------------------------------------------------------------------------
# .html / .htm

GOV_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于2023年度法治政府建设情况的报告_井研县人民政府</title>
<style>.zoom {{ font-size: 16px }}</style>
<script>var 统计代码 = "不应出现";</script></head>
<body>
<div class="header"><a href="/">井研县人民政府门户网站</a></div>
<nav><ul><li>首页</li><li>政务公开</li></ul></nav>
<div class="position">当前位置：首页 &gt; 政务公开</div>
<h1>关于2023年度法治政府建设情况的报告</h1>
<div class="info">发布时间：2024-01-15</div>
<div class="TRS_Editor">
<p>2023年，我局紧紧围绕县委、县政府中心工作，深入贯彻落实党的二十大精神。</p>
<p><strong>一、主要举措</strong></p><p>（一）加强组织领导。<br>（二）完善制度建设。</p>
<table><tr><td>项目</td><td>数量</td></tr><tr><td>行政复议</td><td>14件</td></tr></table>
<script>document.write("脚本文字")</script>
{extra}
</div>
<aside>相关链接：市司法局</aside>
<form><input name="q"><button>搜索本站</button></form>
<footer>版权所有：井研县人民政府 主办单位</footer>
</body></html>
"""
HTML_JUNK = (
    "不应出现",
    "脚本文字",
    "首页",
    "当前位置",
    "相关链接",
    "搜索本站",
    "版权所有",
    "门户网站",
)
HTML_TEXT = [
    "关于2023年度法治政府建设情况的报告",
    "2023年，我局紧紧围绕县委、县政府中心工作，深入贯彻落实党的二十大精神。",
    "一、主要举措",
    "（一）加强组织领导。",
    "（二）完善制度建设。",
    "项目\t数量",
    "行政复议\t14件",
]


def test_html_gov_page_keeps_article_only(tmp_path):
    page = GOV_PAGE.format(extra="")
    doc = read_document(write(tmp_path, "page.html", page.encode("gbk")))
    assert doc.encoding == "gb18030"
    assert doc.text.split("\n") == HTML_TEXT
    for junk in HTML_JUNK:
        assert junk not in doc.text


def test_html_without_meta_is_detected(tmp_path):
    page = GOV_PAGE.format(extra="<p>湘潭縣</p>").replace("charset=gb2312", "")
    doc = read_document(write(tmp_path, "page.htm", page.encode("gb18030")))
    assert doc.text.split("\n") == [*HTML_TEXT, "湘潭縣"]


def test_html_wrong_meta_charset_falls_back_to_detection(tmp_path):
    page = GOV_PAGE.format(extra="")  # says gb2312, stored as UTF-8
    doc = read_document(write(tmp_path, "page.html", page.encode("utf-8")))
    assert doc.encoding == "utf-8"
    assert doc.text.split("\n") == HTML_TEXT


def test_html_aspnet_form_wrapper_and_article_header_are_kept(tmp_path):
    page = """<html><head><meta charset="utf-8"></head><body><form id="form1">
    <nav>导航菜单</nav>
    <article><header><h2>湟中区自然资源局2024年法治政府建设情况报告</h2></header>
    <p>一、2024年度推进法治政府建设的主要举措和成效</p></article>
    <footer>页脚</footer></form></body></html>"""
    doc = read_document(write(tmp_path, "a.html", page.encode("utf-8")))
    assert doc.text.split("\n") == [
        "湟中区自然资源局2024年法治政府建设情况报告",
        "一、2024年度推进法治政府建设的主要举措和成效",
    ]


def test_html_without_content_container_uses_body(tmp_path):
    page = (
        "<html><body><p>第一段。</p><div>第二段<span>继续</span></div>\n\n"
        "<pre>预排\n  格式</pre></body></html>"
    )
    doc = read_document(write(tmp_path, "b.html", page.encode("utf-8")))
    assert doc.text.split("\n") == ["第一段。", "第二段继续", "预排", "格式"]


def test_html_with_only_scripts_has_no_text(tmp_path):
    page = "<html><body><script>var a = '只有脚本';</script></body></html>"
    with pytest.raises(ReportFormatError, match="没有可读取的文字"):
        read_document(write(tmp_path, "empty.html", page.encode("utf-8")))


# ---------------------------------------------------------------------------
# Bad input: always a ReportFormatError naming the file, the reason and the fix


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "文件为空"),
        ("blank.txt", b"  \r\n\t\n", "文件为空"),
        ("empty.docx", b"", "文件为空"),
        ("empty.pdf", b"", "文件为空"),
        ("empty.html", b"", "文件为空"),
        ("binary.txt", bytes(range(256)) * 8, "二进制"),
        ("zeros.md", b"\x00" * 1000 + "正文".encode(), "二进制"),
        ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "二进制"),
        ("undecodable.txt", "报告".encode("gbk") + b"\x80\xff\xfe\x81", "编码"),
        ("binary.html", b"<html>\x00\x01\x02\x00</html>", "二进制"),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "不支持的格式 .doc"),
        ("report.wps", b"xx", "不支持的格式 .wps"),
        ("README", b"hello", "不支持的格式"),
    ],
)
def test_bad_inputs_raise_report_format_error(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    with pytest.raises(ReportFormatError) as info:
        read_document(path)
    message = str(info.value)
    assert isinstance(info.value, QAError)
    assert message.startswith(f"无法读取 {path}：")
    assert reason in message
    assert "请" in message.split("。", 1)[1]  # a fix follows the reason


def test_doc_message_names_supported_formats_and_fix(tmp_path):
    path = write(tmp_path, "report.doc", b"\xd0\xcf\x11\xe0")
    with pytest.raises(ReportFormatError) as info:
        read_document(path)
    message = str(info.value)
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in message
    assert "请另存为 .docx 或 .pdf 后重试。" in message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ReportFormatError, match="不存在"):
        read_document(tmp_path / "missing.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(ReportFormatError, match="文件夹"):
        read_document(folder)


def test_raw_document_is_frozen(tmp_path):
    doc = read_document(write(tmp_path, "r.txt", "报告".encode()))
    assert isinstance(doc, RawDocument)
    with pytest.raises(AttributeError):
        doc.text = "x"  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Sidecar overrides


def test_no_sidecar_means_no_overrides(tmp_path):
    assert read_overrides(write(tmp_path, "report.docx", b"")) == {}


def test_sidecar_precedence_and_values(tmp_path):
    report = write(tmp_path, "report.docx", b"")
    (tmp_path / "reports.toml").write_text(
        '["report.docx"]\ntitle = "文件夹里的标题"\nyear = 2023\nagency = "井研县司法局"\n'
        '["other.pdf"]\ntitle = "别的文件"\n',
        encoding="utf-8",
    )
    (tmp_path / "report.docx.meta.toml").write_text(
        'title = "自己的标题"\nsigned = 2024-01-15\ndoc_number = "井司发〔2024〕3号"\n',
        encoding="utf-8",
    )
    assert read_overrides(report) == {
        "title": "自己的标题",
        "year": 2023,
        "agency": "井研县司法局",
        "signed": "2024-01-15",
        "doc_number": "井司发〔2024〕3号",
    }


def test_folder_sidecar_alone_and_unquoted_section(tmp_path):
    report = write(tmp_path, "report.docx", b"")
    (tmp_path / "reports.toml").write_text(
        '[report.docx]\nregion = "四川省乐山市"\nsigned = "2024-02-01"\n', encoding="utf-8"
    )
    assert read_overrides(report) == {"region": "四川省乐山市", "signed": "2024-02-01"}


def test_sidecar_in_gbk_with_bom_free_windows_line_ends(tmp_path):
    report = write(tmp_path, "r.txt", b"")
    sidecar = tmp_path / "r.txt.meta.toml"
    sidecar.write_bytes('title = "记事本保存的标题"\r\nyear = 2020\r\n'.encode("gbk"))
    assert read_overrides(report) == {"title": "记事本保存的标题", "year": 2020}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('titel = "拼错的键"\n', "未知的键 titel"),
        ('year = "2023"\n', "year 的值"),
        ("year = true\n", "year 的值"),
        ('signed = "2024/01/15"\n', "signed 的值"),
        ('signed = "2024-02-30"\n', "signed 的值"),
        ("signed = 2024-01-15T10:00:00\n", "signed 的值"),
        ('title = ""\n', "title 的值"),
        ('title = "没有结尾的引号\n', "TOML 格式错误"),
    ],
)
def test_bad_sidecar_names_file_and_valid_keys(tmp_path, content, reason):
    report = write(tmp_path, "report.docx", b"")
    sidecar = tmp_path / "report.docx.meta.toml"
    sidecar.write_text(content, encoding="utf-8")
    with pytest.raises(ReportFormatError) as info:
        read_overrides(report)
    message = str(info.value)
    assert str(sidecar) in message
    assert reason in message
    assert "title agency region year signed doc_number" in message


def test_bad_folder_sidecar_names_reports_toml(tmp_path):
    report = write(tmp_path, "report.docx", b"")
    (tmp_path / "reports.toml").write_text('["report.docx"]\nauthor = "某人"\n', encoding="utf-8")
    with pytest.raises(ReportFormatError, match=r"reports\.toml.*未知的键 author"):
        read_overrides(report)
    (tmp_path / "reports.toml").write_text('"report.docx" = "不是表"\n', encoding="utf-8")
    with pytest.raises(ReportFormatError, match="应是一个表"):
        read_overrides(report)


# ---------------------------------------------------------------------------
# find_report_files


def test_find_report_files_expands_folders(tmp_path):
    root = tmp_path / "reports"
    names = [
        "b.txt",
        "a.docx",
        "sub/c.PDF",
        "sub/d.htm",
        "sub/deeper/e.md",
        "z.html",
        # skipped:
        "a.docx.meta.toml",
        "reports.toml",
        "sub/reports.toml",
        ".hidden.txt",
        ".git/x.txt",
        "~$a.docx",
        "old.doc",
        "notes.csv",
    ]
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    found = find_report_files([root])
    assert [p.relative_to(root).as_posix() for p in found] == [
        "a.docx",
        "b.txt",
        "sub/c.PDF",
        "sub/d.htm",
        "sub/deeper/e.md",
        "z.html",
    ]


def test_find_report_files_keeps_explicit_files_and_drops_duplicates(tmp_path):
    (tmp_path / "r.txt").write_text("报告", encoding="utf-8")
    (tmp_path / "old.doc").write_bytes(b"x")
    found = find_report_files([tmp_path / "old.doc", tmp_path, tmp_path / "r.txt"])
    assert found == [tmp_path / "old.doc", tmp_path / "r.txt"]
    assert find_report_files([tmp_path / "nope", tmp_path / "r.txt"]) == [tmp_path / "r.txt"]


def test_a_page_title_only_cited_in_the_text_is_still_the_title(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    page.write_text(
        "<html><head><title>某市某局2024年度政府信息公开工作年度报告</title></head><body>"
        "<p>根据《条例》，发布《某市某局2024年度政府信息公开工作年度报告》。</p>"
        "<p>一、总体情况</p></body></html>",
        encoding="utf-8",
    )
    from qa.index.build import load_report

    report = load_report(page)
    assert report.text.startswith("某市某局2024年度政府信息公开工作年度报告\n")
    assert report.kind == "政府信息公开工作年度报告"


def test_a_web_pages_footnote_marks_are_not_read_into_its_figures(tmp_path: Path) -> None:
    page = (
        "<html><body><div class='content'><h1>某省2025年国民经济和社会发展统计公报</h1>"
        "<p>全年地区生产总值<span style='vertical-align: super;'>[2]</span> 55308.7亿元，"
        "比上年增长4.8%。全年城镇新增就业人员<sup>25</sup>82.7万人。</p>"
        "<p>共有人大代表<sup>注</sup>5名。</p>"
        "<p>[2]地区生产总值按可比价格计算。</p></div></body></html>"
    )
    text = read_document(write(tmp_path, "gb.html", page.encode())).text
    assert "地区生产总值 55308.7亿元" in text
    assert "新增就业人员82.7万人" in text
    assert "人大代表注5名" in text  # a superscript that is no number stays
    assert "[2]地区生产总值按可比价格计算" in text  # the note itself stays
