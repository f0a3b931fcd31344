"""The document model every reader produces and every later stage reads.

Plain dataclasses: readers build them fast, the recognizer walks them, nothing
here knows about formats beyond the `format` string kept in each origin.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, eq=False, repr=False)
class Origin:
    """Where a piece of text came from. Pages count from 1, tables/rows/columns from 0."""
    format: str                  # html, text, markdown, pdf, docx, ...
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    ocr: bool = False
    # why the reader is not sure this text is what is printed (e.g. "ocr": no second read
    # confirmed it); arithmetic findings over such cells do not accuse the document
    uncertain: str | None = None
    reads: tuple[str, ...] = ()  # OCR: the differing readings of the cell, when they did not all agree

    def as_dict(self) -> dict:
        d = {"format": self.format, "page": self.page, "table": self.table, "row": self.row, "col": self.col}
        if self.ocr:
            d["ocr"] = True
        return d


@dataclass(slots=True, eq=False, repr=False)
class Cell:
    """A table cell as a reader found it."""
    raw: str                     # text as the reader found it
    text: str                    # normalized (see normalize.clean_cell)
    origin: Origin
    merged_from: tuple[int, int] | None = None   # (row, col) of the cell this grid position repeats
    unread: bool = False         # the reader saw text here it could not place as this cell's value


@dataclass(slots=True, eq=False, repr=False)
class Table:
    """A table as a grid of cells."""
    index: int
    rows: list[list[Cell]]       # a rectangular grid, merged cells expanded
    page: int | None = None      # first page (PDF)


@dataclass(slots=True, eq=False, repr=False)
class Paragraph:
    """A run of text outside tables."""
    text: str                    # normalized text; may hold several lines
    page: int | None = None
    gap_before: bool = False     # a blank line stood before it in a text file (plain pdftotext parts text blocks so)


@dataclass(slots=True, eq=False, repr=False)
class ReaderNote:
    """Something a reader wants the user to know (cid glyphs, OCR used, ...)."""
    rule: str
    severity: str
    message: str
    where: str = "document"


@dataclass(slots=True, eq=False, repr=False)
class Document:
    """What a reader hands the recognizer: paragraphs and tables in reading order."""
    format: str
    blocks: list[Paragraph | Table] = field(default_factory=list)
    title: str | None = None     # a title the container gives (HTML <title>, crawler 标题:)
    notes: list[ReaderNote] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)   # (text, href) of attachments on a page

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
