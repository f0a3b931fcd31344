"""Tables printed without rulings, on a scanned page: OCR words placed like a text PDF's.

The page's OCR words go through the same placement as the glyphs of a PDF with a text
layer (pdf_words, textgrid: value columns where the numbers stand, labels joined by the
grammars' words), so a column comes from the bands the numbers of the whole table make,
never from the gaps between glyphs alone. Then every value cell is read again alone and
voted on (ocr_cells), as in ruled tables. The tables are built here, where the page image
is, and handed to the assembler whole (PageContent.text_tables): the cell reads belong to
exactly these grids.
"""
from __future__ import annotations

from itertools import pairwise

from PIL import Image

from .ocr_cells import INK, CellRead, box_key, overlap, vote_cells
from .pdf_page import Char, PageContent
from .pdf_prose import build_lines, drop_furniture, text_column
from .pdf_tables import PageTable
from .pdf_words import find_text_tables


def read_text_tables(page, chars: list[Char], conf: dict,
                     size: tuple[float, float]) -> tuple[list[Char], list[PageTable], dict]:
    """(the page's words outside the tables, the tables with each value cell's voted text,
    box_key -> CellRead). `page` crops and OCRs cells (pdf_ocr._Page); size is the page's
    (width, height) in points."""
    content = PageContent(0, size[0], size[1], chars=chars, ocr=True)
    lines = build_lines(chars, content)
    drop_furniture([lines], [content])         # page numbers, which could join a table's last row
    text_column([lines], [content])
    rest, tables = find_text_tables(lines, content)
    if not tables:
        return chars, [], {}
    boxes = [b for t in tables for b in t.boxes.values()]
    # a page word over several value cells (`和` read over a row of seven `0`s) is no read
    # of any of them
    wide = {id(ch) for ch in chars if sum(overlap(ch, b) > (ch.bottom - ch.top) / 4 for b in boxes) > 1}
    reads = vote_cells(page, [ch for ch in chars if id(ch) not in wide], conf, boxes)
    for box, crop in zip(boxes, page.crops(boxes), strict=True):
        read = reads[box_key(box)]
        if read.confirmed and read.text and (_cut(crop) or _apart(crop)):
            # ink runs over the crop's side: a digit beside it may be cut off (139 read as 13);
            # or stands in two groups: a neighbour's digit in the crop (`1` of 21 beside `0`)
            reads[box_key(box)] = CellRead(read.text, read.reads or (read.text,), False)
    for t in tables:
        t.ocr = True
        for (r, c), box in t.boxes.items():
            t.rows[r][c].text = reads[box_key(box)].text
    left = {id(ln) for ln in rest}
    taken = {id(ch) for ln in lines if id(ln) not in left for ch in ln.chars}
    return [ch for ch in chars if id(ch) not in taken], tables, reads


def _cut(crop: Image.Image) -> bool:
    """Does ink touch the crop's left or right side?"""
    if crop.width < 4:
        return True
    for x in (0, 1, crop.width - 2, crop.width - 1):
        darkest = crop.crop((x, 0, x + 1, crop.height)).getextrema()[0]
        if isinstance(darkest, int | float) and darkest < INK:
            return True
    return False


APART = 0.5     # a gap in a cell's ink this many times its height parts two numbers (digits stand closer)


def _apart(crop: Image.Image) -> bool:
    """Does the crop's line of ink stand in glyphs further apart than digits of one number
    do? (Specks, and the edges of the lines above and below, are no glyphs.)"""
    bw = crop.point(lambda v: 255 if v < INK else 0)
    w = bw.width
    data = bw.tobytes()
    inked = [b"\xff" in data[y * w:(y + 1) * w] for y in range(bw.height)]
    # the tallest run of rows with ink: the line the cell's number stands on
    best, start = (0, 0), None
    for y, on in enumerate(inked + [False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            best = max(best, (y - start, start))
            start = None
    height, top = best
    if height < 4:
        return False
    line = bw.crop((0, top, w, top + height))
    columns = line.resize((w, 1), Image.Resampling.BOX).tobytes()
    runs: list[tuple[int, int, bool]] = []        # (x0, x1, a glyph's height) of each run of inked columns
    x = 0
    while x < w:
        if columns[x] == 0:
            x += 1
            continue
        end = x
        while end < w and columns[end]:
            end += 1
        box = line.crop((x, 0, end, height)).getbbox()
        runs.append((x, end, box is not None and box[3] - box[1] >= height / 2))
        x = end
    # a blank stretch between two glyphs, not cut by any ink (the point of 18651.06 is ink)
    tall = [k for k, r in enumerate(runs) if r[2]]
    return any(runs[j][0] - runs[j - 1][1] > APART * height
               for a, b in pairwise(tall) for j in range(a + 1, b + 1))
