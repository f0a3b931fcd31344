"""One long-lived child process that runs worker functions under limits.

Why a child process and not a thread or a pool task: a file can hang a parser,
exhaust memory or crash a C extension. The child caps its address space
(RLIMIT_AS) and runs one file at a time; the parent waits with a deadline. On
timeout the parent kills the child's process group and everything it started
(LibreOffice or tesseract helpers included) and a fresh child takes the next file;
a crash becomes a failure record with its reason. A child also dies with its parent
(PR_SET_PDEATHSIG, see lifetime.py): a batch killed with -9 leaves no worker running.
And a child keeps its own deadline per call (`seconds`, plus WATCHDOG_GRACE so the
parent normally speaks first): a real-time timer whose SIGALRM, left at its default
action, ends the child even inside C code that never returns to Python. A parent that
is stopped or stuck then still cannot leave a worker spinning on one file.

Starting a child: on Linux, when this process has the extractor imported (the
local engine), by fork: ~5 ms and no imports, every child shares the parent's warm
modules. Otherwise (Dask workers, other systems, GOVREPORT_SANDBOX_EXEC=1) a fresh
interpreter that imports the extractor once. Either way: once per worker, not per file.

Protocol over the child's fds 0/1: 4-byte big-endian length + pickle; calls are
answered in order, so a caller may queue the next call before reading a result.
The child points fd 1 at its stderr file, so a library printing to stdout cannot
corrupt the protocol.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from typing import Any
from pathlib import Path

from ..lifetime import die_with_parent, kill_tree
from .worker import memory_reason

_LEN = struct.Struct(">I")
STARTUP_SECONDS = 120.0        # importing the extractor on a loaded machine
WATCHDOG_GRACE = 5.0           # the child's own deadline: the parent's, plus this


def timeout_reason(seconds: float) -> str:
    return f"timeout after {seconds:g} s"


class SandboxFailure(Exception):
    """The child did not answer: timeout, crash, memory. str() is the one-line reason."""


class SandboxStartError(SandboxFailure):
    """The child could not even start (broken installation): no file can be processed."""


def _write_msg(f, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    f.write(_LEN.pack(len(data)) + data)
    f.flush()


def _read_exact(f, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = f.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _read_msg(f):
    head = _read_exact(f, _LEN.size)
    if head is None:
        return None
    body = _read_exact(f, _LEN.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


class _Forked:
    """A child forked from this process: the few Popen methods the Sandbox uses."""

    def __init__(self, pid: int, stdin, stdout):
        self.pid, self.stdin, self.stdout = pid, stdin, stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -signal.SIGKILL
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0.0)
            time.sleep(0.005)
        assert self.returncode is not None
        return self.returncode


_FORK_LOCK = threading.Lock()
_LIVE: weakref.WeakSet[Sandbox] = weakref.WeakSet()


def fork_allowed() -> bool:
    """Fork (no new interpreter, no imports: ~5 ms instead of ~0.3 s) on Linux when this
    process has imported the worker already; GOVREPORT_SANDBOX_EXEC=1 forces exec."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and f"{__package__}.worker" in sys.modules and not os.environ.get("GOVREPORT_SANDBOX_EXEC"))


def warm_up() -> None:
    """Import the readers and load the grammars here, once, before forking children:
    every forked child then starts warm instead of importing them itself."""
    import importlib
    from ..grammar import all_grammars
    from ..formats import FORMATS
    for module in sorted({f.module for f in FORMATS.values()}):
        try:
            importlib.import_module(f"..readers.{module}", __package__)
        except Exception:                      # an optional dependency missing: the file that
            pass                               # needs that reader will say so
    all_grammars()


class Sandbox:
    """A child process running `extractor.batch.worker` functions, one call at a time.

    fork=True: start children by forking this process when fork_allowed() (the local
    engine: its parent has the extractor imported); else a fresh interpreter (Dask
    workers, other platforms)."""

    def __init__(self, memory_mb: int = 0, *, fork: bool = False, seconds: float | None = None):
        self.memory_mb = memory_mb
        self.fork = fork
        # the child's own deadline per call (None: none); the caller's receive() deadline
        # should be `seconds` too, so the parent's timeout normally comes first
        self.seconds = seconds
        self.watchdog = seconds + WATCHDOG_GRACE if seconds else 0.0
        # Popen or _Forked: the same interface (pid, stdin, stdout, poll, wait) by duck typing
        self.proc: Any = None
        self._err: Any = None             # the child's stderr file, between start and close
        _LIVE.add(self)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        env = dict(os.environ)
        env.setdefault("OMP_THREAD_LIMIT", "1")       # tesseract: 1 thread per worker is fastest
        env.setdefault("MALLOC_ARENA_MAX", "2")       # keeps virtual size (RLIMIT_AS) honest
        # the child imports this very package, wherever the parent found it (not resolved:
        # the tests import the working tree through a symlink named govreport)
        root = str(Path(__file__).absolute().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        if self._err is not None:
            self._err.close()
        # O_APPEND: the child keeps appending at the end after the parent truncates the file
        self._err = tempfile.TemporaryFile(mode="a+b")
        if self.fork and fork_allowed():
            self.proc = self._fork_child()
        else:
            with _FORK_LOCK:
                parent = os.getpid()
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", f"{__package__}.sandbox", str(self.memory_mb), f"{self.watchdog:g}"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err,
                    start_new_session=True, env=env, bufsize=0,
                    preexec_fn=lambda: die_with_parent(signal.SIGKILL, parent))
        ready = self._receive(STARTUP_SECONDS)
        if ready != "ready":
            reason = self._death_reason("the worker process did not start")
            self.kill()
            raise SandboxStartError(reason)

    def _fork_child(self) -> _Forked:
        """Fork a child that runs _child_main on pipes, in its own session.

        Under _FORK_LOCK, so no other thread is half-way through making its pipes; in
        the child the other sandboxes' pipe ends are closed through their file objects
        (never by bare fd numbers: an inherited object would later close a reused fd),
        so a child never holds another child's pipe open and every child sees EOF
        when the parent dies.
        """
        with _FORK_LOCK:
            req_r, req_w = os.pipe()
            res_r, res_w = os.pipe()
            err_fd = self._err.fileno()
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:                               # the child: never returns
                code = 0
                try:
                    os.setsid()
                    # killed with its parent, even one killed by SIGKILL (nothing of ours runs then)
                    die_with_parent(signal.SIGKILL, parent)
                    os.dup2(req_r, 0)
                    os.dup2(res_w, 1)
                    os.dup2(err_fd, 2)
                    for fd in (req_r, req_w, res_r, res_w):
                        os.close(fd)
                    for other in list(_LIVE):
                        if other is not self:
                            other._drop_files()
                    _child_main(self.memory_mb, self.watchdog)
                except BaseException:
                    code = 1
                    try:                               # straight to fd 2: os._exit flushes nothing
                        import traceback
                        os.write(2, traceback.format_exc().encode("utf-8", "replace"))
                    except BaseException:
                        pass
                finally:
                    os._exit(code)                    # no atexit, no flushing of the parent's buffers
            os.close(req_r)
            os.close(res_w)
            # registered before the lock is released: the next fork's child closes these ends
            self.proc = _Forked(pid, os.fdopen(req_w, "wb", buffering=0), os.fdopen(res_r, "rb", buffering=0))
            return self.proc

    def _drop_files(self) -> None:
        """In a forked child: close this (other) sandbox's inherited pipe ends."""
        proc = self.proc
        for f in (getattr(proc, "stdin", None), getattr(proc, "stdout", None)):
            try:
                if f is not None:
                    f.close()
            except Exception:
                pass

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """Kill the child and everything it started (its own session/process group)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            kill_tree(self.proc.pid)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.proc = None

    def close(self) -> None:
        """Ask the child to exit (EOF on its stdin); kill it if it does not."""
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.kill()
        if self._err is not None:
            self._err.close()
            self._err = None

    # -- calls -----------------------------------------------------------------------
    def call(self, func: str, args: tuple, timeout: float | None):
        """Run worker.<func>(*args) (or 'module:function') in the child; raises SandboxFailure with the reason."""
        self.send(func, args)
        return self.receive(timeout)

    def send(self, func: str, args: tuple) -> None:
        """Queue a call in the child (starting one if needed). Calls run in order; send a
        second before receiving the first and the child never waits for this process."""
        if not self.alive():
            self.kill()
            self.start()
        try:
            _write_msg(self.proc.stdin, (func, args))
        except (BrokenPipeError, OSError):
            pass                   # the child died: receive() reports why

    def receive(self, timeout: float | None):
        """The result of the oldest call sent; SandboxFailure (the child is then gone, and
        calls queued behind it with it) on timeout or crash."""
        if self.proc is None:
            raise SandboxFailure("crashed: the worker process is gone")
        result = self._receive(timeout)
        if result is _TIMEOUT:
            self.kill()
            raise SandboxFailure(timeout_reason(timeout or 0.0))
        if result is None:
            reason = self._death_reason("crashed")
            self.kill()
            raise SandboxFailure(reason)
        if isinstance(result, dict) and result.pop("_restart", False):
            self.kill()            # after a MemoryError the next file starts in a clean child
        else:
            self._err.seek(0)      # keep only what the next calls write: a crash's last words
            self._err.truncate()
        return result

    def _receive(self, timeout: float | None):
        """The next message, None on EOF, _TIMEOUT when the deadline passes."""
        out = self.proc.stdout
        if timeout:
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return _TIMEOUT
                ready, _, _ = select.select([out], [], [], left)
                if ready:
                    break
        try:
            return _read_msg(out)
        except (OSError, pickle.UnpicklingError, EOFError):
            return None

    def _death_reason(self, default: str) -> str:
        """Why the child ended: its signal or exit code, and the last line it wrote to stderr."""
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return default
        last = ""
        try:
            self._err.seek(0)
            lines = [ln.strip() for ln in self._err.read()[-4000:].decode("utf-8", "replace").splitlines()]
            last = next((ln for ln in reversed(lines) if ln), "")
        except (OSError, ValueError):
            pass
        if code == -signal.SIGALRM and self.watchdog:
            return timeout_reason(self.watchdog) + " (the worker's own deadline)"
        if code < 0:
            name = _signal_name(-code)
            reason = f"{default}: {name}"
            if self.memory_mb and name in ("SIGABRT", "SIGSEGV", "SIGBUS", "SIGKILL") and not last:
                # native code that cannot allocate under RLIMIT_AS aborts without a word
                reason += (f", most likely at the memory limit ({self.memory_mb} MB): "
                           "raise --memory-limit")
            elif name == "SIGKILL":
                reason += " (out of memory?)"
        else:
            reason = f"{default}: exited with code {code}"
        if "MemoryError" in last:
            return memory_reason(self.memory_mb)
        return reason + (f" ({last[:200]})" if last else "")


_TIMEOUT = object()


def _child_main(memory_mb: int, watchdog: float = 0.0) -> None:
    """The child's loop: fd 0 brings requests, fd 1 takes results, fd 2 is the stderr file.
    Each call runs under a real-time timer of `watchdog` seconds (0: none) that kills the child.

    Fresh file objects throughout: a forked child must not use the parent's buffered
    stdio (another parent thread may have held its lock at fork time).
    """
    proto_out = os.fdopen(os.dup(1), "wb")
    proto_in = os.fdopen(os.dup(0), "rb")
    os.dup2(2, 1)                                   # stray prints go to stderr, not the protocol
    sys.stdout = sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)
    sys.stdin = open(os.devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's business
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)   # the watchdog: the kernel ends the process
    import faulthandler
    if faulthandler.is_enabled():                   # inherited from a forking parent: its fd, not ours
        faulthandler.enable(file=sys.stderr)
    import logging
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from . import worker                            # the one import of the extractor per worker
    import gc
    # what is loaded by now (for a forked child: the parent's warm modules) lives as long as
    # the child: out of the collector's sight, so each collection walks only the current
    # file's objects (~8% of a worker's time on small files) and forked pages stay shared
    gc.freeze()
    if memory_mb > 0:
        import resource
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _write_msg(proto_out, "ready")
    while True:
        msg = _read_msg(proto_in)
        if msg is None:
            return
        func, args = msg
        if watchdog:
            signal.setitimer(signal.ITIMER_REAL, watchdog)
        try:
            result = _resolve(func)(*args)
        except MemoryError:
            result = {"_memory_error": True}
        finally:
            if watchdog:
                signal.setitimer(signal.ITIMER_REAL, 0)
        if isinstance(result, dict) and result.get("_memory_error"):
            result = {**worker.failure(_path_arg(func, args), memory_reason()), "_restart": True}
        try:
            _write_msg(proto_out, result)
        except MemoryError:
            _write_msg(proto_out, {**worker.failure(_path_arg(func, args), memory_reason()), "_restart": True})
        except BrokenPipeError:
            return


def _resolve(func: str):
    """'run_task' (a worker function) or 'module:function' (tests, tools)."""
    import importlib
    module, _, name = func.rpartition(":")
    return getattr(importlib.import_module(module or f"{__package__}.worker"), name)


def _path_arg(func: str, args: tuple) -> str:
    return str(args[0]) if args else "?"


if __name__ == "__main__":
    _child_main(int(sys.argv[1]) if len(sys.argv) > 1 else 0, float(sys.argv[2]) if len(sys.argv) > 2 else 0.0)
