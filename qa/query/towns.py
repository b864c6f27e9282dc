"""Sub-districts a question names right after an indexed place (普陀区长寿路街道): one that no
report is by and no report mentions is not answered from another body's report of the same
district. (Towns are left to the words around them: 井研县指导镇 is 指导 a 镇, no town.)"""

from __future__ import annotations

import re

from qa.index.core import Index
from qa.query.places import known_places

# A sub-district's name: 长寿路街道 (not 城乡街道, 各街道: kinds of place).
_TOWN = re.compile(r"([\u4e00-\u9fff]{2,5}?街道)")
_NOT_A_NAME = re.compile(r"[城乡村各全]")


def unindexed_towns(q: str, index: Index) -> list[str]:
    """The sub-districts named right after an indexed place's name that no report is by or
    mentions."""
    known = known_places(index)
    found: list[str] = []
    for place in (k for k in known if k in q):
        m = _TOWN.match(q, q.find(place) + len(place))
        if m is None or _NOT_A_NAME.search(m.group(1)):
            continue
        name = m.group(1)
        if name in known or any(name in r.text for r in index.reports.values()):
            continue
        found.append(place + name)
    return list(dict.fromkeys(found))
