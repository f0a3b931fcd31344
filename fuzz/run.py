#!/usr/bin/env python3
"""Mutation fuzzing of `govreport extract` over generated fixtures of every format.

    python fuzz/run.py --cases 10000 --seconds 30 --seed 1 --jobs 2 --out /tmp/fuzz

Each case (a mutated seed file) runs the real CLI command in a sandboxed worker (the batch
engine's: forked, memory-capped, killed on its deadline). Outcomes are classified like the
table of issue 10; every case that is not `ok` or `refused` is written to --out as a
reproducer. Exit 1 when any case is bad. The same seed gives the same cases.
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from fuzz.mutate import mutate, seeds  # noqa: E402

GOOD = ("ok", "refused")
MEMORY_MB = 1024                   # a run above this is a finding
LO_SHARE = 0.03                    # LibreOffice formats take seconds a case: a small share


def classify(result: dict) -> str:
    """ok | refused | traceback | internal | stray-stderr | multi-line | invalid-json | bad-value |
    memory | hang | crash"""
    if "failure" in result:
        return "hang" if "timeout" in result["failure"] else ("memory" if "memory" in result["failure"]
                                                               else "crash")
    err, code = result["stderr"], result["code"]
    if result["exception"] or "Traceback" in err:
        return "traceback"
    if "internal error" in err:
        return "internal"
    if result["peak_mb"] > MEMORY_MB:
        return "memory"
    lines = err.splitlines()
    if code == 0:
        if err:
            return "stray-stderr"
        try:
            report = json.loads(result["stdout"], parse_constant=_no_constant)
        except ValueError:
            return "invalid-json"
        values = report.get("values", {}) if isinstance(report, dict) else {}
        if any(v is not None and not (isinstance(v, (int, float)) and math.isfinite(v)) for v in values.values()):
            return "bad-value"
        return "ok"
    if code == 2 and len(lines) == 1 and err.endswith("\n") and not result["stdout"].strip():
        return "refused"
    return "multi-line" if len(lines) > 1 else "crash"


def _no_constant(name):
    raise ValueError(name)


def cases(n: int, seed: int, lo_share: float = LO_SHARE):
    """(index, seed file name, mutation, bytes) for n cases, the same for the same seed."""
    pool = seeds()
    fast = sorted(k for k in pool if not k.endswith(".rtf"))
    slow = sorted(k for k in pool if k.endswith(".rtf"))
    for i in range(n):
        r = random.Random(seed * 1_000_003 + i)
        name = r.choice(slow) if slow and r.random() < lo_share else r.choice(fast)
        data, kind = mutate(r, name, pool[name], pool)
        if r.random() < 0.15:                                     # stacked mutations
            data, more = mutate(r, name, data, pool)
            kind += "+" + more
        yield i, name, kind, data


def run(n: int, seconds: float, seed: int, jobs: int = 2, out: Path | None = None, lo_share: float = LO_SHARE,
        progress=None) -> dict:
    """Run n cases; {"counts": {format: {class: n}}, "bad": [case dicts]}."""
    from govreport.batch.sandbox import Sandbox, SandboxFailure, warm_up
    import govreport.batch.worker  # noqa: F401  (lets the sandbox fork warm children)
    import govreport.cli  # noqa: F401  (what each case runs: imported once, before forking)
    import typer.main  # noqa: F401
    import fuzz.case  # noqa: F401
    warm_up()
    # every case's files (and LibreOffice's) under one folder, removed at the end even
    # when a case's worker was killed before it could clean up after itself
    scratch = tempfile.mkdtemp(prefix="govreport-fuzz-run-")
    tempfile.tempdir = scratch                    # the forked workers inherit it
    boxes = [Sandbox(3072, fork=True, seconds=seconds) for _ in range(max(1, jobs))]
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    bad = []
    todo = iter(cases(n, seed, lo_share))
    inflight: dict[int, tuple] = {}
    done = 0
    try:
        while True:
            for k, box in enumerate(boxes):
                if k not in inflight:
                    nxt = next(todo, None)
                    if nxt is not None:
                        box.send("fuzz.case:run_one", (nxt[3], "case" + Path(nxt[1]).suffix))
                        inflight[k] = nxt + (time.monotonic(),)
            if not inflight:
                break
            # one case per box in flight: receive in turn, each with its own deadline
            for k in list(inflight):
                i, name, kind, data, t0 = inflight.pop(k)
                try:
                    result = boxes[k].receive(max(0.1, seconds - (time.monotonic() - t0)))
                except SandboxFailure as e:
                    result = {"failure": str(e)}
                cls = classify(result)
                fmt = Path(name).suffix.lstrip(".")
                counts[fmt][cls] += 1
                done += 1
                if cls not in GOOD:
                    case = {"index": i, "seed_file": name, "mutation": kind, "class": cls,
                            "stderr": result.get("stderr", result.get("failure", ""))[:2000],
                            "exception": result.get("exception"), "peak_mb": result.get("peak_mb")}
                    bad.append(case)
                    if out:
                        out.mkdir(parents=True, exist_ok=True)
                        (out / f"case{i:06d}{Path(name).suffix}").write_bytes(data)
                        (out / f"case{i:06d}.json").write_text(json.dumps(case, ensure_ascii=False, indent=1))
                if progress and done % 100 == 0:
                    progress(done, counts)
    finally:
        for box in boxes:
            box.close()
        tempfile.tempdir = None
        shutil.rmtree(scratch, ignore_errors=True)
    return {"counts": {f: dict(c) for f, c in sorted(counts.items())}, "bad": bad}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=30.0, help="deadline per case (a hang past it is a finding)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--lo-share", type=float, default=LO_SHARE, help="share of LibreOffice (RTF) cases")
    ap.add_argument("--out", type=Path, default=Path("fuzz-out"), help="reproducers of bad cases go here")
    a = ap.parse_args(argv)
    t0 = time.monotonic()

    def progress(done, counts):
        total = collections.Counter()
        for c in counts.values():
            total.update(c)
        print(f"{done} cases, {time.monotonic() - t0:.0f} s: {dict(total)}", file=sys.stderr, flush=True)

    res = run(a.cases, a.seconds, a.seed, a.jobs, a.out, a.lo_share, progress)
    print(json.dumps({"command": " ".join(sys.argv), "seed": a.seed, "cases": a.cases,
                      "seconds": round(time.monotonic() - t0), "counts": res["counts"],
                      "bad": [{k: v for k, v in b.items() if k != "stderr"} for b in res["bad"]]},
                     ensure_ascii=False, indent=1))
    return 1 if res["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
