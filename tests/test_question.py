"""The question stage on its own: units asked for, asking words, shared runs, answer cues."""

from __future__ import annotations

from typing import Any

import pytest

from qa.query.kind import body_asked, focus_words
from qa.query.plans import asks_for_whole_plan, asks_for_whole_problems, section_fit
from qa.query.question import answer_cue, coverage, has_word, key_terms, shared_run
from qa.query.units import asked_units, figure_fits


@pytest.mark.parametrize(
    ("question", "units"),
    [
        ("井研县2023年办理了多少件行政复议？", "件个起宗条"),
        ("肇事客机上有多少人受伤？", "人名次"),
        ("这种鱼有多少对鳍瓣？", "对"),
        ("加国政府通过多少经费来挹注此计划？", "元"),  # 经费 is money, not a unit 经
        ("Playfish获得了多少融资？", None),  # 融 is not a measure word
        ("失去了多少比例的人口？", "%"),
        ("报告是哪天签发的？", "日月"),
        ("杜林在哪一年爆发了大罢工？", "年"),
        ("新生儿一天要睡超过多少个小时？", "小钟"),  # 多少个小时: the unit is 小时
        ("这项工程用了几个月？", "月"),
    ],
)
def test_asked_units(question: str, units: str | None) -> None:
    assert asked_units(question) == units


def test_shared_run_is_the_longest_verbatim_stretch() -> None:
    question = "南加大和哪所学校在大学足球的竞争上堪称是全国最激烈的？"
    asked_about = "两校在大学足球的竞争上堪称是全国最激烈的。"
    other = "南加州大学位于洛杉矶。"
    run = shared_run(question, asked_about)
    assert run == pytest.approx(len("校在大学足球的竞争上堪称是全国最激烈的") / 26)
    assert shared_run(question, other) < 0.1
    assert shared_run("？？", other) == 0.0
    # script-transparent: a traditional question against a simplified sentence
    assert shared_run("兩校在大學足球的競爭上", asked_about) == 1.0


@pytest.mark.parametrize(
    ("question", "holds", "lacks"),
    [
        ("潘淑是怎么死的，为什么被杀？", "因为照顾孙权而劳累生病。", "潘淑是会稽句章人。"),
        ("金华市是什么时候设立的？", "1949年5月设金华县。", "金华市位于浙江中部。"),
        ("松鸦又叫什么？", "松鸦又名㭴鸟。", "松鸦是一种鸟。"),
        ("邵伯温写过什么著作？", "著有《邵氏闻见录》。", "邵伯温字子文。"),
        (
            "酉阳县规划和自然资源局2023年组织学习了哪些法律？",
            "二是开展《宪法》、《土地管理法》等法律法规学习和普法宣传活动。",
            "三是组织全局职工参加法治理论知识学习考试和各类法律知识竞赛。",
        ),
    ],
)
def test_answer_cue(question: str, holds: str, lacks: str) -> None:
    assert answer_cue(question, holds) == 1
    assert answer_cue(question, lacks) == -1


def test_answer_cue_is_silent_for_other_questions() -> None:
    assert answer_cue("井研县自然资源局做了哪些工作", "开展普法宣传。") == 0
    # 哪几个 asks which ones, not how many: a numeral is no cue
    assert answer_cue("2015年新设了哪几个自贸试验区？", "建设一批创新改革试验区。") == 0


@pytest.mark.parametrize(
    ("question", "text", "fits"),
    [
        ("德国被分成了几个占领区？", "德國被分成四個占領區。", True),  # traditional 個 is 个
        ("德国被分成了几个占领区？", "德國被分成了占領區。", False),
        ("孟子是什么时候被列为四经的？", "孟子在南宋時被列入四經。", True),  # a period answers
        ("布里斯托大约在何时成为城市？", "布里斯托在11世纪成为城市。", True),
        ("布里斯托大约在何时成为城市？", "布里斯托是英国的城市。", False),
        ("孟子是哪一年被列为四经的？", "孟子在南宋時被列入四經。", False),  # 哪一年 wants a year
        ("新生儿一天要睡超过多少个小时？", "新生兒每天要睡18小時。", True),
        # a day of observance written month·day
        ("宣传活动是哪天办的？", "开展“6·25”全国土地日宣传活动。", True),
        ("宣传活动是哪天办的？", "利用“4.22”、“12.4”主题日开展宣传。", True),
        ("宣传活动是哪天办的？", "宣传覆盖面增长6.25%。", False),
        # items of information or applications are counted in 条 or 件 alike
        ("主动公开的政府信息有多少条？", "准确公开了政府信息共132件。", True),
        ("收到多少件申请？", "共受理2条公开申请。", True),
        ("收到多少件申请？", "受理申请的人员共2名。", False),
    ],
)
def test_figure_fits_the_asked_unit(question: str, text: str, fits: bool) -> None:
    assert figure_fits(text, asked_units(question)) is fits


@pytest.mark.parametrize(
    ("question", "section", "fit"),
    [
        ("2020年借助哪些主题日开展普法？", "四、2021年度推进法治政府建设的主要安排", -1),
        ("2020年借助哪些主题日开展普法？", "一、2020年主要举措和成效", 0),
        ("2020年下一步有什么打算？", "四、2021年度推进法治政府建设的主要安排", 1),
        ("2020年下一步有什么打算？", "一、2020年主要举措和成效", 0),
        ("借助哪些主题日开展普法？", "四、2021年度推进法治政府建设的主要安排", 0),
        ("2020年借助哪些主题日开展普法？", "(二)创新普法形式", 0),
        ("下一年有什么计划？", "四、下一年度推进法治政府建设的主要安排", 1),
        ("2023年的会前学法计划叫什么名称？", "三、2024年度推进法治政府建设的主要安排", -1),
        # shortcomings are stated under the template's 存在的不足和原因
        ("哪些局提到执法力量薄弱？", "二、存在的不足和原因", 1),
        ("普法宣传形式单一吗？", "二、2023年推进法治政府建设存在的问题", 1),
        ("哪些局提到执法力量薄弱？", "（六）主动接受监督，解决群众问题", 0),
        ("哪些局提到执法力量薄弱？", "（五）开展案卷自查，查摆存在问题", 0),
        ("2023年存在哪些问题？", "二、2020年推进法治政府建设存在的不足和原因", -1),
        ("收缴罚款多少？", "二、存在的不足和原因", 0),
        ("针对不足下一步打算怎么做？", "二、存在的不足和原因", 0),  # after the plans
    ],
)
def test_section_fit(question: str, section: str, fit: int) -> None:
    assert section_fit(question, ("报告", section)) == fit


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        ("井研县2023年下一步打算怎么做？", True),
        ("渠县2021年的工作安排是什么？", True),
        ("湟中区下一年有什么计划？", True),
        ("湘潭县下一步有哪些改进措施？", True),
        ("2024年打算从哪几方面改进？", True),
        ("行政执法职责今后划入哪个单位？", False),
        ("井研县2024年打算怎么改进？", True),
        ("井研县下一步打算如何推进法治宣传？", False),  # one item: 推进法治宣传
        ("井研县下一步在普法宣传方面有什么打算？", False),  # one item of the plan
        ("2023年的会前学法计划叫什么名称？", False),
        ("2023年收缴罚款多少？", False),
    ],
)
def test_asks_for_whole_plan(question: str, whole: bool) -> None:
    assert asks_for_whole_plan(question) is whole


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        ("各局存在哪些问题？", True),
        ("湟中区存在哪些不足？", True),
        ("渠县的问题有哪些", True),
        ("井研县存在什么问题？", True),
        ("哪些局提到执法力量薄弱？", False),  # one shortcoming
        ("普法宣传方面存在哪些不足？", True),
        ("在普法宣传方面存在哪些不足？", False),  # one field
        ("下一步打算怎么解决存在的问题？", False),  # after the plans
        ("办理了多少件信访问题？", False),
        ("文旅局年报提到的主要问题有哪两条？", True),  # as many as it names
        ("存在哪几点不足？", True),
    ],
)
def test_asks_for_whole_problems(question: str, whole: bool) -> None:
    assert asks_for_whole_problems(question) is whole


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("井研县和湟中区收到的信访件各有多少？哪个多？", ("信访件",)),  # not 各有
        ("分别有多少件行政复议？", ("行政复议",)),
        ("收缴罚款多少？", ("罚款",)),
        ("井研县和湟中区收到的信访件各有多少？哪个多？", ("信访件",)),
        ("财政资金类有几条？", ("财政资金",)),  # not 类有: 有几 is asking
        # the thing a verb of change is asked of, its last two words: not 增长
        ("2019年国防预算增长多少？", ("国防预算",)),
        ("财政支出增长了多少？", ("财政支出",)),
        ("增长多少？", ("增长",)),  # nothing before it: the verb is all there is
        ("2015年旅游接待人数是多少？", ("接待",)),  # 人数 only names the count
        ("“十四五”时期地区生产总值年均增长多少？", ("年均",)),  # not one year's growth
        # a tense word between the thing and its verb of change is no part of the thing
        ("当年地方财政总收入预期增长多少？", ("财政总收入",)),
        ("重点项目按类别分各有多少个？", ("重点项目",)),  # 按类别分 groups, is not counted
        ("被申请行政复议的总数是多少？", ("行政复议",)),  # 总数 only names the count
        ("国内生产总值总量达到多少？", ("国内生产总值",)),  # 达到 reaches a level; 总量 is a head
        ("PM2.5年均浓度降到了多少？", ("年均浓度",)),
        ("按“其他处理”答复的有多少件？", ("其他处理",)),  # the category quoted is asked for
        ("因为政府信息公开被申请行政复议的一共有多少件？", ("行政复议",)),  # 被申请: no agent
        ("“三公”经费决算数是多少？", ("决算",)),  # a quoted name is not
        ("部门预算里项目支出安排了多少钱？", ("支出",)),  # 安排 allots, is not the thing
        ("收入预算总额是多少？", ("预算",)),  # 总额 only names the total
    ],
)
def test_focus_words(question: str, focus: tuple[str, ...]) -> None:
    assert focus_words(question) == focus


@pytest.mark.parametrize(
    ("question", "body"),
    [
        ("井研县聘请的法律顾问是哪家律师事务所？", "律师事务所"),
        ("湟中区自然资源局聘的哪家律所当法律顾问？", "律所"),
        ("哪些局提到执法力量薄弱？", ""),
        ("哪一家单位负责评查案卷？", "单位"),
    ],
)
def test_body_asked(question: str, body: str) -> None:
    assert body_asked(question) == body


@pytest.mark.parametrize(
    ("text", "fits"),
    [("耗费估计有5,000,000美元", True), ("价格约5800日元", True), ("立案查处违法案件35起", False)],
)
def test_a_sum_in_another_currency_is_money(text: str, fits: bool) -> None:
    assert figure_fits(text, asked_units("多花了多少钱？")) is fits


def test_numbers_that_name_a_thing_or_a_year_are_topic_words_and_counts_are_not(
    sample_library: Any,
) -> None:
    terms = key_terms("其中12345转过来的有多少？", sample_library.index)
    assert "12345" in terms
    assert "683" in key_terms("报德国在683年被哪一国并吞？", sample_library.index)
    assert not {"100", "2500"} & set(key_terms("有100件还是2500余份？", sample_library.index))


def test_asking_phrases_are_no_topic_words(sample_library: Any) -> None:
    assert set(key_terms("哪些局配了公职律师", sample_library.index)) == {"公职", "律师"}
    assert set(key_terms("各局有没有败诉的？", sample_library.index)) == {"败诉"}


def test_a_phrase_is_one_term_matched_by_the_reports_words_for_it(sample_library: Any) -> None:
    terms = key_terms("辽宁2025年的经济增速是多少？", sample_library.index)
    assert "经济增速" in terms and not {"经济", "增速"} & set(terms)
    assert coverage("地区生产总值增长3.7%", terms) > 0
    assert coverage("主要经济指标增速高于全国平均水平", terms) == 0  # another measure


def test_which_bureaus_is_no_count_and_its_clause_no_focus() -> None:
    question = "报告里写了行政机关负责人出庭应诉率的是哪几个局，各是多少？"
    assert asked_units(question) == "%"  # 率, not the 个 of 哪几个局
    assert focus_words(question) == ()


def test_what_was_achieved_is_asked_of_the_thing_not_of_its_tense_word() -> None:
    # an actual sentence seldom says 完成 (城镇新增就业1361万人): the focus is the thing
    assert focus_words("2018年全国城镇新增就业实际完成了多少？") == ("就业",)
    assert focus_words("行政复议维持多少件") == ("维持",)


def test_spoken_verbs_match_the_reports_written_ones() -> None:
    from qa.query.question import has_word

    assert has_word("PM2.5浓度降至30微克/立方米", "降到")  # 降到 is said, 降至 written
    assert has_word("赤字率提高至3%", "提高到")
    assert not has_word("赤字率提高至3%", "降到")


def test_a_numbered_short_name_matches_the_items_it_stands_for() -> None:
    from qa.query.question import has_word

    said = "着力稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期，主要做了以下工作"
    assert has_word(said, "六稳")
    assert not has_word("稳就业、稳金融", "六稳")  # two of six
    assert has_word("加强农业、农村、农民工作", "三农")
    assert not has_word("公务接待费：一般公共预算基本支出·公用经费", "三公")  # no list
    assert has_word("一体推进资源经济、园区经济、口岸经济", "三大经济")  # 大 and a word of two
    assert not has_word("一体推进资源经济、园区经济", "三大经济")


def test_which_n_is_asking_not_a_topic(sample_library: Any) -> None:
    from qa.query.question import key_terms

    assert "六个" not in key_terms("“六稳”是指哪六个方面？", sample_library.index)
    # words about the report and the asking (年报提出…具体是) are no topic
    terms = key_terms("年报提出要从哪几方面改进？具体是哪些？", sample_library.index)
    assert not {"年报", "提出", "具体"} & set(terms) and "改进" in terms


def test_a_tables_number_is_no_figure() -> None:
    assert not figure_fits("表5 2025年进出口总额及其增长速度", None)
    assert not figure_fits("[25]城镇新增就业人数是指报告期内城镇累计新就业人员数", None)
    assert figure_fits("行政处罚：本年处理决定数量 1100", None)  # a count, not a year
    assert not figure_fits("截至2025", None)
    assert has_word("GDP年均增长4.4%", "gdp")  # the question's terms are lower-cased
    assert has_word("粮食产量1600亿斤以上", "总产量")  # a total as the reports say it
    outline = "全文包括总体情况、收到和处理政府信息公开申请情况等共六个部分内容。"
    assert not figure_fits(outline, "件个起宗")  # the report's own outline
    assert figure_fits("[25]城镇新增就业82.7万人", None)  # a note's mark beside a figure
    assert not figure_fits("附表2 收入支出决算总表", None)
    assert figure_fits("全年进出口总额5414.1亿元", None)
    assert figure_fits("共有人大代表5名", None)


@pytest.mark.parametrize(
    ("question", "base"),
    [
        ("普陀区司法局有几辆车？", "number"),
        ("全县有几所中学？", "number"),
        ("购置了几台设备？", "number"),
        ("计划新建几座煤矿？", "number"),
        ("这项工程用了几年？", "fact"),  # 几年/几月: how long or when, not a count of things
        ("分为哪几类？", "list"),
        ("上海的三大先导产业是哪三个？", "list"),  # as many as it names
    ],
)
def test_any_measure_word_after_ji_asks_a_count(question: str, base: str) -> None:
    from qa.query.kind import question_kind

    assert question_kind(question).base == base


def test_a_noun_glued_to_its_measure_word_is_read_as_the_reports_write_it(
    sample_library: Any,
) -> None:
    terms = key_terms("司法局有几辆车？", sample_library.index)
    assert "车辆" in terms and "辆车" not in terms
    assert coverage("上海市普陀区司法局共有车辆3辆", terms) > 0


def test_a_head_noun_that_names_the_measure_is_no_part_of_the_focus(
    sample_library: Any,
) -> None:
    from dataclasses import replace

    from qa.answer.candidates import Candidate
    from qa.answer.rank import eligible
    from qa.query.kind import Kind

    report = next(iter(sample_library.index.reports.values()))
    said = replace(report, text="全年城镇新增就业82.7万人，农村劳动力转移就业1697.7万人。")
    c = Candidate(said, "p", (), 0.5, 0, 13, 0.5, True)
    assert eligible(Kind("number", False, focus=("就业人员",)), c)  # 就业人员 → 就业
    assert not eligible(Kind("number", False, focus=("失业人员",)), c)
    assert not eligible(Kind("number", False, focus=("行政诉讼",)), c)


def test_a_focus_word_is_found_as_the_reports_write_it(sample_library: Any) -> None:
    from dataclasses import replace

    from qa.answer.candidates import Candidate
    from qa.answer.rank import eligible
    from qa.query.kind import Kind

    report = next(iter(sample_library.index.reports.values()))
    said = replace(report, text="全年GDP增长4%，快于上年1.8个百分点。")
    c = Candidate(said, "p", (), 0.5, 0, 9, 0.85, True)
    assert eligible(Kind("number", False, focus=("地区生产总值",)), c)  # GDP, the spoken name
    assert not eligible(Kind("number", False, focus=("财政收入",)), replace(c, coverage=0.6))


def test_no_term_glues_a_word_to_the_verb_of_a_count(sample_library: Any) -> None:
    terms = key_terms("自然资源局有几名执法人员？", sample_library.index)
    assert "局有" not in terms and "执法" in terms


@pytest.mark.parametrize(
    ("question", "change"),
    [
        ("办公室2025年的财政拨款收入比2024年预算少了多少？", True),
        ("与上年相比，一般公共预算收入增加了多少？", True),
        ("“三公”经费增减了多少？", True),
        ("地区生产总值增加到多少？", False),  # the level reached, not the change
        ("一般公共预算收入是多少？", False),
    ],
)
def test_a_change_between_two_figures_is_told_from_a_figure(question: str, change: bool) -> None:
    from qa.query.kind import question_kind

    assert question_kind(question).change is change


def test_gong_of_a_total_is_not_gong_of_public() -> None:
    from qa.query.kind import TOTAL_WORD

    assert TOTAL_WORD.search("全年共办理行政复议案件12件")
    assert TOTAL_WORD.search("全县共有人大代表5名")
    assert not TOTAL_WORD.search("主要用于一般公共服务支出")
    assert not TOTAL_WORD.search("推动共建共享")


def test_words_pointing_back_are_not_the_thing_counted() -> None:
    from qa.query.kind import question_kind

    focus = question_kind("财政局2025年信息化建设这一项安排了多少钱？").focus
    assert focus and not any("项" in w for w in focus)


def test_a_category_whose_count_is_asked_is_its_focus_and_a_term() -> None:
    from qa.query.kind import question_kind

    question = "主动公开了政府信息，其中工作情况类有几条？"
    assert question_kind(question).focus == ("工作情况",)
    assert question_kind("分为哪几类？").focus == ()
