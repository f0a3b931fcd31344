"""Tables printed without ruling lines, on a PDF page: its prose lines -> word boxes ->
grids rebuilt from their geometry (textgrid), as PageTables like the ruled ones."""
from __future__ import annotations

from functools import cache
from itertools import pairwise

import regex as re

from ..grammar import all_grammars
from ..normalize import clean_text, drop_cjk_gaps, han_count
from .pdf_page import Char
from .pdf_tables import GridCell, PageTable, line_text
from .textgrid import Box, find_tables, is_number

PROSE_WIDTH = 0.85    # a line this wide of the text column, in one piece, is prose
# OCR words are ink boxes, not the glyphs' em boxes: glyphs of one label stand apart by up
# to ~0.6 of a line height (more beside a bracket), so fields split at wider gaps only,
# and where words start at a column start other lines share (within OCR_TOL points)
OCR_GAP = 0.8
OCR_TOL = 1.5
_OPENING = "(（〔[“、，。；：,;:"    # brackets, and punctuation, which never opens a cell
_CLOSING = ")）〕]”"


def split_fields(line, gap_factor: float = 0.25, ink: bool = False) -> list[list[Char]]:
    """Split a line where glyphs stand apart (a quarter of a character): cell edges, spaces.
    With `ink` (OCR word boxes), half a character less beside a full-width bracket, whose
    ink stands on its inner side (`第` `（六）` `项` is one label), or before punctuation."""
    fields: list[list[Char]] = [[line.chars[0]]]
    for prev, ch in pairwise(line.chars):
        gap = ch.x0 - prev.x1
        if ink and (ch.text[:1] in _OPENING or prev.text[-1:] in _CLOSING):
            gap -= line.size / 2
        if gap > gap_factor * line.size:
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
    """A field running over a column edge without a visible gap, cut where a column starts
    exactly at a start other lines share: before a full-width `（` (it carries its space
    inside its box: `三、本年（一）予以公开`), and before a number ending the field that
    touches a label's last glyph (a justified label line `只计这一情` and the row's `8`,
    standing where the column's numbers start on the other lines)."""
    at_start = [any(abs(ch.x0 - s) <= 0.6 for s in starts) for ch in field]
    cuts = {k for k in range(1, len(field)) if at_start[k] and
            (field[k].text in "（(" or _number_after_label(field, k))}
    if not cuts:
        return [field]
    pieces = [[field[0]]]
    for k in range(1, len(field)):
        if k in cuts:
            pieces.append([field[k]])
        else:
            pieces[-1].append(field[k])
    return pieces


def _number_after_label(field: list[Char], k: int) -> bool:
    """The field from k on is a number, the glyph before it Chinese."""
    tail = "".join(ch.text for ch in field[k:])
    return tail[:1].isdigit() and all(c.isdigit() or c in ".," for c in tail) and han_count(field[k - 1].text[-1:]) == 1


def split_at_starts(fields: list[list[Char]], starts: list[tuple[float, float]], size: float) -> list[list[Char]]:
    """OCR fields cut before a word that starts at a shared column start (`不` | `1.属于…`):
    the ink gap between two label columns can be narrower than one between glyphs."""
    out: list[list[Char]] = []
    for f in fields:
        out.append([f[0]])
        for prev, ch in pairwise(f):
            if ch.x0 - prev.x1 > 0.1 * size and any(a - OCR_TOL <= ch.x0 <= b + OCR_TOL for a, b in starts):
                out.append([ch])
            else:
                out[-1].append(ch)
    return out


def shared_starts(fields: list[list[list[Char]]], min_lines: int = 3) -> list[tuple[float, float]]:
    """x-ranges (within OCR_TOL of each other) where fields of at least `min_lines` lines start."""
    xs = sorted((f[0].x0, i) for i, line in enumerate(fields) for f in line)
    groups: list[list[tuple[float, int]]] = []
    for x, i in xs:
        if groups and x - groups[-1][-1][0] <= OCR_TOL:
            groups[-1].append((x, i))
        else:
            groups.append([(x, i)])
    return [(g[0][0], g[-1][0]) for g in groups if len({i for _, i in g}) >= min_lines]


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
    ocr = page is not None and page.ocr
    fields = [split_fields(ln, OCR_GAP, ink=True) if ocr else split_fields(ln) for ln in lines]
    if not any(any(ch.text.isdigit() for f in fs[1:] for ch in f) for fs in fields):
        return lines, []                   # no number standing apart on any line: no table here
    if ocr:
        shared = shared_starts(fields)
        fields = [split_at_starts(fs, shared, ln.size) for ln, fs in zip(lines, fields, strict=True)]
    starts = frozenset() if ocr else column_starts(fields)
    boxes = [words(ln, starts, fs) for ln, fs in zip(lines, fields, strict=True)]
    width = (page.text_right - page.text_left) if page is not None and page.text_right > page.text_left else 0

    def is_break(i: int) -> bool:
        ln = lines[i]
        if len(boxes[i]) == 1 and width and ln.x1 - ln.x0 >= PROSE_WIDTH * width:
            return True
        # OCR puts spaces between CJK words (`三 、收到 和`): a heading is read without them,
        # and may come in a few pieces where OCR saw wider gaps (`四 、` | `政 府 信息` | …)
        pieces = 4 if ocr and not any(is_number(b.text) for b in boxes[i]) else 2
        return len(boxes[i]) <= pieces and _is_heading(drop_cjk_gaps(ln.text) if ocr else ln.text)

    found = find_tables(boxes, is_break, ocr)
    if not found:
        return lines, []
    taken = {i for t in found for i in t.lines}
    tables = [_page_table(t, ocr) for t in found]
    return [ln for k, ln in enumerate(lines) if k not in taken], tables


def _page_table(t, ocr: bool) -> PageTable:
    """A PageTable; a scanned page's keeps where each value cell stands (to read it again)."""
    rows = [[GridCell(r, c, cell.text, cell.merged_from, cell.unread) for c, cell in enumerate(row)]
            for r, row in enumerate(t.rows)]
    return PageTable(t.bbox, rows, t.col_x, t.bottoms, set(), boxes=dict(t.boxes) if ocr else {})
