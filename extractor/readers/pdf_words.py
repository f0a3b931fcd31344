"""Tables printed without ruling lines, on a PDF page: its prose lines -> word boxes ->
grids rebuilt from their geometry (textgrid), as PageTables like the ruled ones."""
from __future__ import annotations

from functools import cache
from itertools import pairwise

import regex as re

from ..grammar import all_grammars
from ..normalize import clean_text
from .pdf_page import Char
from .pdf_tables import GridCell, PageTable, line_text
from .textgrid import Box, find_tables

PROSE_WIDTH = 0.85    # a line this wide of the text column, in one piece, is prose


def split_fields(line, gap_factor: float = 0.25) -> list[list[Char]]:
    """Split a line where glyphs stand apart (a quarter of a character): cell edges, spaces."""
    fields: list[list[Char]] = [[line.chars[0]]]
    for prev, ch in pairwise(line.chars):
        if ch.x0 - prev.x1 > gap_factor * line.size:
            fields.append([ch])
        else:
            fields[-1].append(ch)
    return fields


def words(line, starts: frozenset[float] = frozenset(), fields=None) -> list[Box]:
    out = []
    for f in fields if fields is not None else split_fields(line):
        for piece in (_split_at(f, starts) if starts and len(f) > 1 else (f,)):
            out.append(Box(line_text(piece), piece[0].x0, max(c.x1 for c in piece),
                           min(c.top for c in piece), max(c.bottom for c in piece)))
    return out


def _split_at(field: list[Char], starts: frozenset[float]) -> list[list[Char]]:
    """A field running over a column edge without a visible gap (a full-width `（` carries
    its space inside its box: `三、本年（一）予以公开`): cut before a bracket that starts
    exactly at a column start other lines share."""
    if not any(ch.text in "（(" for ch in field[1:]):
        return [field]
    pieces = [[field[0]]]
    for ch in field[1:]:
        if ch.text in "（(" and any(abs(ch.x0 - s) <= 0.6 for s in starts):
            pieces.append([ch])
        else:
            pieces[-1].append(ch)
    return pieces


def column_starts(fields: list[list[list[Char]]], min_lines: int = 3) -> frozenset[float]:
    """x-positions where fields of at least `min_lines` lines start (rounded to half a point)."""
    seen: dict[float, set[int]] = {}
    for i, line in enumerate(fields):
        for f in line:
            seen.setdefault(round(f[0].x0 * 2) / 2, set()).add(i)
    return frozenset(x for x, ls in seen.items() if len(ls) >= min_lines)


@cache
def _headings():
    """One pattern for every part title of every edition."""
    return re.compile("|".join(f"(?:{p.pattern})" for g in all_grammars() for p in g.part_patterns))


def _is_heading(text: str) -> bool:
    return bool(_headings().search(clean_text(text)))


def find_text_tables(lines: list, page=None) -> tuple[list, list[PageTable]]:
    """Pull borderless tables out of a page's prose lines. Returns (remaining lines, tables)."""
    fields = [split_fields(ln) for ln in lines]
    if not any(any(ch.text.isdigit() for f in fs[1:] for ch in f) for fs in fields):
        return lines, []                   # no number standing apart on any line: no table here
    starts = column_starts(fields)
    boxes = [words(ln, starts, fs) for ln, fs in zip(lines, fields, strict=True)]
    width = (page.text_right - page.text_left) if page is not None and page.text_right > page.text_left else 0

    def is_break(i: int) -> bool:
        ln = lines[i]
        if len(boxes[i]) == 1 and width and ln.x1 - ln.x0 >= PROSE_WIDTH * width:
            return True
        return len(boxes[i]) <= 2 and _is_heading(ln.text)

    found = find_tables(boxes, is_break)
    if not found:
        return lines, []
    taken = {i for t in found for i in t.lines}
    tables = [_page_table(t) for t in found]
    return [ln for k, ln in enumerate(lines) if k not in taken], tables


def _page_table(t) -> PageTable:
    rows = [[GridCell(r, c, cell.text, cell.merged_from, cell.unread) for c, cell in enumerate(row)]
            for r, row in enumerate(t.rows)]
    return PageTable(t.bbox, rows, t.col_x, t.bottoms, set())
