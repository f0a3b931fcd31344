"""DOCX: our reader (safety checks + body walk) against python-docx's plain table walk.

The baseline is what a straightforward reader does: `docx.Document()` and the text of
every `row.cells` of every table. Ours also refuses hostile zips, computes automatic
numbering and expands merges onto a grid. Both run alternately in this process; the
medians are compared. Goal (NOTES): about 30 ms for a report, no slower than the baseline.

    python benchmarks/bench_docx.py [--rounds 30]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from worktree import use_working_tree  # noqa: E402

use_working_tree()                     # time this tree's code, not an installed copy

import docx  # noqa: E402

from govreport import parse  # noqa: E402
from govreport.readers import docx as docx_reader  # noqa: E402


def baseline(data: bytes) -> int:
    d = docx.Document(io.BytesIO(data))
    n = len(d.paragraphs)
    for t in d.tables:
        for row in t.rows:
            n += len([c.text for c in row.cells])
    return n


def inputs() -> list[tuple[str, bytes]]:
    out = []
    template = REPO.parent / "shared" / "corpus" / "govnianbao-template-2021.docx"
    if template.exists():
        out.append(("template-2021 (blank, real Word merges)", template.read_bytes()))
    for p in sorted((REPO / "fixtures").glob("*.docx")):
        out.append((p.name, p.read_bytes()))
    return out


def median_ms(fn, data: bytes, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn(data)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    docs = inputs()
    if not docs:
        sys.exit("no DOCX inputs found (../shared/corpus or fixtures/)")
    print(f"{'document':45s} {'baseline':>9s} {'read':>7s} {'ratio':>6s} {'parse()':>8s}")
    for name, data in docs:
        baseline(data), docx_reader.read(data), parse(data, filename="x.docx")     # warm imports
        b = median_ms(baseline, data, args.rounds)
        r = median_ms(docx_reader.read, data, args.rounds)
        p = median_ms(lambda d: parse(d, filename="x.docx"), data, max(5, args.rounds // 3))
        print(f"{name[:45]:45s} {b:8.1f}ms {r:6.1f}ms {r / b:5.2f}x {p:7.1f}ms")


if __name__ == "__main__":
    main()
