"""The `govreport batch` and `govreport export` commands (registered in cli.py), and the
end-of-batch summary as printed.

Plain typer-annotated functions: cli.py does `app.command()(batch)` and
`app.command()(export)`. The batch machinery and rich are imported inside the commands:
registering them must not cost `govreport extract` their import time.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..output import OutputError, choose_format, to_stdout
from .common import LimitOption, parse_limits

if TYPE_CHECKING:
    from rich.console import Console

    from ..batch.summary import Summary


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    xlsx = "xlsx"


class ExportTable(str, Enum):
    documents = "documents"
    findings = "findings"
    attachments = "attachments"


def _progress_columns() -> list:
    from rich.progress import (BarColumn, MofNCompleteColumn, ProgressColumn, TaskProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    class Rate(ProgressColumn):
        """Files per second (rich's own speed column counts bytes)."""

        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} files/s" if speed else "- files/s", style="progress.data.speed")

    return [TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
            Rate(), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            TextColumn("{task.fields[failed]}")]


def _fail(console: Console, message: str, code: int | None = None):
    from ..batch.summary import EXIT_FAILED
    console.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED if code is None else code)


def batch(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, folders (searched recursively), quoted globs ('portal/**/*.pdf'), @list.txt "
             "(one path per line, optionally a tab and the page's URL) or - (the same on stdin). Folder "
             "walks skip files that are clearly not documents (images, .json, .tsv, ...) and count them; "
             "formats are told by content.",
        show_default=False)],
    db: Annotated[Path, typer.Option(
        "--db", help="SQLite file to fill (created if missing). Run again with the same --db to resume: "
                     "files whose content is stored for this parser version are skipped.",
        show_default=False)],
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="Files read in parallel (worker processes). 0: one per CPU core.")] = 0,
    engine: Annotated[Engine, typer.Option(
        help="local: worker processes on this machine. dask: a Dask cluster (pip install 'govreport\\[dask]'), "
             "a local one unless --scheduler is given.")] = Engine.local,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --engine dask). The workers need "
             "govreport installed; files are sent to them, so they need not share a file system.",
        show_default=False)] = None,
    timeout: Annotated[float, typer.Option(
        min=0, help="Seconds one file may take; a file over the limit becomes a failure row "
                    "'timeout after N s' and its worker is replaced. 0: no limit.")] = 120.0,
    memory_limit: Annotated[int, typer.Option(
        "--memory-limit", min=0, help="Address space per worker in MB; a file needing more becomes a "
                                      "failure row 'memory limit'. 0: no limit.")] = 2048,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR image-only PDF pages (needs tesseract; slow).")] = False,
    max_pages: Annotated[int, typer.Option(min=1, help="Refuse PDFs longer than this.")] = 200,
    base_url: Annotated[Optional[str], typer.Option(
        help="URL the pages were downloaded from: relative attachment links (附件) are resolved "
             "against it (a URL given per file in an @list wins).", show_default=False)] = None,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Read again files stored as failed (e.g. after raising --timeout).")] = False,
    shared_fs: Annotated[bool, typer.Option(
        "--shared-fs", help="With --scheduler: the Dask workers see the same paths (shared file system), "
             "so send paths, not file contents.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary: one line per failed "
                                                             "file on stderr, and the exit code.")] = False,
    limit: LimitOption = None,
) -> None:
    """Read many reports in parallel into one SQLite database; resumable.

    Each file becomes one row of `documents` (status ok, findings, attachments, not_report or failed, with the reason) plus its values (table `cells`), `findings`, `attachments` and `parts`. A file that cannot be read, takes longer than --timeout or needs more than --memory-limit becomes a failure row; the batch goes on.

    Interrupt it (Ctrl-C, kill -9, power cut) and run the same command again: finished documents are kept, nothing is stored twice. Files are identified by content (sha256): the same file under two names is one document.

    Exit code: 0 every file read (warnings allowed), 1 some reports have error findings, 2 some files failed or an input does not exist, 130 interrupted.

    Examples:

      govreport batch downloads/ --db results.sqlite

      find portal -name '*.pdf' | govreport batch - --db results.sqlite --jobs 8

      govreport batch 'portal/**/*.html' --db results.sqlite --engine dask --scheduler tcp://host:8786

      govreport export --db results.sqlite -o results.xlsx
    """
    import sqlite3

    from rich.console import Console
    from rich.progress import Progress

    from ..batch.engine import EngineError, check as check_engine, default_jobs
    from ..batch.inputs import collect
    from ..batch.run import execute, plan
    from ..batch.store import Store, StoreError, storable
    from ..batch.summary import EXIT_FAILED, EXIT_INTERRUPTED, summarize
    from ..batch.worker import Options

    err = Console(stderr=True, highlight=False)
    if scheduler and engine is not Engine.dask:
        _fail(err, "batch: --scheduler needs --engine dask")
    if shared_fs and not scheduler:
        _fail(err, "batch: --shared-fs needs --scheduler (a Dask cluster on other machines)")
    found = collect(inputs, exclude=[db])
    for arg in found.missing:
        err.print(f"{storable(arg)}: no such file, folder or matching path", markup=False, soft_wrap=True)
    if not found.files:
        _fail(err, "no files to read" + (f" ({found.n_skipped} skipped as not documents)" if found.n_skipped else ""))
    try:
        check_engine(engine.value)
    except EngineError as e:
        _fail(err, f"batch: {e}")
    try:
        store = Store(db)
    except StoreError as e:
        _fail(err, f"batch: {e}")
    except (OSError, sqlite3.Error) as e:
        _fail(err, f"batch: {db}: {e} (check the folder exists and is writable)")
    opts = Options(ocr=ocr, max_pages=max_pages, base_url=base_url, max_seconds=timeout or 3600.0,
                   limits=parse_limits(limit))
    jobs = jobs or default_jobs()
    show_bar = err.is_terminal and not quiet
    try:
        t0 = time.perf_counter()
        if show_bar:
            with err.status(f"hashing {len(found.files)} files"):
                p = plan(found.files, store, retry_failed=retry_failed, limits=opts.limits)
        else:
            p = plan(found.files, store, retry_failed=retry_failed, limits=opts.limits)
        failed = 0

        def count(rec: dict) -> None:
            nonlocal failed
            failed += rec["status"] == "failed"

        kw: dict[str, Any] = dict(engine=engine.value, jobs=jobs, timeout=timeout or None, memory_mb=memory_limit,
                  scheduler=scheduler, ship_bytes=(not shared_fs) if scheduler else None, urls=found.urls)
        try:
            if show_bar and p.todo:
                with Progress(*_progress_columns(), console=err, transient=False) as bar:
                    task = bar.add_task("batch", total=len(p.todo), failed="")

                    def tick(rec: dict) -> None:
                        count(rec)
                        bar.update(task, advance=1, failed=f"[red]{failed} failed" if failed else "")

                    outcome = execute(p, store, opts, on_record=tick, **kw)
            else:
                outcome = execute(p, store, opts, on_record=count, **kw)
        except EngineError as e:
            _fail(err, f"batch: {e}")
        elapsed = time.perf_counter() - t0
        rate = outcome.processed / outcome.elapsed if outcome.elapsed > 0 and outcome.processed else 0.0
        parts = [f"{outcome.processed} read", f"{outcome.resumed} already stored"]
        if outcome.duplicates:
            parts.append(f"{outcome.duplicates} duplicate path{'s' if outcome.duplicates > 1 else ''}")
        if found.n_skipped:
            parts.append(f"{found.n_skipped} skipped as not documents")
        if failed:
            parts.append(f"{failed} failed")
        line = (f"batch: {len(outcome.ids)} documents in {db} ({', '.join(parts)}) in {elapsed:.1f} s"
                + (f", {rate:.1f} files/s on {jobs if engine is Engine.local or not scheduler else 'dask'} workers"
                   if rate else ""))
        if not quiet:
            err.print(line, markup=False, soft_wrap=True)
        s = summarize(store.conn, outcome.ids, failures=-1 if quiet else 20)   # -1: every failure
        if quiet:                                                   # one line per failure, nothing else
            for path, reason in s.failures:
                err.print(f"{path}: {reason}", markup=False, soft_wrap=True, highlight=False)
        else:
            extra = []
            if found.skipped:
                extra.append("skipped: " + " · ".join(f"{r} {n}" for r, n in found.skipped.most_common()))
            render(s, err, extra=extra)
        if outcome.interrupted:
            err.print(f"interrupted: run the same command again to resume ({len(outcome.ids)} documents stored)",
                      markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_INTERRUPTED)
        code = s.exit_code()
        if found.missing:
            code = EXIT_FAILED
        raise typer.Exit(code)
    finally:
        store.close()


class Status(str, Enum):
    ok = "ok"
    findings = "findings"
    attachments = "attachments"
    not_report = "not_report"
    failed = "failed"


def export(
    db: Annotated[Path, typer.Option("--db", help="The database `govreport batch` filled.", show_default=False)],
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", help="File to write (.csv, .xlsx, .jsonl); - or none: stdout.", show_default=False)] = None,
    fmt: Annotated[Optional[ExportFormat], typer.Option(
        "--format", "-f", help="csv: one row per document, columns path, organization, year, edition, "
                               "status, reason (why it failed), then every canonical key (a file gets the UTF-8 "
                               "BOM Excel needs). xlsx: the same with a row of Chinese labels, a filter and a "
                               "findings sheet. jsonl: the full record of each document (values, cells with "
                               "provenance, findings, parts, attachments). Default: from the -o extension; "
                               "csv on stdout.", show_default=False)] = None,
    table: Annotated[ExportTable, typer.Option(
        help="documents (one row per document), findings (one row per finding) or attachments "
             "(links found on portal pages, for a scraper to fetch).")] = ExportTable.documents,
    status: Annotated[Optional[list[Status]], typer.Option(
        help="Only documents with this status (repeatable).", show_default=False)] = None,
    labels: Annotated[bool, typer.Option(
        "--labels", help="csv: a second header row with each key's Chinese label (xlsx always has it).")] = False,
    all_versions: Annotated[bool, typer.Option(
        "--all-versions", help="Export every stored parser version of a document, not only the latest.")] = False,
) -> None:
    """Write the documents of a batch database as CSV, XLSX or JSONL.

    Examples:

      govreport export --db results.sqlite -o results.csv

      govreport export --db results.sqlite --format jsonl | jq .values

      govreport export --db results.sqlite --table attachments -o links.csv
    """
    from rich.console import Console

    from ..batch.export import ExportError, export as run_export
    from ..batch.store import StoreError

    err = Console(stderr=True, highlight=False)
    try:
        chosen = choose_format(output, fmt and fmt.value, tuple(f.value for f in ExportFormat), "csv")
        n = run_export(db, chosen, output, table=table.value, all_versions=all_versions,
                       statuses=[s.value for s in status] if status else None, labels=labels)
    except (OutputError, ExportError, StoreError) as e:
        _fail(err, f"export: {e}")
    except BrokenPipeError:
        raise                                       # the reader left: see commands.common.Group
    except OSError as e:
        _fail(err, f"export: {output}: {e.strerror or e}")
    if not to_stdout(output):
        noun = table.value if n != 1 else table.value.rstrip("s")
        err.print(f"export: {n} {noun} written to {output} ({chosen})", markup=False, soft_wrap=True)


# --- the end-of-batch summary -------------------------------------------------------------

def _counts(counter: Counter, order=()) -> str:
    keys = [k for k in order if counter.get(k)] + sorted(k for k in counter if k not in order and counter[k])
    return " · ".join(f"{k} {counter[k]}" for k in keys) or "none"


def render(s: Summary, console: Console, *, extra: Sequence[str] = ()) -> None:
    """Print the summary: small tables on a terminal, plain unwrapped lines when piped
    (one fact per line: grep-able, never a path folded across lines)."""
    from rich import box
    from rich.table import Table

    from ..batch.worker import STATUSES
    from ..grammar import FREE_FORM, editions
    head = [("documents", f"{s.documents}: " + _counts(s.by_status, STATUSES)),
            ("editions", _counts(s.by_edition, (*editions(), FREE_FORM, "none")))]
    if s.attachment_links:
        head.append(("attachments", f"{s.attachment_links} linked files on {s.by_status['attachments']} pages"
                     " (govreport export --table attachments)"))
    for line in extra:
        label, _, text = line.partition(":")
        head.append((label, text.strip()))
    more = s.by_status["failed"] - len(s.failures)
    more_line = f"... and {more} more: SELECT path, error FROM documents WHERE status = 'failed'"
    if not console.is_terminal:
        out = [f"{label:<12}{text}" for label, text in head]
        out += [f"{'findings':<12}{rule} ({severity}): {n} in {docs} documents" for rule, severity, n, docs in s.findings]
        out += [f"{'slow':<12}{ms / 1000:.2f} s  {path}" for path, ms in s.slowest]
        out += [f"{'failed':<12}{path}: {reason}" for path, reason in s.failures]
        if more > 0:
            out.append(f"{'failed':<12}{more_line}")
        for line in out:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, text in head:
        grid.add_row(label, text)
    console.print(grid)
    if s.findings:
        t = Table(title="findings by rule", box=box.SIMPLE, title_justify="left", pad_edge=False)
        t.add_column("rule")
        t.add_column("severity")
        t.add_column("findings", justify="right")
        t.add_column("documents", justify="right")
        for rule, severity, n, docs in s.findings:
            t.add_row(rule, severity, str(n), str(docs))
        console.print(t)
    if s.slowest:
        t = Table(title="slowest files", box=box.SIMPLE, title_justify="left", pad_edge=False)
        t.add_column("seconds", justify="right")
        t.add_column("path", overflow="fold")
        for path, ms in s.slowest:
            t.add_row(f"{ms / 1000:.2f}", path)
        console.print(t)
    if s.failures:
        t = Table(title=f"failed files ({s.by_status['failed']})", box=box.SIMPLE, title_justify="left",
                  pad_edge=False)
        t.add_column("path", overflow="fold")
        t.add_column("reason", overflow="fold")
        for path, reason in s.failures:
            t.add_row(path, reason or "")
        console.print(t)
        if more > 0:
            console.print(more_line, soft_wrap=True, markup=False)
