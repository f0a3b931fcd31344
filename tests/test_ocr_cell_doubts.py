"""Where a scan's cell reads must not be trusted, on plain data (no tesseract needed):
a crop holding two numbers' ink, and table pieces whose columns do not map one to one
(each cell's box must stay with the text read from it)."""
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


def _text_of_each_box(p: PageTable) -> dict:
    return {box: p.rows[r][c].text for (r, c), box in p.boxes.items()}


def test_pieces_whose_columns_are_out_of_order_keep_each_box_with_its_text():
    """A scan's label area running past the first value column (263 then 257): whatever
    the shared columns, each cell box stays with the text read from it (else one cell
    takes another's reads: a wrong 210 printed as confirmed)."""
    odd, other = _piece([34.0, 263.3, 256.8, 282.2]), _piece([35.0, 118.0, 256.8, 282.2])
    before = [_text_of_each_box(p) for p in (odd, other)]
    unify_columns([odd, other])
    assert [_text_of_each_box(p) for p in (odd, other)] == before
    assert all(len(row) == len(p.col_x) for p in (odd, other) for row in p.rows)


def test_pieces_in_order_still_share_their_columns():
    a, b = _piece([34.0, 120.0, 256.8]), _piece([34.0, 256.8])
    before = _text_of_each_box(b)
    unify_columns([a, b])
    assert a.col_x == b.col_x == [34.0, 120.0, 256.8]
    assert _text_of_each_box(b) == before
    assert [g.text for g in b.rows[0]] == ["00", None, "01"]
