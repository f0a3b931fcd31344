"""The document model every reader produces and every later stage reads.

Plain classes with __slots__ (not dataclasses, whose generated methods are exec'd at
import): readers build them fast, the recognizer walks them, nothing here knows about
formats beyond the `format` string kept in each origin.
"""
from __future__ import annotations


class Origin:
    """Where a piece of text came from. Pages count from 1, tables/rows/columns from 0."""
    __slots__ = ("format", "page", "table", "row", "col", "ocr", "uncertain", "reads")

    def __init__(self, format: str, page: int | None = None, table: int | None = None, row: int | None = None,
                 col: int | None = None, ocr: bool = False, uncertain: str | None = None,
                 reads: tuple[str, ...] = ()):
        self.format = format             # html, text, markdown, pdf, docx, ...
        self.page = page
        self.table = table
        self.row = row
        self.col = col
        self.ocr = ocr
        # why the reader is not sure this text is what is printed (e.g. "ocr": no second read
        # confirmed it); arithmetic findings over such cells do not accuse the document
        self.uncertain = uncertain
        self.reads = reads               # OCR: the differing readings of the cell, when they did not all agree

    def as_dict(self) -> dict:
        d = {"format": self.format, "page": self.page, "table": self.table, "row": self.row, "col": self.col}
        if self.ocr:
            d["ocr"] = True
        return d


class Cell:
    """A table cell as a reader found it."""
    __slots__ = ("raw", "text", "origin", "merged_from", "unread")

    def __init__(self, raw: str, text: str, origin: Origin, merged_from: tuple[int, int] | None = None,
                 unread: bool = False):
        self.raw = raw                   # text as the reader found it
        self.text = text                 # normalized (see normalize.clean_cell)
        self.origin = origin
        self.merged_from = merged_from   # (row, col) of the cell this grid position repeats
        self.unread = unread             # the reader saw text here it could not place as this cell's value


class Table:
    """A table as a grid of cells."""
    __slots__ = ("index", "rows", "page")

    def __init__(self, index: int, rows: list[list[Cell]], page: int | None = None):
        self.index = index
        self.rows = rows                 # a rectangular grid, merged cells expanded
        self.page = page                 # first page (PDF)


class Paragraph:
    """A run of text outside tables."""
    __slots__ = ("text", "page", "gap_before")

    def __init__(self, text: str, page: int | None = None, gap_before: bool = False):
        self.text = text                 # normalized text; may hold several lines
        self.page = page
        self.gap_before = gap_before     # a blank line stood before it in a text file (plain pdftotext parts text blocks so)


class ReaderNote:
    """Something a reader wants the user to know (cid glyphs, OCR used, ...)."""
    __slots__ = ("rule", "severity", "message", "where")

    def __init__(self, rule: str, severity: str, message: str, where: str = "document"):
        self.rule = rule
        self.severity = severity
        self.message = message
        self.where = where


class Document:
    """What a reader hands the recognizer: paragraphs and tables in reading order."""
    __slots__ = ("format", "blocks", "title", "notes", "links")

    def __init__(self, format: str, blocks: list[Paragraph | Table] | None = None, title: str | None = None,
                 notes: list[ReaderNote] | None = None, links: list[tuple[str, str]] | None = None):
        self.format = format
        self.blocks: list[Paragraph | Table] = [] if blocks is None else blocks
        self.title = title               # a title the container gives (HTML <title>, crawler 标题:)
        self.notes: list[ReaderNote] = [] if notes is None else notes
        self.links: list[tuple[str, str]] = [] if links is None else links   # (text, href) of attachments on a page

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]


def grid_from_rows(index: int, rows: list[list[str]], fmt: str, page: int | None = None,
                   clean=None) -> Table:
    """Build a Table from rows of raw strings, padding short rows with empty cells."""
    from .normalize import clean_cell
    clean = clean or clean_cell
    width = max((len(r) for r in rows), default=0)
    grid = []
    for r, row in enumerate(rows):
        cells = []
        for c in range(width):
            raw = row[c] if c < len(row) else ""
            cells.append(Cell(raw, clean(raw), Origin(fmt, page, index, r, c)))
        grid.append(cells)
    return Table(index, grid, page)
