"""Questions about a report itself: which facts are asked, and the line that states each."""

from __future__ import annotations

from qa.answer.report_facts import asked_fields, asks_publish_date, fact_span
from qa.records import Report

TEXT = (
    "网站首页 > 政务公开\n"
    "政府工作报告\n"
    "——2015年2月5日在海拉尔区第十四届人民代表大会第四次会议上\n"
    "区长  王某某\n"
    "各位代表：\n现在，我代表区人民政府向大会报告工作。2014年全区生产总值增长8%。\n"
)


def report(text: str = TEXT, **values: object) -> Report:
    fields: dict[str, object] = {
        "doc_id": "d",
        "path": "p",
        "title": "政府工作报告",
        "agency": "海拉尔区人民政府",
        "region": "",
        "year": 2015,
        "signed": "2015-02-05",
        "doc_number": None,
        "text": text,
        "sha256": "x",
        "speaker": "王某某",
    }
    return Report(**(fields | values))  # type: ignore[arg-type]


def quoted(r: Report, field: str) -> str:
    span = fact_span(r, field)
    assert span is not None
    return r.text[span[0] : span[1]]


def test_the_fields_a_question_asks() -> None:
    assert asked_fields("海拉尔区2015年政府工作报告是哪天作的？") == ("date",)
    assert asked_fields("四川省2026年政府工作报告由谁代表省政府作？") == ("speaker",)
    assert asked_fields("2017年政府工作报告的报告人是谁？什么职务？") == ("speaker",)
    assert asked_fields("宁夏政府工作报告是在第几届人大第几次会议上作的？") == ("meeting",)
    assert asked_fields("这份报告的文号是什么？") == ("doc_number",)
    assert asked_fields("2015年全区生产总值增长多少？") == ()
    assert asked_fields("这份报告是什么时候在网站上发布的？") == ()
    assert asks_publish_date("这份报告是什么时候在网站上发布的？")


def test_subtitle_speaker_and_meeting_lines_are_quoted() -> None:
    r = report()
    assert quoted(r, "date") == "——2015年2月5日在海拉尔区第十四届人民代表大会第四次会议上"
    assert quoted(r, "meeting") == quoted(r, "date")
    assert quoted(r, "speaker") == "区长  王某某"
    assert fact_span(report(speaker=""), "speaker") is None


def test_signature_date_at_the_end_and_no_date_at_all() -> None:
    signed = "关于2023年度法治政府建设情况的报告\n一、主要工作\n正文。\n某某局\n2024年3月1日\n"
    r = report(signed, speaker="", signed="2024-03-01", year=2023)
    assert quoted(r, "date") == "2024年3月1日"
    assert quoted(r, "year").startswith("关于2023年度")
    assert fact_span(report("正文没有日期。\n"), "date") is None
    assert fact_span(report("正文。\n"), "meeting") is None


def test_which_games_is_no_meeting() -> None:
    from qa.answer.report_facts import asked_fields

    assert asked_fields("2026年政府工作报告是在第几届人大第几次会议上作的？") == ("meeting",)
    assert asked_fields("山西省2026年要办好第几届省运会？") == ()
