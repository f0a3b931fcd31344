"""Nothing outlives its caller (issue 10): `govreport extract` and `govreport batch` killed
with -9 while LibreOffice converts leave no process running and no temporary folder.
Waits are bounded polls of the process table; nothing is timed."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govreport.lifetime import descendants

from conftest import REPO, need_tool

RTF = (r"{\rtf1\ansi\deff0{\fonttbl{\f0 SimSun;}}\f0 " + r"\u19968?\u12289?\u24635?\u20307?\par " * 2000 + "}").encode()


def _poll(condition, tries: int = 600, pause: float = 0.2):
    """condition() until it is truthy, at most `tries` times; its last value."""
    for _ in range(tries):
        value = condition()
        if value:
            return value
        time.sleep(pause)
    return condition()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")                     # a zombie has ended
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _soffice_under(pid: int) -> list[int]:
    """LibreOffice's own processes (not its guard, whose arguments name soffice too)."""
    return [p for p in descendants(pid) if re.search(r"soffice|oosplash", _cmdline(p))
            and "lifetime.py" not in _cmdline(p)]


def _kill_during_conversion(cmd: list[str]) -> tuple[list[int], list[Path]]:
    """Start cmd, wait until LibreOffice runs under it, SIGKILL cmd; (its processes, LO folders)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    try:
        assert _poll(lambda: _soffice_under(proc.pid)), "LibreOffice never started"
        tree = descendants(proc.pid)
        folders = {Path(m.group(1)) for p in tree
                   for m in [re.search(r"file://(/\S*?govreport-lo-[^/\s]+)", _cmdline(p))] if m}
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    return tree, sorted(folders)


@pytest.fixture
def slow_rtf(tmp_path):
    need_tool("soffice")
    f = tmp_path / "slow.rtf"
    f.write_bytes(RTF)
    return f


def test_extract_killed_leaves_no_libreoffice_and_no_folder(slow_rtf):
    tree, folders = _kill_during_conversion([sys.executable, "-m", "govreport", "extract", str(slow_rtf)])
    assert tree and folders
    left = _poll(lambda: not any(_alive(p) for p in tree)) or [p for p in tree if _alive(p)]
    assert left is True, [(p, _cmdline(p)) for p in left]
    assert _poll(lambda: not any(f.exists() for f in folders)), folders


def test_batch_killed_leaves_no_worker_and_no_libreoffice(slow_rtf, tmp_path):
    tree, folders = _kill_during_conversion(
        [sys.executable, "-m", "govreport", "batch", str(slow_rtf), "--db", str(tmp_path / "r.sqlite"), "--jobs", "1"])
    assert len(tree) >= 2                                    # the worker and LibreOffice under it
    left = _poll(lambda: not any(_alive(p) for p in tree)) or [p for p in tree if _alive(p)]
    assert left is True, [(p, _cmdline(p)) for p in left]
    assert _poll(lambda: not any(f.exists() for f in folders)), folders


def test_the_guard_ends_a_command_past_its_deadline_and_removes_its_folder(tmp_path):
    from govreport.lifetime import guarded
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "input.rtf").write_bytes(b"x")
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    guard = subprocess.run(guarded(sleeper, str(folder), 0.5, 0), capture_output=True, timeout=120)
    assert guard.returncode == 124 and not folder.exists()
