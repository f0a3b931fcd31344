"""The per-file function both engines run: a path (or its bytes) in, one plain record out.

Pure: no printing, no store, no globals written. Everything that can go wrong with
one file ends as a record with status "failed" and a one-line reason, so a batch
never stops because of one file. The record is plain data (picklable, JSON-able):

    {path, sha256, format, status, error, organization, year, edition,
     parser_version, read_ms, parse_ms, total_ms, report}

status: ok (a report, no error findings), findings (a report with error findings),
attachments (a page from which no table was read but which links attachments,
typically a portal notice 附件：xxx.pdf; its edition may still say pre2019),
not_report (readable, but no report in it), failed (unreadable, timeout, crash).
`report` is Report.model_dump(mode="json"), or None when the file failed.
"""
from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, parse
from ..errors import ReadError
from ..readers import detect_format
from .attachments import resolve_links
from .store import prepare

MEMORY_REASON = "memory limit: the file needed more memory than --memory-limit allows"
STATUSES = ("ok", "findings", "attachments", "not_report", "failed")


@dataclass(frozen=True, slots=True)
class Options:
    """What a worker needs to know besides the file. Picklable, sent with every task."""
    ocr: bool = False
    max_pages: int = 200
    base_url: str | None = None       # resolve relative attachment links against it
    max_seconds: float = 120.0        # slow paths inside parse (LibreOffice, OCR) stop here


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def failure(path: str, reason: str, *, sha256: str | None = None, fmt: str | None = None,
            read_ms: float | None = None, total_ms: float | None = None) -> dict:
    """The record of a file we could not turn into a report."""
    return {
        "path": path, "sha256": sha256, "format": fmt, "status": "failed", "error": reason,
        "organization": None, "year": None, "edition": None, "parser_version": __version__,
        "read_ms": read_ms, "parse_ms": None, "total_ms": total_ms, "report": None,
    }


def status_of(report: dict) -> str:
    """The document's status from its report (see module doc)."""
    if report.get("attachments") and not report.get("cells"):
        return "attachments"          # a notice page: no table read, but it links the report files
    if report.get("edition") is None:
        return "not_report"
    if any(f.get("severity") == "error" for f in report.get("findings") or ()):
        return "findings"
    return "ok"


def _where(exc: BaseException) -> str:
    """file:line of the innermost frame of ours (else the innermost), so an internal
    error can be found without a traceback."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return ""
    ours = [f for f in tb if "/extractor/" in f.filename.replace("\\", "/")]
    frame = (ours or tb)[-1]
    return f" (at {Path(frame.filename).parent.name}/{Path(frame.filename).name}:{frame.lineno})"


def process_bytes(data: bytes, path: str, opts: Options = Options(), *, read_s: float = 0.0) -> dict:
    """Parse one document given as bytes; `path` names it in the record and in messages."""
    t0 = time.perf_counter()
    sha = hashlib.sha256(data).hexdigest()
    try:
        fmt = detect_format(data, path)
    except Exception:                      # detection never should fail; do not let it stop us
        fmt = None
    read_ms = _ms(read_s)

    def fail(reason: str) -> dict:
        return failure(path, reason, sha256=sha, fmt=fmt, read_ms=read_ms,
                       total_ms=_ms(read_s + time.perf_counter() - t0))

    try:
        report = parse(data, filename=path, ocr=opts.ocr, max_pages=opts.max_pages,
                       max_seconds=opts.max_seconds)
        rec = report.model_dump(mode="json")
    except ReadError as e:
        return fail(e.problem + (f" ({e.hint})" if e.hint else ""))
    except MemoryError:
        return {**fail(MEMORY_REASON), "_restart": True}
    except RecursionError as e:
        return fail(f"internal error: RecursionError{_where(e)}")
    except Exception as e:                 # a bug of ours on this file: record it, keep going
        return fail(f"internal error: {type(e).__name__}: {str(e)[:200]}{_where(e)}")
    parse_s = time.perf_counter() - t0
    rec["source"]["path"] = path
    if opts.base_url:
        rec["attachments"] = resolve_links(rec.get("attachments") or [], opts.base_url)
    return {
        "path": path, "sha256": sha, "format": rec["source"].get("format") or fmt,
        "status": status_of(rec), "error": None,
        "organization": rec.get("organization"), "year": rec.get("year"), "edition": rec.get("edition"),
        "parser_version": rec.get("parser_version") or __version__,
        "read_ms": read_ms, "parse_ms": _ms(parse_s), "total_ms": _ms(read_s + time.perf_counter() - t0),
        "report": rec,
    }


def process_file(path: str, opts: Options = Options()) -> dict:
    """Read and parse one file. Never raises for a bad file: returns a failure record."""
    t0 = time.perf_counter()
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return failure(path, "no such file")
    except IsADirectoryError:
        return failure(path, "is a directory, not a file")
    except PermissionError:
        return failure(path, "permission denied")
    except OSError as e:
        return failure(path, f"cannot read: {e.strerror or e}")
    return process_bytes(data, path, opts, read_s=time.perf_counter() - t0)


def run_task(path: str, opts: Options = Options(), data: bytes | None = None) -> dict:
    """What the engines run in a worker: process_file (or process_bytes when the bytes
    were shipped), flattened into store rows here, so the single writer only inserts."""
    rec = process_file(path, opts) if data is None else process_bytes(data, path, opts)
    return prepare(rec)
