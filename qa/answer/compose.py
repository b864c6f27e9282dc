"""Answer stage, composing: the chosen spans written as answer sentences, each verified and
citing its quote (a table row cites its table's title too), or an honest decline."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from qa.answer.candidate import MAX_QUOTE, Candidate
from qa.answer.candidates import NEGATION, unknown_words
from qa.answer.corroborate import corroboration
from qa.answer.figures import quote_tense, reviews_and_targets
from qa.answer.read import Reader
from qa.answer.report_facts import asks_publish_date
from qa.answer.strategies import Ask, choose
from qa.answer.verify import AnswerSentence, verify_sentences
from qa.answer.widen import whole_sentence
from qa.index.core import Index
from qa.ingest.clean import to_simplified
from qa.ingest.gazetteer import short_name
from qa.query.kind import Kind
from qa.query.parse import Query
from qa.query.places import place_aliases
from qa.query.scope import Scope
from qa.records import Answer, Citation, Hit, Report, shown_title


def _leads(picked: list[Candidate]) -> dict[str, str]:
    """How each report's sentences open: its label, and its title too when another report of
    the answer has the same label (a body's 部门预算 and 单位预算 of one year)."""
    reports = {c.report.doc_id: c.report for c in picked}
    twice = Counter(r.label for r in reports.values())
    return {
        doc_id: f"{r.label}《{shown_title(r.title)}》：" if twice[r.label] > 1 else f"{r.label}："
        for doc_id, r in reports.items()
    }


QUOTE_REACH = 2 * MAX_QUOTE  # the longest sentence quoted whole around an answer's clause
_SENTENCE_MARKS = "。！？；;\n"
_CLOSING = "。！？；;，,、：:"


def quoted_span(c: Candidate) -> tuple[int, int]:
    """What an answer sentence quotes: the whole sentence (or 一是…； item) its clause is cut
    from, when not over :data:`QUOTE_REACH`, without the mark that closes it, so that the
    quote holds the figure with the words around it; a table row or heading as it is."""
    whole = c if c.opens_list else whole_sentence(c, _SENTENCE_MARKS, QUOTE_REACH)
    text, start, end = c.report.text, whole.start, whole.end
    while end > start + 1 and text[end - 1] in _CLOSING:
        end -= 1
    return start, end


def _citation(n: int, c: Candidate) -> Citation:
    start, end = quoted_span(c)
    return Citation(
        n=n,
        passage_id=c.passage_id,
        doc_id=c.report.doc_id,
        start=start,
        end=end,
        quote=c.report.text[start:end],
        title=c.report.title,
        agency=c.report.agency,
        year=c.report.year,
        section_path=c.section_path,
        source=c.report.path,
        page=c.report.page_at(start),
    )


def _sentence(
    c: Candidate, lead: str, head: str = "", tag: bool = False, also: Candidate | None = None
) -> AnswerSentence:
    """An answer sentence citing ``c`` (and its table's title), and ``also``: the other place
    its report states the figure."""
    body = re.sub(r"\s*\n\s*", " ", c.said).rstrip("。；;！!？?")  # items on lines of their own
    said = quote_tense(c, reviews_and_targets(c.report)) if tag else ""
    text = f"{head}{lead}{body}{f'（{said}）' if said else ''}"
    also_quoted = [_citation(0, also)] if also else []
    quotes = (_citation(0, c), *_table_column(c), *_table_title(c), *_table_note(c), *also_quoted)
    return AnswerSentence(text, quotes, opens_list=c.opens_list)


TITLE_REACH = 2000  # characters above a table's first row where its title line is looked for


def _table_title(c: Candidate) -> tuple[Citation, ...]:
    """A table entry's second quote: the table's title line above it, so the answer shows
    which table its row is from (《三、收到和处理政府信息公开申请情况》)."""
    if c.cell is None or not c.cell.table.title:
        return ()
    table, text = c.cell.table, c.report.text
    at = text.rfind(table.title, max(0, table.start - TITLE_REACH), table.start)
    return (_quote_at(c, at, at + len(table.title)),) if at >= 0 else ()


def _quote_at(c: Candidate, start: int, end: int) -> Citation:
    """A further quote of ``c``'s report (its table's title, header or note): the span
    ``start``:``end``, on its own page."""
    quote = c.report.text[start:end]
    return replace(_citation(0, c), start=start, end=end, quote=quote, page=c.report.page_at(start))


MIN_COLUMN_QUOTE = 4  # characters of a column header quoted (not 总计, 合计, 数值)


def _table_column(c: Candidate) -> tuple[Citation, ...]:
    """A table entry's quote of the header of the column its answer states (本年收费金额
    （单位：万元）), where the text gives it above the row: the row alone does not say what its
    figure counts."""
    if c.cell is None or len(c.cell.values) != 1:
        return ()
    table, text = c.cell.table, c.report.text
    # the column's own header, else (a table one cell to a line, headed by its label's path:
    # …·本年收费金额（单位：万元）·行政事业性收费) the nearest header of the row's path
    heads = [c.cell.values[0].column.split("·")[-1], *reversed(c.cell.entry.label.split("·")[:-1])]
    for head in (h.strip() for h in heads):
        at = text.rfind(head, max(0, table.start - TITLE_REACH), c.cell.entry.start)
        if len(head) >= MIN_COLUMN_QUOTE and at >= 0:
            return (_quote_at(c, at, at + len(head)),)
    return ()


# A note on a table's figures (注：行政复议、行政诉讼数量含上年度结转数量).
_NOTE = re.compile(r"(?:注|说明|备注)\s*[:：][^\n]{2,200}")


def _table_note(c: Candidate) -> tuple[Citation, ...]:
    """A table entry's note: the line right below its table, or right above its first row,
    when it is a note on the table's figures."""
    if c.cell is None:
        return ()
    text, table = c.report.text, c.cell.table
    below = len(text) - len(text[table.end :].lstrip())
    above = text.rfind("\n", 0, max(0, text.rfind("\n", 0, table.start))) + 1
    for at in (below, above if text[above : table.start].count("\n") <= 1 else -1):
        m = _NOTE.match(text, at) if at >= 0 else None
        if m:
            return (_quote_at(c, m.start(), m.start() + len(m.group().rstrip("。 \t"))),)
    return ()


def compose(kind: Kind, picked: list[Candidate], index: Index) -> list[AnswerSentence]:
    """Write the answer sentences, each quoting its evidence (a figure both where a table
    and where the prose of its report state it)."""
    leads = _leads(picked)
    if any(c.opens_list for c in picked):  # section headings, each followed by its items
        return [_sentence(c, leads[c.report.doc_id] if c.opens_list else "") for c in picked]
    if kind.base == "yesno" and not kind.per_report:
        c = picked[0]
        negative = NEGATION.search(to_simplified(c.text)) is not None
        return [_sentence(c, leads[c.report.doc_id], head="否。" if negative else "是。")]
    number = kind.base == "number"
    return [
        _sentence(
            c, leads[c.report.doc_id], tag=number, also=corroboration(index, c) if number else None
        )
        for c in picked
    ]


def _decline(
    question: str, resolved: str, hits: list[Hit], scope: Scope, why: str, index: Index
) -> Answer:
    text = f"在已索引的报告中没有找到{why}。"
    places = [m for m in scope.matched if not re.fullmatch(r"\d{4}年", m)]
    if scope.unmatched and places:
        have = sorted(
            {
                _with_period(r)
                for r in index.reports.values()
                if any(p in place_aliases(r) for p in places)
            }
        )
        if have:
            text += f"\n已索引的相关报告：{'；'.join(have)}"
    related = "；".join(
        f"《{shown_title(h.passage.title)}》{_without_figures(' '.join(h.passage.section_path[-1:]))}"
        for h in hits[:3]
    )
    if related:
        text += f"\n可能相关：{related}"
    return Answer(question, resolved, text, (), tuple(hits), False, scope.unmatched)


# A heading's own number (2. / （三） / 一、) and the first figure after it.
_HEADING_NUMBER = re.compile(
    r"^\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)?"
)


_FIGURE_NOT_YEAR = re.compile(r"(?<!\d)(?!(?:19|20)\d{2}年)\d")


def _without_figures(heading: str) -> str:
    """A heading cut before its first figure but a year (2.实现城镇新增就业18万人以上 →
    2.实现城镇新增就业…): a decline states no figure."""
    start = _HEADING_NUMBER.match(heading)
    at = _FIGURE_NOT_YEAR.search(heading, start.end() if start else 0)
    if at is None:
        return heading
    return heading[: at.start()] + "…"


def _naming(picked: list[Candidate], places: tuple[str, ...]) -> list[Candidate]:
    """The candidates that name one of the places (天津滨海新区…: 天津市's report answers
    only where it names 滨海新区, in full or by its short name); all when none is asked."""
    if not places:
        return picked
    names = [n for place in places for n in (place, short_name(place))]
    return [c for c in picked if any(n in to_simplified(c.said) for n in names)]


def _with_period(report: Report) -> str:
    """A report's label, with the year it reviews when that is not the year it is named by:
    海拉尔区人民政府（2017年，回顾2016年）."""
    if report.covers is None or report.covers == report.year or not report.year:
        return report.label
    return f"{report.name}（{report.year}年，回顾{report.covers}年）"


def _unknown_topic(simple: str, unknown: list[str]) -> str:
    """关于“银行、合作、协议”的内容, the words in the (simplified) question's order; a piece
    made of two others' characters (荣誉称号 → 誉称) is left out."""
    shown = [t for t in unknown if not all(any(ch in o for o in unknown if o != t) for ch in t)]
    return f"关于“{'、'.join(sorted(shown, key=simple.find))}”的内容" if shown else ""


def compose_answer(
    query: Query, hits: list[Hit], index: Index, reader: Reader | None = None
) -> Answer:
    """Turn hits into a verified, cited answer, or decline honestly."""
    question, resolved, scope = query.question, query.resolved, query.scope
    if scope.unmatched:
        return _decline(
            question, resolved, hits, scope, f"关于{'、'.join(scope.unmatched)}的报告", index
        )
    if asks_publish_date(query.simple):
        why = "报告在网站上的发布日期（网页页眉不进索引；报告落款日期可问“报告是哪天签发的”）"
        return _decline(question, resolved, hits, scope, why, index)
    unknown = unknown_words(dict(query.terms), index)
    picked = _naming(choose(Ask(query, hits, index, unknown, reader)), scope.within)
    if not picked:
        why = _unknown_topic(query.simple, unknown) or "能回答这个问题的内容"
        why = f"关于{'、'.join(scope.within)}的内容" if scope.within else why
        return _decline(question, resolved, hits, scope, why, index)
    sentences, dropped = verify_sentences(compose(query.kind, picked, index), index.reports)
    if not sentences:
        return _decline(question, resolved, hits, scope, "经核验能回答这个问题的内容", index)
    lines: list[str] = []
    citations: list[Citation] = []
    for sentence in sentences:
        marks = ""
        for cite in sentence.citations:  # a table's row, then its title
            citations.append(replace(cite, n=len(citations) + 1))
            marks += f"[{len(citations)}]"
        bullet = "- " if len(sentences) > 1 and not sentence.opens_list else ""
        end = "：" if sentence.opens_list else "。"
        lines.append(f"{bullet}{sentence.text}{marks}{end}")
    return Answer(
        question,
        resolved,
        "\n".join(lines),
        tuple(citations),
        tuple(hits),
        not dropped,
        tuple(dropped),
    )
