"""Metadata inferred from the five sample reports, and overrides."""

from __future__ import annotations

import pytest
from conftest import GOV_REPORTS, SAMPLES

from qa.build import load_report

EXPECTED = {
    "000": ("井研县自然资源局", "井研县", 2023, None, None),
    "001": (
        "酉阳土家族苗族自治县规划和自然资源局",
        "酉阳土家族苗族自治县",
        2023,
        "2024-02-15",
        None,
    ),
    "002": ("湘潭縣自然資源局", "湖南省湘潭县", 2025, "2025-12-23", "潭縣自然資字〔2025〕79號"),
    "003": ("渠县自然资源局", "四川省渠县", 2020, "2021-03-02", None),
    "004": ("湟中区自然资源局", "青海省西宁市湟中区", 2024, None, None),
}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_sample_metadata(stem: str) -> None:
    report = load_report(next(SAMPLES.glob(f"{stem}_*.txt")))
    agency, region, year, signed, number = EXPECTED[stem]
    assert (report.agency, report.region, report.year) == (agency, region, year)
    assert (report.signed, report.doc_number) == (signed, number)
    assert report.title and "报告" in report.title.replace("報告", "报告")


def test_report_year_is_the_year_reported_on_not_signed() -> None:
    report = load_report(next(SAMPLES.glob("003_*.txt")))
    assert report.signed == "2021-03-02" and report.year == 2020
    assert report.title == "渠县自然资源局2020年度法治政府建设情况报告"


def test_government_report_metadata() -> None:
    report = load_report(GOV_REPORTS / "2024.txt")
    assert (report.agency, report.year, report.title) == ("国务院", 2024, "2024年政府工作报告")


def test_sidecar_overrides_win(tmp_path) -> None:
    source = next(SAMPLES.glob("000_*.txt"))
    target = tmp_path / "report.txt"
    target.write_bytes(source.read_bytes())
    (tmp_path / "report.txt.meta.toml").write_text(
        'agency = "井研县自然资源局（测试）"\nyear = 2022\n', encoding="utf-8"
    )
    report = load_report(target)
    assert report.agency == "井研县自然资源局（测试）" and report.year == 2022
    assert set(report.overrides) == {"agency", "year"}
