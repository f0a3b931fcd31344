"""The batch store as input and output of the audit: reports read back, series findings written."""
from __future__ import annotations

from ..batch.export import records
from ..batch.store import connect, finding_row
from ..report import Finding, Report

SERIES_RULES = ("X-CARRY", "X-STOCK", "X-SAME")
_READ = ("ok", "findings")                 # documents with template tables to audit
_REPORT_FIELDS = set(Report.model_fields)


def read_reports(db: str) -> list[Report]:
    """Every stored report (latest parser version per content) as a Report, without the
    series findings a previous audit wrote (they are recomputed)."""
    from ..pipeline import finish_findings
    conn = connect(db, readonly=True)
    try:
        out = []
        for rec in records(conn, statuses=list(_READ)):
            r = Report.model_validate({k: v for k, v in rec.items() if k in _REPORT_FIELDS})
            r.findings = [f for f in r.findings if f.rule not in SERIES_RULES]
            if any(f.id is None for f in r.findings):        # stored by an older govreport
                finish_findings(r)
            out.append(r)
        return out
    finally:
        conn.close()


def write_series(db: str, findings: list[Finding]) -> int:
    """Replace the store's series findings with these, each on the last document it involves
    (the later year's report), so `govreport export --table findings` lists them."""
    conn = connect(db)
    try:
        conn.execute("BEGIN")
        marks = ",".join("?" * len(SERIES_RULES))
        conn.execute(f"DELETE FROM findings WHERE rule IN ({marks})", SERIES_RULES)
        ids = dict(conn.execute("SELECT sha256, max(id) FROM documents GROUP BY sha256").fetchall())
        n = 0
        for f in findings:
            doc_id = ids.get(f.documents[-1].sha256) if f.documents else None
            if doc_id is None:
                continue
            pos = conn.execute("SELECT coalesce(max(pos), -1) + 1 FROM findings WHERE document_id = ?",
                               (doc_id,)).fetchone()[0]
            conn.execute("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (doc_id, *finding_row(pos, f)))
            n += 1
        conn.execute("COMMIT")
        return n
    finally:
        conn.close()

