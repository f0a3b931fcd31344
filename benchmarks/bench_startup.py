"""Start-up: `govreport extract` on one text report against importing pdfplumber and pydantic.

A scraper often calls `govreport extract` once per file, so the start-up is most of the
cost. Both commands run in this process's run, alternating, and the medians of wall
and CPU time are compared. Goal: extract within 1.2x of the bare imports.

    python benchmarks/bench_startup.py [--rounds 10]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from worktree import use_working_tree  # noqa: E402

use_working_tree()                     # time this tree's code (PYTHONPATH for the children)

FIXTURE = REPO / "fixtures" / "zfj-2021-tabs.txt"
EXTRACT = [sys.executable, "-m", "govreport", "extract", "--format", "json", str(FIXTURE)]
IMPORTS = [sys.executable, "-c", "import pdfplumber, pydantic"]


# Both commands run as installed code does, from .pyc files: PYTHONDONTWRITEBYTECODE
# (set in some shells and CI images) would make every run compile our modules again
# while the baseline's site-packages come precompiled.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    before = os.times()
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - t
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    _run(EXTRACT), _run(IMPORTS)              # warm the OS file cache and .pyc files
    ours, base = [], []
    for _ in range(args.rounds):
        ours.append(_run(EXTRACT))
        base.append(_run(IMPORTS))
    ow, oc = statistics.median(w for w, _ in ours), statistics.median(c for _, c in ours)
    bw, bc = statistics.median(w for w, _ in base), statistics.median(c for _, c in base)
    print(f"govreport extract {FIXTURE.name}: wall {ow * 1000:.0f} ms, CPU {oc * 1000:.0f} ms")
    print(f"import pdfplumber, pydantic:      wall {bw * 1000:.0f} ms, CPU {bc * 1000:.0f} ms")
    print(f"ratio (wall) {ow / bw:.2f}  (CPU) {oc / bc:.2f}   goal <= 1.2, medians of {args.rounds} rounds")


if __name__ == "__main__":
    main()
