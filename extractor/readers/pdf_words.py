"""Tables printed without ruling lines: rebuild the grid from word positions.

A run of lines that each split into several fields separated by wide gaps, most of
them ending in numbers (`规章   1   0   11`), is a table. Its columns are the x-ranges
where the fields of all those lines overlap.
"""
from __future__ import annotations

import re

from .pdf_page import Char
from .pdf_tables import GridCell, PageTable, line_text

_NUMERIC = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?%?$|^[—\-–/／]+$")
MIN_ROWS = 3          # fewer rows than this is not worth calling a table
HEADER_LINES = 3      # header lines above the numeric rows that may belong to the table


def split_fields(line, gap_factor: float = 1.2) -> list[list[Char]]:
    """Split a line where the gap between glyphs is wider than ~one character."""
    fields: list[list[Char]] = [[line.chars[0]]]
    for prev, ch in zip(line.chars, line.chars[1:]):
        if ch.x0 - prev.x1 > gap_factor * line.size:
            fields.append([ch])
        else:
            fields[-1].append(ch)
    return fields


def _is_row(fields: list[list[Char]]) -> bool:
    texts = [line_text(f) for f in fields]
    return len(fields) >= 2 and sum(bool(_NUMERIC.match(t)) for t in texts[1:]) >= max(1, (len(texts) - 1) // 2)


def find_text_tables(lines: list) -> tuple[list, list[PageTable]]:
    """Pull borderless tables out of a page's prose lines. Returns (remaining lines, tables)."""
    if len(lines) < MIN_ROWS:
        return lines, []
    fields = [split_fields(ln) for ln in lines]
    rowlike = [_is_row(f) for f in fields]
    tables: list[PageTable] = []
    taken: set[int] = set()
    i = 0
    while i < len(lines):
        if not rowlike[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and rowlike[j + 1]:
            j += 1
        if j - i + 1 >= MIN_ROWS:
            start = i
            while start > 0 and i - start < HEADER_LINES and len(fields[start - 1]) >= 2 and start - 1 not in taken:
                start -= 1
            idx = list(range(start, j + 1))
            tables.append(_grid([lines[k] for k in idx], [fields[k] for k in idx]))
            taken.update(idx)
        i = j + 1
    if not tables:
        return lines, []
    return [ln for k, ln in enumerate(lines) if k not in taken], tables


def _grid(lines: list, fields: list[list[list[Char]]]) -> PageTable:
    # columns: merge the x-extents of every field of every row where they overlap
    spans = sorted((f[0].x0, max(c.x1 for c in f)) for row in fields for f in row)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    rows = []
    for r, row in enumerate(fields):
        texts = [""] * len(cols)
        for f in row:
            mid = (f[0].x0 + f[-1].x1) / 2
            c = next((k for k, (a, b) in enumerate(cols) if a <= mid <= b), len(cols) - 1)
            texts[c] = (texts[c] + " " + line_text(f)).strip()
        rows.append([GridCell(r, c, t) for c, t in enumerate(texts)])
    bbox = (min(ln.x0 for ln in lines), min(ln.top for ln in lines),
            max(ln.x1 for ln in lines), max(ln.bottom for ln in lines))
    return PageTable(bbox, rows, [a for a, _ in cols], [ln.bottom for ln in lines], set())
