"""Line breaks of a PDF's layout joined (`unwrap`); `layout_width` of a PDF's text saved as .txt."""

from __future__ import annotations

import re
from collections import Counter

# A figure standing alone between spaces (1,234.00, -5.2%): table rows hold two or more.
FIGURES = re.compile(r"(?:^|\s)[-+]?[\d,]+(?:\.\d+)?%?(?=\s|$)")

# A line the page's layout broke, not the text: long, ending inside a sentence, followed by a
# line that starts flush left with no heading number (政府采购服务预算\n983.05万元。).
_WRAP_SHARE = 0.6  # of the page's longest line
_MIN_WIDTH = 30  # characters: a page whose longest line is shorter (a cover) has no wraps
_SENTENCE_END = tuple("。！？；：:!?;")
_STARTS_ITEM = re.compile(
    r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d)|第[一二三四五六七八九十]|[•·●○■□◆\-—])"
)


def unwrap(page: str, width: int | None = None) -> str:
    """The page's text with the line breaks of its layout joined (PDF text, or a PDF's text
    saved as .txt: ``width`` its line width): a sentence that runs on to the next line reads
    as one. Table rows (two figures or more) stay apart."""
    lines = page.split("\n")
    widest = (
        max(width, _MIN_WIDTH) if width else max((len(line.strip()) for line in lines), default=0)
    )
    out: list[str] = []
    for line in lines:
        if out and _runs_on(out[-1], line, widest):
            out[-1] = out[-1].rstrip() + line
        else:
            out.append(line)
    return "\n".join(out)


WRAPPED_SHARE = 0.2  # of a text's lines at one width, ending no sentence: a PDF's layout
WRAPPED_MIN_WIDTH = 20
WRAPPED_MIN_LINES = 20


def layout_width(text: str) -> int | None:
    """The line width of a PDF's text saved as plain text (one in five lines or more share
    it, ±1 character, and end no sentence), else None."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    widths = Counter(
        len(line)
        for line in lines
        if len(line) >= WRAPPED_MIN_WIDTH and not line.endswith(_SENTENCE_END)
    )
    if len(lines) < WRAPPED_MIN_LINES or not widths:
        return None
    width = widths.most_common(1)[0][0]
    near = sum(n for w, n in widths.items() if abs(w - width) <= 1)
    return width + 1 if near >= WRAPPED_SHARE * len(lines) else None


def _runs_on(previous: str, line: str, widest: int) -> bool:
    before = previous.rstrip()
    if not before or not line or line[0].isspace() or before.endswith(_SENTENCE_END):
        return False
    if widest < _MIN_WIDTH or len(before.strip()) < _WRAP_SHARE * widest:
        return False
    if _STARTS_ITEM.match(line):
        return False
    rest = line.rstrip()
    if len(rest) < _WRAP_SHARE * widest and not rest.endswith(_SENTENCE_END + ("”", "）", ")")):
        return False  # a short line that ends no sentence: a name or a caption, not a tail
    return not _table_row(previous) and not _table_row(line)


def _table_row(line: str) -> bool:
    """Two figures or more and more figures than words: a table's row (一般公共服务支出
    1,234.00 567.00), not a sentence that counts (规章 22 件、规范性文件 34 件、…)."""
    figures = FIGURES.findall(line)
    if len(figures) < 2:
        return False
    words = len(re.findall(r"[\u4e00-\u9fff]", line))
    return words < sum(len(f.strip()) for f in figures)
