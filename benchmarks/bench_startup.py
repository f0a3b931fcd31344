"""Start-up: `govreport extract` on one text report against importing pdfplumber and pydantic.

A scraper often calls `govreport extract` once per file, so the start-up is most of the
cost. The commands run in this process's run, alternating, and the medians of wall
and CPU time are compared. Goal: extract within 1.2x of the bare imports.

A third line is the floor of any CLI built like ours: a typer app with one command of
extract's options printing a pydantic model (typer >= 0.2x builds pydantic adapters for
its parameters), which our extract cannot undercut.

    python benchmarks/bench_startup.py [--rounds 10]
"""
from __future__ import annotations

import argparse
import os
import resource
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
FLOOR = [sys.executable, "-c", """
from typing import Annotated, Optional
import typer
from pydantic import BaseModel, Field
class M(BaseModel):
    values: dict[str, int | float | None] = Field(default_factory=dict, description="cells")
app = typer.Typer()
@app.callback()
def main(version: Annotated[bool, typer.Option("--version")] = False): pass
@app.command()
def extract(files: list[str], format: Annotated[Optional[str], typer.Option("--format", "-f")] = None,
            output: Annotated[Optional[str], typer.Option("-o")] = None, labels: bool = False, ocr: bool = False,
            jobs: Annotated[int, typer.Option(min=1)] = 1, max_pages: int = 200, timeout: float = 120.0,
            limit: Annotated[Optional[list[str]], typer.Option()] = None):
    print(M(values={"a": 1}).model_dump_json())
app()
""", "extract", "--format", "json", str(FIXTURE)]


# Both commands run as installed code does, from .pyc files: PYTHONDONTWRITEBYTECODE
# (set in some shells and CI images) would make every run compile our modules again
# while the baseline's site-packages come precompiled.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)      # microseconds, not os.times()'s 10 ms ticks
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    commands = {f"govreport extract {FIXTURE.name}": EXTRACT, "import pdfplumber, pydantic": IMPORTS,
                "floor: typer app + pydantic model": FLOOR}
    for cmd in commands.values():               # warm the OS file cache and .pyc files
        _run(cmd)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, cmd in commands.items():
            runs[name].append(_run(cmd))
    medians = {name: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for name, r in runs.items()}
    bw, bc = medians["import pdfplumber, pydantic"]
    for name, (w, c) in medians.items():
        print(f"{name:38s} wall {w * 1000:4.0f} ms, CPU {c * 1000:4.0f} ms   ratio (wall) {w / bw:.2f}  (CPU) {c / bc:.2f}")
    print(f"goal: extract <= 1.2 (medians of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
