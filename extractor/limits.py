"""How much of a file we read before refusing it: sizes, cells, streams, characters.

Every limit has a name the user can raise it by (`govreport extract --limit NAME=N`, or
`parse(..., limits=Limits(...))`), and every refusal names the limit and that option,
so a real report that is larger than we thought is one flag away from being read.
The defaults sit far above any real report and far below what would exhaust a worker.
"""
from __future__ import annotations

from .errors import ReadError


class Limits:
    """How much of a document we read before refusing it. A plain class, not a dataclass
    (see grammar.py); not changed once built (with_setting makes a new one)."""
    __slots__ = ("file_mb", "table_cells", "document_cells", "row_cells", "table_rows", "pdf_stream_mb",
                 "pdf_page_objects", "pdf_page_chars", "office_memory_mb", "rtf_run", "rtf_depth", "rtf_paragraph")

    def __init__(self,
                 file_mb: int = 256,                # bytes read from one file
                 table_cells: int = 200_000,        # grid positions of one table (rowspan x colspan included)
                 document_cells: int = 1_000_000,   # grid positions of all tables of one document
                 row_cells: int = 1_000,            # cells of one tab / pipe text row
                 table_rows: int = 20_000,          # rows of one table
                 pdf_stream_mb: int = 32,           # inflated bytes of one PDF content/font/form stream (images aside)
                 pdf_page_objects: int = 100_000,   # drawing objects (and path segments) walked on one page
                 pdf_page_chars: int = 100_000,     # characters on one PDF page
                 office_memory_mb: int = 2048,      # address space of a LibreOffice conversion (batch workers' default)
                 rtf_run: int = 5_000,              # RTF control words / escaped characters between two breaks (see rtf_check)
                 rtf_depth: int = 1_000,            # RTF group nesting
                 rtf_paragraph: int = 10_000):      # escaped characters (\uN, \'xx pairs) in one RTF paragraph
        self.file_mb = file_mb
        self.table_cells = table_cells
        self.document_cells = document_cells
        self.row_cells = row_cells
        self.table_rows = table_rows
        self.pdf_stream_mb = pdf_stream_mb
        self.pdf_page_objects = pdf_page_objects
        self.pdf_page_chars = pdf_page_chars
        self.office_memory_mb = office_memory_mb
        self.rtf_run = rtf_run
        self.rtf_depth = rtf_depth
        self.rtf_paragraph = rtf_paragraph

    @staticmethod
    def names() -> list[str]:
        return [name.replace("_", "-") for name in Limits.__slots__]

    def with_setting(self, setting: str) -> Limits:
        """`NAME=N` (as the CLI's --limit takes it) applied to these limits; ValueError when malformed."""
        name, _, value = setting.partition("=")
        field = name.strip().replace("-", "_")
        if field not in Limits.__slots__:
            raise ValueError(f"unknown limit {name.strip()!r} (limits: {', '.join(Limits.names())})")
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"limit {name.strip()} needs a whole number, not {value.strip()!r}") from None
        if n <= 0:
            raise ValueError(f"limit {name.strip()} must be positive")
        return Limits(**({name: getattr(self, name) for name in Limits.__slots__} | {field: n}))


DEFAULT = Limits()


def refuse(what: str, limit: str, value: int, unit: str = "") -> ReadError:
    """The one-line refusal: what is too large, the limit, and how to raise it."""
    flag = limit.replace("_", "-")
    return ReadError(f"refused: {what} (limit {value:,}{unit}, '{flag}')",
                     f"if this really is one report, raise it with --limit {flag}=N")


def check_rows(rows: int, limits: Limits) -> None:
    if rows > limits.table_rows:
        raise refuse(f"a table of {rows:,} rows", "table_rows", limits.table_rows)


def check_cells(table: int, document: int, limits: Limits) -> None:
    """Grid positions of one table and of the whole document so far."""
    if table > limits.table_cells:
        raise refuse(f"a table of {table:,} cells or more (spans included)", "table_cells", limits.table_cells)
    if document > limits.document_cells:
        raise refuse(f"tables of {document:,} cells or more in one document", "document_cells",
                     limits.document_cells)
