"""Processes that die with their parent, and a guard that makes any command do so.

A batch worker or a LibreOffice conversion must not outlive the process that started it,
even one killed with SIGKILL (which runs no cleanup of ours). On Linux the kernel sends a
child a signal when its parent dies (prctl PR_SET_PDEATHSIG); a grandchild does not
inherit that, so LibreOffice (soffice forks soffice.bin) runs under a guard: this file run
as a script (stdlib only, `python -I lifetime.py ...`). The guard dies-with-parent by a
catchable SIGTERM, and on it, on its own deadline or when the command ends, kills the
command's whole process tree and removes its temporary folder.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL, parent: int | None = None) -> None:
    """In a freshly started child: have the kernel send `sig` when the parent dies, and exit
    at once if it died before this call (then this process was re-parented already)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def descendants(pid: int) -> list[int]:
    """Processes started (directly or not) by `pid`, found through /proc (Linux; else none).

    Helpers such as LibreOffice may run in their own session, so killing a process
    group can miss them; they are found by parentage instead."""
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


def kill_tree(pid: int) -> None:
    """SIGKILL `pid`, its process group and every process it started."""
    victims = descendants(pid)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for p in [pid] + victims:
        try:
            os.kill(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def guard_command(parent: int, folder: str, seconds: float, memory_mb: int, cmd: list[str]) -> int:
    """Run `cmd` (new session, address space capped) until it ends, `seconds` pass or the
    parent dies; then kill what is left of it, and on the deadline or the parent's death
    remove `folder`. The exit code is the command's, 124 on the deadline, 143 when the
    parent died."""
    import resource
    import shutil
    import subprocess

    stops = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}

    def limits():
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
        die_with_parent(signal.SIGKILL)         # the command's own process, should we die first
        if memory_mb > 0:
            limit = memory_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    class _Stop(Exception):
        pass

    def stop(signum, frame):
        raise _Stop
    for sig in stops:
        signal.signal(sig, stop)
    # a stop that arrives while the command is being started waits until we know its pid
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:                  # died while this guard was starting
        shutil.rmtree(folder, ignore_errors=True)
        return 143
    proc, ended = None, False
    try:
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=limits)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
        code = proc.wait(timeout=seconds)
        ended = True
        return code
    except subprocess.TimeoutExpired:
        return 124
    except _Stop:
        return 143
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if proc is not None:
            kill_tree(proc.pid)                 # helpers it left behind, if any
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if not ended:                           # else the caller reads the result, then removes it
            shutil.rmtree(folder, ignore_errors=True)


def guarded(cmd: list[str], folder: str, seconds: float, memory_mb: int) -> list[str]:
    """The command line that runs `cmd` under the guard (for subprocess.Popen)."""
    return [sys.executable, "-I", os.path.abspath(__file__), str(os.getpid()), folder, f"{seconds:g}",
            str(memory_mb), "--", *cmd]


if __name__ == "__main__":
    _parent, _folder, _seconds, _memory = sys.argv[1:5]
    sys.exit(guard_command(int(_parent), _folder, float(_seconds), int(_memory), sys.argv[6:]))
