"""The formats the tool reads: one table for detection, dispatch, folder walks and conversion.

A format is read by `module.function` under extractor.readers (imported only when a
file of that format comes); office formats are first converted by LibreOffice to
`office_target` ("docx" or "xlsx"; a format that is its own target is read directly).
Adding a format is a row here and a reader module (plus sniffing in readers.detect_format
when its content can tell it).
"""
from __future__ import annotations


class Format:
    """An input format: its name, file extensions, reader module and office conversion.
    A plain class, not a dataclass (see grammar.py); not changed once built."""
    __slots__ = ("name", "extensions", "module", "function", "office_target")

    def __init__(self, name: str, extensions: tuple[str, ...], module: str, function: str = "read",
                 office_target: str | None = None):
        self.name = name                      # Document.format, Source.format
        self.extensions = extensions          # file name suffixes (they break ties when sniffing)
        self.module = module                  # reader module under extractor.readers
        self.function = function
        self.office_target = office_target    # office formats: what LibreOffice converts them to


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("html", (".htm", ".html", ".shtml", ".xhtml"), "html"),
    Format("text", (".txt", ".text"), "text"),
    Format("markdown", (".md", ".markdown"), "text", "read_markdown"),
    Format("pdf", (".pdf",), "pdf"),
    Format("docx", (".docx",), "docx"),
    Format("doc", (".doc",), "office", office_target="docx"),
    Format("wps", (".wps",), "office", office_target="docx"),
    Format("rtf", (".rtf",), "office", office_target="docx"),
    Format("odt", (".odt",), "office", office_target="docx"),
    Format("xls", (".xls",), "office", office_target="xlsx"),
    Format("xlsx", (".xlsx",), "office", office_target="xlsx"),
)}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"       # OLE2 compound file: .doc/.xls/.wps, encrypted OOXML

BY_EXTENSION: dict[str, str] = {ext: f.name for f in FORMATS.values() for ext in f.extensions}
OFFICE_FORMATS = tuple(name for name, f in FORMATS.items() if f.office_target)


def format_of_extension(suffix: str) -> str | None:
    """'.PDF' -> 'pdf'; None for a suffix no format claims."""
    return BY_EXTENSION.get(suffix.lower())
