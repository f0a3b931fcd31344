"""The value cells of an OCR'd table, each read several times and kept only when the reads agree.

A value cell is read three ways: the page OCR's words in it, its crop alone by chi_sim,
and its crop by eng restricted to digits. All three giving the same number confirm it.
Otherwise, or when tesseract was unsure of a word (confidence below LOW_CONF), the crop
is read once more at another resolution by eng, and a number that three of the four
reads give confirms it. A read that sees nothing in a cell with ink (a thin `1` missed)
says no other number: when every read that saw something says the same, the cell's reads
are as one. A cell still without one keeps its most-read text but is marked unconfirmed with its reads (Origin.uncertain, .reads):
the table's arithmetic may confirm one of them (see ocr_confirm), else it is left null
with a finding. Ink decides blanks: a crop without ink is blank, a crop with ink is never
read as blank just because OCR saw nothing in it. A number wrapped over two lines of a
narrow cell (`21` / `8`) is read as one (page segmentation mode 6, lines joined).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from PIL import Image

from ..normalize import BLANK_MARKS
from .pdf_page import Char

INK = 160                 # grey level below which a pixel is ink
MIN_INK = 15              # fewer dark pixels than this in a cell is dust, not a glyph
LOW_CONF = 60             # a tesseract word confidence below this asks for more reads
RESCALE = 0.7             # the second look: the crop at 0.7 times the resolution (~210 dpi, tesseract's
                          # sweet spot for these glyph sizes; 1.5 and 2 times read worse than 1)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_OCR_BRACKETS = str.maketrans({"〈": "（", "〉": "）", "＜": "（", "＞": "）"})
_EDGE_JUNK = "|!Il‘’'\"`,.:;。、 "          # remnants of removed rulings, stray marks at a cell's ends
_DIGITISH = re.compile(r"^[0-9Oo]*[0-9][0-9Oo]*(?:\.[0-9]+)?$")


@dataclass(frozen=True, slots=True)
class CellRead:
    """What OCR made of one value cell."""
    text: str                        # the cell's text for the recognizer ("" when blank)
    reads: tuple[str, ...] = ()      # the distinct readings, when they did not all agree
    confirmed: bool = True


def fix_cell(text: str) -> str:
    """Undo OCR's usual slips in a table cell: `21!`, `Il10`, `1O`, `〈区分处理的〉`."""
    text = text.translate(_OCR_BRACKETS)
    core = text.strip(_EDGE_JUNK)
    if core != text and re.fullmatch(r"\d+(?:\.\d+)?", core):
        return core
    if _DIGITISH.match(text.strip()):
        return text.strip().replace("O", "0").replace("o", "0")
    return text


def value_of(read: str) -> str | None:
    """A reading as a vote: the number it says, '-' for a printed blank mark, None for anything else.

    Lines are joined (a number wraps in a narrow cell); words on one line are not (the
    reader joins a number's pieces already, so `1 0` there is two things)."""
    text = fix_cell("".join(read.split("\n")).strip())
    if _NUMBER.match(text):
        return text
    if text in BLANK_MARKS and text:
        return "-"
    return None


def vote(reads: list[str], confs: list[float]) -> tuple[str | None, bool]:
    """(the winning value, confirmed) from the reads so far."""
    values = [value_of(r) for r in reads]
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None, False
    (best, n), *rest = counts.most_common()
    if any(m == n for _, m in rest):
        return None, False
    if len(reads) <= 3:
        return best, n == len(reads) and min(confs, default=100) >= LOW_CONF
    return best, n >= 3


def ink(crop: Image.Image) -> tuple[int, int]:
    """(dark pixels, text lines) of a cell crop; lines are bands of rows with ink."""
    bw = crop.point(lambda v: 255 if v < INK else 0)
    dark = bw.histogram()[255]
    if dark < MIN_INK:
        return dark, 0
    w = bw.width
    data = bw.tobytes()
    inked = [b"\xff" in data[y * w:(y + 1) * w] for y in range(bw.height)]
    bands, run, gap = 0, 0, 0
    for row in inked + [False]:
        if row:
            run += 1
            gap = 0
            continue
        gap += 1
        if run >= 4:            # a band thinner than this is a stroke of dust
            bands += 1
        run = 0
    return dark, max(1, bands)


def page_read(chars: list[Char], box, conf: dict) -> tuple[str, float]:
    """The page OCR's words inside a cell, lines joined by newlines, and their lowest confidence."""
    mine = sorted((c for c in chars if inside(c, box)), key=lambda c: ((c.top + c.bottom) / 2, c.x0))
    lines: list[list[Char]] = []
    for c in mine:
        if lines and (c.top + c.bottom) / 2 - (lines[-1][0].top + lines[-1][0].bottom) / 2 < 0.6 * (c.bottom - c.top):
            lines[-1].append(c)
        else:
            lines.append([c])
    text = "\n".join(join_words([(c.text, c.x0, c.x1, c.bottom - c.top) for c in sorted(ln, key=lambda c: c.x0)])
                     for ln in lines)
    return text, min((conf.get(c, 100.0) for c in mine), default=100.0)


def join_words(words: list[tuple[str, float, float, float]]) -> str:
    """Words of one line, (text, x0, x1, height): a gap narrower than half the height is
    no space (tesseract cuts `821` into `8`, `21` at times); a wider one is."""
    out = ""
    prev_x1 = None
    for text, x0, x1, height in words:
        if prev_x1 is not None and x0 - prev_x1 > 0.5 * height:
            out += " "
        out += text
        prev_x1 = x1
    return out


def inside(ch: Char, box) -> bool:
    x, y = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def overlap(ch: Char, box) -> float:
    """How far a word runs over a cell box across (0 when its middle is above or below it)."""
    if not box[1] <= (ch.top + ch.bottom) / 2 < box[3]:
        return 0.0
    return max(0.0, min(ch.x1, box[2]) - max(ch.x0, box[0]))


def box_key(box) -> tuple[int, int, int, int]:
    """A cell box as a dict key that survives float noise between two lattice runs."""
    return tuple(round(v) for v in box[:4])


def read_value_cells(page, chars: list[Char], conf: dict, cells: list[tuple]) -> tuple[list[Char], dict]:
    """Vote on each value cell (conf: the page words' confidences); returns the chars with
    each cell's words replaced by its text, and box_key -> CellRead."""
    out = vote_cells(page, chars, conf, cells)
    texts = [out[box_key(box)].text or "" for box in cells]
    return replace(chars, cells, texts, keep_empty=False), out


def vote_cells(page, chars: list[Char], conf: dict, cells: list[tuple]) -> dict:
    """box_key -> CellRead of each value cell: the page OCR's words in it, its crop read by
    chi_sim and by eng for digits, and again smaller where those did not agree."""
    if not cells:
        return {}
    crops = page.crops(cells)
    inks = [ink(c) for c in crops]
    live = [k for k, (dark, _) in enumerate(inks) if dark >= MIN_INK]
    lines = {k: inks[k][1] for k in live}
    reads: dict[int, list[str]] = {k: [] for k in live}
    confs: dict[int, list[float]] = {k: [] for k in live}
    for k in live:
        text, c = page_read(chars, cells[k], conf)
        reads[k].append(text)
        confs[k].append(c)
    for k, (text, c) in page.read_crops({k: crops[k] for k in live}, lines).items():
        reads[k].append(text)
        confs[k].append(c)
    for k, (text, c) in page.read_crops({k: crops[k] for k in live}, lines, digits=True).items():
        reads[k].append(text)
        confs[k].append(c)
    unsure = [k for k in live if not vote(reads[k], confs[k])[1]]
    if unsure:
        small = {k: crops[k].resize((max(1, int(crops[k].width * RESCALE)), max(1, int(crops[k].height * RESCALE))),
                                    Image.Resampling.LANCZOS) for k in unsure}
        for k, (text, c) in page.read_crops(small, lines, digits=True).items():
            reads[k].append(text)
            confs[k].append(c)
    out: dict = {}
    for k, box in enumerate(cells):
        if k not in reads:
            out[box_key(box)] = CellRead("")
            continue
        best, confirmed = vote(reads[k], confs[k])
        shown = tuple(dict.fromkeys(r.strip() for r in reads[k]))
        if best is not None and confirmed and {value_of(r) for r in reads[k] if r.strip()} == {best}:
            # every read that saw something saw this number (a lone `1` some reads miss):
            # as unanimous as reads get, nothing else to choose from
            shown = (best,)
        if best is None:
            # no read says a number: keep what chi_sim saw (a label, or a value the
            # recognizer will call unreadable), never blank
            text = next((r for r in reads[k][1:2] + reads[k] if r.strip()), "?")
            out[box_key(box)] = CellRead(" ".join(text.split()), shown, False)
        else:
            out[box_key(box)] = CellRead(best, () if len(shown) == 1 else shown, confirmed)
    return out


def replace(chars: list[Char], cells: list[tuple], texts: list[str], keep_empty: bool = True) -> list[Char]:
    """Put each cell's new text at its centre instead of the page words in it (the page
    words stay where the new text is empty and keep_empty is set)."""
    gone = [b for b, text in zip(cells, texts, strict=True) if text or not keep_empty]
    keep = [ch for ch in chars if not any(inside(ch, b) for b in gone)]
    for b, text in zip(cells, texts, strict=True):
        if text:
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            keep.append(Char(text, cx - 1, cy - 1, cx + 1, cy + 1))
    return keep
