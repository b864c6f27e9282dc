"""Who issued a report and where: the body (body line, title, speaker, signature), its place
and region, and the speaker."""

from __future__ import annotations

import re
from collections import Counter

from qa.ingest import gazetteer
from qa.ingest.report_dates import YEAR
from qa.ingest.report_kind import STATE_COUNCIL, TOP_LINES, Kind, report_lines

# The 34 provincial-level divisions, short forms (simplified); matched with their suffix.
PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
# A county-level place then an agency ending in 局: 井研县自然资源局, 西宁市湟中区自然资源局.
_AGENCY = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff]|省|市))"
    r"((?:[\u4e00-\u9fff]{2,3}市)?[\u4e00-\u9fff]{1,10}?(?:自治县|县|区|市|旗|省))"
    r"((?:[\u4e00-\u9fff]{0,6}和)?[\u4e00-\u9fff]{2,8}?局)"
)
# Characters that cannot start a place name (我县, 全县, 各区, 不含代理县 …).
NOT_PLACE_START = frozenset(
    "我全各本该此哪那这市县区省州到向对和与及在为由被据经将把从于请以是年不含除非代按给二三四五六七八九十"
)
# A place named in free text: 仁寿县, 酉阳土家族苗族自治县, 西宁市, 四川省.
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:自治县|自治州|县|区|市|州|省|旗)")
# 在广东省第十四届人民代表大会: the place whose congress heard the report.
_CONGRESS = re.compile(r"在([\u4e00-\u9fff]{2,20}?)第[一二三四五六七八九十]+届人民代表大会")
# 广东省省长 孟凡利 / 海拉尔区人民政府区长 杜联合 / 上海市市长 龚 正: the speaker line.
_SPEAKER = re.compile(
    r"^([\u4e00-\u9fff]{0,20}?)(?:人民政府)?(?:代)?(省长|市长|区长|县长|州长|旗长|盟长|主席)"
    r"[\s　]*([\u4e00-\u9fff][\u4e00-\u9fff·\s　]{1,6})$"
)
# 我代表海拉尔区人民政府 / 我代表省人民政府: the government the report speaks for.
_ON_BEHALF = re.compile(r"我代表([\u4e00-\u9fff]{0,20}?)人民政府")
# 预算主管部门：上海市普陀区司法局 / 预算单位：上海市财政局 / 本报告由…办公室…编制.
_BODY_LINE = re.compile(
    r"^(?:预算主管部门|预算单位|部门名称|单位名称|编制单位|报送单位|发布机构)[:：]\s*(\S{3,40})$"
)
_COMPILED_BY = re.compile(r"本报告由([\u4e00-\u9fff]{3,40}?)(?:根据|依据|按照|负责)?编制")
# Names of issuing bodies end so (局, 委员会, 办公室, 人民政府, 街道办事处 …).
BODY_END = re.compile(
    r"(?:局|委员会|委|办公室|办公厅|人民政府|政府|厅|院|中心|办事处|公司|所|处|会|镇|乡)$"
)


def infer_agency(simple: str, lines: list[str] | None = None) -> tuple[str, str]:
    """Return (agency, place) preferring names in the title and signature lines."""
    lines = report_lines(simple) if lines is None else lines
    weight: dict[tuple[str, str], float] = {}
    if STATE_COUNCIL.search(simple):
        return "国务院", "中华人民共和国"
    for i, line in enumerate(lines):
        boost = 10 if i < 3 else 5 if i >= len(lines) - 4 else 1
        if _AGENCY.fullmatch(line):
            boost += 2
        for m in _AGENCY.finditer(line):
            place, office = m.group(1), m.group(2)
            if place[0] in NOT_PLACE_START or any(w in office for w in "县区市"):
                continue
            key = (place + office, place)
            weight[key] = weight.get(key, 0.0) + boost + len(place) / 100
    if weight:
        return max(weight, key=lambda k: weight[k])
    return "", ""


def infer_region(simple: str, place: str) -> str:
    """County/district plus the city and province when the report states them."""
    if not place or place == "中华人民共和国":
        return place
    region = place
    city = re.search(r"([\u4e00-\u9fff]{2,3}市)" + re.escape(place), simple)
    if city and not region.startswith(city.group(1)):
        region = city.group(1) + region
    counts = Counter(p for p in PROVINCES if re.search(p + r"(?:省|市|自治区)", simple))
    if counts and not any(region.startswith(p) for p in PROVINCES):
        province = counts.most_common(1)[0][0]
        suffix = "市" if province in ("北京", "天津", "上海", "重庆") else "省"
        region = province + suffix + region
    return region


def find_issuer(
    simple: str, lines: list[str], kind: Kind | None, heading: str, sources: dict[str, str]
) -> tuple[str, str]:
    """(issuing body, place) from the body line, the title, the speaker or the signature."""
    if STATE_COUNCIL.search(simple):
        sources["agency"] = "开头“代表国务院”"
        return "国务院", "中华人民共和国"
    top = lines[:TOP_LINES]
    for line in top:
        m = _BODY_LINE.match(re.sub(r"[\s　]+", "", line))
        if m:
            sources["agency"] = f"“{line.split('：')[0].split(':')[0]}”行"
            place = next((a.group(1) for a in _AGENCY.finditer(m.group(1))), "")
            return m.group(1), place  # 平潭综合实验区统计局: 平潭综合实验区
    prefix = _title_prefix(heading, kind)
    if prefix and BODY_END.search(prefix):
        sources["agency"] = "标题"
        # a place no division table holds (沐阳县人民政府: a misspelt 沭阳县) is still its place
        unknown = not gazetteer.region_path(prefix) and PLACE_NAME.match(prefix)
        return prefix, unknown.group() if unknown else ""
    place = prefix if prefix and gazetteer.region_path(prefix) else ""
    if kind and kind.name == "政府工作报告":
        place = place or _speaking_place(top, sources)
        if place:
            sources.setdefault("agency", "标题中的地名")
            return place + "人民政府", place
    if prefix and PLACE_NAME.fullmatch(prefix) and not place:
        sources["agency"] = "标题中的地名"  # 平潭综合实验区2024年度政府信息公开工作年度报告
        return prefix, prefix
    m = _COMPILED_BY.search(simple)
    if m and BODY_END.search(m.group(1)):
        sources["agency"] = "正文“本报告由……编制”"
        return m.group(1), ""
    agency, found = infer_agency(simple, lines)
    if agency:
        sources["agency"] = "标题、落款中的机构名"
    return agency, found or place


def _title_prefix(heading: str, kind: Kind | None) -> str:
    """What the title says before its year or kind: 上海市普陀区司法局2023年… → the body."""
    if not heading or kind is None:
        return ""
    # before the kind's words; the year may stand before the body or after it
    # (2019年上海市人民政府办公厅… / 沭阳县人民政府2025年…)
    found = [heading.find(w) for w in kind.title if w in heading]
    year = YEAR.search(heading)
    cut = min(found) if found else year.start() if year else 0
    prefix = re.sub(r"^(?:关于)?(?:(?:19|20)\d{2}年度?)?", "", heading[:cut])
    for _ in range(2):
        prefix = re.sub(
            r"(?:(?:19|20)\d{2}年度?|关于|的|人民)$", "", prefix
        )  # 四川省人民|政府工作报告
    if not re.fullmatch(r"[\u4e00-\u9fff]+", prefix):
        return ""
    named = next(gazetteer.names_in(prefix), None)
    # a known place first, or a place the table lacks (平潭综合实验区), or a body's name
    # after one (沐阳县人民政府)
    known = named is not None and named[0] == 0
    place_like = PLACE_NAME.fullmatch(prefix) or (
        BODY_END.search(prefix) and PLACE_NAME.match(prefix)
    )
    return prefix if known or place_like else ""


def _speaking_place(top: list[str], sources: dict[str, str]) -> str:
    """The place whose government a 政府工作报告 speaks for: the speaker line, 我代表…人民政府,
    or the congress that heard it."""
    for line in top:
        m = _SPEAKER.match(line)
        if m and gazetteer.region_path(m.group(1)):
            sources["agency"] = "报告人署名行"
            return m.group(1)
    joined = "".join(top)
    for pattern, where in ((_ON_BEHALF, "正文“我代表……人民政府”"), (_CONGRESS, "副标题中的人代会")):
        for m in pattern.finditer(joined):
            if gazetteer.region_path(m.group(1)):
                sources["agency"] = where
                return m.group(1)
    return ""


def find_speaker(lines: list[str], sources: dict[str, str]) -> str:
    for line in lines[:TOP_LINES]:
        m = _SPEAKER.match(line)
        if m:
            sources["speaker"] = "报告人署名行"
            return re.sub(r"[\s　]+", "", m.group(3))
    return ""


def find_region(
    simple: str, lines: list[str], body: str, place: str, sources: dict[str, str]
) -> str:
    """The divisions the body or place lies in (gazetteer), else as the text states them."""
    chain = gazetteer.region_path(body or place, " ".join(lines[:TOP_LINES]))
    if chain:
        sources["region"] = "机构名与行政区划表"
        return "".join(d.name for d in chain)
    region = infer_region(simple, place)
    if region:
        sources["region"] = "正文中的地名"
    return region
