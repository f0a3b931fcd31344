"""Engines: run worker.run_task over many files and yield the records as they finish.

Both engines are generators of lists of records (see worker.py): each list holds
the records that finished since the last one, so the caller can store them in one
commit. The caller stores them in its own process: the store has exactly one
writer whatever the engine.

local  `jobs` Sandbox child processes (forked from this process, which imported the
       extractor once), all driven by the calling thread: the child enforces the
       memory limit, the engine the time limit (the child keeps it too: a watchdog
       a little later, see sandbox.py), replacing the child after a timeout or crash. Two files are in flight per child, so a child never
       waits while this process stores the previous records.
dask   the same function as a Dask task, on a LocalCluster or a remote scheduler;
       each Dask worker thread drives its own Sandbox, so limits hold there too.
"""
from __future__ import annotations

import atexit
import select
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..cpus import usable_cpus
from .sandbox import Sandbox, SandboxFailure, SandboxStartError, fork_allowed, timeout_reason, warm_up
from .worker import Options, failure


# the local engine hands records over in groups: at most GROUP_MAX, gathered for at most
# GROUP_SECONDS (a kill loses at most that much work, which a rerun simply redoes)
GROUP_SECONDS = 0.2
GROUP_MAX = 500


class EngineError(Exception):
    """The engine cannot run at all (no Dask, workers do not start, no scheduler)."""


def default_jobs() -> int:
    return usable_cpus()


def call_sandboxed(sandbox: Sandbox, path: str, data: bytes | None, opts: Options, timeout: float | None) -> dict:
    """One file through a sandbox; a timeout or crash becomes a failure record."""
    try:
        return sandbox.call("run_task", (path, opts, data), timeout)
    except SandboxStartError:
        raise
    except SandboxFailure as e:
        return failure(path, str(e))


def options_for(opts: Options, urls: dict[str, str] | None, path: str) -> Options:
    """The options of one file: its own page URL (from an @list) overrides --base-url."""
    url = urls.get(path) if urls else None
    return replace(opts, base_url=url) if url else opts


# -- local ------------------------------------------------------------------------------

class _Slot:
    """One sandboxed worker of the local engine and the files it was sent, oldest first."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.inflight: deque[str] = deque()
        self.since = 0.0                  # when the oldest file in flight got the child to itself


def run_local(paths: list[str], opts: Options, *, jobs: int, timeout: float | None,
              memory_mb: int, urls: dict[str, str] | None = None) -> Iterator[list[dict]]:
    """Yield one record per path, in completion order and in lists of those finished
    together, using `jobs` sandboxed workers.

    One thread drives every worker: it keeps two files in flight per child (the child
    starts the next file while this process stores the last one), waits on all of
    their pipes at once and enforces each file's deadline. No thread per worker: each
    record then costs one wake-up of this process instead of several thread hand-overs,
    which on a 2-core machine left the workers less CPU.
    """
    if not paths:
        return
    todo = deque(paths)
    if fork_allowed():
        warm_up()
    slots = [_Slot(Sandbox(memory_mb, fork=True, seconds=timeout)) for _ in range(max(1, min(jobs, len(paths))))]
    remaining = len(paths)
    batch: list[dict] = []
    batch_due = 0.0

    def done(slot: _Slot, rec: dict) -> None:
        nonlocal batch_due
        slot.inflight.popleft()
        slot.since = time.monotonic()
        if not slot.sandbox.alive():      # killed or crashed: what was queued behind never ran
            todo.extendleft(reversed(slot.inflight))
            slot.inflight.clear()
        if not batch:
            batch_due = time.monotonic() + GROUP_SECONDS
        batch.append(rec)

    try:
        while remaining:
            for slot in slots:
                while len(slot.inflight) < 2 and todo:
                    path = todo.popleft()
                    try:
                        slot.sandbox.send("run_task", (path, options_for(opts, urls, path), None))
                    except SandboxStartError as e:
                        raise EngineError(str(e)) from None
                    if not slot.inflight:
                        slot.since = time.monotonic()
                    slot.inflight.append(path)
            busy = {slot.sandbox.proc.stdout: slot for slot in slots if slot.inflight}
            now = time.monotonic()
            due = [slot.since + timeout for slot in busy.values()] if timeout else []
            if batch:
                due.append(batch_due)
            wait = max(0.0, min(due) - now) if due else None
            ready, _, _ = select.select(list(busy), [], [], wait)
            for f in ready:
                slot = busy[f]
                try:
                    rec = slot.sandbox.receive(None)      # readable: the result (or EOF) is there
                except SandboxFailure as e:
                    rec = failure(slot.inflight[0], str(e))
                done(slot, rec)
            if timeout:
                now = time.monotonic()
                for f, slot in busy.items():
                    if f not in ready and now >= slot.since + timeout:
                        slot.sandbox.kill()
                        done(slot, failure(slot.inflight[0], timeout_reason(timeout)))
            # records that finish within GROUP_SECONDS of each other go out (and into the
            # store) together: one commit per group instead of one per file
            if batch and (len(batch) >= min(remaining, GROUP_MAX) or time.monotonic() >= batch_due):
                out, batch = batch, []
                remaining -= len(out)
                yield out
    finally:
        for slot in slots:
            if slot.inflight:             # interrupted: do not wait for files in progress
                slot.sandbox.kill()
            slot.sandbox.close()


# -- dask -------------------------------------------------------------------------------

_local = threading.local()


def _task_sandbox(memory_mb: int, timeout: float | None) -> Sandbox:
    sb = getattr(_local, "sandbox", None)
    if sb is None or (sb.memory_mb, sb.seconds) != (memory_mb, timeout):
        if sb is not None:
            sb.close()
        sb = _local.sandbox = Sandbox(memory_mb, seconds=timeout)
        atexit.register(sb.close)
    return sb


def dask_task(path: str, data: bytes | None, opts: Options, timeout: float | None, memory_mb: int) -> dict:
    """What a Dask worker runs: run_task in this thread's sandbox.

    A file's own trouble (unreadable, timeout, crash) comes back as a failure record;
    a worker that cannot start the extractor raises, so Dask retries the file elsewhere."""
    return call_sandboxed(_task_sandbox(memory_mb, timeout), path, data, opts, timeout)


def worker_version() -> str:
    """Run on every Dask worker before a batch: which govreport it has."""
    from .. import __version__
    return __version__


def _check_workers(client) -> None:
    """One clear error when a worker lacks govreport or has another version (its records
    would carry that version, and a rerun here would read those files again)."""
    from .. import __version__
    try:
        versions = client.run(worker_version)
    except Exception as e:
        raise EngineError(f"the Dask workers cannot run govreport ({type(e).__name__}: {str(e)[:200]}); "
                          "install it on every worker: pip install 'govreport[dask]'") from None
    other = {addr: v for addr, v in versions.items() if v != __version__}
    if other:
        addr, v = next(iter(other.items()))
        raise EngineError(f"Dask worker {addr} has govreport {v}, this machine {__version__} "
                          f"({len(other)} of {len(versions)} workers differ): install the same version everywhere")


def check(engine: str) -> None:
    """Fail early (before hashing thousands of files) when the engine cannot run here."""
    if engine == "dask":
        _import_dask()
    elif engine != "local":
        raise EngineError(f"unknown engine {engine!r} (use local or dask)")


def _import_dask():
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise EngineError("--engine dask needs Dask, an optional extra: pip install 'govreport[dask]'") from None
    return Client, LocalCluster, as_completed


def run_dask(paths: list[str], opts: Options, *, jobs: int, timeout: float | None, memory_mb: int,
             scheduler: str | None = None, ship_bytes: bool | None = None,
             urls: dict[str, str] | None = None) -> Iterator[list[dict]]:
    """Yield one record per path from a Dask cluster, in completion order (in lists).

    Without `scheduler` a LocalCluster of `jobs` single-threaded worker processes is
    started (and stopped at the end). With a scheduler the files' bytes are sent to
    the workers (they need not see our file system) unless ship_bytes=False, for
    clusters sharing one (e.g. NFS).
    """
    Client, LocalCluster, as_completed = _import_dask()
    if not paths:
        return
    import logging
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as e:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
        if ship_bytes is None:
            ship_bytes = True
    else:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        ship_bytes = bool(ship_bytes)
    pending: dict = {}                             # future -> path
    try:
        _check_workers(client)
        nthreads = sum(client.nthreads().values()) or 1
        window = max(4, 3 * nthreads)              # enough queued work, bounded memory for bytes
        it = iter(paths)
        ac = as_completed()

        def fill() -> list[dict]:
            """Submit paths until the window is full; unreadable files come back as records."""
            unreadable = []
            while len(pending) < window:
                path = next(it, None)
                if path is None:
                    break
                data = None
                if ship_bytes:
                    try:
                        data = Path(path).read_bytes()
                    except OSError as e:
                        unreadable.append(failure(path, f"cannot read: {e.strerror or e}"))
                        continue
                    if len(data) > 1_000_000:      # big payloads travel better scattered
                        [data] = client.scatter([data], hash=False)
                fut = client.submit(dask_task, path, data, options_for(opts, urls, path), timeout, memory_mb,
                                    pure=False, retries=2)
                pending[fut] = path
                ac.add(fut)
            return unreadable

        unreadable = fill()
        if unreadable:
            yield unreadable
        for done in ac.batches():
            batch = []
            for fut in done:
                path = pending.pop(fut)
                try:
                    batch.append(fut.result())
                except Exception as e:             # e.g. KilledWorker: a worker died on this file
                    batch.append(failure(path, f"crashed: Dask task failed: {type(e).__name__}: {str(e)[:200]}"))
                fut.release()
            yield batch + fill()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(engine: str, paths: list[str], opts: Options, **kw) -> Iterator[list[dict]]:
    if engine == "local":
        kw.pop("scheduler", None)
        kw.pop("ship_bytes", None)
        return run_local(paths, opts, **kw)
    if engine == "dask":
        return run_dask(paths, opts, **kw)
    raise EngineError(f"unknown engine {engine!r} (use local or dask)")
