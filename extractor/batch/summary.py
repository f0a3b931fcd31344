"""The end-of-batch summary: counts by status and edition, findings by rule, the
slowest files, failures with their reasons. Computed from the store, so it covers
documents skipped as already stored too (a resumed batch reports the whole set).
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich import box
from rich.console import Console
from rich.table import Table

from ..grammar import FREE_FORM, editions
from .worker import STATUSES

# exit codes of `govreport batch`
EXIT_OK, EXIT_FINDINGS, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class Summary:
    documents: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_edition: Counter = field(default_factory=Counter)
    findings: list[tuple[str, str, int, int]] = field(default_factory=list)   # rule, severity, count, docs
    slowest: list[tuple[str, float]] = field(default_factory=list)            # path, total ms
    failures: list[tuple[str, str]] = field(default_factory=list)             # path, reason
    attachment_links: int = 0

    def exit_code(self) -> int:
        """2 when a file failed, else 1 when a report has error findings, else 0."""
        if self.by_status["failed"]:
            return EXIT_FAILED
        if self.by_status["findings"]:
            return EXIT_FINDINGS
        return EXIT_OK


def summarize(conn: sqlite3.Connection, ids, *, slowest: int = 5, failures: int = 20) -> Summary:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS run_ids (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM run_ids")
    conn.executemany("INSERT OR IGNORE INTO run_ids VALUES (?)", [(i,) for i in ids])
    s = Summary()
    q = "SELECT {} FROM documents d JOIN run_ids r ON r.id = d.id"
    for status, n in conn.execute(q.format("status, count(*)") + " GROUP BY status"):
        s.by_status[status] = n
    s.documents = sum(s.by_status.values())
    for edition, n in conn.execute(q.format("coalesce(edition, 'none'), count(*)") + " GROUP BY 1"):
        s.by_edition[edition] = n
    s.findings = list(conn.execute(
        "SELECT f.rule, f.severity, count(*), count(DISTINCT f.document_id) FROM findings f"
        " JOIN run_ids r ON r.id = f.document_id GROUP BY f.rule, f.severity"
        " ORDER BY (f.severity = 'error') DESC, count(*) DESC, f.rule"))
    s.slowest = list(conn.execute(q.format("path, total_ms") + " WHERE status != 'failed' AND total_ms IS NOT NULL"
                                  " ORDER BY total_ms DESC LIMIT ?", (slowest,)))
    s.failures = list(conn.execute(q.format("path, error") + " WHERE status = 'failed' ORDER BY d.id LIMIT ?",
                                   (failures,)))
    s.attachment_links = conn.execute(
        "SELECT count(*) FROM attachments a JOIN run_ids r ON r.id = a.document_id").fetchone()[0]
    return s


def _counts(counter: Counter, order=()) -> str:
    keys = [k for k in order if counter.get(k)] + sorted(k for k in counter if k not in order and counter[k])
    return " · ".join(f"{k} {counter[k]}" for k in keys) or "none"


def render(s: Summary, console: Console, *, extra: Sequence[str] = ()) -> None:
    """Print the summary: small tables on a terminal, plain unwrapped lines when piped
    (one fact per line: grep-able, never a path folded across lines)."""
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
