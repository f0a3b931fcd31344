"""The document as one string with block offsets, and the six parts located in it."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import pairwise

import re

from .. import rx

from ..grammar import Grammar
from ..model import Document, Table
from ..normalize import label_key

TABLE_MARK = "\ue000"    # stands for a table in the linear text, so parts know which tables they hold
_NUMERAL = "一二三四五六七八九十"
_HEAD = rx.compile(
    rf"(?P<num>(?P<top>[{_NUMERAL}]{{1,2}})\s*[、.．]|[（(](?P<sub>[{_NUMERAL}]{{1,2}})[）)]|(?P<arabic>\d{{1,2}})\s*[、.．])?\s*")


# Plain classes, not dataclasses: a dataclass execs its generated methods at import (see grammar.py).

class Layout:
    """A document flattened to text, with where each table stands in it."""
    __slots__ = ("text", "table_offsets", "gaps")

    def __init__(self, text: str, table_offsets: dict[int, int], gaps: list[int] | None = None):
        self.text = text
        self.table_offsets = table_offsets           # table index -> offset of its mark in text
        self.gaps: list[int] = [] if gaps is None else gaps   # offsets of the paragraphs a blank line stood before

    def spaced(self, start: int, end: int) -> str:
        """text[start:end] with the blank lines of the source back before its paragraphs:
        where plain pdftotext's text blocks begin."""
        cut = self.gaps[bisect_right(self.gaps, start):bisect_left(self.gaps, end)]
        return "\n".join(self.text[a:b] for a, b in pairwise([start, *cut, end]))


class PartHit:
    """A part heading found in the text."""
    __slots__ = ("number", "title", "printed", "start", "body_start", "end")

    def __init__(self, number: int, title: str, printed: str | None, start: int, body_start: int, end: int = 0):
        self.number = number
        self.title = title
        self.printed = printed           # the numeral as printed (一, 三, 1, ...) or None
        self.start = start               # offset of the heading
        self.body_start = body_start     # offset after the heading
        self.end = end                   # offset where the next part starts


def linearize(doc: Document) -> Layout:
    pieces, offsets, gaps, pos = [], {}, [], 0
    for block in doc.blocks:
        if isinstance(block, Table):
            offsets[block.index] = pos
            s = TABLE_MARK
        else:
            s = block.text
            if block.gap_before:
                gaps.append(pos)
        pieces.append(s)
        pos += len(s) + 1
    return Layout("\n".join(pieces), offsets, gaps)


def numeral_value(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if len(s) == 2 and s[0] == "十":
        return 10 + _NUMERAL.index(s[1]) + 1
    return _NUMERAL.index(s) + 1 if len(s) == 1 and s in _NUMERAL else None


_HEADING_LINE = 50         # a heading line is short: longer lines are prose that mentions a title
_WORDS_BEFORE = 16         # words a heading may print between its numeral and the title


def _candidates(text: str, pattern: re.Pattern):
    """Heading-like matches of a part title: at a line start, after a numeral like 三、, or on
    a short numbered line with a few words before the title (五、政府信息公开工作存在的主要问题…)."""
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
        if pm is None and start - line_start <= _WORDS_BEFORE + 4:
            lm = _HEAD.match(text, line_start, start)
            if lm and lm.group("top") and _heading_line(text, start):   # 五、… only: not 3、 or （三）
                pm, head_start = lm, line_start
        at_line_start = not text[line_start:start].strip() or (pm is not None and not text[line_start:head_start].strip())
        if pm is not None:
            printed = pm.group("top") or pm.group("sub") or pm.group("arabic")
            kind = "sub" if pm.group("sub") else "top"
            yield (head_start, m.end(), printed, kind)
        elif at_line_start:
            yield (start, m.end(), None, "top")


def _pick(text: str, pattern: re.Pattern, cursor: int):
    """The first top-level candidate at or after `cursor`, else the first sub-level one."""
    best = None
    for start, end, printed, kind in _candidates(text, pattern):
        if start < cursor:
            continue
        if kind == "top":
            return start, end, printed
        if best is None:
            best = (start, end, printed)
    return best


def _heading_line(text: str, start: int) -> bool:
    """The line holding `start` is short and ends no sentence: a heading, not prose."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:len(text) if line_end < 0 else line_end]
    return len(line.strip()) <= _HEADING_LINE and "。" not in line


def find_parts(layout: Layout, grammar: Grammar, ocr: bool = False) -> list[PartHit]:
    """Locate the six parts; a part not found is simply absent from the list.

    Parts are looked for in template order; a part not found after the previous one is
    then looked for anywhere (reports with their own structure put 问题 and 其他事项
    before the tables printed as 附表). With `ocr` (text read by OCR), a numbered heading
    line whose title is within a few edits of the template's title is that part: OCR's
    slips in a heading (其他需要报吉的事项) are not the document's. Hits are returned in
    the order they are printed."""
    text, cursor, hits = layout.text, 0, []
    taken: list[tuple[int, int]] = []
    missing = []
    for part, pattern in zip(grammar.parts, grammar.part_patterns, strict=True):
        best = _pick(text, pattern, cursor)
        if best:
            start, end, printed = best
            hits.append(PartHit(part["number"], text[start:end].strip(), printed, start, end))
            taken.append((start, end))
            cursor = end
        else:
            missing.append((part, pattern))
    for part, pattern in missing:
        for start, end, printed, kind in _candidates(text, pattern):
            if kind == "top" and not any(s <= start < e for s, e in taken) and _heading_line(text, start):
                hits.append(PartHit(part["number"], text[start:end].strip(), printed, start, end))
                taken.append((start, end))
                break
        else:
            if ocr and (m := _near_heading(text, part, taken)) is not None:
                # a numeral OCR misread is no misnumbered heading
                printed = m.group("num") if numeral_value(m.group("num")) == part["number"] else None
                hits.append(PartHit(part["number"], m.group(0).strip(), printed, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    for a, b in pairwise(hits):
        a.end = b.start
    if hits:
        hits[-1].end = len(text)
    return hits


def _near_heading(text: str, part: dict, taken: list[tuple[int, int]]):
    """The heading line that is the part's numbered title but for OCR slips (`入、其他需要报
    告的事项`): at most a quarter of its characters (one at least) edited."""
    numeral = _NUMERAL[part["number"] - 1]
    target = label_key(numeral + part["title"])
    for m in _LINE().finditer(text):
        line = m.group(0)
        if "。" in line or any(s <= m.start() < e for s, e in taken):
            continue
        if edit_distance(label_key(line), target) <= max(1, len(target) // 4):
            return m
    return None


_LINE = rx.lazy(r"^[ \t]*(?P<num>\S)[^\n]{1,40}$", re.MULTILINE)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_TOP_HEADING = rx.compile(rf"^[ \t]*(?P<num>[{_NUMERAL}]{{1,2}})\s*[、.．]\s*(?P<title>[^\n。；;：:]{{2,30}})[ \t]*$",
                          re.MULTILINE)


def own_headings(layout: Layout, grammar: Grammar, hits: list[PartHit], table_words: tuple[str, ...]) -> list[str]:
    """Top-level numbered headings (二、工作机制保障) that are none of the template's parts
    and no table label (三、本年度办理结果): the report's own part list."""
    out = []
    for m in _TOP_HEADING.finditer(layout.text):
        title = m.group("title")
        key = label_key(title)
        if (any(p.search(title) for p in grammar.part_patterns) or any(ch.isdigit() for ch in title)
                or any(w in key or w.startswith(key[:2]) for w in table_words)):
            continue
        out.append((numeral_value(m.group("num")), m.group(0).strip()))
    # a numeral a template part is printed with is that part's: a stray 三、… line is no own part
    taken = {numeral_value(h.printed) for h in hits if h.printed and numeral_value(h.printed) == h.number}
    return [text for n, text in out if n not in taken]


def part_text(layout: Layout, hit: PartHit) -> str:
    return layout.text[hit.body_start:hit.end].replace(TABLE_MARK, "").strip()
