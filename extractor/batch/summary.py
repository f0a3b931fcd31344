"""The end-of-batch summary: counts by status and edition, findings by rule, the
slowest files, failures with their reasons. Computed from the store, so it covers
documents skipped as already stored too (a resumed batch reports the whole set).
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field

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
