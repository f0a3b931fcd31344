"""parse(): bytes or a path in, a validated Report out. Pure: no printing, no globals."""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .__about__ import __version__
from .budget import Budget
from .errors import ReadError
from .limits import DEFAULT as DEFAULT_LIMITS, Limits, refuse
from .readers import ReadOptions, read_document
from .recognize import recognize
from .report import Report, Source
from .validate import validate


_CHUNK = 1 << 20


def read_source(source: str | Path | bytes, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, read in chunks and never more than limits.file_mb: a device
    (/dev/zero), a FIFO or a huge sparse file is refused before it can fill memory."""
    if isinstance(source, bytes):
        if len(source) > limits.file_mb << 20:
            raise _too_large(len(source), limits)
        return source
    name = str(source)
    try:
        check_file(source, limits)
        with open(source, "rb", buffering=0) as f:
            return read_limited(f, limits, name)
    except FileNotFoundError:
        raise ReadError("no such file", "check the path", name) from None
    except IsADirectoryError:
        raise ReadError("is a directory, not a file", "give the report files inside it", name) from None
    except PermissionError:
        raise ReadError("permission denied", "check the file's permissions", name) from None
    except OSError as e:
        raise ReadError(f"cannot read the file ({e.strerror or e})", "check the file", name) from None


def check_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Before a file is opened (opening a FIFO blocks) or read (a device never ends):
    ReadError unless it is a regular file within limits.file_mb; OSError as os.stat raises it."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        raise ReadError("not a regular file (a device, FIFO or socket)",
                        "give the report file itself; to read a stream, pipe it to '-'", str(path))
    if st.st_size > limits.file_mb << 20:
        raise _too_large(st.st_size, limits, str(path))


def read_limited(stream, limits: Limits = DEFAULT_LIMITS, name: str | None = None) -> bytes:
    """Read a stream (a file, stdin) to its end, refusing it past limits.file_mb."""
    cap = limits.file_mb << 20
    chunks, size = [], 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > cap:
            raise _too_large(size, limits, name, more=True)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limits: Limits, name: str | None = None, more: bool = False) -> ReadError:
    err = refuse(f"the file is {'over ' if more else ''}{size / (1 << 20):,.0f} MB", "file_mb", limits.file_mb, " MB")
    err.path = name
    return err


def parse(source: str | Path | bytes, filename: str | None = None, *, ocr: bool = False,
          max_pages: int = 200, max_seconds: float = 120.0, jobs: int = 0,
          limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read one report and return its Report (values, cells, findings).

    `source` is a path or the file's bytes; with bytes, `filename` (optional) helps
    name the file in messages. Raises ReadError for input that cannot be read; `limits`
    bound what is read (each refusal names the limit that stopped it). With `ocr`,
    scanned pages are read `jobs` at a time (0: one per CPU core).
    """
    path = None if isinstance(source, bytes) else str(source)
    name = filename or path
    try:
        data = read_source(source, limits)
        doc = read_document(data, ReadOptions(filename=name, ocr=ocr, max_pages=max_pages, max_seconds=max_seconds,
                                              jobs=jobs, limits=limits))
    except ReadError as e:
        e.path = e.path or name
        raise
    src = Source(path=path or filename, format=doc.format, sha256=hashlib.sha256(data).hexdigest())
    report = recognize(doc, src, __version__, Budget())
    if any(c.origin.ocr for t in doc.tables for row in t.rows for c in row):
        from .ocr_confirm import confirm_ocr          # scans only: it needs the PDF/OCR modules
        confirm_ocr(doc, report)
    report.findings.extend(validate(report))
    finish_findings(report)
    return report


def finish_findings(report: Report) -> None:
    """What every finding list gets once complete: diagnoses of failing arithmetic, stable ids."""
    if not report.findings:
        return                                        # a clean report loads neither module
    from .audit.diagnosis import diagnose
    from .audit.fingerprint import assign_ids
    diagnose(report)
    assign_ids(report)

