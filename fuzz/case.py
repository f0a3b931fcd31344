"""One fuzz case, run in a sandboxed worker: `govreport extract --format json FILE` in
process (the real CLI command), with fds 1 and 2 captured and the peak memory measured."""
from __future__ import annotations

import os
import sys
import tempfile


def _peak_reset() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:      # resets VmHWM (Linux)
            f.write("5")
    except OSError:
        pass


def _peak_mb() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def run_one(data: bytes, name: str) -> dict:
    """{code, stdout, stderr, peak_mb, exception}: what a user running the CLI would see."""
    from typer.main import get_command
    from govreport.cli import app
    with tempfile.TemporaryDirectory(prefix="govreport-fuzz-") as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        out_f, err_f = tempfile.TemporaryFile(dir=tmp), tempfile.TemporaryFile(dir=tmp)
        saved = os.dup(1), os.dup(2)
        saved_py = sys.stdout, sys.stderr
        os.dup2(out_f.fileno(), 1)
        os.dup2(err_f.fileno(), 2)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        _peak_reset()
        code, exc = 0, None
        try:
            code = get_command(app).main(args=["extract", "--format", "json", path], standalone_mode=False) or 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except Exception as e:                      # the real CLI would print a traceback
            code, exc = 1, f"{type(e).__name__}: {e}"
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sys.stdout, sys.stderr = saved_py
        peak = _peak_mb()
        out_f.seek(0)
        err_f.seek(0)
        return {"code": code, "stdout": out_f.read().decode("utf-8", "replace"),
                "stderr": err_f.read().decode("utf-8", "replace"), "peak_mb": peak, "exception": exc}
