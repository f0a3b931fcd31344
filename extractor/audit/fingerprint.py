"""Stable finding ids: the same finding on the same bytes gets the same id on every run.

The id hashes what identifies a finding (document content, rule, where, keys), never its
message or values, so rewording a message or a new parser version that reads the same
cells keeps the ids an auditor has accepted.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..report import Finding, Report

_LEN = 16                          # hex digits: 64 bits, collisions negligible at portal scale


def fingerprint(shas: list[str], finding: Finding) -> str:
    """Id of a finding about the documents with these sha256s (one, or several for X-* rules)."""
    basis = "\x1f".join([",".join(sorted(shas)), finding.rule, finding.where, ",".join(sorted(finding.keys))])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:_LEN]


def assign_ids(report: Report) -> None:
    """Give every finding of a report its id (in place)."""
    for f in report.findings:
        f.id = fingerprint([d.sha256 for d in f.documents] or [report.source.sha256], f)


class BaselineError(ValueError):
    pass


def load_baseline(path: str | Path) -> set[str]:
    """Accepted finding ids from a file: a JSON list of ids, of findings, or of reports
    (what `validate --format json` prints), or one id per line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise BaselineError(f"{path}: cannot read the baseline ({e.strerror}); check the path") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        ids = {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}
        if any(not all(c in "0123456789abcdef" for c in i) for i in ids):
            raise BaselineError(f"{path}: not a baseline (expected the JSON of `govreport validate --format json` "
                                "or one finding id per line)") from None
        return ids
    return set(_ids(data))


def _ids(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for x in data:
            yield from _ids(x)
    elif isinstance(data, dict):
        if isinstance(data.get("id"), str) and "rule" in data:
            yield data["id"]
        for k in ("findings", "documents", "series"):
            if k in data:
                yield from _ids(data[k])
