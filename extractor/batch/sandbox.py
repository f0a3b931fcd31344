"""One long-lived child process that runs worker functions under limits.

Why a child process and not a thread or a pool task: a file can hang a parser,
exhaust memory or crash a C extension. The child imports the extractor once, caps
its address space (RLIMIT_AS), and runs one file at a time; the parent waits with a
deadline. On timeout the parent kills the child's whole process group (LibreOffice
or tesseract helpers included) and starts a fresh child for the next file; a crash
becomes a failure record with its reason. Both engines use it: the local engine
runs one Sandbox per worker thread, the Dask engine one per Dask worker thread.

Protocol over the child's stdin/stdout: 4-byte big-endian length + pickle.
The child moves fd 1 to stderr first, so a library printing to stdout cannot
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
import time

from .worker import MEMORY_REASON

_LEN = struct.Struct(">I")
STARTUP_SECONDS = 120.0        # importing the extractor on a loaded machine


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


def _descendants(pid: int) -> list[int]:
    """Processes started (directly or not) by `pid`, found through /proc (Linux; else none).

    Helpers such as LibreOffice run in their own session, so killing the child's
    process group would miss them; they are found by parentage instead.
    """
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])     # the name may hold spaces: skip past ')'
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            out.append(child)
            todo.append(child)
    return out


def _kill_tree(pid: int) -> None:
    """SIGKILL the child, its process group and every process it started."""
    victims = _descendants(pid)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for p in victims:
        try:
            os.kill(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


class Sandbox:
    """A child process running `extractor.batch.worker` functions, one call at a time."""

    def __init__(self, memory_mb: int = 0):
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen | None = None
        self._err = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        env = dict(os.environ)
        env.setdefault("OMP_THREAD_LIMIT", "1")       # tesseract: 1 thread per worker is fastest
        env.setdefault("MALLOC_ARENA_MAX", "2")       # keeps virtual size (RLIMIT_AS) honest
        if self._err is not None:
            self._err.close()
        # O_APPEND: the child keeps appending at the end after the parent truncates the file
        self._err = tempfile.TemporaryFile(mode="a+b")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extractor.batch.sandbox", str(self.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err,
            start_new_session=True, env=env, bufsize=0)
        ready = self._receive(STARTUP_SECONDS)
        if ready != "ready":
            reason = self._death_reason("the worker process did not start")
            self.kill()
            raise SandboxStartError(reason)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """Kill the child and everything it started (its own session/process group)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            _kill_tree(self.proc.pid)
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

    def kill_now(self) -> None:
        """Kill the child from another thread; the thread using it sees the death and moves on."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            _kill_tree(proc.pid)

    def close(self) -> None:
        """Ask the child to exit (EOF on its stdin); kill it if it does not."""
        if self.proc is None:
            return
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
        if not self.alive():
            self.kill()
            self.start()
        self._err.seek(0)
        self._err.truncate()
        try:
            _write_msg(self.proc.stdin, (func, args))
        except (BrokenPipeError, OSError):
            reason = self._death_reason("crashed")
            self.kill()
            raise SandboxFailure(reason) from None
        result = self._receive(timeout)
        if result is _TIMEOUT:
            self.kill()
            raise SandboxFailure(f"timeout after {timeout:g} s")
        if result is None:
            reason = self._death_reason("crashed")
            self.kill()
            raise SandboxFailure(reason)
        if isinstance(result, dict) and result.pop("_restart", False):
            self.close()           # after a MemoryError start clean for the next file
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
        if code < 0:
            name = _signal_name(-code)
            if name == "SIGKILL":
                reason = f"{default}: killed (SIGKILL; out of memory?)"
            else:
                reason = f"{default}: {name}"
        else:
            reason = f"{default}: exited with code {code}"
        if "MemoryError" in last:
            return MEMORY_REASON
        return reason + (f" ({last[:200]})" if last else "")


_TIMEOUT = object()


def _child_main(memory_mb: int) -> None:
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                                   # stray prints go to stderr, not the protocol
    sys.stdout = sys.stderr
    proto_in = sys.stdin.buffer
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's business
    import logging
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from . import worker                            # the one import of the extractor per worker
    _preload_readers()
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
        try:
            result = _resolve(func)(*args)
        except MemoryError:
            result = {"_memory_error": True}
        if isinstance(result, dict) and result.get("_memory_error"):
            result = {**worker.failure(_path_arg(func, args), MEMORY_REASON), "_restart": True}
        try:
            _write_msg(proto_out, result)
        except MemoryError:
            _write_msg(proto_out, {**worker.failure(_path_arg(func, args), MEMORY_REASON), "_restart": True})
        except BrokenPipeError:
            return


def _preload_readers() -> None:
    """Import every reader now, so no file's time (and timeout) pays for pdfplumber's import."""
    import importlib
    from ..readers import READERS
    for module in sorted(set(READERS.values())):
        try:
            importlib.import_module(f"extractor.readers.{module}")
        except Exception:                           # a reader's optional dependency missing:
            pass                                    # the file that needs it will say so


def _resolve(func: str):
    """'process_file' (a worker function) or 'module:function' (tests, tools)."""
    import importlib
    module, _, name = func.rpartition(":")
    return getattr(importlib.import_module(module or "extractor.batch.worker"), name)


def _path_arg(func: str, args: tuple) -> str:
    if func.endswith("process_bytes"):
        return str(args[1])
    return str(args[0]) if args else "?"


if __name__ == "__main__":
    _child_main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
