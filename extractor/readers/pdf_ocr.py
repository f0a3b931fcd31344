"""OCR for pages without a text layer (scanned reports), with tesseract (ocr_engine).

Each page is rendered with pypdfium2; the ruling lines are found on the bitmap (long
runs of dark pixels, with PIL and bytes regexes: numpy is not a dependency), then
painted out so digits next to them OCR cleanly; tesseract reads the whole page once
(TSV with word boxes). Table cells then get a second look, each alone: cells holding
words or a page word ran across, and every value cell, read several times and
confirmed only when the reads agree (ocr_cells). The words become
pseudo-characters and the rulings become edges, so the normal lattice/prose path
builds the tables and paragraphs.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageDraw

from ..cpus import usable_cpus
from ..errors import ReadError
from ..normalize import han_count
from . import ocr_engine
from .ocr_grid import read_text_tables
from .ocr_cells import INK, fix_cell, inside, join_words, overlap, page_read, read_value_cells, replace, value_of
from .pdf_page import Char
from .pdf_tables import PageTable, find_tables
from .underline import erase, underlines

__all__ = ["fix_cell", "ocr_pages", "check_tesseract"]

DPI = 300
MIN_RULE = 0.035          # a ruling this long (fraction of the page width/height) stands on its own
SHORT_RULE = 24           # px: a shorter dark run may be a divider of one row, if it joins two rulings
MAX_PIXELS = 40_000_000   # a page bigger than A3 at 300 dpi is rendered at a lower resolution
MAX_THICK = 12            # a dark run thicker than this (px) is a filled area, not a line
LANGS = "chi_sim"


@dataclass(frozen=True, slots=True)
class Tesseract:
    digit_lang: str       # for the digits-only look: eng honours a whitelist, chi_sim at times returns nothing


def check_tesseract() -> Tesseract:
    langs = ocr_engine.available_languages([LANGS, "eng"])
    if LANGS not in langs:
        raise ReadError("OCR asked for, but tesseract has no Simplified Chinese data (chi_sim)",
                        "install the apt package tesseract-ocr-chi-sim")
    return Tesseract("eng" if "eng" in langs else LANGS)


def ocr_pages(pdf, numbers: list[int], options) -> dict[int, tuple[list[Char], list[dict], dict, list[PageTable]]]:
    """page number -> (word boxes as Chars, ruling edges, box_key -> CellRead of its value
    cells, its tables without rulings (ocr_grid)), coordinates in PDF points. Pages are
    rendered one by one (pdfium is not thread-safe) and OCR'd up to options.jobs at a time
    (0: one per core; tesseract releases the GIL)."""
    tess = check_tesseract()
    deadline = time.monotonic() + options.max_seconds
    jobs = max(1, min(options.jobs or usable_cpus(), len(numbers)))

    def render(number: int) -> tuple[Image.Image, float]:
        page = pdf[number - 1]
        try:
            w, h = page.get_size()
            scale = min(DPI / 72, (MAX_PIXELS / max(1.0, w * h)) ** 0.5)
            return page.render(scale=scale, grayscale=True).to_pil().convert("L"), scale
        finally:
            page.close()

    def one(number: int, image: Image.Image, scale: float):
        if deadline <= time.monotonic():
            raise ReadError(f"OCR ran out of time at page {number} (budget {options.max_seconds:.0f} s)",
                            "raise --timeout, or OCR fewer pages")
        return ocr_image(image, tess, scale, deadline)

    if jobs == 1:
        return {n: one(n, *render(n)) for n in numbers}
    with ThreadPoolExecutor(jobs) as pool:
        # rendered here one by one (pdfium is not thread-safe) while the pool reads earlier pages
        started = {n: pool.submit(one, n, *render(n)) for n in numbers}
        return {n: f.result() for n, f in started.items()}


def ocr_image(image: Image.Image, tess: Tesseract, scale: float,
              deadline: float) -> tuple[list[Char], list[dict], dict, list[PageTable]]:
    runs = find_rules(image, SHORT_RULE)
    h_rules, v_rules = rulings(image, runs)
    clean = image.copy()
    draw = ImageDraw.Draw(clean)
    for y, x0, x1, t in h_rules:
        draw.rectangle([x0 - 2, y - t - 2, x1 + 2, y + t + 2], fill=255)
    for x, y0, y1, t in v_rules:
        draw.rectangle([x - t - 2, y0 - 2, x + t + 2, y1 + 2], fill=255)
    # digits and short labels underlined (`<u>` printed): the line makes OCR misread them
    erase(clean, underlines(image, runs, h_rules))
    edges = [_edge("h", x0 / scale, y / scale, x1 / scale, y / scale) for y, x0, x1, _ in h_rules]
    edges += [_edge("v", x / scale, y0 / scale, x / scale, y1 / scale) for x, y0, y1, _ in v_rules]
    words = tesseract_words(clean, deadline)
    conf = {}
    chars = []
    for text, x0, top, x1, bottom, c in words:
        ch = Char(text, x0 / scale, top / scale, x1 / scale, bottom / scale)
        chars.append(ch)
        conf[ch] = c
    reads: dict = {}
    text_tables: list[PageTable] = []
    tables = find_tables(edges, [])
    page = _Page(clean, tess, scale, deadline)
    if tables:
        boxes = [b for t in tables for b in t.boxes.values()]
        chars = page.reread(chars, _doubtful(chars, boxes))
        chars = page.reread(chars, _worded(chars, boxes), conf)
        chars, reads = read_value_cells(page, chars, conf, _value_cells(edges, chars))
    else:
        chars, text_tables, reads = read_text_tables(page, chars, conf, (image.width / scale, image.height / scale))
    return chars, edges, reads, text_tables


def _worded(chars: list[Char], boxes: list[tuple]) -> list[tuple]:
    """Cells holding words (labels, or a count misread as glyphs): read alone, a cell is
    not confused by its neighbours' lines (a two-line label read as `和末不加后基下认`)."""
    return [b for b in boxes if (text := page_read(chars, b, {})[0].strip()) and value_of(text) is None]


def _doubtful(chars: list[Char], boxes: list[tuple]) -> list[tuple]:
    """Cells under a word the page OCR got wrong: run across cell borders (`0000` over four
    cells), or far wider than its glyphs (a two-line label read as one `人`)."""
    redo: dict[tuple, None] = {}
    for ch in chars:
        hit = [b for b in boxes if overlap(ch, b) > min(0.15 * (ch.x1 - ch.x0), 0.3 * (b[2] - b[0]))]
        smeared = ch.x1 - ch.x0 > 2.5 * (ch.bottom - ch.top) * max(1, len(ch.text))
        if len(hit) >= 2 or (smeared and hit):
            redo.update((b, None) for b in hit)
    return list(redo)


def _value_cells(edges: list[dict], chars: list[Char]) -> list[tuple]:
    """The cells of the page's tables that may hold a count: in columns with numbers, the
    short ones (a misread digit may be one CJK glyph: `人` for 4), and every empty cell
    (OCR may have missed what it holds: ink decides)."""
    out = []
    for t in find_tables(edges, chars):
        cells = [(r, c, g) for r, row in enumerate(t.rows) for c, g in enumerate(row)
                 if g.merged_from is None and (r, c) in t.boxes]
        in_col = Counter(c for _, c, g in cells if c > 0 and value_of(g.text or ""))
        in_row = Counter(r for r, c, g in cells if c > 0 and value_of(g.text or ""))
        shorts = Counter(r for r, c, g in cells if c > 0 and _short(g.text or ""))
        out += [t.boxes[(r, c)] for r, c, g in cells
                if not (g.text or "").strip()
                or (c > 0 and _short(g.text or "") and (in_col[c] >= 2 or 2 * in_row[r] >= shorts[r]))]
    return out


def _short(text: str) -> bool:
    """Could be a count as OCR read it: short, at most one CJK glyph (`人` for 4)."""
    t = text.replace(" ", "")
    return 0 < len(t) <= 10 and han_count(t) <= 1


class _Page:
    """One rendered page (lines painted out) whose cells can be OCR'd one by one."""

    def __init__(self, image: Image.Image, tess: Tesseract, scale: float, deadline: float):
        self.image, self.tess, self.scale, self.deadline = image, tess, scale, deadline

    def crops(self, cells: list[tuple]) -> list[Image.Image]:
        s = self.scale
        out = []
        for b in cells:
            x0, y0 = int(b[0] * s) + 3, int(b[1] * s) + 3        # inside the (painted-out) rulings
            out.append(self.image.crop((x0, y0, max(x0 + 1, int(b[2] * s) - 3), max(y0 + 1, int(b[3] * s) - 3))))
        return out

    def _ocr(self, crops: list[Image.Image], psm: str = "7", whitelist: str | None = None,
             lang: str = LANGS) -> list[tuple[str, float]]:
        return tesseract_lines(crops, self.deadline, psm, whitelist, lang)

    def read_crops(self, crops: dict[int, Image.Image], lines: dict[int, int],
                   digits: bool = False) -> dict[int, tuple[str, float]]:
        """Each crop alone: one text line (--psm 7), or a block (--psm 6) where its ink
        has several lines; chi_sim, or eng restricted to digits."""
        out: dict[int, tuple[str, float]] = {}
        for psm, group in (("7", [k for k in crops if lines.get(k, 1) <= 1]),
                           ("6", [k for k in crops if lines.get(k, 1) > 1])):
            if not group:
                continue
            if digits:
                got = self._ocr([crops[k] for k in group], psm, "0123456789.-", self.tess.digit_lang)
            else:
                got = self._ocr([crops[k] for k in group], psm)
            out.update(zip(group, got, strict=True))
        return out

    def reread(self, chars: list[Char], cells: list[tuple], conf: dict | None = None) -> list[Char]:
        """OCR `cells` alone; their text replaces the words the page OCR found in them
        (with `conf`, the page words' confidences, only where tesseract is at least as
        sure of the cell read alone)."""
        if not cells:
            return chars
        crops = self.crops(cells)
        # one text line: --psm 7; a cell whose page OCR words sit on several lines, or are
        # taller than a line: --psm 6
        heights = sorted(c.bottom - c.top for c in chars) or [10.0]
        line_h = 1.6 * heights[len(heights) // 2]
        tall = {k: 2 for k, b in enumerate(cells)
                if _lines_in(chars, b) > 1 or any(c.bottom - c.top > line_h for c in chars if inside(c, b))}
        got = self.read_crops(dict(enumerate(crops)), tall)
        texts = [got[k][0] if conf is None or got[k][1] >= page_read(chars, b, conf)[1] else ""
                 for k, b in enumerate(cells)]
        return replace(chars, cells, texts)


def _lines_in(chars: list[Char], box) -> int:
    mids = sorted((c.top + c.bottom) / 2 for c in chars if overlap(c, box) > 0)
    if not mids:
        return 0
    h = min(c.bottom - c.top for c in chars if overlap(c, box) > 0)
    return 1 + sum(1 for a, b in pairwise(mids) if b - a > 0.7 * h)


def tesseract_lines(images: list[Image.Image], deadline: float, psm: str = "7",
                    whitelist: str | None = None, lang: str = LANGS) -> list[tuple[str, float]]:
    """OCR each small image (--psm 7: one text line): its text (lines joined by
    newlines) and the lowest confidence of its words (0 for no word)."""
    out = []
    for im in images:
        # a margin of white helps tesseract with text touching the crop border
        framed = Image.new("L", (im.width + 20, im.height + 20), 255)
        framed.paste(im, (10, 10))
        lines: dict[tuple, list] = {}        # line -> [(text, x0, x1, h, conf)]
        for row in ocr_engine.tsv(framed, lang, psm, deadline, whitelist).splitlines():
            cols = row.split("\t")
            if len(cols) >= 12 and cols[0] == "5" and cols[11].strip():
                left, width, height = int(cols[6]), int(cols[8]), int(cols[9])
                lines.setdefault(tuple(cols[2:5]), []).append((cols[11].strip(), left, left + width, height,
                                                                float(cols[10])))
        text = "\n".join(join_words([w[:4] for w in ws]) for ws in lines.values())
        out.append((text, min((w[4] for ws in lines.values() for w in ws), default=0.0)))
    return out


def rulings(image: Image.Image, hs: list | None = None) -> tuple[list, list]:
    """Horizontal (y, x0, x1, t) and vertical (x, y0, y1, t) rulings of a page bitmap, in px.

    Long runs are rulings by themselves. A short one (the divider of a single table row,
    ~50 px at 300 dpi, no longer than a glyph's stroke) counts only when both its ends
    meet a long ruling across it: glyph strokes sit inside cells, clear of the rules.
    `hs`: the image's horizontal runs (find_rules(image, SHORT_RULE)), when found already."""
    w, h = image.size
    hs = find_rules(image, SHORT_RULE) if hs is None else hs
    vs = find_rules(image.transpose(Image.Transpose.TRANSPOSE), SHORT_RULE)
    h_long = [r for r in hs if r[2] - r[1] >= w * MIN_RULE]
    v_long = [r for r in vs if r[2] - r[1] >= h * MIN_RULE]

    def joins(rule, across) -> bool:
        at, lo, hi, _ = rule
        # a divider runs into the rules it joins; a glyph stroke stops a few px short
        ends = [any(abs(a[0] - end) <= a[3] + 2 and a[1] - 3 <= at <= a[2] + 3 for a in across) for end in (lo, hi)]
        return all(ends)

    h_rules = h_long + [r for r in hs if r[2] - r[1] < w * MIN_RULE and joins(r, v_long)]
    v_rules = v_long + [r for r in vs if r[2] - r[1] < h * MIN_RULE and joins(r, h_long)]
    return h_rules, v_rules


def find_rules(image: Image.Image, min_len: int) -> list[tuple[int, int, int, int]]:
    """Horizontal ink runs at least min_len px long: (y centre, x0, x1, half thickness) in px."""
    w, h = image.size
    # the whole bitmap at once, with bytes.find (8 times faster than a regex, and than a
    # search a row); a column of non-ink (0) after each row keeps a run from wrapping over
    bw = Image.new("L", (w + 1, h), 0)
    bw.paste(image.point(lambda v: 255 if v < INK else 0), (0, 0))
    data = bw.tobytes()
    runs: dict[int, list[tuple[int, int]]] = {}
    needle = b"\xff" * min_len
    at = data.find(needle)
    while at >= 0:
        end = data.find(b"\x00", at + min_len)      # found: every row ends in non-ink
        y, a = divmod(at, w + 1)
        runs.setdefault(y, []).append((a, a + end - at))
        at = data.find(needle, end)
    open_segs: list[list[int]] = []      # [y_first, y_last, x0, x1]
    done: list[list[int]] = []
    last = -2
    for y, found in runs.items():        # rows in order, each with its runs
        if y != last + 1:                # rows without a run in between close every segment
            done += open_segs
            open_segs = []
        last = y
        still = []
        ends = [b for _, b in found]     # runs of a row are disjoint and in order: ends too
        for seg in open_segs:
            # the first run left that overlaps the segment's span
            k = bisect_right(ends, seg[2])
            if k < len(found) and found[k][0] < seg[3]:
                a, b = found.pop(k)
                del ends[k]
                seg[1] = y
                seg[2], seg[3] = min(seg[2], a), max(seg[3], b)
                still.append(seg)
            else:
                done.append(seg)
        still += [[y, y, a, b] for a, b in found]
        open_segs = still
    done += open_segs
    return [((s[0] + s[1]) // 2, s[2], s[3], (s[1] - s[0]) // 2 + 1) for s in done if s[1] - s[0] + 1 <= MAX_THICK]


def tesseract_words(image: Image.Image, deadline: float) -> list[tuple[str, int, int, int, int, float]]:
    """The page's words: (text, x0, top, x1, bottom, confidence), in px."""
    page_tsv = ocr_engine.tsv(image, LANGS, "6", deadline)
    words = []
    lines: dict[tuple, tuple[int, int]] = {}
    for line in page_tsv.splitlines():
        f = line.split("\t")
        if len(f) < 12:
            continue
        left, top, width, height = int(f[6]), int(f[7]), int(f[8]), int(f[9])
        if f[0] == "4":
            lines[tuple(f[1:5])] = (top, top + height)
        elif f[0] == "5" and f[11].strip():
            text = f[11].strip()
            if _PUNCT.match(text) and tuple(f[1:5]) in lines:
                # a comma's box sits low, under its line: give it the line's height
                top, bottom = lines[tuple(f[1:5])]
                height = bottom - top
            words.append((text, left, top, left + width, top + height, float(f[10])))
    return words


_PUNCT = re.compile(r"^[，,。.、；;：:！!？?”’）)]+$")


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation, "object_type": "line"}
