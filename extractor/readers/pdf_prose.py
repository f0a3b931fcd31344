"""Prose on a PDF page: characters -> lines -> paragraphs, page furniture dropped."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..normalize import clean_text
from .pdf_page import Char, PageContent
from .pdf_tables import group_lines, line_text


@dataclass(slots=True)
class Line:
    chars: list[Char]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float            # median glyph height: the line's font size, roughly


def build_lines(chars: list[Char], page: PageContent) -> list[Line]:
    out = []
    for group in group_lines(chars):
        heights = sorted(c.bottom - c.top for c in group)
        out.append(Line(group, line_text(group), min(c.x0 for c in group), min(c.top for c in group),
                        max(c.x1 for c in group), max(c.bottom for c in group), heights[len(heights) // 2]))
    return out


# `- 1 -`, `— 2 —`, `第 3 页`, `第3页 共8页`, `3 / 8`, a bare number
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:(?:/|／|共)\s*\d{1,4}\s*页?)?[\s\-—–－_·•]*$")
_MARGIN = 0.09          # the top and bottom 9 % of a page are where headers and footers sit


def drop_furniture(pages_lines: list[list[Line]], pages: list[PageContent]) -> None:
    """Remove page numbers and headers/footers repeated on most pages (in place)."""
    def in_margin(ln: Line, page: PageContent) -> bool:
        return ln.bottom < page.height * _MARGIN or ln.top > page.height * (1 - _MARGIN)

    def shape(ln: Line) -> str:
        return re.sub(r"\d+", "#", ln.text.replace(" ", ""))

    seen: Counter = Counter()
    for lines, page in zip(pages_lines, pages, strict=True):
        seen.update({shape(ln) for ln in lines if in_margin(ln, page)})
    repeated = {s for s, n in seen.items() if n >= 2 and n >= len(pages) / 2}
    for lines, page in zip(pages_lines, pages, strict=True):
        lines[:] = [ln for ln in lines if not (in_margin(ln, page) and not _beside_another(ln, lines) and (
            _PAGE_NUMBER.match(ln.text) or shape(ln) in repeated))]


def _beside_another(ln: Line, lines: list[Line]) -> bool:
    """A line standing beside another at the same height is part of a row (a number wrapped
    in a table column at the top of a page), not a page number."""
    return any(o is not ln and o.top < ln.bottom and ln.top < o.bottom and (o.x1 < ln.x0 or ln.x1 < o.x0)
               for o in lines)


# a line opening a numbered heading (一、 （二）) or an annex starts a new paragraph
OPENS_BLOCK = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|附件|注[:：])")


@dataclass(slots=True)
class ProsePara:
    text: str
    page: int
    open_end: bool          # the last line runs to the right margin: may continue on the next page
    indented: bool          # the first line starts indented (a new paragraph)


def paragraphs(lines: list[Line], page: PageContent) -> list[ProsePara]:
    """Join wrapped lines into paragraphs.

    A line continues the paragraph when it follows closely, has the same size, is not
    indented, does not open a numbered heading, and the line before ran to the right margin.
    """
    if not lines:
        return []
    left, right = _margins(page)
    out: list[ProsePara] = []
    cur: list[Line] = []

    def flush():
        if cur:
            text = clean_text(_join_lines([ln.text for ln in cur])).strip()
            if text:
                out.append(ProsePara(text, page.number, cur[-1].x1 >= right - 1.5 * cur[-1].size,
                                     cur[0].x0 > left + 0.6 * cur[0].size))
    for ln in lines:
        if cur:
            prev = cur[-1]
            same_size = abs(ln.size - prev.size) <= 0.35 * max(ln.size, prev.size)
            close = ln.top - prev.bottom < 1.2 * max(ln.size, prev.size)
            full = prev.x1 >= right - 1.5 * prev.size
            indented = ln.x0 > left + 0.6 * ln.size
            if same_size and close and full and not indented and not OPENS_BLOCK.match(ln.text):
                cur.append(ln)
                continue
            flush()
        cur = [ln]
    flush()
    return out


def _margins(page: PageContent) -> tuple[float, float]:
    """The text column: where most long lines start and end."""
    return page.text_left, page.text_right


def _join_lines(parts: list[str]) -> str:
    out = parts[0]
    for p in parts[1:]:
        out = join_wrapped(out, p)
    return out


def join_wrapped(a: str, b: str) -> str:
    """Chinese wraps anywhere without a space; Latin words and numbers keep one."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def text_column(pages_lines: list[list[Line]], pages: list[PageContent]) -> None:
    """Set each page's text_left/text_right from the document's lines (pages share a layout)."""
    lefts: Counter[int] = Counter()
    rights = []
    for lines in pages_lines:
        for ln in lines:
            if len(ln.chars) >= 8:
                lefts[round(ln.x0)] += 1
                rights.append(ln.x1)
    if lefts:
        left = min(x for x, n in lefts.items() if n >= max(lefts.values()) / 3)
        rights.sort()
        right = rights[int(len(rights) * 0.9)]
    for page in pages:
        if lefts:
            page.text_left, page.text_right = left, right
        else:
            page.text_left, page.text_right = page.width * 0.1, page.width * 0.9
