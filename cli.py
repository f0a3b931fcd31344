"""govreport: read 政府信息公开工作年度报告 into typed, validated data.

Commands: extract (JSON/JSONL/CSV out), validate (findings, exit code for scripts), schema.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from govreport import ReadError, Report, __version__, parse
from govreport.grammar import all_keys
from govreport.errors import one_line
from govreport.limits import Limits
from govreport.pipeline import read_limited

app = typer.Typer(
    help="Read 政府信息公开工作年度报告 (PDF, DOCX, DOC, HTML, text, Markdown) into typed, validated data.\n\n"
         "Examples:\n\n"
         "  govreport extract report.pdf                 # JSON on stdout\n\n"
         "  govreport extract a.html b.pdf -f csv -o out.csv\n\n"
         "  govreport validate report.docx               # findings; exit 0 ok, 1 errors, 2 unreadable\n\n"
         "  cat page.html | govreport extract -          # stdin",
    no_args_is_help=True, pretty_exceptions_enable=False)


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"govreport {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                                help="Print the version and exit")] = False) -> None:
    """Read 政府信息公开工作年度报告 into typed, validated data."""


class Format(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _err(line: str) -> None:
    sys.stderr.write(one_line(line) + "\n")       # a newline in a file name stays on its line


def _load(path: str, ocr: bool, limits: Limits, jobs: int = 1) -> Report:
    """One file (or '-' for stdin) -> Report; ReadError for anything unreadable."""
    if path == "-":
        return parse(read_limited(sys.stdin.buffer, limits, "<stdin>"), filename="<stdin>", ocr=ocr, limits=limits,
                     jobs=jobs)
    return parse(path, ocr=ocr, limits=limits, jobs=jobs)


def _limits(settings: list[str] | None) -> Limits:
    limits = Limits()
    for setting in settings or ():
        try:
            limits = limits.with_setting(setting)
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="--limit") from None
    return limits


def _run(paths: list[str], ocr: bool, limits: Limits = Limits(), jobs: int = 1):
    """Yield (path, report or None); unreadable files cost one stderr line, never the batch.
    Library warnings and log records are kept off stderr: it holds one line per failed file
    and nothing else (a root handler that drops records keeps logging's last resort quiet)."""
    if not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.NullHandler())
    for p in paths:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                report = _load(p, ocr, limits, jobs)
        except ReadError as e:
            e.path = e.path or p
            _err(e.line())
            yield p, None
        except Exception as e:  # a bug of ours must not cost the other files their results
            _err(f"{p}: internal error while reading ({type(e).__name__}: {e}) — please report it with the file")
            yield p, None
        else:
            yield p, report


def _with_progress(items, total: int):
    """A progress bar on stderr for long runs on a terminal; nothing when piped."""
    if total < 3 or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import Progress
    with Progress(transient=True) as bar:
        task = bar.add_task("reading", total=total)
        for item in items:
            bar.advance(task)
            yield item


def _csv_rows(reports: list[Report]) -> tuple[list[str], list[list]]:
    keys = list(all_keys())        # the same columns as `govreport export`
    header = ["path", "organization", "year", "edition", "errors"] + keys
    rows = [[r.source.path, r.organization, r.year, r.edition, len(r.errors)] + [r.values.get(k) for k in keys]
            for r in reports]
    return header, rows


@app.command()
def extract(
    files: Annotated[list[str], typer.Argument(help="Report files (PDF, DOCX, DOC, HTML, TXT, MD); '-' reads stdin")],
    format: Annotated[Format, typer.Option("--format", "-f", help="json: one object per file (an array for several); "
                                           "jsonl: one line per file; csv: one row per file, a column per cell key")] = Format.json,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout")] = None,
    ocr: Annotated[bool, typer.Option(help="OCR scanned PDFs (needs tesseract-ocr and tesseract-ocr-chi-sim)")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Pages OCR'd at once (--ocr)")] = 1,
    limit: Annotated[Optional[list[str]], typer.Option(
        "--limit", metavar="NAME=N", help="Raise (or lower) a limit on what is read, e.g. file-mb=1024; "
        "limits: " + ", ".join(Limits.names()))] = None,
):
    """Extract every cell of tables 二/三/四, the six parts and the findings.

    Unreadable files get one line on stderr and exit code 2; the others are still written.
    """
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    results = list(_with_progress(_run(files, ocr, _limits(limit), jobs), len(files)))
    reports = [r for _, r in results if r is not None]
    buf = io.StringIO()
    if format is Format.json:
        data = [r.model_dump(mode="json") for r in reports]
        json.dump(data[0] if len(files) == 1 and data else data, buf, ensure_ascii=False, indent=1, allow_nan=False)
        buf.write("\n")
    elif format is Format.jsonl:
        for r in reports:
            buf.write(r.model_dump_json() + "\n")
    else:
        header, rows = _csv_rows(reports)
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(rows)
    if reports or format is not Format.json:
        if output:
            output.write_text(buf.getvalue(), encoding="utf-8-sig" if format is Format.csv else "utf-8")
        else:
            sys.stdout.write(buf.getvalue())
    if len(reports) < len(files):
        raise typer.Exit(2)


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="Report files; '-' reads stdin")],
    ocr: Annotated[bool, typer.Option(help="OCR scanned PDFs")] = False,
    show_info: Annotated[bool, typer.Option("--info", help="Also list info findings")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="text, or json: per file its findings with "
                                        "rule, severity, where, documents, keys, expected, actual, id")] = "text",
    baseline: Annotated[Optional[Path], typer.Option(help="Findings already accepted (a saved `validate --format json`, "
                                                     "or one id per line): only new ones are listed and counted")] = None,
    limit: Annotated[Optional[list[str]], typer.Option(
        "--limit", metavar="NAME=N", help="Raise a limit on what is read (see `extract --help`)")] = None,
):
    """List each report's findings: arithmetic errors, missing parts/tables/rows, unread cells.

    Exit 0: no error findings; 1: some report has error findings; 2: a file could not be read.
    """
    from rich.console import Console
    from govreport.audit.commands import baseline_ids, new_findings, validate_record
    if format not in ("text", "json"):
        _err(f"validate: unknown --format {format!r} (use text or json)")
        raise typer.Exit(2)
    accepted = baseline_ids(baseline)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    console = Console(highlight=False, soft_wrap=True)
    records = []
    worst = 0
    for path, report in _run(files, ocr, _limits(limit)):
        if report is None:
            worst = 2
            continue
        if report.edition is None and report.attachments:
            links = "; ".join(a.url for a in report.attachments[:5])
            _err(f"{path}: no report on this page; it links the report as an attachment ({links}): fetch and read that file")
            worst = 2
            continue
        if report.edition is None:
            _err(f"{path}: not a 政府信息公开工作年度报告 (no template parts or tables found)")
            worst = 2
            continue
        fresh = new_findings(report.findings, accepted)
        shown = [f for f in fresh if show_info or f.severity != "info"]
        errors = sum(f.severity == "error" for f in fresh)
        if errors and worst < 1:
            worst = 1
        if format == "json":
            records.append(validate_record(report, shown, len(report.findings) - len(fresh)))
            continue
        head = f"{path}: {report.organization or '?'} {report.year or '?'} ({report.edition}) — "
        head += f"{errors} error(s), {sum(f.severity == 'warning' for f in fresh)} warning(s)"
        if len(fresh) < len(report.findings):
            head += f", {len(report.findings) - len(fresh)} accepted in the baseline"
        console.print(head, markup=False)
        for f in shown:
            extra = ""
            if f.expected is not None or f.actual is not None:
                extra = f"  [expected {f.expected}, actual {f.actual}]"
            console.print(f"  {f.severity:7s} {f.rule:16s} {f.where:22s} {f.message}{extra}", markup=False)
            if f.diagnosis is not None:
                console.print(f"          diagnosis: {f.diagnosis.message}", markup=False)
    if format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    raise typer.Exit(worst)


@app.command()
def schema():
    """Print the JSON Schema of `extract --format json` output (generated from the Report model)."""
    sys.stdout.write(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=1) + "\n")


from govreport.batch.commands import batch, export  # noqa: E402  (issue 3: batch at portal scale)

app.command()(batch)
app.command()(export)

from govreport.audit.commands import audit, report  # noqa: E402  (issue 9: series, HTML report)

app.command()(audit)
app.command()(report)


def main():  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
