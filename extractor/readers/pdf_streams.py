"""Refuse a PDF whose compressed streams inflate past a limit, before PDFium parses a page.

PDFium inflates a page's content stream whole when it loads the page: a 100 KB Flate
stream can hold a gigabyte of drawing operators and take gigabytes of memory to parse.
Here every Flate stream of the file is inflated once, in 1 MB steps that are counted
and dropped, and the file is refused as soon as one passes `pdf_stream_mb`. Images are
skipped (PDFium decodes them only when a page is rendered for OCR).
"""
from __future__ import annotations

import zlib

import regex as re

from ..limits import Limits, refuse

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_STEP = 1 << 20
_DICT_BACK = 4096                     # how far back a stream's dictionary may start


def check_streams(data: bytes, limits: Limits) -> None:
    """ReadError (naming the limit) when a Flate stream inflates past limits.pdf_stream_mb."""
    cap = limits.pdf_stream_mb << 20
    for m in _STREAM.finditer(data):
        if _is_image(data, m.start()):
            continue
        size = _inflated_size(data, m.end(), cap)
        if size > cap:
            raise refuse(f"a PDF stream inflates to more than {size >> 20:,} MB", "pdf_stream_mb",
                         limits.pdf_stream_mb, " MB")


def _is_image(data: bytes, stream_at: int) -> bool:
    start = max(0, stream_at - _DICT_BACK)
    head = data[start:stream_at]
    last_obj = None
    for m in _OBJ.finditer(head):
        last_obj = m                           # the object whose dictionary the stream belongs to
    return bool(_IMAGE.search(head, last_obj.end() if last_obj else 0))


def _inflated_size(data: bytes, at: int, cap: int) -> int:
    """Bytes the zlib stream at `at` inflates to, counted up to just past `cap` (0: not zlib)."""
    d = zlib.decompressobj()
    size, pos, end = 0, at, len(data)
    try:
        while pos < end and not d.eof and size <= cap:
            out = d.decompress(data[pos:pos + 64 * 1024], _STEP)
            pos += 64 * 1024                                # the tail is consumed just below
            size += len(out)
            while d.unconsumed_tail and not d.eof and size <= cap:   # a bomb: little input, much output
                out = d.decompress(d.unconsumed_tail, _STEP)
                if not out:
                    break
                size += len(out)
    except zlib.error:
        pass                                                # not Flate, or damaged: PDFium judges
    return size
