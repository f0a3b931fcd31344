"""PDF reader: bytes -> Document (paragraphs and tables in reading order).

The fast path never asks pdfminer to parse a page: pypdfium2 gives the characters and
ruling lines (pdf_page), pdfplumber's own lattice functions turn the rulings into cells
(pdf_tables), tables printed without rulings are rebuilt from word positions (pdf_words),
prose is everything outside a table (pdf_prose). Pages without a text layer go to OCR
when asked (pdf_ocr).

A table running over a page break stays one Table per page (the recognizer stitches
them by their labels); here its pieces get the same grid columns, and what the break
cut is mended: a merged label split in two (`（四）无` / `法提供`) or left blank on the
new page, a row split in two.
"""
from __future__ import annotations

from itertools import pairwise
import logging
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import ReadError
from ..model import Cell, Document, Origin, Paragraph, ReaderNote, Table
from ..normalize import clean_cell, drop_cjk_gaps, is_value_text
from . import ReadOptions
from .ocr_cells import box_key, fix_cell
from .pdf_page import PageContent, read_page
from .pdf_streams import check_streams
from .pdf_prose import (OPENS_BLOCK, Line, ProsePara, build_lines, drop_furniture, join_wrapped, paragraphs,
                        text_column)
from .pdf_tables import PageTable, continues, find_tables, unify_columns
from .pdf_words import find_text_tables

# pdfminer (under pdfplumber) logs one warning per odd font; a report can hold hundreds
logging.getLogger("pdfminer").setLevel(logging.ERROR)

FORMAT = "pdf"
# more ruling pieces than this on one page is a drawing (map, chart), not a table; the
# lattice search is quadratic in them, so such a page is read as text only
MAX_EDGES = 4000
# a page without text whose largest image covers this much of it is a scan (a blank page
# with a small emblem is not)
SCAN_COVER = 0.4


def read(data: bytes, options: ReadOptions) -> Document:
    check_streams(data, options.limits)          # before PDFium inflates anything
    pdf = open_pdf(data)
    try:
        n = len(pdf)
        if n > options.max_pages:
            raise ReadError(f"PDF has {n} pages, more than the limit of {options.max_pages}",
                            "if it really is one report, raise --max-pages")
        if n == 0:
            raise ReadError("not a readable PDF: it has no pages", "check the file")
        try:
            pages = [read_page(pdf, i, options.limits) for i in range(n)]
        except pdfium.PdfiumError as e:
            raise ReadError(f"not a readable PDF: {_why(e)}", "the file may be truncated or damaged") from None
        blank = [p for p in pages if not p.chars]
        doc = Document(FORMAT)
        if len(blank) == n and not options.ocr:
            if any(p.image_cover >= SCAN_COVER for p in pages):
                raise ReadError("no text layer: this PDF is scanned images, OCR needed",
                                "rerun with --ocr (needs tesseract-ocr and tesseract-ocr-chi-sim)")
            raise ReadError("no text layer: the pages hold no text, only drawings (vector paths) or nothing",
                            "if the text was drawn as outlines, rerun with --ocr; else get the report's text version")
        if blank and options.ocr:
            from .pdf_ocr import ocr_pages
            targets = [p for p in blank if p.image_cover >= SCAN_COVER or len(blank) == n]
            found = ocr_pages(pdf, [p.number for p in targets], options)
            for p in targets:
                p.chars, p.edges, p.cell_reads, p.text_tables = found[p.number]
                p.ocr = True
            if targets:
                nums = ", ".join(str(p.number) for p in targets)
                doc.notes.append(ReaderNote(
                    "OCR", "warning",
                    f"第 {nums} 页没有文字层，内容由 OCR 识别，文字和数字可能有误，请核对原件",
                    f"pages {nums}"))
        elif any(p.image_cover >= SCAN_COVER for p in blank):
            scanned = ", ".join(str(p.number) for p in blank if p.image_cover >= SCAN_COVER)
            doc.notes.append(ReaderNote(
                "PDF-NO-TEXT", "warning",
                f"第 {scanned} 页是图片，没有文字层，未读取其内容（可加 --ocr 识别）", f"pages {scanned}"))
    finally:
        pdf.close()
    _assemble(doc, pages)
    unmapped = sum(p.unmapped for p in pages)
    if unmapped:
        where = [p.number for p in pages if p.unmapped]
        doc.notes.append(ReaderNote(
            "PDF-CID", "warning",
            f"PDF 中有 {unmapped} 个字符无法解码（字体缺少 Unicode 映射，显示为 �），相关文字或数字可能缺失，请核对原件",
            "pages " + ",".join(map(str, where))))
    return doc


def open_pdf(data: bytes):
    try:
        return pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as e:
        if e.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ReadError("encrypted PDF: it needs a password to open",
                            "ask the publisher for an unprotected copy, or decrypt it (e.g. qpdf --decrypt) and rerun") from None
        raise ReadError(f"not a readable PDF: {_why(e)}", "the file may be truncated or damaged") from None


def _why(e: Exception) -> str:
    m = re.search(r"PDFium: ([^)]*)", str(e))          # "Failed to load document (PDFium: Data format error)."
    return (m.group(1) if m else str(e) or type(e).__name__).strip().rstrip(".").lower()


# ---------------------------------------------------------------- assembling blocks

def _assemble(doc: Document, pages: list[PageContent]) -> None:
    page_tables: list[list[PageTable]] = []
    page_lines: list[list[Line]] = []
    for page in pages:
        if page.objects_over:
            doc.notes.append(ReaderNote("PDF-GRAPHICS", "info",
                                        f"第 {page.number} 页图形对象过多（超过 {page.objects_over} 个，"
                                        "可用 --limit pdf-page-objects=N 调高），"
                                        "按纯文本读取，未识别表格", f"page {page.number}"))
        elif len(page.edges) > MAX_EDGES:
            doc.notes.append(ReaderNote("PDF-GRAPHICS", "info",
                                        f"第 {page.number} 页线条过多（{len(page.edges)} 段），按纯文本读取，未识别表格",
                                        f"page {page.number}"))
            page.edges = []
        # a one-column "table" is the bordered frame round body text: prose, not a table
        tables = [t for t in find_tables(page.edges, page.chars) if len(t.col_x) > 1]
        used = set().union(*(t.chars for t in tables)) if tables else set()
        for t in tables:
            t.ocr = page.ocr
        page_tables.append(tables)
        page_lines.append(build_lines([c for i, c in enumerate(page.chars) if i not in used], page))
    drop_furniture(page_lines, pages)
    text_column(page_lines, pages)

    page_items = []
    for page, tables, lines in zip(pages, page_tables, page_lines, strict=True):
        # a scanned page's tables without rulings were built where its image was (ocr_grid)
        lines, text_tables = (lines, page.text_tables) if page.ocr else find_text_tables(lines, page)
        for t in text_tables:
            t.ocr = page.ocr
        items = [(t.bbox[1], t) for t in tables + text_tables] + [(ln.top, ln) for ln in lines]
        items.sort(key=lambda it: it[0])
        page_items.append(items)
    _unify_continued_tables(page_items)

    pieces: list[tuple[Table, PageTable]] = []
    paras: list[ProsePara] = []              # parallel to the Paragraph blocks, for page-break joins
    for page, items in zip(pages, page_items, strict=True):
        run: list[Line] = []
        for _, item in items:
            if isinstance(item, Line):
                run.append(item)
                continue
            _flush(doc, paras, run, page)
            run = []
            table = _to_table(item, len(doc.tables), page.number, page.cell_reads)
            doc.blocks.append(table)
            pieces.append((table, item))
        _flush(doc, paras, run, page)
    _join_page_breaks(doc, paras)
    _repair_cut_labels(doc, pieces)


def _unify_continued_tables(page_items: list[list]) -> None:
    """Tables running over page breaks: give each chain of pieces one set of grid columns."""
    chain: list[PageTable] = []
    for items, nxt in zip(page_items, page_items[1:] + [[]], strict=True):
        last = items[-1][1] if items and isinstance(items[-1][1], PageTable) else None
        first = nxt[0][1] if nxt and isinstance(nxt[0][1], PageTable) else None
        if last is not None and first is not None and continues(last, first):
            if not chain or chain[-1] is not last:
                chain = [last]
            chain.append(first)
            continue
        if len(chain) > 1:
            unify_columns(chain)
        chain = []
    if len(chain) > 1:
        unify_columns(chain)


def _flush(doc: Document, paras: list, run: list[Line], page: PageContent) -> None:
    for p in paragraphs(run, page):
        if page.ocr:       # OCR puts a space between most CJK words; in Chinese prose they are noise
            p.text = drop_cjk_gaps(p.text)
        block = Paragraph(p.text, p.page)
        doc.blocks.append(block)
        paras.append((block, p))


def _to_table(t: PageTable, index: int, page: int, cell_reads: dict) -> Table:
    rows: list[list[Cell]] = []
    for r, row in enumerate(t.rows):
        cells = []
        for c, g in enumerate(row):
            src = t.rows[g.merged_from[0]][g.merged_from[1]] if g.merged_from is not None else g
            raw = src.text or ""
            origin = Origin(FORMAT, page, index, r, c, t.ocr)
            if t.ocr:
                raw = fix_cell(raw)     # OCR's own slips (`21!`, `Il10`) are not the document's text
                box = t.boxes.get(g.merged_from or (r, c))
                read = cell_reads.get(box_key(box)) if box else None
                # a cell is sure only when several reads of it agreed (ocr_cells)
                origin.uncertain = None if read is not None and read.confirmed else "ocr"
                if read is not None:
                    origin.reads = read.reads
                elif box is None and t.boxes:
                    # a ruled table with no cell there (a border the scan lost): nothing was
                    # read, which is not a blank
                    origin.reads = ("",)
            # a copy of a merged cell is unread where its source is, or where the reader says
            # so of this position (a label repeated beside a row it may not belong to)
            cells.append(Cell(raw, clean_cell(raw), origin, g.merged_from, src.unread or g.unread))
        rows.append(cells)
    return Table(index, rows, page)


def _join_page_breaks(doc: Document, paras: list) -> None:
    """A paragraph running over a page break is one paragraph (kept on its first page).

    It does when the last block of a page is a paragraph whose last line runs to the
    right margin and the first block of the next page is an unindented paragraph.
    """
    meta = {id(block): p for block, p in paras}
    out: list = []
    for b in doc.blocks:
        prev = out[-1] if out else None
        if isinstance(b, Paragraph) and isinstance(prev, Paragraph):
            mp, mb = meta[id(prev)], meta[id(b)]
            if b.page == mp.page + 1 and mp.open_end and not mb.indented and not OPENS_BLOCK.match(b.text):
                prev.text = join_wrapped(prev.text, b.text)
                mp.open_end = mb.open_end
                mp.page = b.page
                continue
        out.append(b)
    doc.blocks[:] = out


# ------------------------------------------------------- labels cut by a page break

_NUMBERED = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．])")


def _repair_cut_labels(doc: Document, pieces: list[tuple[Table, PageTable]]) -> None:
    """A table continued on the next page: mend what the page break cut.

    When piece B directly continues piece A (A ends its page, B starts the next, and
    B's first row has cells at the same x-positions as A's last row):

    - a merged label cell split by the break prints its text in two parts (`（四）无` /
      `法提供`) or leaves the continuation blank: a label in B's first row that spans
      rows or continues a spanning label of A, and does not open an item of its own
      (`（五）`, `2.`), is the tail of A's label; a blank one under a label spanning A's
      last rows repeats that label;
    - a row split by the break (B's first row has no values where A's last row has
      them) is one row: the label tails join A's row and B's part of it is dropped.

    Header rows repeated at the top of B are skipped over; values are never touched.
    """
    at = {id(b): i for i, b in enumerate(doc.blocks)}
    for (ta, a), (tb, b) in pairwise(pieces):
        ia, ib = at[id(ta)], at[id(tb)]
        if tb.page != (ta.page or 0) + 1 or not _last_on_page(doc, ia) or not _first_on_page(doc, ib):
            continue
        k = 0                                                  # header rows repeated on the new page
        while k < min(len(ta.rows), len(tb.rows) - 1) and _texts(ta.rows[k]) == _texts(tb.rows[k]):
            k += 1
        pairs = _aligned_cells(a, b, len(a.rows) - 1, k)
        if not pairs:
            continue
        last, first = ta.rows[-1], tb.rows[k]
        # a row split by the break: values above, none below, and the text below opens no item
        split_row = any(is_value_text(last[ca].text) for ca, _ in pairs) and \
            not any(first[cb].text and is_value_text(last[ca].text) for ca, cb in pairs) and \
            not any(_NUMBERED.match(first[cb].text) for _, cb in pairs)
        for ca, cb in pairs:
            above, below = last[ca], first[cb]
            head, tail = above.text, below.text
            if not head or is_value_text(head):
                continue
            spans_above = above.merged_from is not None
            spans_below = len(tb.rows) > k + 1 and tb.rows[k + 1][cb].merged_from == (k, cb)
            src = above.merged_from or (len(ta.rows) - 1, ca)
            if not tail:
                if spans_above or spans_below:
                    _set_text(tb, (k, cb), head)
            elif split_row and not spans_below:
                if tail != head:
                    _set_text(ta, src, clean_cell(above.raw + below.raw))
            elif not is_value_text(tail) and not _NUMBERED.match(tail) and (spans_above or spans_below):
                joined = clean_cell(above.raw + below.raw)
                _set_text(ta, src, joined)
                _set_text(tb, (k, cb), joined)
        if split_row:
            _drop_row(tb, k)                                   # the row lives on in A


def _drop_row(t: Table, k: int) -> None:
    """Remove grid row k; a merge that started there now starts on the row below."""
    if len(t.rows) < 2:
        for cell in t.rows[k]:
            cell.text = ""
        return
    del t.rows[k]
    moved: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row):
            cell.origin.row = r
            m = cell.merged_from
            if m is None:
                continue
            if m[0] == k:                                      # its top-left cell is gone
                if m not in moved:
                    moved[m] = (r, c)
                    cell.merged_from = None
                    continue
                cell.merged_from = moved[m]
            elif m[0] > k:
                cell.merged_from = (m[0] - 1, m[1])


def _texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row if c.merged_from is None]


def _aligned_cells(a: PageTable, b: PageTable, ra: int, rb: int) -> list[tuple[int, int]]:
    """(column in A, column in B) of the cells starting in B's row `rb` whose left and right
    edges match a cell of A's row `ra` (within 4 pt); [] unless every B cell has a match."""
    def owner_box(t: PageTable, r: int, c: int):
        g = t.rows[r][c]
        return t.boxes.get(g.merged_from or (r, c))

    pairs = []
    for cb, g in enumerate(b.rows[rb]):
        if g.merged_from is not None:
            continue
        box = b.boxes.get((rb, cb))
        match = next((ca for ca in range(len(a.rows[ra]))
                      if (ob := owner_box(a, ra, ca)) and box and abs(ob[0] - box[0]) <= 4 and abs(ob[2] - box[2]) <= 4),
                     None)
        if match is None:
            return []
        pairs.append((match, cb))
    return pairs


def _set_text(t: Table, src: tuple[int, int], text: str) -> None:
    for row in t.rows:
        for cell in row:
            if (cell.origin.row, cell.origin.col) == src or cell.merged_from == src:
                cell.text = text


def _last_on_page(doc: Document, i: int) -> bool:
    page = doc.blocks[i].page
    return all(b.page != page for b in doc.blocks[i + 1:])


def _first_on_page(doc: Document, i: int) -> bool:
    page = doc.blocks[i].page
    return all(b.page != page for b in doc.blocks[:i])
