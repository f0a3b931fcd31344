"""The document as one string with block offsets, and the six parts located in it."""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from ..grammar import Grammar
from ..model import Document, Table

TABLE_MARK = "\ue000"    # stands for a table in the linear text, so parts know which tables they hold
_NUMERAL = "一二三四五六七八九十"
_HEAD = re.compile(
    rf"(?P<num>(?P<top>[{_NUMERAL}]{{1,2}})\s*[、.．]|[（(](?P<sub>[{_NUMERAL}]{{1,2}})[）)]|(?P<arabic>\d{{1,2}})\s*[、.．])?\s*")


@dataclass(slots=True)
class Layout:
    text: str
    table_offsets: dict[int, int]        # table index -> offset of its mark in text


@dataclass(slots=True)
class PartHit:
    number: int
    title: str
    printed: str | None                  # the numeral as printed (一, 三, 1, ...) or None
    start: int                           # offset of the heading
    body_start: int                      # offset after the heading
    end: int = 0                         # offset where the next part starts


def linearize(doc: Document) -> Layout:
    pieces, offsets, pos = [], {}, 0
    for block in doc.blocks:
        if isinstance(block, Table):
            offsets[block.index] = pos
            s = TABLE_MARK
        else:
            s = block.text
        pieces.append(s)
        pos += len(s) + 1
    return Layout("\n".join(pieces), offsets)


def numeral_value(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if len(s) == 2 and s[0] == "十":
        return 10 + _NUMERAL.index(s[1]) + 1
    return _NUMERAL.index(s) + 1 if len(s) == 1 and s in _NUMERAL else None


def _candidates(text: str, pattern: re.Pattern):
    """Heading-like matches of a part title: at a line start, or after a numeral like 三、."""
    for m in pattern.finditer(text):
        start = m.start()
        # look back for a numeral prefix right before the title
        back = text[max(0, start - 8):start]
        pm = None
        for k in range(len(back)):
            mm = _HEAD.fullmatch(back[k:])
            if mm and mm.group("num"):
                pm = mm
                head_start = start - len(back) + k
                break
        line_start = text.rfind("\n", 0, start) + 1
        at_line_start = not text[line_start:start].strip() or (pm is not None and not text[line_start:head_start].strip())
        if pm is not None:
            printed = pm.group("top") or pm.group("sub") or pm.group("arabic")
            kind = "sub" if pm.group("sub") else "top"
            yield (head_start, m.end(), printed, kind)
        elif at_line_start:
            yield (start, m.end(), None, "top")


def find_parts(layout: Layout, grammar: Grammar) -> list[PartHit]:
    """Locate the six parts in order; a part not found is simply absent from the list."""
    text, cursor, hits = layout.text, 0, []
    for part, pattern in zip(grammar.parts, grammar.part_patterns):
        best = None
        for start, end, printed, kind in _candidates(text, pattern):
            if start < cursor:
                continue
            if kind == "top":
                best = (start, end, printed)
                break
            if best is None:
                best = (start, end, printed)
        if best:
            start, end, printed = best
            hits.append(PartHit(part["number"], text[start:end].strip(), printed, start, end))
            cursor = end
    for a, b in zip(hits, hits[1:]):
        a.end = b.start
    if hits:
        hits[-1].end = len(text)
    return hits


def part_text(layout: Layout, hit: PartHit) -> str:
    return layout.text[hit.body_start:hit.end].replace(TABLE_MARK, "").strip()
