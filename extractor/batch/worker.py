"""The per-file function both engines run: a path (or its bytes) in, one plain record out.

Pure: no printing, no store, no globals written. Everything that can go wrong with
one file ends as a record with status "failed" and a one-line reason, so a batch
never stops because of one file. The record is plain data (picklable):

    {path, sha256, format, status, error, organization, year, edition,
     parser_version, read_ms, parse_ms, total_ms, n_errors, n_warnings, extra, rows}

status: ok (a report, no error findings), findings (a report with error findings),
attachments (a page from which no table was read but which links attachments,
typically a portal notice 附件：xxx.pdf; its edition may still say pre2019),
not_report (readable, but no report in it), failed (unreadable, timeout, crash).
`rows` holds the report flattened into the store's rows (plain tuples, built from the
Report object without a JSON dump, see store.report_rows), so the single writer in the
parent only inserts.
"""
from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, parse
from ..errors import ReadError
from ..limits import DEFAULT as DEFAULT_LIMITS, Limits
from ..pipeline import read_source
from ..readers import detect_format
from ..report import Report
from .attachments import resolve_links
from .store import report_rows

def memory_reason(mb: int = 0) -> str:
    """Why a file failed for memory, naming the limit: `mb`, else this process's own
    (RLIMIT_AS, which the sandbox sets from --memory-limit)."""
    if not mb:
        import resource
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        mb = soft // 2 ** 20 if soft > 0 else 0
    limit = f"memory limit ({mb} MB)" if mb else "memory limit"
    return f"{limit}: the file needed more memory than that; raise --memory-limit"
STATUSES = ("ok", "findings", "attachments", "not_report", "failed")


@dataclass(frozen=True, slots=True)
class Options:
    """What a worker needs to know besides the file. Picklable, sent with every task."""
    ocr: bool = False
    max_pages: int = 200
    base_url: str | None = None       # resolve relative attachment links against it
    max_seconds: float = 120.0        # slow paths inside parse (LibreOffice, OCR) stop here
    limits: Limits = DEFAULT_LIMITS   # what is read, as `extract --limit` sets it


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def failure(path: str, reason: str, *, sha256: str | None = None, fmt: str | None = None,
            read_ms: float | None = None, total_ms: float | None = None) -> dict:
    """The record of a file we could not turn into a report."""
    return {
        "path": path, "sha256": sha256, "format": fmt, "status": "failed", "error": reason,
        "organization": None, "year": None, "edition": None, "parser_version": __version__,
        "read_ms": read_ms, "parse_ms": None, "total_ms": total_ms,
    }


def _status(has_attachments: bool, has_cells: bool, edition: str | None, has_errors: bool) -> str:
    if has_attachments and not has_cells:
        return "attachments"          # a notice page: no table read, but it links the report files
    if edition is None:
        return "not_report"
    if has_errors:
        return "findings"
    return "ok"


_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _where(exc: BaseException) -> str:
    """file:line of the innermost frame of ours (else the innermost), so an internal
    error can be found without a traceback."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return ""
    ours = [f for f in tb if Path(f.filename).resolve().is_relative_to(_PACKAGE_DIR)]
    frame = (ours or tb)[-1]
    return f" (at {Path(frame.filename).parent.name}/{Path(frame.filename).name}:{frame.lineno})"


def _parse(data: bytes, path: str, opts: Options, read_s: float) -> tuple[dict, Report | None]:
    """(record without its report, the Report) or (failure record, None)."""
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
        # one page at a time: the batch already runs a worker per core
        report = parse(data, filename=path, ocr=opts.ocr, max_pages=opts.max_pages,
                       max_seconds=opts.max_seconds, jobs=1, limits=opts.limits)
    except ReadError as e:
        return fail(e.reason()), None
    except MemoryError:
        return {**fail(memory_reason()), "_restart": True}, None
    except RecursionError as e:
        return fail(f"internal error: RecursionError{_where(e)}"), None
    except Exception as e:                 # a bug of ours on this file: record it, keep going
        return fail(f"internal error: {type(e).__name__}: {str(e)[:200]}{_where(e)}"), None
    parse_s = time.perf_counter() - t0
    return {
        "path": path, "sha256": sha, "format": report.source.format or fmt, "status": None, "error": None,
        "organization": report.organization, "year": report.year, "edition": report.edition,
        "parser_version": report.parser_version or __version__,
        "read_ms": read_ms, "parse_ms": _ms(parse_s), "total_ms": _ms(read_s + time.perf_counter() - t0),
    }, report


def _links(report, opts: Options) -> list[dict]:
    links = [{"text": a.text, "url": a.url} for a in report.attachments]
    return resolve_links(links, opts.base_url) if opts.base_url and links else links


def _read(path: str, limits: Limits) -> tuple[bytes | None, dict | None, float]:
    """(bytes, None, seconds) or (None, failure record, 0). Read as extract reads: in
    chunks up to the file-mb limit, devices and FIFOs refused."""
    t0 = time.perf_counter()
    try:
        return read_source(path, limits), None, time.perf_counter() - t0
    except ReadError as e:
        return None, failure(path, e.reason()), 0.0


def run_task(path: str, opts: Options = Options(), data: bytes | None = None) -> dict:
    """What the engines run in a worker: read `path` (or take the shipped `data`), parse
    it, and return its record (see module doc). Never raises for a bad file.

    The rows are plain tuples read off the Report object: no JSON dump of the report,
    no dicts of dicts to pickle, nothing left for the single writer but to insert."""
    read_s = 0.0
    if data is None:
        data, failed, read_s = _read(path, opts.limits)
        if data is None:
            return report_rows(failed or failure(path, "cannot read"), None)
    rec, report = _parse(data, path, opts, read_s)
    if report is None:
        return report_rows(rec, None)
    try:
        rec = report_rows(rec, report, _links(report, opts))
    except MemoryError:
        raise
    except Exception as e:                 # a bug of ours on this report: a failure row, not a crash
        return report_rows(failure(path, f"internal error: {type(e).__name__}: {str(e)[:200]}{_where(e)}",
                                   sha256=rec["sha256"], fmt=rec["format"]), None)
    rec["status"] = _status(bool(rec["rows"]["attachments"]), bool(report.cells), report.edition,
                            rec["n_errors"] > 0)
    return rec
