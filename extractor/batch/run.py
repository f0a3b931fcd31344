"""One batch: hash the inputs, skip what the store has, run the rest, store each record.

The only writer of the store is this (parent) process; engines just yield records.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import __version__
from ..errors import ReadError
from ..limits import DEFAULT as DEFAULT_LIMITS, Limits
from ..pipeline import check_file
from ..readers import detect_format
from .engine import run as run_engine
from .store import Store
from .worker import Options, failure


@dataclass
class Plan:
    """What a batch will do, decided before any parsing."""
    todo: list[str] = field(default_factory=list)                 # paths to parse
    sha: dict[str, str] = field(default_factory=dict)             # path -> sha256 (of todo and stored)
    replace: dict[str, int] = field(default_factory=dict)         # sha256 -> stored failed doc to supersede
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # sha256 -> other paths of a todo file
    stored: dict[str, int] = field(default_factory=dict)          # path -> doc id already in the store
    unreadable: list[dict] = field(default_factory=list)          # failure records of files we cannot open


@dataclass
class Outcome:
    ids: set[int] = field(default_factory=set)       # every document this batch's inputs map to
    processed: int = 0                               # parsed in this run
    resumed: int = 0                                 # already in the store, skipped
    duplicates: int = 0                              # same content as another input
    elapsed: float = 0.0
    interrupted: bool = False


def file_sha256(path: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """The file's sha256; ReadError for what a worker would refuse to read (a device,
    a FIFO, a file past the file-mb limit): hashing it would never end or take long."""
    check_file(path, limits)
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def plan(files: list[str], store: Store, *, retry_failed: bool = False,
         parser_version: str = __version__, limits: Limits = DEFAULT_LIMITS) -> Plan:
    """Hash every file (cheap) and decide: parse, skip as stored, or note as duplicate."""
    known = store.known(parser_version)
    p = Plan()
    first: dict[str, str] = {}                       # sha256 -> first todo path with it
    for path in files:
        try:
            sha = file_sha256(path, limits)
        except ReadError as e:
            p.unreadable.append(failure(path, e.reason()))
            continue
        except OSError as e:
            p.unreadable.append(failure(path, f"cannot read: {e.strerror or e}"))
            continue
        p.sha[path] = sha
        if sha in first:
            p.duplicates.setdefault(sha, []).append(path)
            continue
        hit = known.get(sha)
        if hit and not (retry_failed and hit[1] == "failed"):
            p.stored[path] = hit[0]
            continue
        if hit:
            p.replace[sha] = hit[0]
        first[sha] = path
        p.todo.append(path)
    return p


def sniff_format(path: str) -> str | None:
    """The format of a file whose worker died before saying (timeout, crash)."""
    try:
        with open(path, "rb") as f:
            return detect_format(f.read(65536), path)
    except Exception:
        return None


def execute(p: Plan, store: Store, opts: Options, *, engine: str = "local", jobs: int = 1,
            timeout: float | None = 120.0, memory_mb: int = 0, scheduler: str | None = None,
            ship_bytes: bool | None = None, urls: dict[str, str] | None = None,
            on_record: Callable[[dict], None] | None = None) -> Outcome:
    """Run the plan's files through the engine and store every record as it arrives."""
    out = Outcome()
    t0 = time.perf_counter()
    if p.unreadable:
        out.ids.update(store.add_many([(rec, [], None) for rec in p.unreadable]))
    if p.stored:
        store.add_paths([(doc_id, path) for path, doc_id in p.stored.items()])
        out.ids.update(p.stored.values())
        out.resumed = len(p.stored)
    out.duplicates = sum(len(v) for v in p.duplicates.values())
    records = run_engine(engine, p.todo, opts, jobs=jobs, timeout=timeout, memory_mb=memory_mb,
                         scheduler=scheduler, ship_bytes=ship_bytes, urls=urls)
    try:
        for batch in records:
            items = []
            for rec in batch:
                path = rec["path"]
                if rec.get("sha256") is None and path in p.sha:   # timeout/crash: the parent knows the hash
                    rec["sha256"] = p.sha[path]
                if rec.get("format") is None and path in p.sha:
                    rec["format"] = sniff_format(path)
                sha = p.sha.get(path, rec.get("sha256"))
                items.append((rec, p.duplicates.get(sha, []) if sha else [], p.replace.get(sha) if sha else None))
            out.ids.update(_store(store, items))
            out.processed += len(batch)
            if on_record:
                for rec in batch:
                    on_record(rec)
    except KeyboardInterrupt:
        out.interrupted = True
    finally:
        close = getattr(records, "close", None)
        if close:
            close()
        out.elapsed = time.perf_counter() - t0
    return out


def _store(store: Store, items: list) -> list[int]:
    """Write the items in one commit; if that fails (a bug on one record), one by one,
    turning a record that still cannot be written into a failure row."""
    try:
        return store.add_many(items)
    except Exception:
        pass
    ids = []
    for rec, paths, replace in items:
        try:
            ids.append(store.add(rec, paths, replace=replace))
        except Exception as e:
            fail = {**failure(rec["path"], f"internal error while storing: {type(e).__name__}: {str(e)[:200]}"),
                    "sha256": rec.get("sha256"), "format": rec.get("format")}
            ids.append(store.add(fail, paths, replace=replace))
    return ids
