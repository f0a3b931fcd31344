"""Words and table grids from a PDF page's characters, for tables printed without rulings
(govreport.readers.pdf_words). Characters are laid out at the coordinates Chromium gave
平潭's 2022 report printed from its portal page (14 pt glyphs, numbers left-aligned in
their cells)."""
from __future__ import annotations

from govreport.readers.pdf_page import Char
from govreport.readers.pdf_prose import Line
from govreport.readers.pdf_words import find_text_tables

CJK, DIGIT = 14.0, 9.0
COLUMNS = (255.9, 281.4, 314.4)          # where each value column's numbers start


def line(label: str, label_x1: float, values: tuple[str, ...], top: float, glued: str = "") -> Line:
    """A table row: `label` ending at label_x1, each value starting at its column's start;
    `glued` is the first value, printed touching the label's last glyph (no gap)."""
    chars: list[Char] = []
    x = label_x1 - CJK * len(label)
    for ch in label:
        chars.append(Char(ch, x, top, x + CJK, top + CJK))
        x += CJK
    for start, v in zip(COLUMNS, values, strict=True):
        x = start - 0.3 if v == glued and start == COLUMNS[0] else start   # 情 ends at 256.2, the 8 starts at 255.9
        for d in v:
            chars.append(Char(d, x, top, x + DIGIT, top + CJK))
            x += DIGIT - 0.3
    text = "".join(c.text for c in chars)
    return Line(chars, text, chars[0].x0, top, chars[-1].x1, top + CJK, CJK)


def test_number_touching_a_justified_label_is_split_off_where_its_column_starts():
    lines = [
        line("（一）予以公开", 200.0, ("21", "0", "21"), 500),
        line("（二）部分公开", 200.0, ("71", "3", "74"), 520),
        line("只计这一情", 256.2, ("8", "1", "9"), 545, glued="8"),
        line("（三）不予公开", 200.0, ("0", "0", "0"), 570),
    ]
    rest, (table,) = find_text_tables(lines)
    rows = [[c.text for c in row if c.text] for row in table.rows]
    assert ["只计这一情", "8", "1", "9"] in rows


def test_number_inside_a_label_away_from_a_column_start_stays_in_the_label():
    """`第3项` ends no label at a column start: it is the label's own digit."""
    lines = [
        line("（一）予以公开", 200.0, ("21", "0", "21"), 500),
        line("（二）部分公开", 200.0, ("71", "3", "74"), 520),
        line("（三）不予公开", 200.0, ("0", "0", "0"), 570),
    ]
    # 第 2 项 with the 2 at 228: far from every column start
    chars = [Char(ch, 200 + k * CJK, 590, 214 + k * CJK, 604) for k, ch in enumerate("第2项")] + [
        Char(d, x, 590, x + DIGIT, 604) for d, x in zip("000", COLUMNS, strict=True)]
    lines.append(Line(chars, "".join(c.text for c in chars), 200, 590, COLUMNS[-1] + DIGIT, 604, CJK))
    rest, (table,) = find_text_tables(lines)
    rows = [[c.text for c in row if c.text] for row in table.rows]
    assert ["第2项", "0", "0", "0"] in rows, rows
