"""Engines: run worker.process_file over many files and yield the records as they finish.

Both engines are generators of lists of records (see worker.py): each list holds
the records that finished since the last one, so the caller can store them in one
commit. The caller stores them in its own process: the store has exactly one
writer whatever the engine.

local  one thread per job, each driving its own Sandbox child process (forked from
       this process, which imported the extractor once; the child enforces the
       memory limit, the thread the time limit, replacing the child after a
       timeout or crash). Two files are in flight per child, so a child never
       waits while this process stores the previous record.
dask   the same function as a Dask task, on a LocalCluster or a remote scheduler;
       each Dask worker thread drives its own Sandbox, so limits hold there too.
"""
from __future__ import annotations

import atexit
import os
import queue
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from .sandbox import Sandbox, SandboxFailure, SandboxStartError, fork_allowed, warm_up
from .worker import Options, failure


class EngineError(Exception):
    """The engine cannot run at all (no Dask, workers do not start, no scheduler)."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


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

def run_local(paths: list[str], opts: Options, *, jobs: int, timeout: float | None,
              memory_mb: int, urls: dict[str, str] | None = None) -> Iterator[list[dict]]:
    """Yield one record per path, in completion order and in lists of those finished
    together, using `jobs` sandboxed workers."""
    if not paths:
        return
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for p in paths:
        todo.put(p)
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()
    sandboxes: list[Sandbox] = []

    def work(sandbox: Sandbox) -> None:
        # two files in flight per worker: the child starts the next file while this
        # process is still storing the last one, instead of waiting for it
        inflight: deque[str] = deque()
        try:
            while not stop.is_set():
                while len(inflight) < 2:
                    try:
                        path = todo.get_nowait()
                    except queue.Empty:
                        break
                    sandbox.send("run_task", (path, options_for(opts, urls, path), None))
                    inflight.append(path)
                if not inflight:
                    break
                path = inflight.popleft()
                try:
                    rec = sandbox.receive(timeout)
                except SandboxFailure as e:
                    if isinstance(e, SandboxStartError):
                        raise
                    rec = failure(path, str(e))
                if not sandbox.alive():          # killed or crashed: what was queued behind never ran
                    for other in inflight:
                        todo.put(other)
                    inflight.clear()
                done.put(rec)
        except SandboxStartError as e:
            done.put(e)
        except BaseException as e:                 # never leave the consumer waiting
            done.put(EngineError(f"worker thread failed: {type(e).__name__}: {e}"))
        finally:
            sandbox.close()

    n = max(1, min(jobs, len(paths)))
    if fork_allowed():
        warm_up()
    threads = []
    for _ in range(n):
        sb = Sandbox(memory_mb, fork=True)
        sandboxes.append(sb)
        t = threading.Thread(target=work, args=(sb,), daemon=True, name="govreport-worker")
        threads.append(t)
        t.start()
    try:
        remaining = len(paths)
        while remaining:
            batch = [done.get()]
            while len(batch) < 500:
                try:
                    batch.append(done.get_nowait())
                except queue.Empty:
                    break
            for item in batch:
                if isinstance(item, BaseException):
                    raise EngineError(str(item)) from None
            remaining -= len(batch)
            yield batch
    finally:
        stop.set()
        for sb in sandboxes:                       # unblock threads waiting on a child
            sb.kill_now()
        for t in threads:
            t.join(timeout=10)


# -- dask -------------------------------------------------------------------------------

_local = threading.local()


def _task_sandbox(memory_mb: int) -> Sandbox:
    sb = getattr(_local, "sandbox", None)
    if sb is None or sb.memory_mb != memory_mb:
        if sb is not None:
            sb.close()
        sb = _local.sandbox = Sandbox(memory_mb)
        atexit.register(sb.close)
    return sb


def dask_task(path: str, data: bytes | None, opts: Options, timeout: float | None, memory_mb: int) -> dict:
    """What a Dask worker runs: process_file (or process_bytes) in this thread's sandbox.

    A file's own trouble (unreadable, timeout, crash) comes back as a failure record;
    a worker that cannot start the extractor raises, so Dask retries the file elsewhere."""
    return call_sandboxed(_task_sandbox(memory_mb), path, data, opts, timeout)


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


def run(engine: str, paths: list[str], opts: Options, **kw) -> Iterable[dict]:
    if engine == "local":
        kw.pop("scheduler", None)
        kw.pop("ship_bytes", None)
        return run_local(paths, opts, **kw)
    if engine == "dask":
        return run_dask(paths, opts, **kw)
    raise EngineError(f"unknown engine {engine!r} (use local or dask)")
