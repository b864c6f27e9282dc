"""Chunk stage: section paths, exact offsets, sizes and determinism on real reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import GOV_REPORTS, SAMPLES

from qa.index.build import load_report
from qa.index.chunk import chunk_report, embedding_text, find_headings, split_sections
from qa.records import Report

SIZE = 350


def _report(path: Path) -> Report:
    return load_report(path)


def _check_invariants(report: Report, size: int = SIZE) -> None:
    passages = chunk_report(report, size)
    assert passages, report.doc_id
    previous_end = 0
    for i, p in enumerate(passages):
        assert report.text[p.start : p.end] == p.text
        assert p.start >= previous_end, "spans overlap or go backwards"
        assert p.ordinal == i and p.passage_id == f"{report.doc_id}#{i:04d}"
        assert p.text == p.text.strip()
        assert len(p.text) <= size + 60, (p.passage_id, len(p.text))
        # never cut inside a number
        if p.end < len(report.text):
            assert not (report.text[p.end - 1].isdigit() and report.text[p.end].isdigit())
        previous_end = p.end
    spans = [(p.start, p.end) for p in passages]
    assert len(set(spans)) == len(spans)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_invariants_on_samples(path: Path) -> None:
    _check_invariants(_report(path))


def test_invariants_on_all_government_reports() -> None:
    paths = sorted(GOV_REPORTS.glob("*.txt"))
    assert len(paths) == 52, "the 52 government work reports are expected beside the repo"
    numbered = 0
    for path in paths:
        report = _report(path)
        _check_invariants(report)
        starts = re.findall(
            r"^[ \t\u3000]*([一二三四五六七八九十]+)、\S", report.text, re.MULTILINE
        )
        tops = {s.path[0] for s in split_sections(report.text) if s.path}
        # Every 一、 heading a report has becomes a top-level section.
        for number in dict.fromkeys(starts):
            assert any(t.startswith(f"{number}、") for t in tops), (path.name, number)
        numbered += bool(starts)
    # 46 reports are numbered 一、二、…; 1958 and 1983 start at （一）; 4 early ones have none.
    assert numbered == 46


def test_government_report_sections_2024() -> None:
    report = _report(GOV_REPORTS / "2024.txt")
    tops = list(dict.fromkeys(s.path[0] for s in split_sections(report.text) if s.path))
    assert tops[:3] == [
        "一、2023年工作回顾",
        "二、2024年经济社会发展总体要求和政策取向",
        "三、2024年政府工作任务",
    ]
    paths = {s.path for s in split_sections(report.text)}
    # A level-2 heading running on into its paragraph ends at the first 。
    assert (
        "三、2024年政府工作任务",
        "（一）大力推进现代化产业体系建设，加快发展新质生产力",
    ) in paths


def test_misnumbered_heading_is_a_sibling() -> None:
    report = _report(next(SAMPLES.glob("000_*.txt")))
    paths = [s.path for s in split_sections(report.text)]
    assert ("一、2023年度法治政府建设主要举措和成效", "（5） 强化应急演练，坚持未雨绸缪") in paths


def test_arabic_headings_nest_under_chinese_parentheses() -> None:
    report = _report(next(SAMPLES.glob("003_*.txt")))
    paths = [s.path for s in split_sections(report.text)]
    assert (
        "一、推进法治政府建设的主要举措和成效",
        "(一)深化行政审批制度改革方面",
        "(1) 持续推进简政放权",
    ) in paths


def test_enumerations_are_not_headings() -> None:
    text = "一、总体情况\n一是加强学习。二是规范执法。\n（一）具体做法\n正文。\n"
    titles = [h.title for h in find_headings(text)]
    assert titles == ["一、总体情况", "（一）具体做法"]


def test_passages_never_cross_sections() -> None:
    report = _report(next(SAMPLES.glob("001_*.txt")))
    sections = split_sections(report.text)
    for p in chunk_report(report, SIZE):
        owner = [s for s in sections if s.start <= p.start < s.end]
        assert owner and p.end <= owner[0].end and owner[0].path == p.section_path


def test_ids_are_deterministic() -> None:
    path = next(SAMPLES.glob("002_*.txt"))
    first = [(p.passage_id, p.start, p.end) for p in chunk_report(_report(path), SIZE)]
    second = [(p.passage_id, p.start, p.end) for p in chunk_report(_report(path), SIZE)]
    assert first == second


def test_chunk_size_is_configurable() -> None:
    report = _report(GOV_REPORTS / "2025.txt")
    small, large = chunk_report(report, 200), chunk_report(report, 600)
    assert len(small) > len(large)
    _check_invariants(report, 200)


def test_embedding_text_carries_context() -> None:
    report = _report(next(SAMPLES.glob("000_*.txt")))
    passage = next(p for p in chunk_report(report, SIZE) if "收缴罚款" in p.text)
    text = embedding_text(passage)
    assert "井研县自然资源局" in text and "2023年" in text
    assert "（三）履行部门职能，推行依法行政" in text
    assert text.endswith(passage.text)


def test_a_contents_line_is_no_heading() -> None:
    text = "目录\n七、项目经费情况说明  ……………………………………… 12\n二、部门机构设置\n本部门包括本部。\n"
    assert [h.title for h in find_headings(text)] == ["二、部门机构设置"]
