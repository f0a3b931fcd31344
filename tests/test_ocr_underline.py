"""Underlines under a scan's digits and short labels (readers/underline.py): found and
erased, while glyph strokes that look like them stay. Shapes drawn at 300 dpi sizes (a
9-12 pt digit is ~40-60 px tall) on a page as wide as A4 (a ruling is long next to it);
no tesseract needed."""
from __future__ import annotations

from PIL import Image, ImageDraw

from govreport.readers.pdf_ocr import SHORT_RULE, find_rules, rulings
from govreport.readers.underline import erase, underlines


def _found(im: Image.Image) -> list[tuple[int, int, int, int]]:
    runs = find_rules(im, SHORT_RULE)
    h, _ = rulings(im, runs)
    return underlines(im, runs, h)


def _zero(draw: ImageDraw.ImageDraw, x: int, top: int) -> None:
    """A `0`: a ring 22 px wide, 60 tall."""
    draw.ellipse([x, top, x + 22, top + 60], outline=0, width=4)


def test_the_underline_under_a_digit_is_found_and_erased_leaving_the_digit():
    im = Image.new("L", (2480, 200), 255)
    draw = ImageDraw.Draw(im)
    _zero(draw, 100, 60)
    draw.rectangle([92, 124, 130, 127], fill=0)          # 4 px below the ring, wider than it
    found = _found(im)
    assert [(x0, x1) for _, x0, x1, _ in found] == [(92, 131)]
    erase(im, found)
    assert im.crop((80, 121, 150, 140)).getextrema()[0] == 255      # the line is gone
    assert im.crop((100, 60, 123, 121)).getextrema()[0] == 0        # the digit is not


def test_glyph_strokes_shaped_like_underlines_stay():
    im = Image.new("L", (2480, 200), 255)
    draw = ImageDraw.Draw(im)
    draw.rectangle([40, 100, 90, 104], fill=0)            # 一 (or a printed `-`): nothing above it
    for y in (70, 98, 126):                              # 三: a bottom stroke under thin strokes
        draw.rectangle([160, y, 210, y + 4], fill=0)
    draw.rectangle([280, 70, 310, 74], fill=0)            # 7: a bar with its stem attached
    draw.line([(310, 74), (290, 130)], fill=0, width=5)
    draw.line([(400, 70), (380, 126)], fill=0, width=5)   # 2: its foot joins the stroke above
    draw.rectangle([370, 126, 410, 130], fill=0)
    # 旦 standing on the line beside another glyph: its foot is level with the neighbour's
    draw.rectangle([500, 60, 530, 110], outline=0, width=4)
    draw.rectangle([494, 116, 536, 120], fill=0)
    draw.rectangle([545, 60, 590, 120], outline=0, width=4)
    # 量's middle bar: a glyph part above, another right below
    draw.rectangle([700, 50, 730, 80], outline=0, width=4)
    draw.rectangle([694, 84, 736, 88], fill=0)
    draw.rectangle([700, 92, 730, 130], outline=0, width=4)
    assert _found(im) == []


def test_a_ruling_is_no_underline():
    im = Image.new("L", (2480, 300), 255)
    draw = ImageDraw.Draw(im)
    _zero(draw, 100, 60)
    draw.rectangle([40, 124, 2400, 126], fill=0)          # a table's ruling right under a row
    assert _found(im) == []
