"""The scoring rules of ../shared/notes/scoring.md, as qa eval applies them (official_*)."""

from __future__ import annotations

from qa.evaluation.official import answer_hit, citation_share, norm, recall, refused


def test_norm_folds_width_script_pinyin_and_spaces() -> None:
    assert norm("建設(shè) 報告　１２３") == "建设报告123"


def test_answer_hit_any_gold_or_one_of_each_group() -> None:
    assert answer_hit(["859件", "859"], [], "共受理申请 859 件[1]。")
    assert not answer_hit(["860"], [], "共受理申请859件")
    groups = [["5%—5.5%"], ["4.5%—5%"]]
    assert not answer_hit([], groups, "安徽：增长5%—5.5%")
    assert answer_hit([], groups, "安徽：增长5%—5.5%；广东：增长4.5%—5%")


def test_citation_share_contains_or_lies_inside() -> None:
    evidence = ["共受理政府信息公开申请859件", "一、本年新收政府信息公开申请数量"]
    quotes = ["市政府办公厅代表市政府共受理政府信息公开申请 859 件"]
    assert citation_share(evidence, quotes) == 0.5
    assert citation_share(["本年新收政府信息公开申请数量"], ["新收政府信息公开"]) == 1.0  # inside
    assert citation_share(["本年新收政府信息公开申请数量"], ["新收政府"]) == 0.0  # too short


def test_a_refusal_says_so_and_states_no_figure_of_its_own() -> None:
    question = "沭阳县2024年受理了多少件政府信息公开申请？"
    assert refused(
        "在已索引的报告中没有找到关于沭阳县2024年的报告。\n已索引的相关报告：沭阳县（2025年）",
        question,
    )
    assert not refused("在已索引的报告中没有找到。全年受理749件。", question)
    assert not refused("全年受理749件[1]。", question)


def test_recall_counts_evidence_strings_in_the_passages() -> None:
    assert recall(["申请859件", "行政复议7件"], ["共受理申请 859 件", "其他"]) == 0.5
