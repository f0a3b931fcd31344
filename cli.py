"""govreport: read 政府信息公开工作年度报告 into typed, validated data.

Commands: extract (a summary, or JSON/JSONL/CSV), validate (findings, exit code for scripts), schema,
fields (the data dictionary); batch and export (commands/batch.py), audit and report (commands/audit.py).
"""
# No `from __future__ import annotations`: typer would compile each command's annotation
# strings back into types (get_type_hints) when the command is built.

import csv
import io
import json
import logging
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import gc
import os
from contextlib import contextmanager

# pydantic looks for plugins (entry points of the "pydantic" group, read from the metadata
# of every installed distribution: ~5 ms) when it builds the first model's validator. The
# CLI prints Report as JSON and has no use for them; a PYDANTIC_DISABLE_PLUGINS the user
# set is kept, and the library (govreport.parse) leaves them alone.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


@contextmanager
def _collector_paused():
    """Imports build ~45,000 objects the cyclic collector tracks, and all stay alive: its ~60
    passes over them cost ~9 ms of a text report's extract. They run with it paused; what they built
    is then moved out of its sight (gc.freeze) and it resumes, so documents are collected as ever."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


with _collector_paused():
    import typer

    from govreport import ReadError, Report, __version__, parse
    from govreport.commands.common import Group, LimitOption, parse_limits, stdout_console
    from govreport.grammar import all_keys
    from govreport.errors import one_line
    from govreport.output import OutputError, choose_format, open_output, to_stdout
    from govreport.pipeline import read_limited

class _Commands(Group):
    # every command but extract is built only when it runs or a help lists them (see Group)
    lazy = {"validate": "govreport.cli:validate", "schema": "govreport.cli:schema", "fields": "govreport.cli:fields",
            "batch": "govreport.commands.batch:batch", "export": "govreport.commands.batch:export",
            "audit": "govreport.commands.audit:audit", "report": "govreport.commands.audit:report"}


app = typer.Typer(
    help="Read 政府信息公开工作年度报告 (PDF, DOCX, DOC, HTML, text, Markdown) into typed, validated data.\n\n"
         "Examples:\n\n"
         "  govreport extract report.pdf                 # a summary on a terminal, JSON when piped\n\n"
         "  govreport extract a.html b.pdf -f csv -o out.csv\n\n"
         "  govreport validate report.docx               # findings; exit 0 ok, 1 errors, 2 unreadable\n\n"
         "  cat page.html | govreport extract -          # stdin",
    no_args_is_help=True, pretty_exceptions_enable=False, cls=_Commands)


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"govreport {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                                help="Print the version and exit")] = False) -> None:
    """Read 政府信息公开工作年度报告 into typed, validated data."""


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _err(line: str) -> None:
    sys.stderr.write(one_line(line) + "\n")       # a newline in a file name stays on its line


def _load(path: str, options: dict) -> Report:
    """One file (or '-' for stdin) -> Report; ReadError for anything unreadable.
    `options` are parse()'s keyword arguments (ocr, limits, jobs, max_pages, max_seconds)."""
    if path == "-":
        return parse(read_limited(sys.stdin.buffer, options["limits"], "<stdin>"), filename="<stdin>", **options)
    return parse(path, **options)


def _read_options(ocr: bool, limit: list[str] | None, max_pages: int, timeout: float, jobs: int = 0) -> dict:
    return {"ocr": ocr, "limits": parse_limits(limit), "jobs": jobs, "max_pages": max_pages, "max_seconds": timeout}


MaxPages = Annotated[int, typer.Option("--max-pages", min=1, help="Refuse PDFs longer than this")]
Timeout = Annotated[float, typer.Option("--timeout", min=1, help="Seconds a slow path (LibreOffice conversion, "
                                                                  "OCR) may take per file")]


def _run(paths: list[str], options: dict):
    """Yield (path, report or None); unreadable files cost one stderr line, never the batch.
    Library warnings and log records are kept off stderr: it holds one line per failed file
    and nothing else (a root handler that drops records keeps logging's last resort quiet)."""
    if not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.NullHandler())
    for p in paths:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                report = _load(p, options)
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
    rows: list[list] = [[r.source.path, r.organization, r.year, r.edition, len(r.errors),
                         *(r.values.get(k) for k in keys)] for r in reports]
    return header, rows


def _fail(line: str, code: int = 2):
    _err(line)
    raise typer.Exit(code)


@app.command()
def extract(
    files: Annotated[list[str], typer.Argument(help="Report files (PDF, DOCX, DOC, HTML, TXT, MD); '-' reads stdin")],
    format: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="json or jsonl: one Report object per line, per file (so one file is one JSON "
                               "document); csv: one row per file, a column per cell key; text: a short summary. "
                               "Default: from the -o extension; on stdout, text on a terminal and json when piped.",
        show_default=False)] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="File to write (.json, .jsonl, .csv); "
                                                  "- or none: stdout", show_default=False)] = None,
    labels: Annotated[bool, typer.Option("--labels", help="csv: a second header row with each key's Chinese "
                                                          "label")] = False,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR scanned PDFs (needs tesseract-ocr and "
                                                    "tesseract-ocr-chi-sim)")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Pages OCR'd at once (--ocr); "
                                                                  "0: one per CPU core")] = 0,
    max_pages: MaxPages = 200,
    timeout: Timeout = 120.0,
    limit: LimitOption = None,
):
    """Extract every cell of tables 二/三/四, the six parts and the findings.

    Unreadable files get one line on stderr and exit code 2; the others are still written.
    """
    try:
        if format is None and to_stdout(output) and sys.stdout.isatty():
            fmt = Format.text
        else:
            fmt = Format(choose_format(output, format and format.value, ("json", "jsonl", "csv"), "json"))
    except OutputError as e:
        _fail(f"extract: {e}")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    results = list(_with_progress(_run(files, _read_options(ocr, limit, max_pages, timeout, jobs)), len(files)))
    reports = [r for _, r in results if r is not None]
    buf = io.StringIO()
    if fmt is Format.text:
        from govreport.digest import digest
        buf.write("\n".join(digest(r) for r in reports))
    elif fmt in (Format.json, Format.jsonl):
        for r in reports:
            buf.write(r.model_dump_json() + "\n")
    else:
        header, rows = _csv_rows(reports)
        w = csv.writer(buf)
        w.writerow(header)
        if labels:
            from govreport.fields import labels as key_labels
            w.writerow([key_labels().get(name, "") for name in header])
        w.writerows(rows)
    try:
        with open_output(output, excel_csv=fmt is Format.csv) as out:
            out.write(buf.getvalue())
    except BrokenPipeError:
        raise                                       # the reader left: see commands.common.Group
    except (OutputError, OSError) as e:
        _fail(f"extract: {output}: {getattr(e, 'strerror', None) or e}")
    if len(reports) < len(files):
        raise typer.Exit(2)


def validate(
    files: Annotated[list[str], typer.Argument(help="Report files; '-' reads stdin")],
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR scanned PDFs")] = False,
    show_info: Annotated[bool, typer.Option("--info", help="Also list info findings")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="text, or json: per file its findings with "
                                        "rule, severity, where, documents, keys, expected, actual, id")] = "text",
    baseline: Annotated[Optional[Path], typer.Option(help="Findings already accepted (a saved `validate --format json`, "
                                                     "or one id per line): only new ones are listed and counted")] = None,
    limit: LimitOption = None,
    max_pages: MaxPages = 200,
    timeout: Timeout = 120.0,
):
    """List each report's findings: arithmetic errors, missing parts/tables/rows, unread cells.

    Exit 0: no error findings; 1: some report has error findings; 2: a file could not be read.
    """
    from govreport.audit.records import new_findings, validate_record
    from govreport.commands.audit import baseline_ids
    if format not in ("text", "json"):
        _err(f"validate: unknown --format {format!r} (use text or json)")
        raise typer.Exit(2)
    accepted = baseline_ids(baseline)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    console = stdout_console(highlight=False, soft_wrap=True)
    records = []
    worst = 0
    for path, report in _run(files, _read_options(ocr, limit, max_pages, timeout)):
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
            shown_values = [f"{name} {v}" for name, v in (("expected", f.expected), ("actual", f.actual))
                            if v is not None]
            extra = f"  [{', '.join(shown_values)}]" if shown_values else ""
            console.print(f"  {f.severity:7s} {f.rule:16s} {f.where:22s} {f.message}{extra}", markup=False)
            if f.diagnosis is not None:
                console.print(f"          diagnosis: {f.diagnosis.message}", markup=False)
    if format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    raise typer.Exit(worst)


def schema(output: Annotated[Optional[str], typer.Option("--output", "-o", help="File to write (.json); - or none: "
                                                         "stdout", show_default=False)] = None):
    """Print the JSON Schema of `extract --format json` output (generated from the Report model)."""
    from govreport.schema import report_schema
    try:
        choose_format(output, None, ("json",), "json")
        with open_output(output) as out:
            out.write(json.dumps(report_schema(), ensure_ascii=False, indent=1) + "\n")
    except BrokenPipeError:
        raise                                       # the reader left: see commands.common.Group
    except (OutputError, OSError) as e:
        _fail(f"schema: {getattr(e, 'strerror', None) or e}")


class FieldsFormat(str, Enum):
    tsv = "tsv"
    csv = "csv"
    json = "json"


def fields(
    format: Annotated[Optional[FieldsFormat], typer.Option(
        "--format", "-f", help="tsv (default on stdout), csv or json. Default: from the -o extension.",
        show_default=False)] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="File to write (.tsv, .csv, .json); "
                                                  "- or none: stdout", show_default=False)] = None,
):
    """Print the data dictionary: every cell key with its editions, table and Chinese labels.

    Read from the template grammars: key, edition (2019, 2021 or both), table (二, 三, 四),
    the row and the column as the template prints them, and the two joined as one label.
    """
    from govreport.fields import fields as data_dictionary
    try:
        fmt = choose_format(output, format and format.value, ("tsv", "csv", "json"), "tsv")
        header = ["key", "edition", "table", "row", "column", "label"]
        rows = [[f.key, f.edition, f.table, f.row, f.column, f.label] for f in data_dictionary()]
        with open_output(output, excel_csv=fmt == "csv") as out:
            if fmt == "json":
                out.write(json.dumps([dict(zip(header, r, strict=True)) for r in rows], ensure_ascii=False, indent=1) + "\n")
            else:
                w = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
                w.writerow(header)
                w.writerows(rows)
    except BrokenPipeError:
        raise                                       # the reader left: see commands.common.Group
    except (OutputError, OSError) as e:
        _fail(f"fields: {getattr(e, 'strerror', None) or e}")


if __name__ == "__main__":  # pragma: no cover
    app()
