"""One PDF page as plain data: character boxes and ruling lines, read with pypdfium2.

pdfplumber parses a page through pdfminer (35-50 ms); pypdfium2 gives the same
characters and the drawing paths in 2-3 ms. Coordinates here are pdfplumber's:
points from the page's top-left corner (x to the right, `top` downwards).
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import pypdfium2.raw as pdfium_c

from ..limits import DEFAULT as DEFAULT_LIMITS, Limits, refuse


class Char(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class PageContent:
    number: int                          # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)   # pdfplumber-style edge dicts
    image_cover: float = 0.0             # share of the page under its largest image (a scan: ~1)
    unmapped: int = 0                    # glyphs without a Unicode mapping ((cid:x) in pdfminer)
    ocr: bool = False                    # chars are OCR'd words, edges found on the bitmap
    cell_reads: dict = field(default_factory=dict)    # OCR: value cell box -> ocr_cells.CellRead
    text_tables: list = field(default_factory=list)   # OCR: tables without rulings, built and read by ocr_grid
    text_left: float = 0.0               # the body-text column (set by pdf_prose.text_column)
    text_right: float = 0.0
    objects_over: int = 0                # > 0: the page held more drawing objects than this; rulings unread


# A filled rectangle thinner than this is a ruling line drawn as a rectangle; thicker
# fills are cell or paragraph shading (WPS shades each body-text line), not borders.
_THIN = 2.0
_WHITESPACE = frozenset(" \t\r\n\x00\xa0\u3000\ufffe")


def read_page(pdf, index: int, limits: Limits = DEFAULT_LIMITS) -> PageContent:
    """The page's characters (ReadError past limits.pdf_page_chars) and ruling lines (none
    when it holds more drawing objects or path segments than limits.pdf_page_objects)."""
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        rotation = page.get_rotation() % 360
        view = _view(rotation, left, bottom, right, top)
        w, h = right - left, top - bottom
        content = PageContent(index + 1, *((h, w) if rotation in (90, 270) else (w, h)))
        textpage = page.get_textpage()
        try:
            content.chars, content.unmapped = _chars(textpage, view, index + 1, limits)
        finally:
            textpage.close()
        _walk_objects(page.raw, content, view, limits.pdf_page_objects)
        return content
    finally:
        page.close()


def _view(rotation: int, left: float, bottom: float, right: float, top: float) -> tuple:
    """PDF user space -> the page as displayed (/Rotate is clockwise): (ax, bx, cx, ay, by, cy)
    with x' = ax*x + bx*y + cx and top' = ay*x + by*y + cy."""
    return {0: (1, 0, -left, 0, -1, top), 90: (0, 1, -bottom, 1, 0, -left),
            180: (-1, 0, right, 0, 1, -bottom), 270: (0, -1, top, -1, 0, right)}.get(rotation, (1, 0, -left, 0, -1, top))


def _chars(textpage, view: tuple, page: int, limits: Limits) -> tuple[list[Char], int]:
    """Every visible character with its font box, whitespace dropped (gaps give spaces)."""
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    if n > limits.pdf_page_chars:           # counted before a single box is asked for
        raise refuse(f"page {page} holds {n:,} characters", "pdf_page_chars", limits.pdf_page_chars)
    rect = pdfium_c.FS_RECTF()
    rect_p = ctypes.byref(rect)
    tl, tr, tb, tt = (ctypes.c_double() for _ in range(4))
    tight = [ctypes.byref(v) for v in (tl, tr, tb, tt)]
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_tight = pdfium_c.FPDFText_GetCharBox
    map_error = pdfium_c.FPDFText_HasUnicodeMapError
    chars: list[Char] = []
    unmapped = 0
    for i in range(n):
        code = get_unicode(tp, i)
        ch = chr(code) if code < 0x110000 else "\ufffd"
        if ch in _WHITESPACE:
            continue
        if map_error(tp, i) == 1:
            unmapped += 1
            ch = "\ufffd"
        if not get_box(tp, i, rect_p):
            continue
        x0, x1, y0, y1 = rect.left, rect.right, rect.bottom, rect.top
        if x1 - x0 > 24 and y1 - y0 > 24 and get_tight(tp, i, *tight):
            # pdfium sizes the loose box by the font size alone, ignoring a scaling text
            # matrix (WPS's vertical labels: size 199 x 0.05); the glyph box is right then
            w, h = tr.value - tl.value, tt.value - tb.value
            if x1 - x0 > 4 * w + 8 and y1 - y0 > 4 * h + 8:
                pad = max(w, h) * 0.1
                x0, x1, y0, y1 = tl.value - pad, tr.value + pad, tb.value - pad, tt.value + pad
        ax, bx, cx, ay, by, cy = view
        u0, u1 = ax * x0 + bx * y0 + cx, ax * x1 + bx * y1 + cx
        v0, v1 = ay * x0 + by * y0 + cy, ay * x1 + by * y1 + cy
        if math.isfinite(u0 + u1 + v0 + v1):
            chars.append(Char(ch, min(u0, u1), min(v0, v1), max(u0, u1), max(v0, v1)))
    return dedupe_chars(chars), unmapped


def dedupe_chars(chars: list[Char], tol: float = 1.5) -> list[Char]:
    """Drop a character drawn again at (almost) the same place: fake bold prints each glyph twice."""
    # buckets twice the tolerance wide: a near twin sits in this bucket or the nearer neighbour
    size = 2 * tol
    seen: dict[tuple[str, int, int], list[Char]] = {}
    out = []
    for c in chars:
        fx, fy = c.x0 / size, c.top / size
        bx, by = int(fx), int(fy)
        nx = bx - 1 if fx - bx < 0.5 else bx + 1
        ny = by - 1 if fy - by < 0.5 else by + 1
        dup = False
        for key in ((c.text, bx, by), (c.text, nx, by), (c.text, bx, ny), (c.text, nx, ny)):
            for o in seen.get(key, ()):
                if abs(o.x0 - c.x0) <= tol and abs(o.top - c.top) <= tol:
                    dup = True
                    break
            if dup:
                break
        if not dup:
            seen.setdefault((c.text, bx, by), []).append(c)
            out.append(c)
    return out


def _mul(m, n):
    """Matrix product m x n for PDF matrices (a, b, c, d, e, f): apply m first, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class _TooManyObjects(Exception):
    pass


def _walk_objects(raw_page, content: PageContent, view: tuple, limit: int) -> None:
    """Rulings from the drawing objects; none (and content.objects_over set) when the page
    holds more objects or path segments than `limit`: checked before and during the walk,
    so a page of millions of paths costs a count, not the walk."""
    count = pdfium_c.FPDFPage_CountObjects(raw_page)
    left = [limit - count]
    try:
        if left[0] < 0:
            raise _TooManyObjects
        objs = [pdfium_c.FPDFPage_GetObject(raw_page, i) for i in range(count)]
        _visit(objs, _IDENTITY, content, view, 0, left)
    except _TooManyObjects:
        content.edges = []
        content.objects_over = limit


def _visit(objs, parent_matrix, content: PageContent, view: tuple, depth: int, left: list[int]) -> None:
    fs = pdfium_c.FS_MATRIX()
    for obj in objs:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            # the image's bounds are in its parent's space: under a form, approximate by scale
            x0, b, r, t = (ctypes.c_float() for _ in range(4))
            if pdfium_c.FPDFPageObj_GetBounds(obj, x0, b, r, t):
                sx = (parent_matrix[0] ** 2 + parent_matrix[1] ** 2) ** 0.5
                sy = (parent_matrix[2] ** 2 + parent_matrix[3] ** 2) ** 0.5
                area = (r.value - x0.value) * sx * (t.value - b.value) * sy
                content.image_cover = max(content.image_cover, area / max(1.0, content.width * content.height))
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            pdfium_c.FPDFPageObj_GetMatrix(obj, fs)
            m = _mul((fs.a, fs.b, fs.c, fs.d, fs.e, fs.f), parent_matrix)
            left[0] -= pdfium_c.FPDFPath_CountSegments(obj)
            if left[0] < 0:
                raise _TooManyObjects
            _path_edges(obj, m, content, view)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
            pdfium_c.FPDFPageObj_GetMatrix(obj, fs)
            m = _mul((fs.a, fs.b, fs.c, fs.d, fs.e, fs.f), parent_matrix)
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            left[0] -= n
            if left[0] < 0:
                raise _TooManyObjects
            kids = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n)]
            _visit(kids, m, content, view, depth + 1, left)


def _path_edges(obj, m, content: PageContent, view: tuple) -> None:
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not stroke.value and not fill.value:
        return
    # fold the object's matrix and the page view into one map: segment point -> displayed page
    ax, bx, cx, ay, by, cy = view
    a, b, c, d, e, f = m
    a, b, c, d, e, f = (ax * a + bx * b, ay * a + by * b, ax * c + bx * d, ay * c + by * d,
                        ax * e + bx * f + cx, ay * e + by * f + cy)
    x = ctypes.c_float()
    y = ctypes.c_float()
    pts: list[tuple[int, float, float, bool]] = []
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        px, py = x.value, y.value
        pts.append((pdfium_c.FPDFPathSegment_GetType(seg), a * px + c * py + e,
                    b * px + d * py + f, bool(pdfium_c.FPDFPathSegment_GetClose(seg))))
    if not pts or not all(math.isfinite(p[1]) and math.isfinite(p[2]) for p in pts):
        return                                   # a degenerate matrix in a hostile file
    if stroke.value:
        _stroked(pts, content.edges)
    else:
        xs = [p[1] for p in pts]
        ys = [p[2] for p in pts]
        x0, x1, t, btm = min(xs), max(xs), min(ys), max(ys)
        if x1 - x0 <= _THIN and btm - t > _THIN:
            mid = (x0 + x1) / 2
            content.edges.append(_edge("v", mid, t, mid, btm))
        elif btm - t <= _THIN and x1 - x0 > _THIN:
            mid = (t + btm) / 2
            content.edges.append(_edge("h", x0, mid, x1, mid))


def _stroked(pts, edges: list[dict]) -> None:
    """Each straight axis-parallel piece of a stroked path is a ruling line."""
    start = cur = None
    for kind, px, py, close in pts:
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or cur is None:
            start = cur = (px, py)
        else:
            if kind == pdfium_c.FPDF_SEGMENT_LINETO:
                _add_line(cur, (px, py), edges)
            cur = (px, py)
        if close and start is not None:
            _add_line(cur, start, edges)
            cur = start


def _add_line(p, q, edges: list[dict]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < 1 and abs(x1 - x0) >= 1:
        y = (y0 + y1) / 2
        edges.append(_edge("h", min(x0, x1), y, max(x0, x1), y))
    elif abs(x1 - x0) < 1 and abs(y1 - y0) >= 1:
        x = (x0 + x1) / 2
        edges.append(_edge("v", x, min(y0, y1), x, max(y0, y1)))


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    # the keys pdfplumber.table's merge/intersection functions read
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation, "object_type": "line"}
