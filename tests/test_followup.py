"""Follow-up questions resolved from earlier turns, without an LLM."""

from __future__ import annotations

import pytest

from qa.query.followup import full_years, resolve_one

ALIASES = {"井研县", "井研", "井研县自然资源局", "湘潭县", "湘潭", "酉阳县", "酉阳", "渠县"}


def test_missing_place_and_year_are_carried_over() -> None:
    resolved = resolve_one("罚款收了多少？", "井研县自然资源局2023年作出了几个处罚决定？", ALIASES)
    assert resolved == "井研县自然资源局2023年罚款收了多少？"


def test_that_county_repeats_the_previous_question() -> None:
    resolved = resolve_one("那湘潭县呢？", "井研县自然资源局2023年收缴罚款多少？", ALIASES)
    assert resolved == "湘潭县2023年收缴罚款多少？"


def test_that_year_replaces_the_year() -> None:
    resolved = resolve_one("那2024年呢？", "井研县2023年收缴罚款多少？", ALIASES)
    assert resolved == "井研县2024年收缴罚款多少？"


def test_new_topic_keeps_the_asking_part() -> None:
    resolved = resolve_one("抵押登记呢？", "渠县2020年把产权登记压缩到几个工作日？", ALIASES)
    assert resolved == "渠县2020年抵押登记几个工作日？"


def test_new_topic_after_which_bureaus_keeps_which_bureaus() -> None:
    resolved = resolve_one("那普法宣传呢？", "哪些局提到执法力量薄弱？", ALIASES)
    assert resolved == "哪些局提到普法宣传？"
    resolved = resolve_one("群众满意度呢？", "哪些局在报告中明确写到执法力量薄弱？", ALIASES)
    assert resolved == "哪些局在报告中明确写到群众满意度？"


def test_a_follow_up_about_a_part_or_a_change_carries_the_topic() -> None:
    previous = "湟中区自然资源局2024年一共接待和接收了多少起信访案件？"
    resolved = resolve_one("其中12345转过来的有多少？", previous, ALIASES | {"湟中区自然资源局"})
    assert resolved == "湟中区自然资源局2024年接待和接收了信访案件，其中12345转过来的有多少？"
    resolved = resolve_one(
        "跟去年比下降了多少？", "湘潭县2025年牵头处理了多少件行政诉讼案件？", ALIASES
    )
    assert resolved == "湘潭县2025年牵头处理了行政诉讼案件，跟去年比下降了多少？"


def test_a_follow_up_keeps_the_count_and_the_yes_or_no_of_a_which_bureaus_question() -> None:
    resolved = resolve_one("那行政诉讼呢？", "各局分别有多少件行政复议案件？", ALIASES)
    assert resolved == "各局分别有多少件行政诉讼？"
    assert resolve_one("那行政复议呢？", "各县有没有败诉案件？", ALIASES) == "各县有没有行政复议？"


def test_a_change_or_a_part_of_a_change_keeps_to_the_first_topic() -> None:
    previous = "井研县2023年收到多少件信访？"
    assert (
        resolve_one("跟去年比呢？", previous, ALIASES) == "井研县2023年收到信访，跟去年比多少件？"
    )
    first = resolve_one("其中网上信访有多少？", previous, ALIASES)
    assert first == "井研县2023年收到信访，其中网上信访有多少？"
    then = resolve_one("其中已办结的有多少？", first, ALIASES)
    assert then == "井研县2023年收到信访，其中已办结的有多少？"


def test_a_carried_year_the_new_place_has_no_report_for_is_dropped() -> None:
    previous = "酉阳县2023年行政机关负责人出庭应诉率是多少？"
    years = {"湘潭县": 2025, "酉阳县": 2023}
    resolved = resolve_one("湘潭县的呢？", previous, ALIASES, lambda p, y: years.get(p) == y)
    assert resolved == "湘潭县行政机关负责人出庭应诉率是多少？"
    assert (
        resolve_one("湘潭县的呢？", previous, ALIASES)
        == "湘潭县2023年行政机关负责人出庭应诉率是多少？"
    )
    # a year the user names stays, whether or not a report has it
    resolved = resolve_one("那2024年呢？", "湘潭县2025年收到多少件行政复议案件？", ALIASES)
    assert resolved == "湘潭县2024年收到多少件行政复议案件？"


@pytest.mark.parametrize(
    ("question", "full"),
    [
        ("酉阳24年复议多少件", "酉阳2024年复议多少件"),
        ("23年井研县罚款多少", "2023年井研县罚款多少"),
        ("那24年呢？", "那2024年呢？"),
        ("他在位23年", "他在位23年"),  # a duration, not after a place
        ("酉阳规资局24年行政诉讼多少件", "酉阳规资局2024年行政诉讼多少件"),  # after its office
        ("井研縣24年罚款", "井研縣2024年罚款"),  # a place in traditional script
        ("井研县24年来的变化", "井研县24年来的变化"),
    ],
)
def test_two_digit_years_after_a_place_are_written_out(question: str, full: str) -> None:
    assert full_years(question, ALIASES) == full


def test_a_full_question_is_left_alone() -> None:
    full = "酉阳县2023年受理了多少件政府信息公开申请？"
    assert resolve_one(full, "井研县2023年收缴罚款多少？", ALIASES) == full


def test_first_question_unchanged() -> None:
    assert resolve_one("井研县收缴罚款多少？", None, ALIASES) == "井研县收缴罚款多少？"


def test_the_year_before_or_after_the_one_asked() -> None:
    previous = "海拉尔区2014年城镇居民人均可支配收入是多少？"
    aliases = frozenset({"海拉尔区", "海拉尔"})
    assert resolve_one("前一年呢？", previous, aliases) == previous.replace("2014", "2013")
    assert resolve_one("那后一年呢？", previous, aliases) == previous.replace("2014", "2015")


def test_this_year_is_not_the_year_asked_before() -> None:
    resolved = resolve_one(
        "今年的目标呢？", "四川2025年地区生产总值增长多少？", frozenset({"四川"})
    )
    # the same thing (地区生产总值增长), this year's target, asked as before (多少)
    assert resolved == "四川地区生产总值增长，今年的目标多少？"


def test_a_new_topic_asks_the_change_asked_before() -> None:
    previous = "安徽2025年规上工业增加值增长了多少？"
    assert resolve_one("进出口呢？", previous, {"安徽"}) == "安徽2025年进出口增长了多少？"


def test_a_follow_up_without_a_topic_asks_about_the_previous_one() -> None:
    target = resolve_one("今年的目标是多少？", "河北2025年全省生产总值增长了多少？", {"河北"})
    assert target == "河北全省生产总值增长了，今年的目标是多少？"  # 今年: not 2025 again
    actual = resolve_one("实际完成了多少？", "海拉尔区2015年的GDP增长目标是多少？", {"海拉尔区"})
    assert actual == "海拉尔区2015年GDP增长，实际完成了多少？"  # the target word is dropped
    own = resolve_one("有多少件行政复议案件？", "井研县2023年收缴罚款多少？", ALIASES)
    assert "罚款" not in own  # a topic of its own: nothing carried but place and year


def test_a_follow_up_naming_another_kind_of_report_asks_the_same_of_it() -> None:
    previous = "普陀区司法局2026年部门预算“三公”经费是多少？"
    assert resolve_one("那单位预算呢？", previous, {"普陀区司法局"}) == previous.replace(
        "部门预算", "单位预算"
    )
    spent = resolve_one("2024年实际支出了多少？", "某局2025年机关运行经费预算是多少？", {"某局"})
    assert spent == "某局机关运行经费，2024年实际支出了多少？"  # 预算 is the tense, not the topic


def test_a_comparison_with_the_country_keeps_the_topic() -> None:
    resolved = resolve_one("比全国高还是低？", "内蒙古2025年地区生产总值增长多少？", {"内蒙古"})
    assert resolved == "内蒙古2025年地区生产总值增长，比全国高还是低？"
    # with a national report indexed, 全国 is a place name: compared with, it is not the place
    with_country = resolve_one(
        "比全国高还是低？", "内蒙古2025年地区生产总值增长多少？", {"内蒙古", "全国", "国务院"}
    )
    assert with_country == resolved


def test_last_year_after_a_target_is_the_year_before_the_one_planned() -> None:
    resolved = resolve_one(
        "去年实际完成了多少？", "2019年全国城镇新增就业预期目标是多少？", {"全国"}
    )
    assert resolved == "全国2018年城镇新增就业，去年实际完成了多少？"
    # after an actual, 去年 is the year already asked about
    actual = resolve_one("去年呢？", "2019年全国城镇新增就业多少人？", {"全国"})
    assert "2018" not in actual


def test_a_share_of_the_previous_figure_keeps_its_topic() -> None:
    resolved = resolve_one("占比是多少？", "山西省2025年新能源装机达到多少？", {"山西省"})
    assert resolved == "山西省2025年新能源装机达到，占比是多少？"


def test_words_of_a_question_ending_in_sheng_are_no_place() -> None:
    previous = "江苏今年的政府工作报告是哪位省长作的？"
    resolved = resolve_one("那四川呢？", previous, frozenset({"江苏", "四川"}))
    assert resolved == "四川今年的政府工作报告是哪位省长作的？"


def test_a_follow_up_asking_another_year_s_target_asks_the_target() -> None:
    previous = "海拉尔区2011年地区生产总值完成了多少？"
    resolved = resolve_one("那2012年的目标呢？", previous, {"海拉尔区"})
    assert resolved == "海拉尔区2012年地区生产总值的目标是多少？"


def test_a_quoted_name_in_a_follow_up_is_no_place() -> None:
    previous = "三明市2024年通过市政府门户网站发布了多少条政务信息？"
    resolved = resolve_one("“中国三明”微信公众号呢？", previous, {"三明市", "三明", "中国"})
    assert resolved.startswith("三明市2024年“中国三明”微信公众号")


def test_that_year_s_actual_is_asked_of_the_thing_not_of_the_report_named() -> None:
    previous = "海拉尔区2016年政府工作报告定的新增就业目标是多少人？"
    resolved = resolve_one("那一年实际完成了多少？", previous, {"海拉尔区"})
    assert resolved == "海拉尔区2016年新增就业，那一年实际完成了多少？"


def test_another_kind_of_the_same_thing_keeps_the_thing_and_that_year() -> None:
    previous = "井研县2024年现行有效的行政规范性文件有多少件？"
    resolved = resolve_one("当年废止的呢？", previous, ALIASES)
    assert resolved == "井研县2024年当年废止的行政规范性文件有多少件？"
    # a new topic of its own is asked anew
    assert resolve_one("抵押登记呢？", previous, ALIASES) == "井研县2024年抵押登记多少件？"
    # a kind said of nothing earlier is a new topic (the earlier question named no kind)
    other = resolve_one("那被申请行政复议的呢？", "井研县2024年收到多少件申请？", ALIASES)
    assert other == "井研县2024年被申请行政复议的多少件？"


def test_the_year_before_with_a_tense_asks_that_year_of_the_same_thing() -> None:
    previous = "海拉尔区2016年政府工作报告定的地区生产总值目标是多少？"
    aliases = frozenset({"海拉尔区", "海拉尔"})
    resolved = resolve_one("前一年实际完成了多少？", previous, aliases)
    assert resolved == "海拉尔区地区生产总值，2015年实际完成了多少？"
