"""Table grids on one page: ruling lines -> cells (pdfplumber's lattice), chars -> cell text.

The edges come from pypdfium2 (pdf_page), the cell geometry from pdfplumber.table's
own functions, so the grid is the one pdfplumber's extract_tables() finds, without
pdfminer parsing the page.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from pdfplumber.utils import filter_edges

from .pdf_page import Char

SNAP = 3.0          # pdfplumber's default snap / join / intersection tolerances
MIN_EDGE = 3.0
X_GAP = 3.0         # a horizontal gap wider than this between two glyphs is a space


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    text: str | None            # None: covered by the merged cell at merged_from
    merged_from: tuple[int, int] | None = None
    unread: bool = False        # words stand here that cannot be placed as one value


@dataclass(slots=True)
class PageTable:
    bbox: tuple[float, float, float, float]      # x0, top, x1, bottom
    rows: list[list[GridCell]]
    col_x: list[float]                           # left edge of each grid column
    bottoms: list[float]                         # bottom edge of each grid row
    chars: set[int]                              # ids of the chars placed in cells
    ocr: bool = False                            # cell text read by OCR
    boxes: dict = field(default_factory=dict)    # (row, col) of each cell's top-left -> its bbox


def find_tables(edges: list[dict], chars: list[Char]) -> list[PageTable]:
    if len(edges) < 4:
        return []
    merged = merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    merged = filter_edges(merged, min_length=MIN_EDGE)
    if not any(e["orientation"] == "v" for e in merged) or not any(e["orientation"] == "h" for e in merged):
        return []
    closed = close_open_sides(merged)
    if len(closed) > len(merged):
        merged = filter_edges(merge_edges(closed, SNAP, SNAP, SNAP, SNAP), min_length=MIN_EDGE)
    points = edges_to_intersections(merged, SNAP, SNAP)
    cells = intersections_to_cells(points)
    return [_grid(group, chars) for group in cells_to_tables(cells)]


def close_open_sides(edges: list[dict]) -> list[dict]:
    """Add the border a table lacks where it is cut by a page break.

    WPS draws no bottom rule under the last row before a page break (only cell shading,
    which we ignore), so the verticals run on past the last horizontal. Where two or more
    rulings that cross one common ruling end at the same place, draw the missing side.
    (Only top and bottom: closing open left/right sides would glue stacked tables.)
    """
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    added = []
    for end, key in (("bottom", max), ("top", min)):
        added += _closing(vs, hs, end, key, "h")
    return edges + added


def _closing(lines: list[dict], across: list[dict], end: str, key, orient: str) -> list[dict]:
    """Missing `orient` rulings where the `lines` rulings end together at `end`."""
    pos = "x0" if orient == "h" else "top"          # where each of `lines` sits along the new side
    across_pos = "top" if orient == "h" else "x0"   # where a drawn side would sit
    out = []
    for group in _cluster(lines, end):
        # a line crossing none of the other rulings is the table's only if it runs exactly
        # alongside one that does (the side of a column holding one merged cell); else
        # it is something else, a page frame
        grid = [e for e in group if any(_crosses(a, e) for a in across)]
        group = [e for e in group if e in grid or any(_alongside(e, g) for g in grid)]
        if len(group) < 2:
            continue
        at = key(e[end] for e in group)
        lo, hi = min(e[pos] for e in group), max(e[pos] for e in group)
        if any(abs(a[across_pos] - at) <= SNAP and _spans(a, lo, hi, orient) for a in across):
            continue                                   # the side is drawn
        if not any(sum(_crosses(a, e) for e in group) >= 2 for a in across):
            continue
        if orient == "h":
            out.append(_synthetic("h", lo, at, hi, at))
        else:
            out.append(_synthetic("v", at, lo, at, hi))
    return out


def _alongside(e: dict, g: dict) -> bool:
    return all(abs(e[k] - g[k]) <= SNAP for k in (("top", "bottom") if e["orientation"] == "v" else ("x0", "x1")))


def _cluster(edges: list[dict], attr: str) -> list[list[dict]]:
    groups: list[list[dict]] = []
    for e in sorted(edges, key=lambda e: e[attr]):
        if groups and e[attr] - groups[-1][-1][attr] <= SNAP:
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def _spans(a: dict, lo: float, hi: float, orient: str) -> bool:
    if orient == "h":
        return a["x0"] <= lo + SNAP and a["x1"] >= hi - SNAP
    return a["top"] <= lo + SNAP and a["bottom"] >= hi - SNAP


def _crosses(a: dict, e: dict) -> bool:
    """Does ruling `a` cross ruling `e` (perpendicular to it)?"""
    if a["orientation"] == "h":
        return a["x0"] - SNAP <= e["x0"] <= a["x1"] + SNAP and e["top"] - SNAP <= a["top"] <= e["bottom"] + SNAP
    return a["top"] - SNAP <= e["top"] <= a["bottom"] + SNAP and e["x0"] - SNAP <= a["x0"] <= e["x1"] + SNAP


def _synthetic(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}


def _grid(cells: list[tuple], chars: list[Char]) -> PageTable:
    xs = sorted({c[0] for c in cells})
    tops = sorted({c[1] for c in cells})
    col_of = {x: i for i, x in enumerate(xs)}
    row_of = {t: i for i, t in enumerate(tops)}
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    owner: list[list[tuple | None]] = [[None] * len(xs) for _ in tops]    # grid position -> its cell
    grid: list[list[GridCell | None]] = [[None] * len(xs) for _ in tops]
    bottoms = [0.0] * len(tops)
    for cell in cells:
        x0, top, x1, bottom = cell
        r0, c0 = row_of[top], col_of[x0]
        bottoms[r0] = max(bottoms[r0], bottom)
        for r in range(r0, len(tops)):
            if tops[r] >= bottom:
                break
            for c in range(c0, len(xs)):
                if xs[c] >= x1:
                    break
                if owner[r][c] is None:
                    owner[r][c] = cell
                    if (r, c) != (r0, c0):
                        grid[r][c] = GridCell(r, c, None, (r0, c0))
    # each glyph goes to the cell holding its centre: find the grid position by bisection
    mine: dict[tuple, list[Char]] = {}
    stray: dict[tuple[int, int], list[Char]] = {}        # glyphs at grid positions no closed cell covers
    used: set[int] = set()
    for i, ch in enumerate(chars):
        x = (ch.x0 + ch.x1) / 2
        y = (ch.top + ch.bottom) / 2
        if not (bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]):
            continue
        r, c = bisect_right(tops, y) - 1, bisect_right(xs, x) - 1
        hit = owner[r][c] if r >= 0 and c >= 0 else None
        if hit is not None and hit[0] <= x < hit[2] and hit[1] <= y < hit[3]:
            mine.setdefault(hit, []).append(ch)
            used.add(i)
        elif hit is None and r >= 0 and c >= 0:
            stray.setdefault((r, c), []).append(ch)
            used.add(i)
    for cell in cells:
        r0, c0 = row_of[cell[1]], col_of[cell[0]]
        grid[r0][c0] = GridCell(r0, c0, chars_to_text(mine.get(cell, [])))
    _open_cells(grid, stray)
    rows = [[g if g is not None else GridCell(r, c, "") for c, g in enumerate(row)] for r, row in enumerate(grid)]
    boxes = {(row_of[c[1]], col_of[c[0]]): c for c in cells}
    return PageTable(bbox, rows, xs, bottoms, used, boxes=boxes)


def _open_cells(grid: list[list[GridCell | None]], stray: dict[tuple[int, int], list[Char]]) -> None:
    """Text at grid positions no closed cell covers (LibreOffice leaves the right and bottom
    rulings of a merged cell undrawn: 行政事业性收费's amount): the run of uncovered
    positions it stands in, along its row, is one cell holding that text."""
    for r, c in sorted(stray):
        if grid[r][c] is not None:
            continue                      # already part of a run
        lo = c
        while lo > 0 and grid[r][lo - 1] is None:
            lo -= 1
        hi = c
        while hi + 1 < len(grid[r]) and grid[r][hi + 1] is None:
            hi += 1
        run = [ch for k in range(lo, hi + 1) for ch in stray.get((r, k), [])]
        grid[r][lo] = GridCell(r, lo, chars_to_text(run))
        for k in range(lo + 1, hi + 1):
            grid[r][k] = GridCell(r, k, None, (r, lo))


def _center_in(ch: Char, box) -> bool:
    # pdfplumber's rule: a glyph belongs to the cell holding its centre
    x = (ch.x0 + ch.x1) / 2
    y = (ch.top + ch.bottom) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


_LOW_MARKS = frozenset(".,．，")


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Chars -> lines (top to bottom), each sorted left to right."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c.top + c.bottom) / 2)
    lines: list[list[Char]] = []
    line_mid = None
    tol = 0.0
    bottom = 0.0
    for ch in ordered:
        mid = (ch.top + ch.bottom) / 2
        # a full stop's box sits low on the line (`2.` in a label): it belongs to the line
        # above when it does not reach below that line's glyphs
        low_dot = ch.text in _LOW_MARKS and line_mid is not None and ch.bottom <= bottom + 1
        if line_mid is not None and (mid - line_mid <= tol or low_dot):
            lines[-1].append(ch)
            bottom = max(bottom, ch.bottom)
            continue
        lines.append([ch])
        line_mid = mid
        bottom = ch.bottom
        tol = max(SNAP, (ch.bottom - ch.top) * 0.4)
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def line_text(line: list[Char], gap: float = X_GAP) -> str:
    out = []
    prev = None
    for ch in line:
        if prev is not None and ch.x0 - prev.x1 > gap:
            out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out)


def chars_to_text(chars: list[Char]) -> str:
    return "\n".join(line_text(line) for line in group_lines(chars))


def continues(a: PageTable, b: PageTable, tol: float = 4.0) -> bool:
    """Could b (top of the next page) be the rest of a (bottom of this page)? Same left and
    right edges, and most column lines of the narrower piece shared."""
    if abs(a.bbox[0] - b.bbox[0]) > tol or abs(a.bbox[2] - b.bbox[2]) > tol:
        return False
    few, many = sorted((a.col_x, b.col_x), key=len)
    shared = sum(any(abs(x - y) <= tol for y in many) for x in few)
    return shared * 2 > len(few)


def _drawn_columns(pieces: list[PageTable], tol: float) -> tuple[list[float], list[list[int] | None]]:
    """Every piece's columns, those within tol of each other one (a PDF's drawn or text
    columns), and each piece's columns' first place among them."""
    union: list[float] = []
    for p in pieces:
        for x in p.col_x:
            if not any(abs(x - u) <= tol for u in union):
                union.append(x)
    union.sort()
    return union, [[next(j for j, u in enumerate(union) if abs(u - x) <= tol) for x in p.col_x] for p in pieces]


def _scan_columns(pieces: list[PageTable], tol: float) -> tuple[list[float], list[list[int] | None]]:
    """As _drawn_columns, for a scan's pieces: two columns of one piece a few points apart
    (its label columns) stay two, and a piece's first column covers any left of it; a
    piece whose columns would cross over is left as it is (None)."""
    union: list[float] = []
    claimed: list[list[int]] = []        # per piece: the union column each of its columns is
    for p in pieces:
        mine: list[int] = []
        for x in p.col_x:
            # the nearest column of another piece within tol, right of the one this piece's
            # previous column is, is this one
            after = union[mine[-1]] if mine else float("-inf")
            near = [j for j, u in enumerate(union) if abs(u - x) <= tol and u > after and j not in mine]
            j = min(near, key=lambda j: abs(union[j] - x)) if near else None
            if j is None:
                union.append(x)
                j = len(union) - 1
            mine.append(j)
        claimed.append(mine)
    order = sorted(range(len(union)), key=lambda j: union[j])
    rank = {j: k for k, j in enumerate(order)}
    firsts: list[list[int] | None] = []
    for mine in claimed:
        first = [0] + [rank[j] for j in mine[1:]]
        firsts.append(None if any(b <= a for a, b in pairwise(first)) else first)
    return [union[j] for j in order], firsts


def unify_columns(pieces: list[PageTable], tol: float = 4.0) -> None:
    """Give the pieces of one table the same grid columns (in place).

    A page's piece only has the column lines drawn on that page: table 三's sub-item
    column starts with （三）, so the piece above it has one column fewer. Splitting the
    missing columns in (as merged cells) lets every piece index its columns alike.
    """
    union, firsts = (_scan_columns if any(p.ocr for p in pieces) else _drawn_columns)(pieces, tol)
    for p, first in zip(pieces, firsts, strict=True):
        if first is None or len(p.col_x) == len(union):
            continue
        # new columns that each old column now covers: [first, end)
        end = first[1:] + [len(union)]
        new_of = dict(enumerate(first))

        def remap(m, new_of=new_of):
            return None if m is None else (m[0], new_of[m[1]])

        rows = []
        for r, row in enumerate(p.rows):
            out = []
            for c, g in enumerate(row):
                owner = g.merged_from or (r, c)
                for j in range(first[c], end[c]):
                    if j == first[c]:
                        out.append(GridCell(r, j, g.text, remap(g.merged_from), g.unread))
                    else:
                        out.append(GridCell(r, j, None, (owner[0], new_of[owner[1]])))
            rows.append(out)
        p.rows = rows
        p.boxes = {(r, new_of[c]): box for (r, c), box in p.boxes.items()}
        p.col_x = [union[j] for j in range(len(union))]
