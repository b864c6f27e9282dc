"""Clean stage: artefacts removed, report text kept, width normalised, script mapped."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES

from qa.ingest.clean import (
    clean_text,
    find_mojibake,
    is_chrome_line,
    normalize_width,
    simplify_with_map,
    to_simplified,
)


def _sample(stem: str) -> str:
    return next(SAMPLES.glob(f"{stem}_*.txt")).read_text(encoding="utf-8")


def test_pinyin_readings_removed_from_traditional_report() -> None:
    text = clean_text(_sample("002")).text
    assert "建設(shè)" not in text and "(shè)" not in text
    assert "法治政府建設工作報告" in text
    assert "執法" in text and "執(zhí)法" not in text


def test_bookmark_removed() -> None:
    raw = _sample("004")
    assert "[bookmark: _GoBack]" in raw
    cleaned = clean_text(raw).text
    assert "[bookmark" not in cleaned
    assert "（三）加强执法力度，保障耕地安全" in cleaned


def test_portal_chrome_lines_removed_but_report_lines_kept() -> None:
    raw = _sample("002")
    cleaned = clean_text(raw).text
    for chrome in ("門戶網站", "發布時間", "全部留言", "評論", "有用()"):
        assert chrome not in cleaned
    assert cleaned.rstrip().endswith("2025年12月23日")


def test_body_line_mentioning_portal_is_kept() -> None:
    # Report 000 says it published figures on the 政府门户网站: that line is text, not chrome.
    cleaned = clean_text(_sample("000")).text
    assert "收缴罚款112.23万元" in cleaned
    assert "在政府门户网站上公示" in cleaned


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("- 全部留言", True),
        ("- /", True),
        ("- 有用()", True),
        ("湘潭縣人民政府門戶網站 www.example.cn 發布時間:2025-12-24 11:51", True),
        ("我局严格按要求在政府门户网站上公示了2022年度行政执法情况。", False),
        ("评论员文章指出，" + "依法行政" * 30, False),
    ],
)
def test_is_chrome_line(line: str, chrome: bool) -> None:
    assert is_chrome_line(line) is chrome


def test_no_line_of_a_sample_is_lost_except_chrome() -> None:
    for path in SAMPLES.glob("*.txt"):
        raw = path.read_text(encoding="utf-8")
        cleaned = clean_text(raw).text
        for line in raw.splitlines():
            if len(line) <= 80:
                continue
            # Every long line survives: some artefact-free stretch of it is in the text.
            pieces = [p for p in re.split(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)|\[[^\]]*\]", line)]
            longest = max(pieces, key=len)
            assert normalize_width(longest[:20]) in cleaned, (path.name, line[:30])


def test_fullwidth_digits_and_latin_to_ascii_punctuation_kept() -> None:
    assert normalize_width("２０２３年ＡＢｃ（一）、，；：。") == "2023年ABc（一）、，；：。"
    # NFKC would turn （一） into (一): section markers must survive.
    assert "（一）" in clean_text("（一）加强组织领导\n").text


def test_mojibake_flagged_with_offsets() -> None:
    result = clean_text(_sample("002"))
    assert any("疑似乱码" in w for w in result.warnings)
    assert find_mojibake("正常的中文句子。") == []


def test_simplified_form_and_offset_map() -> None:
    assert to_simplified("湘潭縣自然資源局") == "湘潭县自然资源局"
    same = simplify_with_map("建設工作報告")
    assert same.text == "建设工作报告" and same.original_offset(3) == 3
    # tw2sp-like phrase conversion may change length; offsets map back at segment marks.
    mapped = simplify_with_map("記憶體，法治。")
    assert mapped.text.endswith("法治。")
    tail = mapped.text.index("法治")
    assert "記憶體，法治。"[mapped.original_offset(tail) :].startswith("法治")


def test_an_items_number_alone_on_its_line_is_joined_to_its_text() -> None:
    raw = "（一）主要问题\n一是\n网站栏目设置有待加强。\n（二）\n改进措施\n四、\n0\n1.\n好\n"
    cleaned = clean_text(raw).text
    assert "一是网站栏目设置有待加强。\n" in cleaned
    assert "（二）改进措施\n" in cleaned
    assert "四、\n0\n" in cleaned  # a table's cells, one to a line, stay apart
