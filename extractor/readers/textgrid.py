"""Table grids rebuilt from where words stand: tables printed without (all) ruling lines.

Plain functions over word boxes `Box(text, x0, x1, top, bottom)` (points, `top` downwards),
one list per printed line, so PDF text and OCR words share them.

- Value columns are the x-bands where numbers stand (a number never overlaps the next
  column's numbers); everything left of the first band is the label area, its columns
  where the label words start.
- Rows: each line holding numbers is a row. A label wrapped over several lines is one
  row: a piece continues the label above it in the same column unless it opens an item
  of its own (`（三）`, `2.`); pieces that do not read on as one official label (from the
  grammars) only join when the line above filled its column. A label block belongs to the
  value rows whose line lies within it (vertically centred cells) or else to the nearest
  one; a label spanning several rows (`（三）不予公开`) is a merged cell over them.
- Lines with words over the value bands but no numbers (column headers, `信息内容`) are
  rows of their own.
- A band holding two numbers of one line is not one cell: the cell is marked unread,
  never split by guess. A row of values beside two numbered item labels has those label
  cells marked unread: its numbers are read, which item they belong to is not known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import NamedTuple

from ..normalize import han_count, label_key


class Box(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class TextCell:
    text: str | None                 # None: covered by the merged cell at merged_from
    merged_from: tuple[int, int] | None = None
    unread: bool = False             # words stand here that cannot be placed as one value


@dataclass(slots=True)
class TextTable:
    rows: list[list[TextCell]]
    col_x: list[float]               # left edge of each grid column
    bottoms: list[float]             # bottom of each grid row
    bbox: tuple[float, float, float, float]
    lines: list[int] = field(default_factory=list)   # indices of the input lines the table took
    # (row, col) of each value cell -> the area (x0, top, x1, bottom) its number stands in:
    # its column band up to halfway to the next, its line, and every piece placed there
    boxes: dict[tuple[int, int], tuple[float, float, float, float]] = field(default_factory=dict)


NUMERIC = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?(?:%|万元|元|件|个|项|条)?$|^[—\-–/／]+$")
ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+(?:[）)]|$)|\d+\s*[.．、])")
CLOSING = "）)、，。；：”"   # a piece opening with these continues the line above
BIG_GAP = 4.0         # a vertical gap above this many line heights ends a table
TOL = 2.0             # points: words this close to a column edge are in it
ROOM = 0.6            # a column of its own stands at least this many pitches from its neighbours


def is_number(text: str) -> bool:
    return bool(NUMERIC.match(text))


def line_size(words: list[Box]) -> float:
    hs = sorted(b.bottom - b.top for b in words)
    return hs[len(hs) // 2] if hs else 0.0


@cache
def label_keys() -> tuple[str, ...]:
    """Every official label of every edition, as label keys without item numbers."""
    from ..grammar import all_grammars
    out: set[str] = set()
    for g in all_grammars():
        texts = [r.group for r in g.t3_rows if r.group]          # merged group labels (（三）不予公开)
        texts += [r.label for b in g.t2_blocks for r in b.rows] + [b.name for b in g.t2_blocks]
        texts += [c["label"] for b in g.t2_blocks for c in b.columns]
        texts += [r.label for r in g.t3_rows] + [g.t3_single_other.label] + list(g.t3_column_labels)
        texts += list(g.t4_header_words)
        out.update(_bare_key(t) for t in texts)
    return tuple(k for k in out if k)


@cache
def _t3_keywords(leaf: bool) -> tuple[str, ...]:
    """Keywords of table 三's rows (with `leaf`, of the rows that head no group: 本年新收,
    上年结转, 结转下年)."""
    from ..grammar import all_grammars
    return tuple({kw for g in all_grammars() for r in g.t3_rows if not (leaf and r.group) for kw in r.keywords})


def _row_keyword(text: str, leaf: bool) -> bool:
    key = label_key(text)
    return any(kw in key for kw in _t3_keywords(leaf))


def _bare_key(text: str) -> str:
    return label_key(ITEM.sub("", text, count=1))


def is_label(text: str) -> bool:
    """Is the text a whole official label (item number aside)?"""
    return _bare_key(text) in label_keys()


def reads_on(head: str, tail: str) -> bool:
    """Does `tail` continue `head` as one official label (`行政规范性文` + `件`)?"""
    k = _bare_key(head + tail)
    return len(k) >= 2 and any(k in lab for lab in label_keys())


# ---------------------------------------------------------------- finding tables

def find_tables(lines: list[list[Box]], is_break, ocr: bool = False) -> list[TextTable]:
    """Tables among a page's lines (top to bottom, words left to right). `is_break(i)`
    says line i cannot be part of a table (a part heading, a prose line). With `ocr`, the
    words were read from a scan (see build_grid)."""
    tables = []
    lines, sources = _merge_level_lines(lines)
    nums = [_value_words(ws, ocr) for ws in lines]
    for chunk in _chunks(lines, lambda i: any(is_break(j) for j in sources[i])):
        values = [i for i in chunk if nums[i]]
        numbers = sum(len(nums[i]) for i in values)
        if not values or (len(values) < 2 and numbers < 3):
            continue
        if ocr:
            chunk = _without_text_after(chunk, values, lines, nums)
        t = build_grid([lines[i] for i in chunk], set(chunk.index(i) for i in values), ocr)
        if t is not None:
            t.lines = [j for i in chunk for j in sources[i]]
            tables.append(t)
    return tables


def _without_text_after(chunk: list[int], values: list[int], lines: list[list[Box]],
                        nums: list[list[Box]]) -> list[int]:
    """A scan's chunk up to the first line after its last row of values that prints words
    (four Chinese characters or more, never a misread number) over the value columns:
    prose whose heading OCR misread (`而 存在的主要问题及改讲情况`), not the table's."""
    left = min(nums[i][0].x0 for i in values)
    for k, i in enumerate(chunk):
        if i > values[-1] and any(w.x1 > left + TOL and han_count(w.text) >= 4 for w in lines[i]):
            return chunk[:k]
    return chunk


def _merge_level_lines(lines: list[list[Box]]) -> tuple[list[list[Box]], list[list[int]]]:
    """Lines side by side at (almost) the same height are one printed row: digits in another
    font sit a point or two lower than the label beside them (`规章 0` / `0 0`)."""
    out: list[list[Box]] = []
    sources: list[list[int]] = []
    ext: list[tuple[float, float, float, float, float]] = []     # top, bottom, x0, x1, size per output line
    for i, words in enumerate(lines):
        if not words:
            out.append(list(words))
            sources.append([i])
            ext.append((0.0, 0.0, 0.0, 0.0, 0.0))
            continue
        e = (min(w.top for w in words), max(w.bottom for w in words), min(w.x0 for w in words),
             max(w.x1 for w in words), line_size(words))
        if out and out[-1]:
            prev, p = out[-1], ext[-1]
            size = max(p[4], e[4])
            level = min(abs(p[0] - e[0]), abs(p[1] - e[1]))
            if level < size / 4 and (p[3] < e[2] or e[3] < p[2] or
                                     not any(a.x0 < b.x1 and b.x0 < a.x1 for a in prev for b in words)):
                out[-1] = sorted(prev + words, key=lambda w: w.x0)
                sources[-1].append(i)
                ext[-1] = (min(p[0], e[0]), max(p[1], e[1]), min(p[2], e[2]), max(p[3], e[3]), size)
                continue
        out.append(list(words))
        sources.append([i])
        ext.append(e)
    return out, sources


_SPECK = re.compile(r"^[，,。.、'‘’\"“”`]+$")     # a speck OCR read as punctuation


def _value_words(words: list[Box], ocr: bool = False) -> list[Box]:
    """The numbers ending a line (`规章 0 0 0`): every word after the first number is one
    (a lone punctuation mark among them is a speck, and dropped). With `ocr`, a run of
    numbers and glyph-short words ending the line, two thirds of them and at least two
    numbers, is a row of values with some misread (`0 0 | 汪 0 4`, `2648 8 人`): each is
    read again alone (ocr_grid)."""
    for k, w in enumerate(words):
        if is_number(w.text) and k > 0 or (k == 0 and is_number(w.text) and len(words) > 1):
            rest = [x for x in words[k:] if not _SPECK.match(x.text)]
            if all(is_number(x.text) for x in rest):
                return rest
            break
    if not ocr:
        return []
    run = list(words)
    for k in range(len(words) - 1, -1, -1):
        text = words[k].text
        if not (is_number(text) or (_glyph_short(text) or _numberish(text)) and not ITEM.match(text)):
            run = words[k + 1:]
            break
    run = [x for x in run if not _SPECK.match(x.text)]
    counted = sum(is_number(x.text) for x in run)
    return run if counted >= 2 and 3 * counted >= 2 * len(run) else []


def _numberish(text: str) -> bool:
    """Digits with a few slips, no CJK (`35$S1` for 351): a number OCR misread."""
    digits = sum(ch.isdigit() for ch in text)
    return len(text) <= 8 and 2 * digits >= len(text) and not han_count(text)


def _glyph_short(text: str) -> bool:
    """Could OCR have made this of a count: at most three characters, one of them CJK, no bracket?"""
    return len(text) <= 3 and han_count(text) <= 1 and not re.search(r"[（()）]", text)


def _before_values(words: list[Box], values: list[Box]) -> list[Box]:
    """The words of a line before its first value word: its label (a speck dropped from the
    values, `，` before 218, leaves no value word behind in the label)."""
    first = next((k for k, w in enumerate(words) if values and w is values[0]), len(words))
    return words[:first]


def _garbled_values(words: list[Box], label_right: float) -> list[Box]:
    """The words ending a line over the value columns when each is glyph-short (at most
    three characters, one of them CJK) and not all are numbers: a row of numbers OCR
    misread; else []."""
    k = next((k for k, w in enumerate(words) if (w.x0 + w.x1) / 2 >= label_right), len(words))
    tail = words[k:]
    short = all(_glyph_short(w.text) or is_number(w.text) for w in tail)
    if not tail or not short or all(is_number(w.text) for w in tail):     # digits alone: a wrapped number
        return []
    return [w for w in tail if not _SPECK.match(w.text)]


def _lone_numbers(lines: list[list[Box]], i: int, value_lines: set[int], numbers: dict[int, list[Box]],
                  bands: list[list[float]]) -> list[Box]:
    """On a scan, a line holding only a number or two in the value bands, far from any row
    of values (so no piece of a number wrapped in its cell): a row whose other values the
    page OCR missed (`1` of `1 0 0 0 0 0 1`). Its cells are read alone from their crops."""
    words = lines[i]
    if not words or len(words) > 2 or not all(is_number(w.text) and band_of(w, bands) is not None and
                                              any(min(b, w.x1) - max(a, w.x0) > 0 for a, b in bands) for w in words):
        return []
    size = line_size(words)
    mid = _mid(words)
    if any(abs(_mid(lines[j]) - mid) <= 1.5 * size for j in value_lines if numbers.get(j)):
        return []
    # and a row's label stands beside it (a stray number in a blank area is no row)
    if not any(abs((w.top + w.bottom) / 2 - mid) <= size and (w.x1 <= bands[0][0])
               for ws in lines[max(0, i - 2):i + 3] for w in ws):
        return []
    return list(words)


def _chunks(lines: list[list[Box]], is_break) -> list[list[int]]:
    out: list[list[int]] = []
    cur: list[int] = []
    prev_bottom = None
    for i, words in enumerate(lines):
        if not words or is_break(i):
            if cur:
                out.append(cur)
            cur, prev_bottom = [], None
            continue
        top = min(w.top for w in words)
        if cur and prev_bottom is not None and top - prev_bottom > BIG_GAP * max(line_size(words), 1.0):
            out.append(cur)
            cur = []
        cur.append(i)
        prev_bottom = max(w.bottom for w in words)
    if cur:
        out.append(cur)
    return out


# ---------------------------------------------------------------- one table

def value_bands(rows: list[list[Box]]) -> list[list[float]]:
    """[x0, x1] of each value column. The table's width is the most numbers a row holds;
    rows with that many give each column's extent (a column's numbers need not line up
    exactly: centred, or a first row laid out apart)."""
    counts: dict[int, int] = {}
    for words in rows:
        if words:
            counts[len(words)] = counts.get(len(words), 0) + 1
    if not counts:
        return []
    width = max(counts)
    full = [words for words in rows if len(words) == width]
    bands = [[min(ws[k].x0 for ws in full), max(ws[k].x1 for ws in full)] for k in range(width)]
    if any(a[1] > b[0] for a, b in pairwise(bands)):
        # the full rows disagree on where a column is: fall back to merging overlaps
        bands = []
        for x0, x1 in sorted((w.x0, w.x1) for words in rows for w in words):
            if bands and x0 < bands[-1][1] - TOL / 2:
                bands[-1][1] = max(bands[-1][1], x1)
            else:
                bands.append([x0, x1])
    return bands


def _with_header_columns(bands: list[list[float]], header: list[Box]) -> list[list[float]]:
    """Add the columns a header names over which no number stands (a column blank in every
    row, or in a table's only row): header words that overlap no band, stacked ones merged.
    Where the numbers stand in several bands, a column fits only where there is room for
    one: a header word (or an OCR piece of one: `业` of 企业, `总` of 总 计) between two
    bands with no room for a column between them, or nearer a band than most of a column's
    pitch, is a band's header, never a column of its own."""
    pitch = _pitch(bands)
    mids = [(a + b) / 2 for a, b in bands]
    extra: list[list[float]] = []
    for w in sorted(header, key=lambda w: w.x0):
        if is_number(w.text) or any(min(b, w.x1) - max(a, w.x0) > 0 for a, b in bands):
            continue
        if pitch and not any(ch.isalnum() for ch in w.text):
            continue                      # a speck OCR read as `、` names no column
        mid = (w.x0 + w.x1) / 2
        lo = max((m for m in mids if m < mid), default=None)
        hi = min((m for m in mids if m > mid), default=None)
        if pitch and (any(abs(m - mid) < ROOM * pitch for m in mids) or
                      lo is not None and hi is not None and hi - lo < (1 + ROOM) * pitch):
            continue
        if extra and w.x0 < extra[-1][1]:
            extra[-1][1] = max(extra[-1][1], w.x1)
        else:
            extra.append([w.x0, w.x1])
    return sorted(bands + extra) if extra else bands


def _pitch(bands: list[list[float]]) -> float:
    """The distance between the centres of the closest neighbouring value bands (a blank
    column's gap is wider); 0 with fewer than three bands, too few to tell one from the other."""
    steps = [(b[0] + b[1] - a[0] - a[1]) / 2 for a, b in pairwise(bands)]
    return min(steps) if len(steps) >= 2 else 0.0


def _official_piece(text: str) -> bool:
    """Is the text (two characters or more) part of an official label?"""
    k = _bare_key(text)
    return len(k) >= 2 and any(k in lab for lab in label_keys())


def _join_pieces(words: list[Box]) -> list[Box]:
    """OCR's pieces of one header on a line (left to right) joined: words closer than half
    a glyph (`法 人` + `或其他组织`) are one header, which names no column of its own unless
    it stands clear of every band."""
    out: list[Box] = []
    for w in words:
        prev = out[-1] if out else None
        if prev is not None and 0 <= w.x0 - prev.x1 < (w.bottom - w.top) / 2:
            out[-1] = Box(prev.text + w.text, prev.x0, w.x1, min(prev.top, w.top), max(prev.bottom, w.bottom))
        else:
            out.append(w)
    return out


def place_numbers(words: list[Box], bands: list[list[float]]) -> list[tuple[int | None, Box]]:
    """Each number of a row -> its band: in order when the row has one per band and each
    stands within its band, else the band it overlaps (or whose centre is nearest)."""
    if len(words) == len(bands) and all(_within(w, bands, k) for k, w in enumerate(words)):
        return list(enumerate(words))
    return [(band_of(w, bands), w) for w in words]


def _spanning(w: Box, bands: list[list[float]]) -> bool:
    """Is the word over two value bands or more: no number, or a run of digits over the
    middles of two columns or more (OCR fused a row's `0 0 0 0` into `0000`; a wide number
    standing past its band keeps clear of the next one's middle)?"""
    if is_number(w.text):
        return sum(1 for a, b in bands if w.x0 < (a + b) / 2 < w.x1) > 1
    return sum(1 for a, b in bands if min(b, w.x1) - max(a, w.x0) > 0) > 1


def _clearly_nearest(w: Box, bands: list[list[float]]) -> bool:
    """Is one band's centre clearly (by a quarter of their spacing) nearer than the next?"""
    if len(bands) < 2:
        return True
    mid = (w.x0 + w.x1) / 2
    d = sorted(abs((a + b) / 2 - mid) for a, b in bands)
    pitch = min(((b2[0] + b2[1]) - (b1[0] + b1[1])) / 2 for b1, b2 in pairwise(bands))
    return d[1] - d[0] > pitch / 4


def nearest_band(w: Box, bands: list[list[float]]) -> int:
    """The band whose centre is nearest the word's: where a centred header or a number
    centred in a merged cell stands (the same rule for both keeps them in one column)."""
    mid = (w.x0 + w.x1) / 2
    return min(range(len(bands)), key=lambda k: abs((bands[k][0] + bands[k][1]) / 2 - mid))


def _within(w: Box, bands: list[list[float]], k: int) -> bool:
    lo = (bands[k - 1][1] if k else float("-inf"))
    hi = (bands[k + 1][0] if k + 1 < len(bands) else float("inf"))
    return lo < (w.x0 + w.x1) / 2 < hi


def band_of(w: Box, bands: list[list[float]]) -> int | None:
    """The one band a number overlaps, else the nearest by centre (None when it overlaps none)."""
    hits = [k for k, (a, b) in enumerate(bands) if min(b, w.x1) - max(a, w.x0) > 0]
    if len(hits) > 1:
        # a wide number over several bands: the band it is aligned with (left or right),
        # else the one its centre is nearest
        edge = [k for k in hits if abs(bands[k][0] - w.x0) <= TOL or abs(bands[k][1] - w.x1) <= TOL]
        return edge[0] if len(edge) == 1 else nearest_band(w, bands)
    best, best_ov = None, 0.0
    for k, (a, b) in enumerate(bands):
        ov = min(b, w.x1) - max(a, w.x0)
        if ov > best_ov or (ov == best_ov == 0 and a - TOL <= (w.x0 + w.x1) / 2 <= b + TOL):
            best, best_ov = k, ov
    return best


def label_columns(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The label area's columns: x-ranges of labels that overlap no narrower label's range
    (left-aligned or centred, the lines of one column overlap; a label spanning several
    columns, like 一、本年新收… over the group and item columns, makes none)."""
    cols: list[tuple[float, float]] = []
    for x0, x1 in sorted(spans, key=lambda s: s[1] - s[0]):
        if not any(a < x1 - TOL and x0 + TOL < b for a, b in cols):
            cols.append((x0, x1))
    return sorted(cols)


def _column(x0: float, x1: float, cols: list[tuple[float, float]]) -> int:
    """The leftmost label column a label overlaps (a spanning label starts there)."""
    for j, (a, b) in enumerate(cols):
        if a < x1 - TOL and x0 + TOL < b:
            return j
    return max((j for j, (a, _) in enumerate(cols) if a <= x0), default=0)


@dataclass(slots=True)
class _Block:
    """A label: its pieces top to bottom, and their extent (kept as pieces are added)."""
    words: list[Box]
    col: int = 0
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self):
        w = self.words[0]
        self.x0, self.x1, self.top, self.bottom = w.x0, w.x1, w.top, w.bottom

    def add(self, w: Box) -> None:
        self.words.append(w)
        self.x0, self.x1 = min(self.x0, w.x0), max(self.x1, w.x1)
        self.top, self.bottom = min(self.top, w.top), max(self.bottom, w.bottom)

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)

    @property
    def size(self) -> float:
        return self.words[0].bottom - self.words[0].top


def build_grid(lines: list[list[Box]], value_lines: set[int], ocr: bool = False) -> TextTable | None:
    """The grid of one table. With `ocr`, a line below the first row of numbers whose words
    over the value columns are all glyph-short (OCR's `人` for 29) is a row of values too,
    unread until its cells are read again alone (ocr_grid)."""
    numbers = {i: _value_words(lines[i], ocr) for i in value_lines}
    # the columns are where clean numbers stand; a row with misread glyphs (a scan) only
    # when there is no other
    clean = [ws for ws in numbers.values() if all(is_number(w.text) for w in ws)]
    bands = value_bands(clean or list(numbers.values()))
    if not bands:
        return None
    if ocr:
        value_lines, numbers, bands = _scan_values(lines, numbers, bands)
        if not value_lines:
            return None
    label_right = bands[0][0]
    first_values = min(value_lines)
    over = [[w for w in lines[i] if (w.x0 + w.x1) / 2 > label_right] for i in range(first_values)]
    heads_over = [w for ws in over for w in (_join_pieces(ws) if ocr else ws)]
    # a scan's garbled header (`一一` `AN` `1/` read off a header's stacked lines) names no column
    bands = _with_header_columns(bands, [w for w in heads_over if _official_piece(w.text)] if ocr else heads_over)
    if ocr:
        for i in range(first_values + 1, len(lines)):
            if i not in value_lines and (garbled := _garbled_values(lines[i], label_right)):
                value_lines = value_lines | {i}
                numbers[i] = garbled
        for i in range(first_values + 1, len(lines)):
            if i not in value_lines and (lone := _lone_numbers(lines, i, value_lines, numbers, bands)):
                value_lines = value_lines | {i}
                numbers[i] = lone
    label_words: list[tuple[int, Box]] = []       # (line, word) in the label area
    text_rows: list[int] = []                     # lines with words over the bands but no numbers
    for i, words in enumerate(lines):
        if i in value_lines:
            label_words += [(i, w) for w in _before_values(words, numbers[i])]
        elif any(w.x1 > label_right + TOL for w in words):
            text_rows.append(i)
        else:
            label_words += [(i, w) for w in words]
    mids = {i: _mid(lines[i]) for i in range(len(lines))}
    values_sorted = sorted(value_lines)
    blocks = _label_blocks([w for _, w in label_words], [mids[i] for i in values_sorted])
    # on a scan, header words left of the first band make label columns only in a table with
    # labels: over a table of values alone (table 四) they head its first value column (a text
    # layer's header words there stand where its columns are: they make them)
    head_words = [w for i in text_rows for w in lines[i] if (w.x0 + w.x1) / 2 < label_right] \
        if blocks or not ocr else []
    spans = label_columns([(b.x0, b.x1) for b in blocks] + [(w.x0, w.x1) for w in head_words])
    lcols = [a for a, _ in spans]
    nl = len(lcols)
    ncol = nl + len(bands)
    grid: dict[int, list[TextCell]] = {i: [TextCell("") for _ in range(ncol)] for i in sorted(value_lines)}
    # centres of the header words over the bands: a number centred under one stands in the
    # column that header is put in (both go to the nearest band, ties alike)
    heads = [((w.x0 + w.x1) / 2, w.top) for i in text_rows for w in lines[i] if (w.x0 + w.x1) / 2 >= label_right]
    placed: dict[tuple[int, int], list[Box]] = {}     # (value line, band) -> the words put there
    for i in value_lines:
        seen: dict[int, int] = {}
        # on a scan, a misread word over several value columns (`和` over seven `0`s) is
        # no cell's: each column under it is read alone (ocr_grid), never split by guess
        for k, w in place_numbers([w for w in numbers[i] if not (ocr and _spanning(w, bands))], bands):
            if k is None:                  # a number between columns (centred in a merged cell)
                k = nearest_band(w, bands)
                headed = any(abs(h - (w.x0 + w.x1) / 2) <= TOL and top < w.top for h, top in heads)
                if not headed and not _clearly_nearest(w, bands):
                    seen[k] = 2            # about as near to two columns: no cell is certain
            seen[k] = seen.get(k, 0) + 1
            _put(grid[i][nl + k], w.text)
            placed.setdefault((i, k), []).append(w)
        if any(n > 1 for n in seen.values()):
            # two numbers in one column band: neither is placed, and the row's empty bands
            # may be where they belong, so they are not blanks either
            for k in range(len(bands)):
                if seen.get(k, 0) != 1:
                    grid[i][nl + k].unread = True

        # a label word reaching into an empty band may hold its number (`只计这一情8`: the
        # digit stands in the column, touching the label): that cell is not a printed blank
        label_ws = _before_values(lines[i], numbers[i])
        for k, (left, right) in enumerate(bands):
            cell = grid[i][nl + k]
            # (a scan's cell is read again from a crop holding the whole band: its reads decide)
            if not cell.text and not ocr and any(w.x1 > left + TOL and w.x0 < right - TOL for w in label_ws):
                cell.unread = True

    # words over the bands on lines without numbers: column headers, and digits of a number
    # wrapped in a narrow column (`21` / `8` above and below its row's line)
    wrapped: dict[tuple[int, int], list[Box]] = {}
    header: list[tuple[int, int, Box]] = []       # (line, column, word)
    for i in text_rows:
        for w in lines[i]:
            if (w.x0 + w.x1) / 2 < label_right:
                header.append((i, _column(w.x0, w.x1, spans), w))
                continue
            k = nearest_band(w, bands)
            row = _wrapped_in(w, k, grid, mids, nl) if is_number(w.text) else None
            if row is None:
                header.append((i, nl + k, w))
            elif grid[row][nl + k].text and (row, k) not in wrapped:
                # digits beside a row whose cell already holds a number: a number wrapped
                # in its column that we cannot put together with certainty
                grid[row][nl + k].unread = True
                header.append((i, nl + k, w))
            else:
                wrapped.setdefault((row, k), []).append(w)
    for (row, k), ws in wrapped.items():
        placed.setdefault((row, k), []).extend(ws)
        ws.sort(key=lambda w: w.top)
        cell = grid[row][nl + k]
        if ws[0].top - TOL <= mids[row] <= ws[-1].bottom + TOL or len(ws) == 1:
            cell.text = "".join(w.text for w in ws)
        else:                              # digits near the row but not round its line
            cell.text, cell.unread = " ".join(w.text for w in ws), True
    for i, col, text in _header_blocks(header, bands, nl):
        grid.setdefault(i, [TextCell("") for _ in range(ncol)])
        _put(grid[i][col], text)

    # label blocks: the value rows each one covers
    for b in blocks:
        b.col = _column(b.x0, b.x1, spans)
    covers = [[i for i in values_sorted if b.top - b.size / 2 <= mids[i] <= b.bottom + b.size / 2] for b in blocks]
    cols_of: dict[int, list[int]] = {}               # value row -> label columns of the blocks covering it
    kinds_of: dict[int, list[tuple[int, bool | None]]] = {}     # ... with the kind of item mark each opens with
    for b, rows_in in zip(blocks, covers, strict=True):
        for i in rows_in:
            cols_of.setdefault(i, []).append(b.col)
            kinds_of.setdefault(i, []).append((b.col, _mark_kind(b.text)))
    child_no: dict[int, dict[int, int]] = {}      # value row -> label column -> item number printed there
    for b, rows_in in zip(blocks, covers, strict=True):
        m = re.match(r"\s*(\d+)\s*[.．、]", b.text)
        if m and len(rows_in) == 1:
            child_no.setdefault(rows_in[0], {})[b.col] = int(m.group(1))
    spans_of = []
    for b, inside in zip(blocks, covers, strict=True):
        if len(inside) > 1 and ocr:
            # a scan's rows stand close: a row's own label reaches over its neighbours. One
            # that names a template row is the row's level with it (（一）予以公开), and one of
            # a row that heads no group (二、上年结转…) the row nearest it, never their parent
            level = [i for i in inside if b.top <= mids[i] <= b.bottom]
            if len(level) == 1 and _row_keyword(b.text, False):
                inside = level
            elif _row_keyword(b.text, True):
                inside = [min(inside, key=lambda i: abs(mids[i] - (b.top + b.bottom) / 2))]
        if len(inside) > 1:
            # a label spanning rows is the parent of labels to its right in each of them; a
            # row labelled only to its left (（六）其他处理 under a tall 5.要求… ), or by
            # another label of this column, is not its; an item's label (（三）不予公开) is
            # the parent only of items of the other kind (1. 2. …): not of （一） beside it,
            # nor of a piece of another label (`计这`)
            kind = _mark_kind(b.text)
            inside = [i for i in inside if any(c > b.col and (kind is None or k is not None and k != kind)
                                               for c, k in kinds_of[i])
                      and cols_of[i].count(b.col) == 1] or \
                [min(inside, key=lambda i: abs(mids[i] - (b.top + b.bottom) / 2))]
        if inside and any(c > b.col for c in cols_of.get(inside[0], [])):
            inside = _whole_run(inside, b.col, values_sorted, child_no, cols_of)
        spans_of.append(inside)
        if not inside:                     # a label without values (a block title, a piece cut by
            key = -1 - len(grid)           # the page break): a row of its own
            mids[key] = b.top
            grid[key] = [TextCell("") for _ in range(ncol)]
            grid[key][b.col].text = b.text
        else:
            _put(grid[inside[0]][b.col], b.text)
            for j in range(b.col + 1, nl):            # a label spanning label columns: merged over them
                cell = grid[inside[0]][j]
                if b.x1 > spans[j][0] + TOL and not cell.text:
                    cell.text, cell.merged_from = None, (inside[0], b.col)
    for b, inside in zip(blocks, spans_of, strict=True):
        for i in inside[1:]:
            cell = grid[i][b.col]
            if not cell.text:
                cell.text, cell.merged_from = None, (inside[0], b.col)   # fixed to grid rows below
    for i in values_sorted:
        _label_runs_to_values(grid[i], i, nl)
        items = _item_cells(grid, grid[i], nl)
        if len({text for _, text in items}) > 1:
            # two numbered item labels beside one row of values (`1. 本机关不掌握…` spanning
            # down beside `6. 属于四类…`): the numbers are read, which item they belong to is
            # not known. Those label cells are unread: they place the row under no item (the
            # template's order may, where the arithmetic confirms it)
            for cell, _ in items:
                cell.unread = True
    for i in values_sorted if ocr else ():
        if _label_moved(grid, grid[i], _before_values(lines[i], numbers[i]), nl):
            for cell in grid[i][:nl]:      # its labels place it under no item (see above)
                cell.unread = True
    order = sorted(grid, key=lambda i: mids[i])
    row_of = {i: r for r, i in enumerate(order)}
    rows = []
    for i in order:
        cells = grid[i]
        for cell in cells:
            if cell.merged_from is not None:
                cell.merged_from = (row_of[cell.merged_from[0]], cell.merged_from[1])
        rows.append(cells)
    all_words = [w for words in lines for w in words]
    bbox = (min(w.x0 for w in all_words), min(w.top for w in all_words),
            max(w.x1 for w in all_words), max(w.bottom for w in all_words))
    bottoms = [max(w.bottom for w in lines[i]) if i >= 0 else mids[i] for i in order]
    # every value cell of a scan is read again alone, unread ones too: a row whose label
    # leaves its place in doubt still shows the numbers it holds
    found = _value_boxes(lines, numbers, bands, placed) if ocr else {}
    boxes = {(row_of[i], nl + k): box for (i, k), box in found.items()}
    return TextTable(rows, lcols + [a for a, _ in bands], bottoms, bbox, boxes=boxes)


def _scan_values(lines: list[list[Box]], numbers: dict[int, list[Box]],
                 bands: list[list[float]]) -> tuple[set[int], dict[int, list[Box]], list[list[float]]]:
    """On a scan, the words a value line holds before its numbers but where the value
    columns are (value_lines, numbers, bands as they then stand):
    - a word of two CJK glyphs or more there makes the line a header with a stray digit
      (`企业 机构 会员 1`), not a row of values: its words are no labels;
    - glyph-short ones are values OCR misread (`]` for 1): read with the row's numbers;
    - in a table without a label column (table 四), a lone glyph-short word without CJK
      one column's pitch left of the first band is its row's first value misread."""
    first = bands[0][0]
    pitch = _pitch(bands)
    out: dict[int, list[Box]] = {}
    lead: list[tuple[int, Box]] = []
    for i, nums in numbers.items():
        size = line_size(lines[i]) or 1.0
        before = [w for w in _before_values(lines[i], nums) if not _SPECK.match(w.text)]
        over = [w for w in before if (w.x0 + w.x1) / 2 > first - size / 2]
        if any(not _glyph_short(w.text) for w in over):
            continue
        out[i] = over + nums
        rest = [w for w in before if w not in over]
        if len(rest) == 1 and _junk(rest[0].text) and pitch and \
                abs(first + (bands[0][1] - first) / 2 - (rest[0].x0 + rest[0].x1) / 2 - pitch) < pitch / 4:
            lead.append((i, rest[0]))
    labelled = any(w not in out[i] and han_count(w.text)
                   for i in out for w in lines[i])
    if lead and not labelled:
        for i, w in lead:
            out[i] = [w] + out[i]
        bands = [[min(w.x0 for _, w in lead), max(w.x1 for _, w in lead)]] + bands
    return set(out), out, bands


def _junk(text: str) -> bool:
    """A short mark without CJK or item number (`]`, `|`, `l`): what OCR makes of a lone digit."""
    return _glyph_short(text) and not han_count(text) and not ITEM.match(text)


def _value_boxes(lines: list[list[Box]], numbers: dict[int, list[Box]], bands: list[list[float]],
                 placed: dict[tuple[int, int], list[Box]]) -> dict[tuple[int, int], tuple[float, float, float, float]]:
    """(value line, band) -> where that cell's number stands, to be read again alone (a scan):
    the band widened halfway to its neighbours (a line height past the outer ones, clear of the
    label), the line's height and a third of it above and below, and every word placed there
    with a third of a line round it; never past halfway to another line's ink in the column."""
    out = {}
    for i, nums in numbers.items():
        words = lines[i]
        size = line_size(words) or 1.0
        # the label ends where its last word does, unless that word stands where this
        # column's numbers do (on a scan, a misread digit: `辽` for 3)
        label_end = max((w.x1 for w in _before_values(words, nums)
                         if (w.x0 + w.x1) / 2 < bands[0][0] - size / 2), default=float("-inf"))
        top, bottom = min(w.top for w in words) - size / 3, max(w.bottom for w in words) + size / 3
        for k, (a, b) in enumerate(bands):
            left = (bands[k - 1][1] + a) / 2 if k else min(a, max(a - size, label_end + 1))
            right = (b + bands[k + 1][0]) / 2 if k + 1 < len(bands) else b + size
            box = [left, top, right, bottom]
            mine = placed.get((i, k), [])
            for w in mine:                          # a third of a line clear of its ink all round
                m = size / 3
                box = [min(box[0], w.x0 - m), min(box[1], w.top - m), max(box[2], w.x1 + m), max(box[3], w.bottom + m)]
            # no higher or lower than halfway to the ink of other lines above and below in
            # this column (rows set close: the digits of the row above bled into the crop)
            own_top, own_bottom = min(w.top for w in words + mine), max(w.bottom for w in words + mine)
            for j, ws in enumerate(lines):
                for w in ws if j != i else ():
                    if w.x1 <= box[0] or w.x0 >= box[2] or w in mine:
                        continue
                    if w.bottom <= own_top:
                        box[1] = max(box[1], (w.bottom + own_top) / 2)
                    elif w.top >= own_bottom:
                        box[3] = min(box[3], (own_bottom + w.top) / 2)
            # but never into the next band: a word running into it (`21 0` read as one `210`)
            # holds that column's digits, which are no read of this cell
            if k:
                box[0] = max(box[0], bands[k - 1][1])
            if k + 1 < len(bands):
                box[2] = min(box[2], bands[k + 1][0])
            # not over a number placed in another column (a wide 18651.06 standing past its
            # band): its ink is no read of this cell. The band itself stays in: ink there is
            # read, and a neighbour's digits in it make the reads disagree
            before = [w.x1 for j in range(k) for w in placed.get((i, j), [])]
            after = [w.x0 for j in range(k + 1, len(bands)) for w in placed.get((i, j), [])]
            box[0] = max([box[0]] + [min(a, x + size / 6) for x in before])
            box[2] = min([box[2]] + [max(b, x - size / 6) for x in after])
            out[(i, k)] = (box[0], box[1], box[2], box[3])
    return out


_ITEM_NO = re.compile(r"^\s*\d+\s*[.．、]")


def _item_cells(grid: dict, row: list[TextCell], nl: int) -> list[tuple[TextCell, str]]:
    """The label cells of a value row that hold (or repeat) a numbered item label (`6. …`)."""
    out = []
    for cell in row[:nl]:
        text = grid[cell.merged_from[0]][cell.merged_from[1]].text if cell.merged_from else cell.text
        if text and _ITEM_NO.match(text):
            out.append((cell, text))
    return out


_MARK = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[）)]|^\s*(\d+)\s*[.．、]")


def _mark(text: str | None) -> str | None:
    """The item number a label opens with (`（二）` -> 二, `3.` -> 3)."""
    m = _MARK.match(text or "")
    return (m.group(1) or m.group(2)) if m else None


def _mark_kind(text: str | None) -> bool | None:
    """The kind of item mark a label opens with: True for `3.`, False for `（二）`, None for none."""
    m = _mark(text)
    return None if m is None else m.isdigit()


def _label_moved(grid: dict, row: list[TextCell], own: list[Box], nl: int) -> bool:
    """On a scan: is the item a value row was given (its rightmost numbered label,
    `（一）予以公开`) other than the one of that rank printed on the row's own line
    (`（二）部分公开`)? Then labels were joined or attached across rows, and which item the
    numbers are is in doubt: a row swapped with its neighbour keeps every sum, so nothing
    else would catch it."""
    given = [m for c in row[:nl] if (m := _mark(grid[c.merged_from[0]][c.merged_from[1]].text
                                                if c.merged_from else c.text))]
    if not given:
        return False
    marks = {m for w in own if (m := _mark(w.text)) and m.isdigit() == given[-1].isdigit()}
    return bool(marks) and given[-1] not in marks


def _label_runs_to_values(row: list[TextCell], i: int, nl: int) -> None:
    """A value row's label runs up to its values: empty label columns right of its last label
    are that label's (no rulings say otherwise), so they are not taken for blank values."""
    last = max((j for j in range(nl) if row[j].text is None or row[j].text), default=None)
    if last is None:
        return
    src = row[last].merged_from or (i, last)
    for j in range(last + 1, nl):
        row[j].text, row[j].merged_from = None, src


def _whole_run(inside: list[int], col: int, rows: list[int], child_no: dict, cols_of: dict) -> list[int]:
    """A parent label (（三）不予公开) printed beside some of its rows spans the whole run of
    numbered sub-items next to it (1., 2., … counting on), as long as no other label of its
    column stands there."""
    def number(i):
        found = [n for c, n in child_no.get(i, {}).items() if c > col]
        return found[0] if len(found) == 1 else None

    out = list(inside)
    pos = {i: k for k, i in enumerate(rows)}
    while pos[out[0]] > 0:
        prev = rows[pos[out[0]] - 1]
        a, b = number(prev), number(out[0])
        if a is None or b is None or a != b - 1 or col in cols_of.get(prev, []):
            break
        out.insert(0, prev)
    while pos[out[-1]] + 1 < len(rows):
        nxt = rows[pos[out[-1]] + 1]
        a, b = number(out[-1]), number(nxt)
        if a is None or b is None or b != a + 1 or col in cols_of.get(nxt, []):
            break
        out.append(nxt)
    return out


def _wrapped_in(w: Box, k: int, grid: dict, mids: dict, nl: int) -> int | None:
    """The value row a lone number piece belongs to: the nearest row within a line height
    whose cell in that band is empty (else the nearest, whose cell is then in doubt)."""
    size = w.bottom - w.top
    near = [i for i in grid if abs(mids[i] - (w.top + w.bottom) / 2) <= 1.5 * size]
    if not near:
        return None
    empty = [i for i in near if not grid[i][nl + k].text]
    return min(empty or near, key=lambda i: abs(mids[i] - (w.top + w.bottom) / 2))


def _header_blocks(header: list[tuple[int, int, Box]], bands: list[list[float]], nl: int):
    """Header words joined down their column where a header wraps (`商业` / `企业`):
    (line of the first piece, column, text). Words spanning several bands stay alone."""
    edges = [(a + b2) / 2 for (_, a), (b2, _) in pairwise(bands)]

    def spans(w: Box) -> bool:
        return any(w.x0 + TOL < e < w.x1 - TOL for e in edges)

    out: list[list] = []
    last_in: dict[int, list] = {}
    for i, col, w in sorted(header, key=lambda t: (t[2].top, t[2].x0)):
        prev = last_in.get(col)
        size = w.bottom - w.top
        if prev is not None and col >= nl and not spans(w) and not prev[3] and 0 <= w.top - prev[4] <= 0.6 * size:
            prev[2] += w.text
            prev[4] = w.bottom
            continue
        entry = [i, col, w.text, spans(w) or col < nl, w.bottom]
        out.append(entry)
        last_in[col] = entry
    return [(i, col, text) for i, col, text, _, _ in out]


def _put(cell: TextCell, text: str) -> None:
    cell.text = f"{cell.text} {text}" if cell.text else text


def _mid(words: list[Box]) -> float:
    return (min(w.top for w in words) + max(w.bottom for w in words)) / 2


def _label_blocks(words: list[Box], value_mids: list[float]) -> list[_Block]:
    """Join label pieces into labels (see the module docstring). A piece continues the label
    whose last line stands right above it, overlapping it (left-aligned or centred)."""
    out: list[_Block] = []
    for w in _by_lines(words):
        size = w.bottom - w.top
        # a piece right after an item's label that opens on its line, and that it reads on
        # from, is that label's (OCR cut `二、上` | `年结转政府信息` where other labels' column starts),
        # and so is a closing mark right against the piece before it: not the label above
        left = max((b for b in out if b.words[-1].x1 <= w.x0 + TOL and w.x0 - b.words[-1].x1 < size
                    and abs(_centre(b.words[-1]) - _centre(w)) < size / 2), key=lambda b: b.words[-1].x1, default=None)
        if left is not None and not ITEM.match(w.text) and (
                w.text[0] in CLOSING and w.x0 - left.words[-1].x1 < size / 2 or
                ITEM.match(left.text) and abs(_centre(left.words[0]) - _centre(w)) < size / 2 and
                reads_on(left.text, w.text)):
            left.add(w)
            continue
        above = [b for b in out if _overlap(_last_line(b), w) and 0 <= w.top - b.words[-1].bottom < 2.5 * size]
        cur = min(above, key=lambda b: w.top - b.words[-1].bottom) if above else None
        if cur is not None and not ITEM.match(w.text):
            last = _last_line(cur)
            # without the template's word for it, a piece continues a label only when it
            # follows closely, the line above is a full one (no shorter than this piece),
            # no row of values stands in between and the label is not whole already
            full = (last.x1 - last.x0) >= max(w.x1 - w.x0 - size / 2, 2.5 * size)
            filled = full and w.top - last.bottom < 1.5 * size and not is_label(cur.text) and \
                not any(last.bottom < m < w.top for m in value_mids)
            # a whole official label level with a row of values, under a label level with
            # another, is that row's own (OCR's `行政处昼` / `行政强制`), however they might
            # read on; the pieces of a group label printed down its rows (不 / 予 / 公开) are not
            own_row = is_label(w.text) and _level_with(w, value_mids) and \
                any(_level_with(x, value_mids) for x in cur.words)
            if not own_row and (w.text[0] in CLOSING or reads_on(cur.text, w.text) or filled):
                cur.add(w)
                continue
        out.append(_Block([w]))
    return out


def _last_line(b: _Block) -> Box:
    """The extent of a label's pieces on its last line (one piece, or several joined across)."""
    end = b.words[-1]
    ws = [w for w in b.words if abs(_centre(w) - _centre(end)) < (end.bottom - end.top) / 2]
    return Box("".join(w.text for w in ws), min(w.x0 for w in ws), max(w.x1 for w in ws), end.top, end.bottom)


def _by_lines(words: list[Box]) -> list[Box]:
    """Words top to bottom, those of one line (centres within half a glyph of its first
    word's) left to right: a glyph's ink may stand higher than the word before it."""
    out: list[Box] = []
    line: list[Box] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if line and abs(_centre(w) - _centre(line[0])) >= (line[0].bottom - line[0].top) / 2:
            out += sorted(line, key=lambda w: w.x0)
            line = []
        line.append(w)
    return out + sorted(line, key=lambda w: w.x0)


def _centre(w: Box) -> float:
    return (w.top + w.bottom) / 2


def _level_with(w: Box, mids: list[float]) -> bool:
    """Does a row of values stand level with the piece (its line's middle within the piece's height)?"""
    return any(w.top <= m <= w.bottom for m in mids)


def _overlap(a: Box, b: Box) -> bool:
    """Do two pieces share most of the narrower one's width?"""
    ov = min(a.x1, b.x1) - max(a.x0, b.x0)
    return ov >= 0.5 * min(a.x1 - a.x0, b.x1 - b.x0)
