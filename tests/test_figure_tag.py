"""Answers to figure questions say whether they quote a target or an actual."""

from __future__ import annotations

from qa.answer.candidate import Candidate
from qa.answer.figures import figure_tag, fitting_tense, over_years, said_as
from qa.answer.rank import ranked
from qa.answer.widen import with_breakdown, with_level


def test_a_target_sentence_is_tagged_as_a_target() -> None:
    assert figure_tag("主要预期目标是：地区生产总值增长5%左右") == "预期目标"
    assert figure_tag("地区生产总值增长8%，达到296亿元左右") == "预期目标"
    assert figure_tag("力争全年完成投资100亿元") == "预期目标"  # a target word wins


def test_an_actual_is_tagged_only_where_a_report_holds_both() -> None:
    actual = "2014年，全区地区生产总值完成274.4亿元，同比增长9.1%"
    assert figure_tag(actual) == "实际完成"
    assert figure_tag(actual, both=False) == ""  # a 法治 report's figures are all actuals
    assert figure_tag("收缴罚款112.23万元") == ""  # the sentence does not say
    assert figure_tag("全年地區生產總值完成253.7億元") == "实际完成"  # traditional script
    # an outcome measured against the target is an actual, though it says 预期
    assert figure_tag("全市生产总值达到5.67万亿元、增长5.4%，好于预期") == "实际完成"
    assert figure_tag("增长5.4%，好于预期", both=False) == ""


def _candidate(
    text: str, sentence: str, covers: int | None = 2016, plans: int | None = None
) -> Candidate:
    from qa.records import Report

    report = Report(
        "d",
        "p",
        "政府工作报告",
        "某区人民政府",
        "",
        2017,
        None,
        None,
        text,
        "x",
        covers=covers,
        plans=plans,
    )
    start = text.index(sentence)
    return Candidate(
        report, "d#0", ("二、2017年工作安排",), 1.0, start, start + len(sentence), 1.0, True
    )


TEXT = (
    "2016年城镇常住居民人均可支配收入完成32942元，增长7.5%。\n"
    "主要预期目标是：地区生产总值增长7.5%，城镇常住居民人均可支配收入增长8%，达到35578元。\n"
)


def test_a_target_question_is_answered_by_targets_only_and_an_actual_one_by_actuals() -> None:
    actual = _candidate(TEXT, "2016年城镇常住居民人均可支配收入完成32942元")
    target = _candidate(TEXT, "城镇常住居民人均可支配收入增长8%")
    assert said_as(target) == "预期目标"  # the sentence opens with 主要预期目标是
    both = [actual, target]
    assert fitting_tense("2017年城镇常住居民人均可支配收入的目标是多少？", both) == [target]
    assert fitting_tense("2016年城镇常住居民人均可支配收入实际完成多少？", both) == [actual]
    assert fitting_tense("城镇常住居民人均可支配收入是多少？", both) == both
    # a report that only looks back (a 法治 report) has no targets to keep apart
    lone = _candidate(TEXT, "2016年城镇常住居民人均可支配收入完成32942元", covers=None)
    assert fitting_tense("目标是多少？", [lone]) == [lone]


def test_a_change_is_read_on_to_the_level_it_reaches() -> None:
    target = _candidate(TEXT, "城镇常住居民人均可支配收入增长8%")
    assert with_level(target).text == "城镇常住居民人均可支配收入增长8%，达到35578元"
    whole = _candidate(TEXT, "2016年城镇常住居民人均可支配收入完成32942元，增长7.5%")
    assert with_level(whole) == whole  # nothing of the kind follows


def test_a_year_the_report_reviews_asks_for_an_actual_and_a_year_it_plans_for_a_target() -> None:
    actual = _candidate(TEXT, "2016年城镇常住居民人均可支配收入完成32942元", plans=2017)
    target = _candidate(TEXT, "城镇常住居民人均可支配收入增长8%", plans=2017)
    both = [actual, target]
    assert fitting_tense("2016年城镇常住居民人均可支配收入是多少？", both) == [actual]
    assert fitting_tense("2017年城镇常住居民人均可支配收入是多少？", both) == [target]
    assert fitting_tense("2016年和2017年的人均可支配收入是多少？", both) == both
    # the year the report is named by is no year of the figure asked
    named = "2017年政府工作报告里，2016年城镇常住居民人均可支配收入是多少？"
    assert fitting_tense(named, both) == [actual]


def test_a_figure_over_several_years_is_not_the_one_year_asked_for() -> None:
    text = "地区生产总值跨越5000亿元大关，年均增长5.7%。全年实现地区生产总值5696亿元。\n"
    period = _candidate(text, "地区生产总值跨越5000亿元大关，年均增长5.7%")
    year = _candidate(text, "全年实现地区生产总值5696亿元")
    assert over_years(period.text) and not over_years(year.text)
    assert ranked("2025年地区生产总值是多少？", period).period
    assert not ranked("2025年地区生产总值是多少？", year).period
    assert not ranked("“十四五”时期地区生产总值年均增长多少？", period).period
    # a paragraph that turned to the five years: its later sentences give their figures too
    five = "2015年是收官之年。过去五年，城镇新增就业6400万人。\n城镇新增就业1312万人。\n"
    assert ranked("2015年城镇新增就业多少人？", _candidate(five, "城镇新增就业6400万人")).period
    assert not ranked("2015年城镇新增就业多少人？", _candidate(five, "城镇新增就业1312万人")).period


def test_a_weak_target_word_in_the_review_of_the_year_states_an_actual() -> None:
    from dataclasses import replace

    from qa.answer.figures import quote_tense

    text = "城镇新增就业1361万人、调查失业率稳定在5%左右的较低水平。\n"
    c = _candidate(text, "城镇新增就业1361万人、调查失业率稳定在5%左右的较低水平")
    review = replace(c, section_path=("一、2016年工作回顾",))  # the year the report reviews
    assert said_as(review) == quote_tense(review, True) == "实际完成"
    assert said_as(c) == quote_tense(c, True) == "预期目标"  # in the plans, 左右 is a target


def test_a_weak_actual_word_in_the_plan_of_the_year_states_a_target() -> None:
    from dataclasses import replace

    from qa.answer.figures import quote_tense

    text = "抓好重大生态工程，完成营造林600万亩。2016年城镇常住居民人均可支配收入完成32942元。\n"
    plan = _candidate(text, "抓好重大生态工程，完成营造林600万亩")  # under 二、2017年工作安排
    assert said_as(plan) == quote_tense(plan, True) == "预期目标"
    dated = _candidate(text, "2016年城镇常住居民人均可支配收入完成32942元")
    assert said_as(dated) == "实际完成"  # it names the year the report reviews
    review = replace(plan, section_path=("一、2016年工作回顾",))
    assert said_as(review) == "实际完成"


def test_a_list_of_targets_answers_only_for_the_compound_asked() -> None:
    from qa.answer.figures import figure_on_topic, topic_words

    terms = {"公共": 1.6, "增长": 1.4, "预算": 1.1, "收入": 2.1}
    top = topic_words(terms, "一般公共预算收入增长目标是多少？")
    assert top == ("公共", "预算", "收入")
    assert not figure_on_topic("文旅产业增加值增长6%、旅游综合收入增长6%", top, None)
    assert figure_on_topic("一般公共预算收入增长3%左右", top, None)
    # of equal weights, the word nearest the asking end (计划扩招多少)
    assert topic_words({"院校": 4.0, "扩招": 4.0, "高职": 4.0}, "高职院校计划扩招多少人") == (
        "扩招",
    )
    # a word no report has (对细, a tokenizer's cut) is no part of the compound
    terms = {"对细": 1.0, "颗粒物": 3.9, "年均": 3.4, "浓度": 3.9}
    assert topic_words(terms, "对细颗粒物年均浓度定的控制目标是多少") == ("颗粒物", "年均", "浓度")


def test_a_section_about_five_years_gives_figures_over_them() -> None:
    from dataclasses import replace

    text = "完善住房保障体系，城镇棚户区住房改造2000万套。\n今年棚户区住房改造600万套。\n"
    plan = _candidate(text, "完善住房保障体系，城镇棚户区住房改造2000万套")
    five = replace(plan, section_path=("二、“十三五”时期主要目标任务和重大举措",))
    assert ranked("2016年棚户区住房改造多少套？", five).period
    assert not ranked("2016年棚户区住房改造多少套？", plan).period
    # a paragraph of the section that names its own year is about that year
    year = _candidate("2025年，全年GDP增长4%。\n", "全年GDP增长4%")
    assert not ranked("2025年GDP增长多少？", replace(year, section_path=five.section_path)).period
    # a section reviewing a year and five years: a paragraph that opens on the five is over them
    both = ("一、2025年和“十四五”时期工作回顾",)
    crop = _candidate("现代农业扎实推进。粮食产量515.6亿斤。\n", "粮食产量515.6亿斤")
    assert not ranked("2025年粮食产量多少？", replace(crop, section_path=both)).period
    five_years = _candidate("“十四五”时期，粮食产量跃上500亿斤台阶。\n", "粮食产量跃上500亿斤台阶")
    assert ranked("2025年粮食产量多少？", replace(five_years, section_path=both)).period


def test_a_figure_over_several_years_never_answers_for_one_year() -> None:
    from qa.answer.figures import over_years_for_one

    text = "一般公共预算收入年均增长7.8％。\n"
    c = _candidate(text, "一般公共预算收入年均增长7.8％")
    assert over_years_for_one("陕西2025年一般公共预算收入增长了多少？", c)
    assert not over_years_for_one("“十四五”时期一般公共预算收入年均增长多少？", c)
    assert not over_years_for_one("一般公共预算收入增长多少？", c)  # no year asked


def test_a_figure_for_a_later_year_does_not_answer_for_the_year_asked() -> None:
    from qa.answer.figures import for_later_year

    text = "粮食综合生产能力2030年达到305亿斤。全年GDP增长4%，快于2024年1.8个百分点。\n"
    goal = _candidate(text, "粮食综合生产能力2030年达到305亿斤")
    assert for_later_year("山西省2026年粮食产量目标是多少亿斤？", goal)
    assert not for_later_year("2030年粮食综合生产能力达到多少？", goal)
    change = _candidate(text, "全年GDP增长4%，快于2024年1.8个百分点")
    assert not for_later_year("2025年GDP增长多少？", change)  # 2024: the base of the change


def test_a_question_about_what_was_achieved_says_it_with_shi_ji_or_a_year_gone_by() -> None:
    from qa.answer.figures import asked_tense

    assert asked_tense("四川去年城镇调查失业率实际是多少？") == "实际完成"
    assert asked_tense("江苏去年社会消费品零售总额是多少？") == "实际完成"
    assert asked_tense("去年定的目标是多少？") == "预期目标"  # a target of a year gone by
    assert asked_tense("社会消费品零售总额是多少？") == ""
    assert asked_tense("黑龙江省2026年要完成营造林多少万亩？") == "预期目标"  # 要: a plan


def test_a_budgets_figures_do_not_answer_what_was_spent() -> None:
    from dataclasses import replace

    said = "2025年“三公”经费预算数为37.91万元"
    budget = _candidate(said + "。", said, covers=None)
    budget = replace(budget, report=replace(budget.report, kind="部门预算"))
    assert fitting_tense("2025年“三公”经费实际支出了多少？", [budget]) == []
    assert fitting_tense("2025年“三公”经费预算是多少？", [budget]) == [budget]
    assert fitting_tense("2025年“三公”经费的预算目标是多少？", [budget]) == [budget]
    assert fitting_tense("“三公”经费预算比上年减少了多少？", [budget]) == [budget]


def test_a_list_reads_on_into_the_sentence_that_breaks_it_down() -> None:
    text = "主动公开政府信息22条，全文电子化率达100%。其中，机构职能4条，权力运行6条。\n二、其他"
    c = _candidate(text, "主动公开政府信息22条，全文电子化率达100%。")
    assert with_breakdown(c).text.endswith("其中，机构职能4条，权力运行6条。")
    plain = _candidate("主动公开政府信息22条。全年办结申请9件。", "主动公开政府信息22条。")
    assert with_breakdown(plain) == plain  # the next sentence is no breakdown


def test_the_focus_words_held_are_counted() -> None:
    from qa.answer.rank import focus_share

    c = _candidate("所有办结的申请中同意公开答复9件。", "所有办结的申请中同意公开答复9件")
    assert focus_share(c, ("公开", "同意")) == 1.0
    assert focus_share(c, ("公开", "不予")) == 0.5
    total = _candidate("粮食产量838.6亿斤。", "粮食产量838.6亿斤")
    assert focus_share(total, ("总产量",)) == 1.0  # 总产量 is said 产量


def test_one_part_s_figure_in_a_sentence_of_parts_is_not_the_whole_s() -> None:
    text = "全年地区生产总值55308.7亿元。分区域看，长株潭地区生产总值22878.5亿元；湘南地区生产总值11021.2亿元。\n"
    part = _candidate(text, "湘南地区生产总值11021.2亿元")
    whole = _candidate(text, "全年地区生产总值55308.7亿元")
    assert ranked("2025年全省地区生产总值是多少？", part).example
    assert not ranked("2025年全省地区生产总值是多少？", whole).example
    assert not ranked("分区域看地区生产总值分别是多少？", part).example
    assert not ranked("各区域地区生产总值是多少？", part).example
    assert not ranked("统计公报分区域统计时分成了哪几个地区？", part).example
    assert ranked("湖南和新疆2025年的地区生产总值分别是多少？", part).example


def test_a_count_of_years_or_a_span_is_a_figure_over_several_years() -> None:
    assert over_years("五年共实施重点工业项目141个")
    assert not over_years("1985年至1987年间，江泽民任上海市市长")  # a span a fact held in
    assert not over_years("三年行动计划启动实施")
    assert not over_years("今年内完成改造")
