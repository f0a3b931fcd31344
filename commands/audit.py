"""The `govreport audit` and `govreport report` commands, and validate's baseline
(registered in cli.py). The data they print comes from govreport.audit.records."""
from __future__ import annotations

import json
import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import ReadError, one_line
from ..report import Finding, Report
from ..audit.records import audit_data


class AuditFormat(str, Enum):
    text = "text"
    json = "json"


def _err(line: str) -> None:
    sys.stderr.write(one_line(line) + "\n")           # one line per failure, whatever a name holds


def load_reports(args: list[str], ocr: bool = False) -> tuple[list[Report], bool]:
    """Files, folders, globs and @lists -> reports; (reports, every input was read).
    Unreadable inputs cost one stderr line each, never the others."""
    from ..batch.inputs import collect
    from ..pipeline import parse
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    inputs = collect(args)
    ok = not inputs.missing
    for m in inputs.missing:
        _err(f"{m}: no such file or folder (check the path)")
    reports = []
    for path in inputs.files:
        try:
            reports.append(parse(path, ocr=ocr))
        except ReadError as e:
            e.path = e.path or path
            _err(e.line())
            ok = False
        except Exception as e:  # a bug of ours must not cost the other files their results
            _err(f"{path}: internal error while reading ({type(e).__name__}: {e}) — please report it with the file")
            ok = False
    return reports, ok


def _sources(files: list[str], db: Optional[str], ocr: bool) -> tuple[list[Report], bool]:
    reports, ok = load_reports(files, ocr) if files else ([], True)
    if db:
        from ..batch.store import StoreError
        from ..audit.store_io import read_reports
        try:
            reports += read_reports(db)
        except StoreError as e:
            _err(str(e))
            raise typer.Exit(2) from None
    return reports, ok


def _output_format(command: str, output: Optional[Path], fmt: Optional[str], formats: tuple[str, ...]) -> str:
    """The CLI's output convention (output.py): --format, else the -o extension (an unknown
    one refused before any work), else the first format; a refusal is one stderr line."""
    from ..output import OutputError, choose_format
    try:
        return choose_format(output, fmt, formats, formats[0])
    except OutputError as e:
        _err(f"{command}: {e}")
        raise typer.Exit(2) from None


def _write(command: str, text: str, output: Optional[Path]) -> None:
    from ..output import OutputError, open_output
    try:
        with open_output(output) as out:
            out.write(text)
    except BrokenPipeError:
        raise                                       # the reader left: see commands.common.Group
    except (OutputError, OSError) as e:
        _err(f"{command}: {output}: {getattr(e, 'strerror', None) or e}")
        raise typer.Exit(2) from None


# --- audit -----------------------------------------------------------------------------

def _audit_text(data: dict) -> str:
    lines = []
    for g in data["groups"]:
        names = "、".join(f"{n} ×{c}" if c > 1 else n for n, c in g["names"].items())
        lines.append(f"{g['body']}  (as printed: {names})")
        for year, docs in g["years"].items():
            lines.append(f"  {year}  " + ", ".join(d["path"] or d["sha256"][:12] for d in docs))
        pairs = ", ".join(f"{a}→{b}" for a, b in g["pairs"]) or "none (no consecutive years)"
        lines.append(f"  consecutive years checked: {pairs}")
    for u in data["ungrouped"]:
        lines.append(f"not grouped: {u['path']} ({u['reason']})")
    lines.append(f"{len(data['findings'])} series finding(s)")
    for f in data["findings"]:
        years = sorted({d["year"] for d in f["documents"] if d["year"]})
        span = "→".join(map(str, years))
        extra = f"  [expected {f['expected']}, actual {f['actual']}]" if f["expected"] is not None else ""
        lines.append(f"  {f['severity']:7s} {f['rule']:8s} {f['where']:22s} {span:9s} {f['message']}{extra}  id {f['id']}")
    return "\n".join(lines) + "\n"


def audit(
    files: Annotated[Optional[list[str]], typer.Argument(help="Report files, folders, globs or @lists")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="Also audit the reports of this batch store, and "
                                              "write the series findings into it (see `govreport export`)")] = None,
    format: Annotated[Optional[AuditFormat], typer.Option(
        "--format", "-f", help="text, or json for programs. Default: from the -o extension (.txt, .json), "
                               "else text", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (.txt, .json); - or none: "
                                                   "stdout", show_default=False)] = None,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR scanned PDFs")] = False,
):
    """Check reports across years: the same body's consecutive years (X-CARRY: carried over =
    last year's carried forward; X-STOCK: documents in force = last year's + issued - repealed)
    and copies of one body's report for one year (X-SAME: cells they read differently).

    Exit 0: audited (series findings are warnings); 2: some input could not be read.
    """
    if not files and not db:
        _err("audit: give report files or folders, or --db results.sqlite")
        raise typer.Exit(2)
    fmt = _output_format("audit", output, format and format.value, ("text", "json"))
    reports, ok = _sources(files or [], db, ocr)
    data = audit_data(reports)
    if db:
        from ..audit.store_io import write_series
        write_series(db, [Finding.model_validate(f) for f in data["findings"]])
    if fmt == "json":
        _write("audit", json.dumps(data, ensure_ascii=False, indent=1) + "\n", output)
    else:
        _write("audit", _audit_text(data), output)
    raise typer.Exit(0 if ok else 2)


# --- validate's baseline -------------------------------------------------------------------

def baseline_ids(path: Optional[Path]) -> set[str]:
    """Accepted finding ids; a bad baseline file is one stderr line and exit 2."""
    if path is None:
        return set()
    from ..audit.fingerprint import BaselineError, load_baseline
    try:
        return load_baseline(path)
    except BaselineError as e:
        _err(str(e))
        raise typer.Exit(2) from None


# --- report (HTML) -------------------------------------------------------------------------

def report(
    files: Annotated[Optional[list[str]], typer.Argument(help="Report files, folders, globs or @lists")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The HTML file to write (.html); - or "
                                                   "none: stdout", show_default=False)] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="Also include the reports of this batch store")] = None,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR scanned PDFs")] = False,
):
    """Write one self-contained HTML page for auditors: a summary of every document (by rule,
    by body), then per document the three tables as printed with the cells of each finding
    highlighted, the prose findings with their sentences, and the series findings.

    Exit 0: written; 2: some input could not be read (the page holds the others).
    """
    if not files and not db:
        _err("report: give report files or folders, or --db results.sqlite")
        raise typer.Exit(2)
    _output_format("report", output, None, ("html",))
    from ..audit.html_report import render
    from ..audit.series import audit as run_audit
    reports, ok = _sources(files or [], db, ocr)
    groups, series, _ = run_audit(reports)
    _write("report", render(reports, groups, series), output)
    raise typer.Exit(0 if ok else 2)
