"""Tables of a layout fixed by a national format (the statutory tables of a 政府信息公开工作年度
报告): their columns named from the format when a table's width and words say it is one, since a
web page or a text export often loses or garbles their header cells (自/然/人, 商业 | 科研)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from qa.ingest.table_titles import tables_lexicon


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    width: int
    words: tuple[str, ...]
    columns: tuple[str, ...]
    row_labels: bool
    unit: str
    parent: str = ""  # the row that heads the rows marked by ``children`` (三、本年度办理结果)
    children: tuple[str, ...] = ()  # （一）…（七）

    def row_path(self, path: list[str]) -> list[str]:
        """A row label's parts with the heading row the format puts them under, when a text
        export lost or cut it: （七）总计 → 三、本年度办理结果·（七）总计; 三、 → the whole heading."""
        if not self.parent or not path:
            return path
        if self.parent.startswith(path[0]) and path[0] != self.parent:
            return [self.parent, *path[1:]]
        if path[0].startswith(self.children):
            return [self.parent, *path]
        return path


@cache
def layouts() -> tuple[Layout, ...]:
    return tuple(
        Layout(
            entry["name"],
            entry["width"],
            tuple(entry["words"]),
            tuple(entry["columns"]),
            entry["row_labels"],
            entry["unit"],
            entry.get("parent", ""),
            tuple(entry.get("children", ())),
        )
        for entry in tables_lexicon()["layouts"]
    )


def layout_of(width: int, texts: Sequence[str]) -> Layout | None:
    """The fixed layout of a table of ``width`` values a row whose labels, headers and title
    (``texts``) hold one of its words, or None."""
    said = "".join(t.replace(" ", "") for t in texts)
    for layout in layouts():
        if width == layout.width and any(w in said for w in layout.words):
            return layout
    return None
