"""The embedded store: one SQLite file (WAL) holding every document of a batch.

Tables (SQL keywords avoided as names, so plain queries work unquoted):

  documents    one row per distinct content and parser version: path (first seen),
               sha256, format, organization, year, edition, status, error,
               parser_version, read_ms, parse_ms, total_ms, n_errors, n_warnings,
               created_at, extra (JSON of report fields not stored elsewhere)
  paths        where each document's content is: (path, document_id); a path points
               to one document per parser version (its current content)
  cells        long form values: document_id, pos, key, value, raw, blank, has_cell,
               the cell's origin as plain columns (origin_format, page, table_no,
               row_no, col_no, ocr), split
  findings     document_id, pos, rule, severity, location (the report's "where"),
               message, expected, actual, keys (JSON list), id (the finding's stable
               fingerprint), detail (JSON: diagnosis, sentence, part, documents)
  attachments  document_id, pos, text, url
  parts        document_id, pos, number, title, printed_number, text, found

Identity: UNIQUE (sha256, parser_version). The same bytes under two paths are one
document (portal scrapes download the same PDF under several names; counting it
twice would double its figures in any aggregate); the second path goes to `paths`.
A new parser version re-reads everything, and both versions stay queryable.

Each document is written in one transaction, so a batch killed at any moment
leaves only whole documents behind and a rerun resumes where it stopped.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, UTC
from functools import cache
from pathlib import Path

from ..report import Report

SCHEMA_VERSION = "4"          # 2: cell origins as columns, not JSON; 3: finding ids and details; 4: parts.found

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,
    sha256         TEXT,
    format         TEXT,
    organization   TEXT,
    year           INTEGER,
    edition        TEXT,
    status         TEXT NOT NULL,
    error          TEXT,
    parser_version TEXT NOT NULL,
    read_ms        REAL,
    parse_ms       REAL,
    total_ms       REAL,
    n_errors       INTEGER NOT NULL DEFAULT 0,
    n_warnings     INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    extra          TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS documents_content ON documents (sha256, parser_version);
CREATE INDEX IF NOT EXISTS documents_status ON documents (status);
CREATE TABLE IF NOT EXISTS paths (
    path        TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (path, document_id)
);
CREATE INDEX IF NOT EXISTS paths_document ON paths (document_id);
CREATE TABLE IF NOT EXISTS cells (
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    pos           INTEGER NOT NULL,     -- the report's order of keys
    key           TEXT NOT NULL,
    value,                              -- no type: keeps 3 (count) apart from 3.0 (amount)
    raw           TEXT,
    blank         INTEGER NOT NULL DEFAULT 0,
    has_cell      INTEGER NOT NULL DEFAULT 0,
    origin_format TEXT,                 -- the reader's format (docx for a .doc LibreOffice converted)
    page          INTEGER,              -- PDF page, from 1
    table_no      INTEGER,              -- table, row and column in the reader's grid, from 0
    row_no        INTEGER,
    col_no        INTEGER,
    ocr           INTEGER,              -- 1 read by OCR, 0 not, NULL: no origin
    split         TEXT,
    PRIMARY KEY (document_id, pos)
) WITHOUT ROWID;
-- no index on cells(key): it would double the cost of storing a document; a query by key
-- scans (about 0.5 s per million cells); CREATE INDEX cells_key ON cells (key) if you need it
CREATE TABLE IF NOT EXISTS findings (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    rule        TEXT NOT NULL,
    severity    TEXT NOT NULL,
    location    TEXT,
    message     TEXT,
    expected,
    actual,
    keys        TEXT,
    id          TEXT,
    detail      TEXT,
    PRIMARY KEY (document_id, pos)
);
CREATE INDEX IF NOT EXISTS findings_rule ON findings (rule);
CREATE TABLE IF NOT EXISTS attachments (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    text        TEXT,
    url         TEXT NOT NULL,
    PRIMARY KEY (document_id, pos)
);
CREATE TABLE IF NOT EXISTS parts (
    document_id    INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    number         INTEGER,
    title          TEXT,
    printed_number TEXT,
    text           TEXT,
    found          TEXT,
    PRIMARY KEY (document_id, pos)
);
"""

# report fields that have their own columns or tables; anything else goes to documents.extra
_STORED = {"source", "organization", "year", "edition", "parts", "values", "cells",
           "findings", "attachments", "parser_version"}
_EXTRA = set(Report.model_fields) - _STORED    # stored as JSON in documents.extra
_CELL_FIELDS = 13                 # a cells row without its document_id
_NO_CELL = (None, 0, 0, None, None, None, None, None, None, None)   # raw .. split of a key with no cell
# cells go in by multi-row INSERTs of up to 76 rows (76 * 13 + 1 parameters fit the 999 of the
# most limited SQLite builds): one statement per 76 cells instead of one step per cell
# (executemany) costs the single writer ~40% less per document
_CELLS_PER_INSERT = 999 // _CELL_FIELDS


@cache
def _insert_cells(n: int) -> str:
    """INSERT of n cells rows: ?1 is the document id, then the rows' fields in order."""
    row = "(?1, " + ", ".join("?" * _CELL_FIELDS) + ")"
    return "INSERT INTO cells VALUES " + ", ".join([row] * n)


class StoreError(Exception):
    """The database cannot be opened or is not ours."""


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    path = Path(path)
    if readonly:
        if not path.exists():
            raise StoreError(f"{path}: no such database (run `govreport batch ... --db {path}` first)")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    else:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)   # explicit BEGIN/COMMIT
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            # WAL + synchronous=NORMAL: a commit is a write to the WAL, without fsync (fsync
            # happens at checkpoints). A killed process (kill -9, crash) loses nothing committed;
            # only an OS crash or power cut can lose the last commits, never corrupt the file,
            # and a rerun reads those few files again. FULL would fsync every commit.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as e:
        conn.close()
        raise StoreError(f"{path}: not a govreport database ({e})") from None
    if not version or version[0] != SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{path}: database schema {version and version[0]!r}, this govreport writes "
                         f"{SCHEMA_VERSION!r} (use a new --db file)")
    return conn


class Store:
    """Writes batch records; one transaction per document."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = connect(self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- what is already there ------------------------------------------------------
    def known(self, parser_version: str) -> dict[str, tuple[int, str]]:
        """sha256 -> (document id, status) of every stored document of this parser version."""
        rows = self.conn.execute(
            "SELECT sha256, id, status FROM documents WHERE parser_version = ? AND sha256 IS NOT NULL",
            (parser_version,))
        return {sha: (doc_id, status) for sha, doc_id, status in rows}

    # -- writing --------------------------------------------------------------------
    def add(self, rec: dict, extra_paths: Sequence[str] = (), *, replace: int | None = None) -> int:
        """Store one record (see worker.py) in its own transaction; returns its document id."""
        return self.add_many([(rec, list(extra_paths), replace)])[0]

    def add_many(self, items: list[tuple[dict, list[str], int | None]]) -> list[int]:
        """Store (record, extra paths, id it replaces) items in one transaction.

        Every document is written whole inside the transaction, so a kill at any moment
        leaves each document entirely stored or entirely absent. Writing the records
        that finished together in one commit keeps the single writer ahead of the
        workers when files are small (one commit per file cost more than parsing one).
        `replace`: a stored failure this record supersedes (--retry-failed). When the
        content is already stored (another path, or a concurrent batch got there first)
        only the path is added.
        """
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            ids = [self._add_one(prepare(rec), paths, replace) for rec, paths, replace in items]
            c.execute("COMMIT")
            return ids
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def add_paths(self, pairs: list[tuple[int, str]]) -> None:
        """Record (document id, path) pairs of files found already stored, in one transaction."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for doc_id, path in pairs:
                self._add_paths(doc_id, [path])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _add_one(self, rec: dict, extra_paths, replace: int | None) -> int:
        c = self.conn
        if replace is not None:
            c.execute("DELETE FROM documents WHERE id = ?", (replace,))
        if rec.get("sha256") is None:        # unreadable file: keep one row per path, not one per run
            c.execute("DELETE FROM documents WHERE sha256 IS NULL AND path = ? AND parser_version = ?",
                      (storable(rec["path"]), rec["parser_version"]))
        doc_id = self._insert(rec)
        if doc_id is None:                   # this content is stored already
            doc_id = c.execute("SELECT id FROM documents WHERE sha256 = ? AND parser_version = ?",
                               (rec["sha256"], rec["parser_version"])).fetchone()[0]
        self._add_paths(doc_id, [rec["path"], *extra_paths])
        return doc_id

    def _add_paths(self, doc_id: int, paths) -> None:
        """Record where a document's content was found.

        A path holds one content at a time (per parser version): when a file was
        replaced (a failed download fetched again, a corrected report), the path moves
        to the new document, and an old document left without any path is deleted, so
        the store never keeps a stale twin of a file.
        """
        c = self.conn
        for path in dict.fromkeys(storable(p) for p in paths):
            olds = [i for (i,) in c.execute(
                "SELECT p.document_id FROM paths p JOIN documents d ON d.id = p.document_id"
                " WHERE p.path = ? AND p.document_id != ?"
                " AND d.parser_version = (SELECT parser_version FROM documents WHERE id = ?)",
                (path, doc_id, doc_id))]
            for old in olds:
                c.execute("DELETE FROM paths WHERE path = ? AND document_id = ?", (path, old))
                left = c.execute("SELECT path FROM paths WHERE document_id = ? ORDER BY rowid LIMIT 1",
                                 (old,)).fetchone()
                if left is None:
                    c.execute("DELETE FROM documents WHERE id = ?", (old,))
                else:
                    c.execute("UPDATE documents SET path = ? WHERE id = ? AND path = ?", (left[0], old, path))
            c.execute("INSERT OR IGNORE INTO paths (path, document_id) VALUES (?, ?)", (path, doc_id))

    def _insert(self, rec: dict) -> int | None:
        """Insert the document and its rows; None when its (sha256, version) is already stored."""
        c = self.conn
        cur = c.execute(
            "INSERT INTO documents (path, sha256, format, organization, year, edition, status, error,"
            " parser_version, read_ms, parse_ms, total_ms, n_errors, n_warnings, created_at, extra)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (sha256, parser_version) DO NOTHING",
            (storable(rec["path"]), rec.get("sha256"), rec.get("format"), rec.get("organization"), rec.get("year"),
             rec.get("edition"), rec["status"], rec.get("error"), rec["parser_version"],
             rec.get("read_ms"), rec.get("parse_ms"), rec.get("total_ms"), rec["n_errors"], rec["n_warnings"],
             datetime.now(UTC).isoformat(timespec="seconds"), rec["extra"]))
        if cur.rowcount == 0:
            return None
        doc_id = cur.lastrowid
        rows = rec["rows"]
        cells, step = rows["cells"], _CELLS_PER_INSERT * _CELL_FIELDS
        for i in range(0, len(cells), step):
            part = cells[i:i + step]
            c.execute(_insert_cells(len(part) // _CELL_FIELDS), (doc_id, *part))
        for table, n in (("findings", 11), ("attachments", 4), ("parts", 7)):
            if rows[table]:
                c.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * n)})",
                              [(doc_id, *r) for r in rows[table]])
        return doc_id


def report_rows(rec: dict, report, links: list[dict] | None = None) -> dict:
    """A worker record (without `report`) plus the rows the store writes for `report`
    (a Report, or None for a failure): plain tuples in the tables' column order, the
    cells in one flat tuple (13 fields per row: few objects to pickle and unpickle).

    Runs in the worker (worker.run_task), reading the Report's attributes directly:
    no JSON dump of the report, no JSON per cell. `links`: the attachments to store
    (already resolved against the page's URL), by default the report's own.
    """
    out = {k: v for k, v in rec.items() if k != "report"}
    if report is None:
        out.update(n_errors=0, n_warnings=0, extra=None,
                   rows={"cells": (), "findings": [], "attachments": [], "parts": []})
        return out
    values, cells = report.values, report.cells
    flat: list = []                   # the cells rows, one after the other in one flat list
    for pos, key in enumerate(list(values) + [k for k in cells if k not in values]):
        cell = cells.get(key)
        value = values[key] if key in values else cell.value
        if cell is None:
            flat += (pos, key, value, *_NO_CELL)
            continue
        o = cell.origin
        if o is None:
            flat += (pos, key, value, cell.raw, int(cell.blank), 1, None, None, None, None, None, None, cell.split)
        else:
            flat += (pos, key, value, cell.raw, int(cell.blank), 1, o.format, o.page, o.table, o.row, o.col,
                     int(o.ocr), cell.split)
    findings = report.findings
    extra = report.model_dump(mode="json", include=_EXTRA) if _EXTRA else None
    if links is None:
        links = [{"text": a.text, "url": a.url} for a in report.attachments]
    out["n_errors"] = sum(f.severity == "error" for f in findings)
    out["n_warnings"] = sum(f.severity == "warning" for f in findings)
    out["extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
    out["rows"] = {
        "cells": tuple(flat),
        "findings": [finding_row(pos, f) for pos, f in enumerate(findings)],
        "attachments": [(pos, a.get("text"), a.get("url")) for pos, a in enumerate(links)],
        "parts": [(pos, p.number, p.title, p.printed_number, p.text, p.found) for pos, p in enumerate(report.parts)],
    }
    return out


_DETAIL = ("diagnosis", "sentence", "part", "documents")      # Finding fields kept as one JSON column


def finding_row(pos: int, f) -> tuple:
    """A findings row (without document_id) for a Finding."""
    detail = f.model_dump(mode="json", include=set(_DETAIL), exclude_defaults=True)
    return (pos, f.rule, f.severity, f.where, f.message, _scalar(f.expected), _scalar(f.actual),
            json.dumps(f.keys or [], ensure_ascii=False), f.id,
            json.dumps(detail, ensure_ascii=False) if detail else None)


def prepare(rec: dict) -> dict:
    """A record as the store writes it: as is when a worker made it (worker.run_task),
    else (a failure made here: timeout, crash) with its empty rows."""
    return rec if "rows" in rec else report_rows(rec, None)


def storable(path: str) -> str:
    """A path as SQLite can store it. Names that are not UTF-8 (a GBK zip unpacked on
    Linux) arrive with surrogate escapes, which SQLite refuses: each such name is read as
    GB18030 when it decodes, else stored with U+FFFD."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    out = []
    for part in path.split("/"):
        raw = part.encode("utf-8", "surrogateescape")
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(raw.decode("gb18030"))
            except UnicodeDecodeError:
                out.append(raw.decode("utf-8", "replace"))
    return "/".join(out)


def _scalar(v):
    """Numbers and strings as they are; anything else as JSON text."""
    if v is None or isinstance(v, (int, float, str)):
        return v
    return json.dumps(v, ensure_ascii=False)
