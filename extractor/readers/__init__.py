"""Format detection and dispatch: bytes in, one Document out.

Each reader module exposes `read(data: bytes, options: ReadOptions) -> Document`
and raises ReadError for input it cannot read.
"""
from __future__ import annotations

import importlib
import io
import zipfile
from pathlib import PurePath

from ..errors import ReadError
from ..formats import FORMATS, OLE_MAGIC, format_of_extension
from ..limits import DEFAULT as DEFAULT_LIMITS, Limits
from ..model import Document


class ReadOptions:
    """How to read a document: its file name, OCR, page and time budgets, size limits.
    A plain class, not a dataclass (see grammar.py)."""
    __slots__ = ("filename", "ocr", "max_pages", "max_seconds", "jobs", "limits")

    def __init__(self, filename: str | None = None, ocr: bool = False, max_pages: int = 200,
                 max_seconds: float = 120.0, jobs: int = 0, limits: Limits = DEFAULT_LIMITS):
        self.filename = filename
        self.ocr = ocr                    # OCR image-only PDF pages (needs tesseract)
        self.max_pages = max_pages        # refuse longer PDFs
        self.max_seconds = max_seconds    # per-file budget for slow paths (OCR, conversion)
        self.jobs = jobs                  # pages OCR'd at once (0: one per CPU core)
        self.limits = limits              # sizes past which input is refused (extractor/limits.py)


def detect_format(data: bytes, filename: str | None = None) -> str:
    """Tell the format from the content; the extension only breaks ties."""
    ext = format_of_extension(PurePath(filename).suffix) if filename else None
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(data, ext)
    if head.startswith(OLE_MAGIC):                                    # OLE2: .doc/.xls/.wps
        return ext if ext in ("doc", "xls", "wps") else "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if not data.strip():
        return "empty"
    sample = head.lower()
    if ext == "markdown":
        return "markdown"
    if any(tag in sample for tag in (b"<html", b"<!doctype", b"<body", b"<table", b"<div", b"<p>", b"<p ", b"<meta")):
        return "html"
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        return "binary"
    if ext == "html":
        return "html"
    if b"|---" in data or b"| ---" in data or b"|:--" in data:
        return "markdown"
    return "text"


def _zip_format(data: bytes, ext: str | None) -> str:
    """Office packages by their member names (only the zip directory is read)."""
    if b"mimetypeapplication/vnd.oasis.opendocument.text" in data[:128]:
        return "odt"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        names = []
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if ext in ("docx", "xlsx", "odt", "wps"):
        return ext          # a damaged package: its reader says what is wrong
    return "zip"


def read_document(data: bytes, options: ReadOptions) -> Document:
    fmt = detect_format(data, options.filename)
    if fmt == "empty":
        raise ReadError("the file is empty", "nothing to read")
    if fmt == "binary" or fmt == "zip":
        raise ReadError("not a document this tool reads (binary content of unknown type)",
                        "give a PDF, DOCX, DOC, HTML, text or Markdown report")
    spec = FORMATS[fmt]
    read = getattr(importlib.import_module(f".{spec.module}", __name__), spec.function)
    return read(data, options)
