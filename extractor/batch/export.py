"""Exports of the store: CSV and XLSX (one row per document, one column per
canonical key) and JSONL (the full record of each document).

By default each content is exported once, with its most recently stored parser
version (a database filled by two versions of govreport does not double rows);
`all_versions=True` exports every stored row.
"""
from __future__ import annotations

import csv
import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..fields import labels as key_labels
from ..grammar import all_keys
from ..output import OutputError, open_output
from .store import connect

FORMATS = ("csv", "jsonl", "xlsx")
TABLES = ("documents", "findings", "attachments")
DOC_COLUMNS = ["path", "organization", "year", "edition", "status", "reason"]   # reason: why it failed
FINDING_COLUMNS = ["path", "sha256", "rule", "severity", "where", "message", "expected", "actual", "keys", "id"]
ATTACHMENT_COLUMNS = ["path", "text", "url"]


class ExportError(Exception):
    pass


def _selection(all_versions: bool, statuses: list[str] | None) -> tuple[str, list]:
    where, args = [], []
    if not all_versions:
        where.append("d.id IN (SELECT max(id) FROM documents GROUP BY coalesce(sha256, path))")
    if statuses:
        where.append(f"d.status IN ({','.join('?' * len(statuses))})")
        args += statuses
    return (" WHERE " + " AND ".join(where)) if where else "", args


def document_keys(conn: sqlite3.Connection) -> list[str]:
    """Canonical keys, then any other key found in the store (sorted), so nothing is dropped."""
    keys = list(all_keys())
    known = set(keys)
    extra = sorted(k for (k,) in conn.execute("SELECT DISTINCT key FROM cells") if k not in known)
    return keys + extra


def wide_rows(conn: sqlite3.Connection, *, all_versions=False, statuses=None) -> Iterator[list]:
    """Header, then one row per document: path, organization, year, edition, status, the
    failure reason, every key."""
    keys = document_keys(conn)
    index = {k: i for i, k in enumerate(keys)}
    yield DOC_COLUMNS + keys
    where, args = _selection(all_versions, statuses)
    docs = conn.execute(f"SELECT d.id, d.path, d.organization, d.year, d.edition, d.status, d.error"
                        f" FROM documents d"
                        f"{where} ORDER BY d.id", args).fetchall()
    for doc_id, *head in docs:
        values = [None] * len(keys)
        for key, value in conn.execute("SELECT key, value FROM cells WHERE document_id = ?", (doc_id,)):
            values[index[key]] = value
        yield head + values


def finding_rows(conn, *, all_versions=False, statuses=None) -> Iterator[list]:
    yield FINDING_COLUMNS
    where, args = _selection(all_versions, statuses)
    yield from (list(r) for r in conn.execute(
        "SELECT d.path, d.sha256, f.rule, f.severity, f.location, f.message, f.expected, f.actual, f.keys, f.id"
        f" FROM findings f JOIN documents d ON d.id = f.document_id{where} ORDER BY d.id, f.pos", args))


def attachment_rows(conn, *, all_versions=False, statuses=None) -> Iterator[list]:
    yield ATTACHMENT_COLUMNS
    where, args = _selection(all_versions, statuses)
    yield from (list(r) for r in conn.execute(
        "SELECT d.path, a.text, a.url FROM attachments a JOIN documents d ON d.id = a.document_id"
        f"{where} ORDER BY d.id, a.pos", args))


def records(conn: sqlite3.Connection, *, all_versions=False, statuses=None) -> Iterator[dict]:
    """The full record of each document: the Report's fields plus batch bookkeeping."""
    where, args = _selection(all_versions, statuses)
    docs = conn.execute(
        "SELECT d.id, d.path, d.sha256, d.format, d.organization, d.year, d.edition, d.status, d.error,"
        f" d.parser_version, d.read_ms, d.parse_ms, d.total_ms, d.created_at, d.extra FROM documents d{where}"
        " ORDER BY d.id", args).fetchall()
    for (doc_id, path, sha, fmt, org, year, edition, status, error, version, read_ms, parse_ms, total_ms,
         created_at, extra) in docs:
        values, cells = {}, {}
        for key, value, raw, blank, has_cell, o_format, page, table_no, row_no, col_no, ocr, split in conn.execute(
                "SELECT key, value, raw, blank, has_cell, origin_format, page, table_no, row_no, col_no, ocr, split"
                " FROM cells WHERE document_id = ? ORDER BY pos", (doc_id,)):
            values[key] = value
            if has_cell:
                origin = None if ocr is None else {"format": o_format, "page": page, "table": table_no,
                                                   "row": row_no, "col": col_no, "ocr": bool(ocr)}
                cells[key] = {"value": value, "raw": raw, "blank": bool(blank), "origin": origin, "split": split}
        findings = [
            {"rule": r, "severity": s, "where": w, "message": m, "expected": e, "actual": a,
             "keys": json.loads(k) if k else [], "id": i, **(json.loads(x) if x else {})}
            for r, s, w, m, e, a, k, i, x in conn.execute(
                "SELECT rule, severity, location, message, expected, actual, keys, id, detail FROM findings"
                " WHERE document_id = ? ORDER BY pos", (doc_id,))]
        rec = {
            "path": path,
            "paths": [p for (p,) in conn.execute("SELECT path FROM paths WHERE document_id = ? ORDER BY rowid",
                                                 (doc_id,))],
            "status": status, "error": error,
            "timings": {"read_ms": read_ms, "parse_ms": parse_ms, "total_ms": total_ms},
            "stored_at": created_at,
            "source": {"path": path, "format": fmt, "sha256": sha},
            "organization": org, "year": year, "edition": edition,
            "parts": [{"number": n, "title": t, "printed_number": pn, "text": x, "found": f}
                      for n, t, pn, x, f in conn.execute(
                "SELECT number, title, printed_number, text, found FROM parts WHERE document_id = ? ORDER BY pos",
                (doc_id,))],
            "values": values, "cells": cells, "findings": findings,
            "attachments": [{"text": t, "url": u} for t, u in conn.execute(
                "SELECT text, url FROM attachments WHERE document_id = ? ORDER BY pos", (doc_id,))],
            "parser_version": version,
        }
        if extra:
            rec.update(json.loads(extra))
        yield rec


# -- writers ----------------------------------------------------------------------------

def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return v


def write_csv(rows: Iterator[list], out) -> int:
    """`out`: a text stream. UTF-8 with BOM is the caller's encoding choice (Excel needs it)."""
    w = csv.writer(out, lineterminator="\r\n")
    n = -1
    for row in rows:
        w.writerow([_csv_value(v) for v in row])
        n += 1
    return n


def write_jsonl(recs: Iterator[dict], out) -> int:
    n = 0
    for rec in recs:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


_WIDTHS = {"path": 40, "organization": 24, "reason": 40, "message": 60, "url": 50, "text": 30, "keys": 30}


def write_xlsx(sheets: list[tuple[str, Iterator[list], bool]], out) -> int:
    """One sheet per (title, rows, labelled): the header row (and the label row under it
    when labelled) frozen, an autofilter over the table, column widths for the content.
    Returns the data rows of the first sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    first = None
    for title, rows, labelled in sheets:
        ws = wb.create_sheet(title)
        heads = 2 if labelled else 1
        ws.freeze_panes = f"B{heads + 1}"
        header = next(rows)
        for i, name in enumerate(header, 1):
            # key columns hold small numbers under long names (t3.denied_third_party.natural)
            ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, 12 if "." in name else 14)
        n = -heads
        for row in itertools.chain([header], rows):
            cells = []
            for v in row:
                if isinstance(v, str):
                    v = ILLEGAL_CHARACTERS_RE.sub("", v)
                    if v.startswith("="):                 # text, never a formula
                        c = WriteOnlyCell(ws, value=v)
                        c.data_type = "s"
                        v = c
                cells.append(v)
            ws.append(cells)
            n += 1
        # on the last header row: sorting and filtering leave the label row where it is
        ws.auto_filter.ref = f"A{heads}:{get_column_letter(max(len(header), 1))}{heads + max(n, 0)}"
        if first is None:
            first = n
    wb.save(out)
    return first or 0


def export(db: str | Path, fmt: str, out: str | None, *, table: str = "documents", all_versions: bool = False,
           statuses: list[str] | None = None, labels: bool = False) -> int:
    """Write the export to `out` (None or '-': stdout; see output.py). Returns the number
    of rows (records) written. `labels`: a second header row with each key's Chinese label
    (always in XLSX)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r} (use {', '.join(TABLES)})")
    conn = connect(db, readonly=True)
    try:
        sel = {"all_versions": all_versions, "statuses": statuses}
        rows_of = {"documents": wide_rows, "findings": finding_rows, "attachments": attachment_rows}[table]
        try:
            with open_output(out, binary=fmt == "xlsx", excel_csv=fmt == "csv") as f:
                return _write(fmt, table, conn, sel, rows_of, f, labels)
        except OutputError as e:
            raise ExportError(str(e)) from None
    finally:
        conn.close()


def _with_labels(rows: Iterator[list]) -> Iterator[list]:
    """The header, then the Chinese label of each key column under it, then the rows."""
    header = next(rows)
    names = key_labels()
    yield header
    yield [names.get(h, "") for h in header]
    yield from rows


def _write(fmt, table, conn, sel, rows_of, f, labels) -> int:
    if fmt == "csv":
        rows = rows_of(conn, **sel)
        if labels and table == "documents":
            return write_csv(_with_labels(rows), f) - 1
        return write_csv(rows, f)
    if fmt == "jsonl":
        if table == "documents":
            return write_jsonl(records(conn, **sel), f)
        rows = rows_of(conn, **sel)
        header = next(rows)
        return write_jsonl((dict(zip(header, r, strict=True)) for r in rows), f)
    first = rows_of(conn, **sel)
    sheets = [(table, _with_labels(first) if table == "documents" else first, table == "documents")]
    if table == "documents":                       # findings alongside, for Excel users
        sheets.append(("findings", finding_rows(conn, **sel), False))
    return write_xlsx(sheets, f)
