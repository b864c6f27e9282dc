"""Metadata inferred from the sample and development reports (kinds, bodies, regions, years),
the gazetteer, and overrides."""

from __future__ import annotations

import pytest
from conftest import DEV_REPORTS, GOV_REPORTS, SAMPLES

from qa.index.build import load_report
from qa.ingest import gazetteer
from qa.ingest.metadata import infer_metadata

EXPECTED = {
    "000": ("井研县自然资源局", "四川省乐山市井研县", 2023, None, None),
    "001": (
        "酉阳土家族苗族自治县规划和自然资源局",
        "重庆市酉阳土家族苗族自治县",
        2023,
        "2024-02-15",
        None,
    ),
    "002": (
        "湘潭縣自然資源局",
        "湖南省湘潭市湘潭县",
        2025,
        "2025-12-23",
        "潭縣自然資字〔2025〕79號",
    ),
    "003": ("渠县自然资源局", "四川省达州市渠县", 2020, "2021-03-02", None),
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
    # delivered in March 2024: it reviews 2023 and sets 2024's targets
    assert (report.kind, report.covers, report.plans) == ("政府工作报告", 2023, 2024)


@pytest.mark.parametrize("year", [1992, 1999, 2005, 2011, 2016, 2018, 2019, 2025])
def test_a_report_without_title_or_date_is_dated_by_its_top_level_headings(year: int) -> None:
    # 一、2015年工作回顾 / 二、2005年工作总体部署 / 一、１９９１年国内工作的回顾: the year
    # reviewed or planned, counted back to the year the report is named by (not its file name)
    meta = infer_metadata((GOV_REPORTS / f"{year}.txt").read_text(encoding="utf-8"))
    assert (meta.year, meta.covers, meta.plans) == (year, year - 1, year)
    assert "一级标题" in dict(meta.sources)["year"]


DEV = {  # file: kind, body, region, named year, reviewed year, delivered, speaker
    "txt/province-guangdong-2026-gov-work-report.txt": (
        "政府工作报告",
        "广东省人民政府",
        "广东省",
        2026,
        2025,
        "2026-01-26",
        "孟凡利",
    ),
    "txt/hailaer-2015-gov-work-report.txt": (
        "政府工作报告",
        "海拉尔区人民政府",
        "内蒙古自治区呼伦贝尔市海拉尔区",
        2015,
        2014,
        "2015-02-05",
        "杜联合",
    ),
    "txt/hailaer-2017-gov-work-report.txt": (  # no title line: the opening says the kind
        "政府工作报告",
        "海拉尔区人民政府",
        "内蒙古自治区呼伦贝尔市海拉尔区",
        2017,
        2016,
        "2017-02-11",
        "杨国宏",
    ),
    "txt/province-gansu-2026-gov-work-report.txt": (  # 二〇二六年一月二十七日
        "政府工作报告",
        "甘肃省人民政府",
        "甘肃省",
        2026,
        2025,
        "2026-01-27",
        "任振鹤",
    ),
    "txt/province-guizhou-2026-gov-work-report.txt": (  # a photo caption comes first
        "政府工作报告",
        "贵州省人民政府",
        "贵州省",
        2026,
        2025,
        "2026-01-27",
        "李炳军",
    ),
    "pdf/shanghai-putuo-justice-2026-dept-budget.pdf": (
        "部门预算",
        "上海市普陀区司法局",
        "上海市普陀区",
        2026,
        2026,
        None,
        "",
    ),
    "pdf/shanghai-putuo-finance-2024-dept-final-accounts.pdf": (
        "部门决算",
        "上海市普陀区财政局",
        "上海市普陀区",
        2024,
        2024,
        None,
        "",
    ),
    "pdf/shanghai-finance-2025-unit-budget.pdf": (
        "部门预算",
        "上海市财政局",
        "上海市",
        2025,
        2025,
        None,
        "",
    ),
}


@pytest.mark.parametrize("name", sorted(DEV))
def test_dev_report_metadata(name: str) -> None:
    report = load_report(DEV_REPORTS / name)
    kind, body, region, year, covers, signed, speaker = DEV[name]
    assert (report.kind, report.agency, report.region) == (kind, body, region)
    assert (report.year, report.covers, report.signed, report.speaker) == (
        year,
        covers,
        signed,
        speaker,
    )
    assert report.title and report.title != (DEV_REPORTS / name).stem
    sources = dict(report.sources)
    assert {"kind", "agency", "region", "year"} <= set(sources)


def test_what_cannot_be_found_stays_empty_not_a_file_name() -> None:
    meta = infer_metadata("第一段文字，没有标题。\n第二段文字。")
    assert (meta.kind, meta.agency, meta.region, meta.year, meta.speaker) == ("", "", "", None, "")
    assert meta.sources == ()


def test_an_information_disclosure_report_is_named_and_placed_by_its_title() -> None:
    text = (
        "上海市普陀区司法局2023年政府信息公开工作年度报告\n"
        "本报告由上海市普陀区司法局根据《中华人民共和国政府信息公开条例》编制。\n"
        "一、总体情况\n2023年，本局主动公开政府信息120条。"
    )
    meta = infer_metadata(text)
    assert (meta.kind, meta.agency, meta.region) == (
        "政府信息公开工作年度报告",
        "上海市普陀区司法局",
        "上海市普陀区",
    )
    assert (meta.year, meta.covers, meta.plans) == (2023, 2023, 2024)


@pytest.mark.parametrize(
    ("top", "agency", "region", "year"),
    [
        # the year before the body
        (
            "2019年上海市人民政府办公厅政府信息公开工作年度报告",
            "上海市人民政府办公厅",
            "上海市",
            2019,
        ),
        # a title the PDF's layout wrapped over two lines, under a stray first line
        ("正文\n2024 年上海市科委政府信息公开工作\n年度报告", "上海市科委", "上海市", 2024),
        # Markdown's # kept in a .txt; a county the report misspells (沭阳 → 沐阳) is its place
        ("# 沐阳县人民政府 2025 年 政府信息公开工作年度报告", "沐阳县人民政府", "沐阳县", 2025),
        # a place no division table holds: the place issues it
        (
            "平潭综合实验区2024年度政府信息公开工作年度报告",
            "平潭综合实验区",
            "平潭综合实验区",
            2024,
        ),
    ],
)
def test_disclosure_report_titles_as_published(
    top: str, agency: str, region: str, year: int
) -> None:
    text = f"{top}\n本年度报告根据《中华人民共和国政府信息公开条例》编制。\n一、总体情况\n主动公开信息。"
    meta = infer_metadata(text)
    assert meta.kind == "政府信息公开工作年度报告"
    assert (meta.agency, meta.region, meta.year, meta.covers) == (agency, region, year, year)


def test_a_cited_document_is_not_the_title() -> None:
    text = (
        "正文\n编制说明\n依据《关于印发中华人民共和国政府信息公开工作年度报告\n格式的通知》编制。"
    )
    assert infer_metadata(text).kind == ""


def test_gazetteer_names_places_as_people_say_them() -> None:
    shorts = {n: gazetteer.short_name(n) for n in ("广东省", "海拉尔区", "酉阳土家族苗族自治县")}
    assert shorts == {"广东省": "广东", "海拉尔区": "海拉尔", "酉阳土家族苗族自治县": "酉阳"}
    assert gazetteer.short_name("新疆维吾尔自治区") == "新疆"
    assert gazetteer.short_name("广西壮族自治区") == "广西"
    assert gazetteer.short_name("平潭综合实验区") == "平潭"
    # 普陀区 is in 上海 and in 舟山: the context decides, or nothing is claimed
    assert [d.name for d in gazetteer.region_path("普陀区", "上海市")] == ["上海市", "普陀区"]
    assert gazetteer.region_path("普陀区") == ()
    chain = gazetteer.region_path("海拉尔区人民政府")
    assert [d.name for d in chain] == ["内蒙古自治区", "呼伦贝尔市", "海拉尔区"]
    assert [d.level for d in chain] == [1, 2, 3]


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
    # the years reviewed and planned follow the overridden year; inspect says where each came from
    assert (report.covers, report.plans) == (2022, 2023)
    assert dict(report.sources)["year"] == "覆盖文件"


def test_a_saved_pages_header_gives_title_and_body_not_chrome() -> None:
    text = (
        "标题: 君山片区2022年法治政府建设工作报告\n发布时间: 2023-03-31 10:00\n文号: \n"
        "发布机构: 平潭综合实验区君山片区管理局\n原文链接: https://example.gov.cn/a.htm\n"
        "==================== 正文 ====================\n一、工作开展情况\n正文。\n"
    )
    meta = infer_metadata(text)
    assert meta.title == "君山片区2022年法治政府建设工作报告"
    assert meta.agency == "平潭综合实验区君山片区管理局"
    assert (meta.kind, meta.year) == ("法治政府建设年度报告", 2022)


@pytest.mark.parametrize(
    ("opening", "kind"),
    [
        ("现将我局2020年度法治政府建设情况报告如下:\n一、主要举措\n", "法治政府建设年度报告"),
        (
            "某县自然资源局2025年度法治政府建设工作报告(某自然资字〔2025〕79号)\n正文\n",
            "法治政府建设年度报告",
        ),
        (
            "平潭综合实验区社会事业局关于2022年法治工作情况暨2023年工作要点的报告\n正文\n",
            "法治政府建设年度报告",
        ),
    ],
)
def test_the_kind_is_read_from_an_opening_or_a_numbered_title(opening: str, kind: str) -> None:
    assert infer_metadata(opening).kind == kind


def test_a_statistics_bureau_of_a_province_issues_its_communique() -> None:
    text = "湖南省2025年国民经济和社会发展统计公报\n湖南省统计局 国家统计局湖南调查总队\n2026年3月25日\n一、综合\n"
    meta = infer_metadata(text + "注：行业标准数据来自省市场监督管理局。\n")
    assert (meta.agency, meta.region) == ("湖南省统计局", "湖南省")


def test_final_accounts_set_no_later_years_plans() -> None:
    from qa.ingest.report_dates import period
    from qa.ingest.report_kind import kinds

    accounts = next(k for k in kinds() if k.name == "部门决算")
    assert period(accounts, 2024) == (2024, 2024)  # not a question about 2025's plans
