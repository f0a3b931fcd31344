"""Underlines under short runs of text on a scanned page, found so they can be erased.

Some reports underline their table's labels and digits (HTML `<u>`), and printers keep
the line. Under a digit it joins the glyph in OCR's eyes (`0` read as `吕`, `岂`), or
stands as a row of its own (`- - -`). A long underline is taken for a ruling already
(pdf_ocr.rulings) and painted out; the short ones are found here: a thin horizontal run
standing apart, with a glyph's full height of ink right above it, a little gap between.

What keeps glyph strokes out (`一` `二` `三`, the bars of 7, 5, 2, the foot of `旦`):
- a stroke touching the rest of its glyph (2, 4, 5, 7) has ink on the row next to it;
- a stroke with white above (`一`, a `-` printed for none, the top bar of 7) underlines nothing;
- a bottom stroke under other strokes (`三`, `二`) has only a thin stroke right above it,
  never a glyph's height of ink;
- a glyph's foot (`旦`) stands on the line with the glyphs beside it, whose ink reaches
  its level: an underline reaches below the line, alone at its height.
"""
from __future__ import annotations

from PIL import Image

from .ocr_cells import INK

MAX_HALF = 3          # px (at 300 dpi): an underline is at most this thick on each side of its centre
MIN_LEN = 20          # px: shorter runs are parts of glyphs
TALL = 4              # the ink above is at least this many times the run's thickness: a glyph
BELOW = 0.4           # white below for at least this fraction of the glyph's height
MAX_GAP = 0.2         # the gap above is at most this fraction of the glyph's height (and a few px)


def underlines(image: Image.Image, runs: list[tuple[int, int, int, int]],
               rules: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The runs `(y, x0, x1, half thickness)` (px, pdf_ocr.find_rules) of `image` that are
    underlines under text; `rules` (the page's rulings) are never among them."""
    w, h = image.size
    data = image.point(lambda v: 255 if v < INK else 0).tobytes()

    def inked(y: int, x0: int, x1: int) -> bool:
        return 0 <= y < h and b"\xff" in data[y * w + max(0, x0):y * w + min(w, x1)]

    taken = {(y, x0, x1) for y, x0, x1, _ in rules}
    out = []
    for run in runs:
        y, x0, x1, t = run
        if t > MAX_HALF or x1 - x0 < MIN_LEN or (y, x0, x1) in taken:
            continue
        top, bottom = _edges(inked, y, x0, x1)
        # the rows right above and below are white: the run is no stroke of a larger glyph
        if inked(top - 1, x0, x1) or inked(bottom + 1, x0, x1):
            continue
        gap, tall = _ink_above(inked, top, x0, x1, h)
        thick = bottom - top + 1
        if tall < TALL * thick or gap > max(3, MAX_GAP * tall):
            continue
        # below, and beside it for a glyph's height: the space between lines (a stroke inside
        # a glyph, the bar of 量 or of 综, has the glyph's lower part or its neighbours' there)
        side = max(4, tall)
        below = max(2 * gap, int(BELOW * tall))
        if any(inked(r, x0 - side, x1 + side) for r in range(bottom + 1, bottom + 1 + below)):
            continue
        # alone at its height
        if any(inked(r, x0 - side, x0 - 1) or inked(r, x1 + 1, x1 + side) for r in range(top, bottom + 1)):
            continue
        out.append((y, x0, x1, t))
    return out


def _edges(inked, y: int, x0: int, x1: int) -> tuple[int, int]:
    """First and last row of the run's band (rows with ink over most of its length)."""
    top = bottom = y
    while top - 1 >= 0 and _full(inked, top - 1, x0, x1):
        top -= 1
    while _full(inked, bottom + 1, x0, x1):
        bottom += 1
    return top, bottom


def _full(inked, y: int, x0: int, x1: int) -> bool:
    """Ink at both ends and the middle of the span on row y (a run's row, not a glyph's)."""
    q = max(1, (x1 - x0) // 8)
    return all(inked(y, a, a + q) for a in (x0, (x0 + x1) // 2 - q // 2, x1 - q))


def _ink_above(inked, top: int, x0: int, x1: int, h: int) -> tuple[int, int]:
    """(white rows right above the run, then rows of ink in one stretch above them)."""
    y = top - 1
    limit = max(0, top - 4 * (x1 - x0) - 40)
    while y >= limit and not inked(y, x0, x1):
        y -= 1
    gap = top - 1 - y
    tall = 0
    while y >= 0 and inked(y, x0, x1):
        tall += 1
        y -= 1
    return gap, tall


def erase(image: Image.Image, found: list[tuple[int, int, int, int]]) -> None:
    """Paint the underlines white (a pixel past their ends and thickness: anti-aliasing)."""
    from PIL import ImageDraw
    draw = ImageDraw.Draw(image)
    for y, x0, x1, t in found:
        draw.rectangle([x0 - 1, y - t - 1, x1 + 1, y + t + 1], fill=255)
