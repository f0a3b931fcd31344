"""parse(): bytes or a path in, a validated Report out. Pure: no printing, no globals."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .__about__ import __version__
from .errors import ReadError
from .ocr_confirm import confirm_ocr
from .readers import ReadOptions, read_document
from .recognize import recognize
from .report import Report, Source
from .validate import validate


def read_source(source: str | Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    p = Path(source)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise ReadError("no such file", "check the path", str(source)) from None
    except IsADirectoryError:
        raise ReadError("is a directory, not a file", "give the report files inside it", str(source)) from None
    except PermissionError:
        raise ReadError("permission denied", "check the file's permissions", str(source)) from None


def parse(source: str | Path | bytes, filename: str | None = None, *, ocr: bool = False,
          max_pages: int = 200, max_seconds: float = 120.0, jobs: int = 1) -> Report:
    """Read one report and return its Report (values, cells, findings).

    `source` is a path or the file's bytes; with bytes, `filename` (optional) helps
    name the file in messages. Raises ReadError for input that cannot be read.
    """
    path = None if isinstance(source, bytes) else str(source)
    data = read_source(source)
    name = filename or path
    try:
        doc = read_document(data, ReadOptions(filename=name, ocr=ocr, max_pages=max_pages, max_seconds=max_seconds,
                                                 jobs=jobs))
    except ReadError as e:
        e.path = e.path or name
        raise
    src = Source(path=path or filename, format=doc.format, sha256=hashlib.sha256(data).hexdigest())
    report = recognize(doc, src, __version__)
    confirm_ocr(doc, report)
    report.findings.extend(validate(report))
    finish_findings(report)
    return report


def finish_findings(report: Report) -> None:
    """What every finding list gets once complete: diagnoses of failing arithmetic, stable ids."""
    from .audit.diagnosis import diagnose
    from .audit.fingerprint import assign_ids
    diagnose(report)
    assign_ids(report)

