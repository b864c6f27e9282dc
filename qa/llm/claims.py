"""What a sentence of a generated answer states that its quotes must hold (`claims`, `norm`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.verify import NUMBER
from qa.ingest.clean import normalize_width, to_simplified
from qa.ingest.metadata import DOC_NUMBER
from qa.query.units import stated_figures

# Dates stated whole: 2023年12月5日, 2024年3月, 3月15日
_DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日")
_TITLE = re.compile(r"《([^《》]{1,60})》")  # 《中华人民共和国行政复议法》
_QUOTED = re.compile(r"“([^“”]{2,60})”")  # 开展“法律进乡村”活动
_WEB = re.compile(r"(?:https?://|www\.)[\w./%?=&#~-]+|[\w.+-]+@[\w-]+\.[\w.]+", re.ASCII)
# The last word of a named body (青海竞帆律师事务所, 井研县自然资源局), longest first.
_BODY_END = re.compile(
    r"律师事务所|事务所|委员会|办公室|人民政府|人民法院|人民检察院|法院|检察院|研究院|公司"
    r"|中心|大队|支队|银行|协会|司法所|派出所|局"
)
# Words that end a body's name on their left (县司法局 in 我局与县司法局): function words.
_NAME_BREAK = frozenset("与和及同跟向对在为由被据经将把从于以是的了等各我本该此其并或")
# Words ending like a body that are none: 服务大局, 工作格局, 以人民为中心.
_NOT_BODIES = ("大局", "格局", "布局", "全局", "当局", "结局", "时局", "政局", "开局", "出局")
_BODY_TAIL = 4  # characters of a body's name before its last word that must match too
_BRACKETS = str.maketrans(
    {"〔": "[", "［": "[", "(": "[", "（": "[", "〕": "]", "］": "]", ")": "]", "）": "]"}
    | {"％": "%", "號": "号", "．": "."}
)
_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """The form claims are compared in: simplified, ASCII digits, one kind of bracket."""
    return _SPACE.sub("", to_simplified(normalize_width(text))).translate(_BRACKETS)


@dataclass(frozen=True, slots=True)
class Claim:
    """Something a sentence states that its quotes must hold: ``kind`` names it for the reason."""

    kind: str
    text: str  # normalised; for a body, only its last ``_BODY_TAIL`` + suffix characters
    shown: str

    def held_by(self, support: str) -> bool:
        if self.kind == "数字" and self.text[0].isdigit():  # 5日 is not held by 15日, 2 by 12
            after = r"(?![\d]|\.\d)" if self.text[-1].isdigit() else ""  # nor 1 by 1.5
            pattern = rf"(?<![\d.]){re.escape(self.text)}{after}"
            return re.search(pattern, support) is not None
        return self.text in support


def claims(sentence: str) -> list[Claim]:
    """What the sentence states that a quote must hold: figures, dates, document numbers,
    titles, quotations, web addresses, bodies, then any other number."""
    simple = to_simplified(normalize_width(sentence))
    figures = stated_figures(norm(simple))  # 1 9 9 3 年, 11．2％: as 1993年, 11.2%
    found = [Claim("数字", f, f) for f in figures]
    found += [Claim("日期", norm(m.group()), m.group()) for m in _DATE.finditer(norm(simple))]
    for m in DOC_NUMBER.finditer(simple):
        at = next(i for i, ch in enumerate(m.group()) if ch in "〔[［(（")
        found.append(Claim("文号", norm(m.group()[max(0, at - 2) :]), m.group()))
    found += [Claim("书名", norm(m.group(1)), m.group()) for m in _TITLE.finditer(simple)]
    found += [Claim("引语", norm(m.group(1)), m.group()) for m in _QUOTED.finditer(simple)]
    found += [Claim("网址", norm(m.group()), m.group()) for m in _WEB.finditer(simple)]
    found += body_claims(simple)
    return found + [Claim("数字", n, n) for n in NUMBER.findall(norm(simple)) if n not in figures]


def body_claims(simple: str) -> list[Claim]:
    """Named bodies: the name before a body's last word, cut at function words (我局与县司法局
    → 县司法局), checked on its last few characters (the place is checked on its own)."""
    found: list[Claim] = []
    for m in _BODY_END.finditer(simple):
        start = m.start()
        while start > 0 and re.match(r"[\u4e00-\u9fff]", simple[start - 1]):
            if simple[start - 1] in _NAME_BREAK or m.start() - start >= 12:
                break
            start -= 1
        name = simple[start : m.end()]
        if m.start() - start < 2 or name.endswith(_NOT_BODIES):
            continue  # 我局, 本中心, 服务大局: no name
        tail = name[-min(len(name), len(m.group()) + _BODY_TAIL) :]
        found.append(Claim("名称", norm(tail), name))
    return found
