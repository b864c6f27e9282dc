"""Metadata stage: what a report is, who issued it, where, and which years it is about.

``infer_metadata`` reads the title, subtitle and speaker lines near the top and the
signature at the end of the cleaned text: the kind (:file:`qa/lexicon/kinds.toml`), the
issuing body, the region as a chain of divisions (:mod:`qa.ingest.gazetteer`), the year the report
is named by, the years it reviews and plans, the date it was delivered or signed, its
speaker and document number. Each found value records where it came from
(``Metadata.sources``); what cannot be found stays empty, never a file name.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from qa.ingest import gazetteer
from qa.ingest.clean import to_simplified

# The 34 provincial-level divisions, short forms (simplified); matched with their suffix.
PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
# A county-level place then an agency ending in 局: 井研县自然资源局, 西宁市湟中区自然资源局.
_AGENCY = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff]|省|市))"
    r"((?:[\u4e00-\u9fff]{2,3}市)?[\u4e00-\u9fff]{1,10}?(?:自治县|县|区|市|旗))"
    r"((?:[\u4e00-\u9fff]{0,6}和)?[\u4e00-\u9fff]{2,8}?局)"
)
# Characters that cannot start a place name (我县, 全县, 各区, 不含代理县 …).
NOT_PLACE_START = frozenset(
    "我全各本该此哪那这市县区省州到向对和与及在为由被据经将把从于请以是年不含除非代二三四五六七八九十"
)
# A place named in free text: 仁寿县, 酉阳土家族苗族自治县, 西宁市, 四川省.
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:自治县|自治州|县|区|市|州|省|旗)")
_STATE_COUNCIL = re.compile(r"代表国务院|受国务院的?委托|^各位代表")
_YEAR_OF_REPORT = re.compile(r"((?:19|20)\d{2})\s*年度?(?:法治政府|依法行政|工作|政府工作)")
DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A document number: 井政发〔2023〕5号, 湘自然资发[2024]12号
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*[号號]")
_TITLE_FROM_BODY = re.compile(r"(?:19|20)\d{2}年度?[\u4e00-\u9fff]{2,16}?情况(?:的)?报告")
_TITLE_WORDS = ("报告", "報告")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# ——2015年2月5日在海拉尔区第十四届人民代表大会第四次会议上 (the date a report was delivered).
_DELIVERED = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*在")
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
    r"^(?:预算主管部门|预算单位|部门名称|单位名称|编制单位|报送单位)[:：]\s*(\S{3,40})$"
)
_COMPILED_BY = re.compile(r"本报告由([\u4e00-\u9fff]{3,40}?)(?:根据|依据|按照|负责)?编制")
# Names of issuing bodies end so (局, 委员会, 办公室, 人民政府, 街道办事处 …).
_BODY_END = re.compile(
    r"(?:局|委员会|委|办公室|办公厅|人民政府|政府|厅|院|中心|办事处|公司|所|处|会|镇|乡)$"
)
# 二〇二六年一月二十七日: a date in Chinese numerals, read as 2026年1月27日.
CN_DATE = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
# What a title line ends with (a caption 「政府工作报告。记者…摄」 does not).
_TITLE_END = ("报告", "公报", "预算", "决算", "年报")
# Raised when inference (or what loading keeps: 3-6 tables, 7-8 PDF line wraps, 9-15 web-page
# and .docx tables) changes, so `qa index` reads
# unchanged files again.
VERSION = 15
_TOP_LINES = 20  # lines read for title, subtitle and speaker (web pages put clutter first)
LEXICON = Path(__file__).resolve().parents[1] / "lexicon"


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the library knows about a report besides its text."""

    title: str = ""
    agency: str = ""  # the issuing body
    region: str = ""  # the divisions it belongs to, province first (四川省乐山市井研县)
    year: int | None = None  # the year the report is named by (2026年政府工作报告)
    signed: str | None = None  # ISO date delivered or signed
    doc_number: str | None = None
    kind: str = ""  # one of kinds.toml's names, or "" when none fits
    covers: int | None = None  # the year it reviews or reports on
    plans: int | None = None  # the year whose targets or plans it sets
    speaker: str = ""  # who delivered or signed it
    sources: tuple[tuple[str, str], ...] = field(default=())  # (field, where it was found)


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of report (qa/lexicon/kinds.toml)."""

    name: str
    title: tuple[str, ...]
    covers: int
    plans: int


@cache
def kinds() -> tuple[Kind, ...]:
    """The kinds of report, in the order they are tried."""
    data = tomllib.loads((LEXICON / "kinds.toml").read_text(encoding="utf-8"))
    return tuple(
        Kind(k["name"], tuple(k["title"]), int(k["covers"]), int(k["plans"])) for k in data["kind"]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def infer_title(lines: list[str], agency: str, year: int | None) -> str:
    """The report's title: a heading line with 报告 near the top, else one built from the body."""
    for i, line in enumerate(lines[:3]):
        simple = to_simplified(line)
        if (
            any(w in line for w in _TITLE_WORDS)
            and len(line) <= 80
            and not simple.endswith(("：", ":"))
        ):
            title = DOC_NUMBER.sub("", line).strip("（）() ")
            if i > 0 and lines[i - 1].endswith("局") and len(lines[i - 1]) <= 30:
                title = lines[i - 1] + title
            return title
    for line in lines[:3]:
        m = _TITLE_FROM_BODY.search(to_simplified(line))
        if m:
            return agency + m.group().replace("我局", "")
    return f"{agency}{year or ''}年度报告" if agency else ""


def infer_agency(simple: str) -> tuple[str, str]:
    """Return (agency, place) preferring names in the title and signature lines."""
    lines = _lines(simple)
    weight: dict[tuple[str, str], float] = {}
    if _STATE_COUNCIL.search(simple):
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


def signature_date(lines: list[str]) -> str | None:
    """The ISO date in the signature lines at the end."""
    for line in reversed(lines[-6:]):
        m = DATE.fullmatch(line) or (DATE.search(line) if len(line) < 20 else None)
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def opening_year(lines: list[str]) -> int | None:
    """The year the opening says the report is about: 2023年度法治政府建设…"""
    for line in lines[:6]:
        m = _YEAR_OF_REPORT.search(line)
        if m:
            return int(m.group(1))
    return None


def infer_metadata(text: str, fallback_year: int | None = None) -> Metadata:
    """Infer metadata from cleaned report text (either script); ``fallback_year`` is a year
    the file's name gives (2024.txt), used only when the text names none."""
    simple = to_simplified(text)
    lines = _lines(simple)
    sources: dict[str, str] = {}
    kind, at, span = find_kind(lines, simple)
    if kind:
        sources["kind"] = f"标题第{at + 1}行" if at >= 0 else "开头“各位代表……报告工作”"
    heading = _heading(lines, at, span)
    agency, place = _body(simple, lines, kind, heading, sources)
    year, signed = _years(lines, kind, heading, fallback_year, sources)
    number = next(
        (m.group() for line in _lines(text)[:3] for m in [DOC_NUMBER.search(line)] if m), None
    )
    if number:
        sources["doc_number"] = "开头的文号"
    if agency == "国务院":
        title = f"{year or ''}年政府工作报告"
    elif kind and kind.name != "法治政府建设年度报告" and heading:
        title = _own_script(text, simple, heading)
    elif kind and kind.name != "法治政府建设年度报告":
        title = f"{year or ''}年{place or agency}{kind.name}" if year else kind.name
    else:
        title = infer_title(_lines(text), agency, year)
    region = _region(simple, lines, agency, place, sources)
    covers, plans = _period(kind, year)
    if covers is not None:
        how = f"按{kind.name}推算" if kind else "默认为报告年份及次年"
        sources |= {"covers": f"报告年份{how}", "plans": f"报告年份{how}"}
    return Metadata(
        title=title,
        agency=_own_script(text, simple, agency),
        region=_own_script(text, simple, region),
        year=year,
        signed=signed,
        doc_number=number,
        kind=kind.name if kind else "",
        covers=covers,
        plans=plans,
        speaker=_speaker(lines, sources),
        sources=tuple(sorted(sources.items())),
    )


def find_kind(lines: list[str], simple: str) -> tuple[Kind | None, int, int]:
    """The kind of report, the line of the title that says it (-1: said by the opening) and
    how many lines the title takes (a title wrapped by the page layout takes two)."""
    top = lines[:_TOP_LINES]
    for n, i in [(n, i) for n in (1, 2) for i in range(len(top))]:  # one line before two
        squeezed = _title_text(top[i : i + n])
        if len(squeezed) > 60 or not squeezed.endswith(_TITLE_END) or "《" in squeezed:
            continue  # too long, no title's ending, or a document it cites
        for kind in kinds():
            if any(word in squeezed for word in kind.title):
                return kind, i, n
    opening = "".join(top)
    if _STATE_COUNCIL.search(simple) or (
        "各位代表" in opening and re.search("报告工作|作工作报告", opening)
    ):
        return next(k for k in kinds() if k.name == "政府工作报告"), -1, 0
    return None, -1, 0


def _title_text(lines: list[str]) -> str:
    """Title lines as one, without spaces, Markdown's # or closing brackets; a line ending a
    sentence is not the first of two."""
    if len(lines) > 1 and re.search(r"[。；;：:，,]$", lines[0]):
        return ""
    return _squeezed(lines).rstrip("）)")


def _squeezed(lines: list[str]) -> str:
    """Lines as one, without spaces (政 府 工 作 报 告) or Markdown's # marks."""
    return re.sub(r"[\s　]+", "", "".join(lines)).lstrip("#")


def _heading(lines: list[str], at: int, span: int = 1) -> str:
    """The title (spaces taken out: 政 府 工 作 报 告), after the body named on the line
    above it (上海市普陀区财政局 / 2024年度部门决算)."""
    if at < 0:
        return ""
    title = _squeezed(lines[at : at + span])
    above = re.sub(r"[\s　]+", "", lines[at - 1]) if at > 0 else ""
    if above and len(above) <= 30 and _BODY_END.search(above):
        return above + title
    return title


def _body(
    simple: str, lines: list[str], kind: Kind | None, heading: str, sources: dict[str, str]
) -> tuple[str, str]:
    """(issuing body, place) from the body line, the title, the speaker or the signature."""
    if _STATE_COUNCIL.search(simple):
        sources["agency"] = "开头“代表国务院”"
        return "国务院", "中华人民共和国"
    top = lines[:_TOP_LINES]
    for line in top:
        m = _BODY_LINE.match(re.sub(r"[\s　]+", "", line))
        if m:
            sources["agency"] = f"“{line.split('：')[0].split(':')[0]}”行"
            return m.group(1), ""
    prefix = _title_prefix(heading, kind)
    if prefix and _BODY_END.search(prefix):
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
    if m and _BODY_END.search(m.group(1)):
        sources["agency"] = "正文“本报告由……编制”"
        return m.group(1), ""
    agency, found = infer_agency(simple)
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
    year = _YEAR.search(heading)
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
        _BODY_END.search(prefix) and PLACE_NAME.match(prefix)
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


def _speaker(lines: list[str], sources: dict[str, str]) -> str:
    for line in lines[:_TOP_LINES]:
        m = _SPEAKER.match(line)
        if m:
            sources["speaker"] = "报告人署名行"
            return re.sub(r"[\s　]+", "", m.group(3))
    return ""


def _years(
    lines: list[str],
    kind: Kind | None,
    heading: str,
    fallback_year: int | None,
    sources: dict[str, str],
) -> tuple[int | None, str | None]:
    """(the year the report is named by, the ISO date it was delivered or signed)."""
    signed = signature_date(lines)
    if signed:
        sources["signed"] = "落款日期"
    for line in lines[:_TOP_LINES]:
        m = _DELIVERED.search(CN_DATE.sub(_arabic_date, line))
        if m:
            signed = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            sources["signed"] = "副标题中的报告日期"
            break
    named = _YEAR.search(heading)
    if named:
        sources["year"] = "标题"
        return int(named.group(1)), signed
    if kind and kind.covers < 0 and signed:
        sources["year"] = "报告日期的年份"
        return int(signed[:4]), signed
    year = opening_year(lines)
    if year is not None:
        sources["year"] = "开头的“某年度……工作”"
        return year, signed
    if signed and sources["signed"] == "落款日期":  # signed early in the year after
        sources["year"] = "落款年份减一"
        return int(signed[:4]) - 1, signed
    if fallback_year is not None:
        sources["year"] = "文件名"
    return fallback_year, signed


def _arabic_date(m: re.Match[str]) -> str:
    """二〇二六年一月二十七日 → 2026年1月27日."""

    def number(said: str) -> int:
        tens, _, ones = said.rpartition("十")
        if "十" not in said:
            return _CN_DIGITS[said]
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)

    year = "".join(str(_CN_DIGITS[c]) for c in m.group(1))
    return f"{year}年{number(m.group(2))}月{number(m.group(3))}日"


def _region(simple: str, lines: list[str], body: str, place: str, sources: dict[str, str]) -> str:
    """The divisions the body or place lies in (gazetteer), else as the text states them."""
    chain = gazetteer.region_path(body or place, " ".join(lines[:_TOP_LINES]))
    if chain:
        sources["region"] = "机构名与行政区划表"
        return "".join(d.name for d in chain)
    region = infer_region(simple, place)
    if region:
        sources["region"] = "正文中的地名"
    return region


def _period(kind: Kind | None, year: int | None) -> tuple[int | None, int | None]:
    """(the year reviewed, the year planned) from the named year and the kind's offsets; a
    report of no known kind reviews its own year and plans the next."""
    if year is None:
        return None, None
    covers, plans = (kind.covers, kind.plans) if kind else (0, 1)
    return year + covers, year + plans


def _own_script(text: str, simple: str, value: str) -> str:
    """The value as the report spells it (simplified search, original display)."""
    if not value:
        return value
    at = simple.find(value)
    if at >= 0 and len(simple) == len(text):
        return text[at : at + len(value)]
    return value


def apply_overrides(meta: Metadata, overrides: dict[str, object]) -> Metadata:
    """Overrides from sidecar files win over inferred values."""
    values = {k: v for k, v in overrides.items() if k in Metadata.__dataclass_fields__}
    if "year" in values and not {"covers", "plans"} & set(values):
        # the years reviewed and planned follow the named year, as the kind counts them
        kind = next((k for k in kinds() if k.name == values.get("kind", meta.kind)), None)
        values["covers"], values["plans"] = _period(kind, int(values["year"]))  # type: ignore[call-overload]
    sources = dict(meta.sources) | {k: "覆盖文件" for k in values}
    return replace(meta, **values, sources=tuple(sorted(sources.items())))  # type: ignore[arg-type]
