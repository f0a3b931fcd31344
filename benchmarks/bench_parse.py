"""HTML and text: our full parse+validate against bs4+lxml's bare parse of the same page.

Both are measured in this run, alternating, and the medians compared. Goals: HTML within
1.5x of the bare parse; a text report under 5 ms. Caches are cleared before each of our
parses so a repeated document does not flatter us.

    python benchmarks/bench_parse.py [--rounds 30]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from worktree import use_working_tree  # noqa: E402

use_working_tree()                     # time this tree's code, not an installed copy

from govreport import normalize, parse  # noqa: E402
from govreport.recognize import fused, grid  # noqa: E402


def _cold_parse(data: bytes, name: str):
    # our caches cleared so every round measures a first parse (the cached helpers change over
    # time: clear whichever of them still caches)
    for f in (normalize.clean_cell, normalize.parse_value, normalize.label_key, fused._split_run, grid._closest):
        if hasattr(f, "cache_clear"):
            f.cache_clear()
    return parse(data, filename=name)


def _time(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def _bare(data: bytes, encoding: str | None):
    # a gb2312-labelled page with GBK-only characters parses to nothing unless told gb18030
    return BeautifulSoup(data, "lxml", from_encoding=encoding)


def bench_html(path: Path, rounds: int) -> None:
    data = path.read_bytes()
    declared = re.search(rb"charset\s*=\s*[\"']?\s*(gb2312|gbk)", data[:4096], re.I)
    enc = "gb18030" if declared else None
    ours, bare = [], []
    _cold_parse(data, path.name), _bare(data, enc)      # warm imports
    for _ in range(rounds):
        ours.append(_time(_cold_parse, data, path.name))
        bare.append(_time(_bare, data, enc))
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"html  {path.name:32s} ours {o * 1e3:6.2f} ms   bs4+lxml parse {b * 1e3:6.2f} ms   ratio {o / b:4.2f}  (goal <= 1.5)")


def bench_text(path: Path, rounds: int) -> None:
    data = path.read_bytes()
    _cold_parse(data, path.name)
    t = statistics.median(_time(_cold_parse, data, path.name) for _ in range(rounds))
    print(f"text  {path.name:32s} ours {t * 1e3:6.2f} ms   (goal < 5 ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    a = ap.parse_args()
    fixtures = REPO / "fixtures"
    shared = REPO.parent / "shared"
    for p in [fixtures / "jt-2021.html", fixtures / "kunshan-2021-gbk.html", shared / "corpus/fj-pingtan-2024.html"]:
        if p.exists():
            bench_html(p, a.rounds)
    for p in [fixtures / "zfj-2021-tabs.txt", fixtures / "pt-fused-2021.txt", shared / "seeds/000_eacb47a0de807e98.txt",
              shared / "corpus/fj-pingtan-2024.txt"]:
        if p.exists():
            bench_text(p, a.rounds)


if __name__ == "__main__":
    main()
