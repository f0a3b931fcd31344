"""Ruling lines found on a page bitmap (pdf_ocr.find_rules, rulings): no tesseract needed."""
from __future__ import annotations

from PIL import Image, ImageDraw

from govreport.readers.pdf_ocr import find_rules, rulings


def test_a_rule_ending_at_the_right_border_does_not_run_into_the_next_row():
    im = Image.new("L", (300, 60), 255)
    draw = ImageDraw.Draw(im)
    draw.rectangle([200, 10, 299, 11], fill=0)      # to the right border, rows 10-11
    draw.rectangle([0, 12, 49, 13], fill=0)         # from the left border, rows 12-13
    assert sorted(find_rules(im, 24)) == [(10, 200, 300, 1), (12, 0, 50, 1)]


def test_rulings_of_a_grid_but_not_a_filled_block_or_short_strokes():
    im = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(im)
    for y in (50, 150, 250):
        draw.rectangle([40, y, 560, y + 2], fill=0)
    for x in (40, 300, 560):
        draw.rectangle([x, 50, x + 2, 252], fill=0)
    draw.rectangle([100, 300, 500, 340], fill=0)    # a filled area: thicker than a line
    draw.rectangle([80, 90, 100, 92], fill=0)       # a stroke shorter than a rule, touching nothing
    h, v = rulings(im)
    assert sorted((y, x0, x1) for y, x0, x1, _ in h) == [(51, 40, 563), (151, 40, 563), (251, 40, 563)]
    assert sorted((x, y0, y1) for x, y0, y1, _ in v) == [(41, 50, 253), (301, 50, 253), (561, 50, 253)]
