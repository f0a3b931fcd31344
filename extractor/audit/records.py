"""The audit and validate results as plain data (dicts of JSON types) for programs:
`govreport audit --format json` and `govreport validate --format json` print these."""
from __future__ import annotations

from ..grammar import FREE_FORM
from ..report import Finding, Report


def audit_data(reports: list[Report]) -> dict:
    """The audit as plain data: groups (how reports were grouped), series findings, leftovers."""
    from .series import audit as run_audit
    groups, findings, loose = run_audit(reports)
    return {
        "groups": [{
            "body": g.body, "names": g.names,
            "years": {str(y): [{"path": r.source.path, "sha256": r.source.sha256} for r in rs]
                      for y, rs in g.years.items()},
            "pairs": [[y - 1, y] for y in g.years if y - 1 in g.years],
        } for g in groups],
        "findings": [f.model_dump(mode="json") for f in findings],
        "ungrouped": [{"path": r.source.path, "reason": _why_loose(r)} for r in loose],
    }


def _why_loose(r: Report) -> str:
    if r.edition is None:
        return "not a report"
    if r.edition == FREE_FORM:
        return "free-form report (no template tables)"
    return "no issuing body or year read from the title" if not (r.organization and r.year) else "no template tables"


def finding_record(report: Report, f: Finding) -> dict:
    """A finding for programs: rule, severity, where, the documents and years, keys, expected, actual."""
    d = f.model_dump(mode="json")
    if not d["documents"]:
        d["documents"] = [{"path": report.source.path, "sha256": report.source.sha256,
                           "organization": report.organization, "year": report.year}]
    return d


def validate_record(report: Report, shown: list[Finding], hidden: int) -> dict:
    return {"path": report.source.path, "sha256": report.source.sha256, "organization": report.organization,
            "year": report.year, "edition": report.edition,
            "errors": sum(f.severity == "error" for f in shown),
            "warnings": sum(f.severity == "warning" for f in shown),
            "accepted": hidden,
            "findings": [finding_record(report, f) for f in shown]}


def new_findings(findings: list[Finding], accepted: set[str]) -> list[Finding]:
    """The findings whose ids are not in the accepted baseline."""
    return [f for f in findings if f.id not in accepted] if accepted else list(findings)
