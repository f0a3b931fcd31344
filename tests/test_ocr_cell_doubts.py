"""Where a scan's cell reads must not be trusted, on plain data (no tesseract needed):
a crop holding two numbers' ink, and table pieces whose columns do not map one to one."""
from __future__ import annotations

from PIL import Image, ImageDraw

from govreport.readers.ocr_grid import _apart
from govreport.readers.pdf_tables import GridCell, PageTable, unify_columns


def _digit(draw: ImageDraw.ImageDraw, x: int) -> None:
    """A digit-sized ring, 20 px wide and 40 tall, from x."""
    draw.ellipse([x, 10, x + 20, 50], outline=0, width=4)


def test_a_crop_holding_a_neighbours_digit_is_apart_a_number_with_a_point_is_not():
    crop = Image.new("L", (200, 60), 255)
    draw = ImageDraw.Draw(crop)
    _digit(draw, 10)            # `1` of 21, left in this column's crop
    _digit(draw, 90)            # the column's own 0, a column's gap away
    assert _apart(crop)
    crop = Image.new("L", (200, 60), 255)
    draw = ImageDraw.Draw(crop)
    for x in (10, 34, 58):
        _digit(draw, x)
    draw.rectangle([85, 45, 89, 50], fill=0)        # the point of 186.06: the blank round it
    for x in (100, 124):                            # is wider than half a digit's height, but cut
        _digit(draw, x)
    assert not _apart(crop)
    draw.rectangle([190, 2, 192, 4], fill=0)        # a speck at the crop's edge is no number
    assert not _apart(crop)


def _piece(col_x: list[float]) -> PageTable:
    rows = [[GridCell(r, c, f"{r}{c}") for c in range(len(col_x))] for r in range(2)]
    boxes = {(r, c): (x, 10.0 * r, x + 5, 10.0 * r + 8) for r in range(2) for c, x in enumerate(col_x)}
    return PageTable((0, 0, 500, 20), rows, col_x, [8.0, 18.0], set(), ocr=True, boxes=boxes)


def test_pieces_whose_columns_are_out_of_order_keep_their_own():
    """A scan's label area running past the first value column (263 then 257): mapped to
    shared columns, rows and cell boxes would part, and one cell take another's reads."""
    odd, other = _piece([34.0, 263.3, 256.8, 282.2]), _piece([35.0, 118.0, 256.8, 282.2])
    before = ([[g.text for g in row] for row in odd.rows], dict(odd.boxes), list(odd.col_x))
    unify_columns([odd, other])
    assert ([[g.text for g in row] for row in odd.rows], odd.boxes, odd.col_x) == before
    assert len(other.col_x) == 4


def test_pieces_in_order_still_share_their_columns():
    a, b = _piece([34.0, 120.0, 256.8]), _piece([34.0, 256.8])
    unify_columns([a, b])
    assert a.col_x == b.col_x == [34.0, 120.0, 256.8]
    # each cell's box moved with its text
    assert all(b.boxes[(r, c)][0] == b.col_x[c] for (r, c) in b.boxes)
    assert [g.text for g in b.rows[0]] == ["00", None, "01"]
