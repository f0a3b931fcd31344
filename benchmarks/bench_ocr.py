"""OCR speed: seconds per page of `parse(..., ocr=True)` against bare `tesseract` on the same pages.

Goal: <= 2 s a page on a 2-core machine. Both are measured in this run, on the same
page images: bare tesseract (the command) reads each page once (chi_sim, --psm 6,
300 dpi, as our page pass does); ours reads the whole scan (rulings, page pass, the
cell re-reads, recognition, the arithmetic check) with --jobs 1 and with the default
(one page per core). Wall seconds depend on what else runs: the load average is
printed, and CPU seconds too (ours: this process, tesseract runs in it; bare: the
child processes). The tesseract calls a page and their CPU seconds say where the time goes.

    .venv/bin/python benchmarks/bench_ocr.py [SCAN.pdf]
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from worktree import use_working_tree  # noqa: E402

use_working_tree()                     # time this tree's code, not an installed copy
SHARED = Path(os.environ.get("GOVREPORT_SHARED") or REPO.parent / "shared")
DEFAULT = SHARED / "corpus" / "scans" / "fj-pingtan-2024-chromium-scan.pdf"
GOAL = 2.0


def bare_tesseract(data: bytes) -> tuple[float, float, int]:
    """Wall and CPU seconds of the tesseract command alone on every page image, and the page count."""
    import pypdfium2 as pdfium
    from govreport.readers.pdf_ocr import DPI
    pdf = pdfium.PdfDocument(data)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    wall = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for i in range(len(pdf)):
            path = os.path.join(tmp, f"p{i}.png")
            pdf[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L").save(path)
            t = time.perf_counter()
            subprocess.run(["tesseract", path, "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
                           capture_output=True, check=True, env=env)
            wall += time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return wall, cpu, len(pdf)


def counting_tesseract() -> tuple[Counter, Counter]:
    """Count our tesseract calls and their CPU seconds, by pass (the page, or a cell crop)."""
    from govreport.readers import ocr_engine
    calls: Counter = Counter()
    cpu: Counter = Counter()
    run = ocr_engine.tsv

    def counted(image, lang, psm, deadline, whitelist=None):
        what = "page" if image.width * image.height > 1_000_000 else f"cell {lang}{' digits' if whitelist else ''}"
        t = time.thread_time()
        try:
            return run(image, lang, psm, deadline, whitelist)
        finally:
            calls[what] += 1
            cpu[what] += time.thread_time() - t
    ocr_engine.tsv = counted
    return calls, cpu


def ours(data: bytes, jobs: int) -> tuple[float, float]:
    from govreport import parse
    t, c = time.perf_counter(), time.process_time()
    parse(data, filename="scan.pdf", ocr=True, jobs=jobs, max_seconds=3600)
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        sys.exit(f"{path}: not found (give a scanned PDF)")
    from govreport.cpus import usable_cpus
    data = path.read_bytes()
    load = os.getloadavg()[0]
    bare, bare_cpu, pages = bare_tesseract(data)
    ours(data, 1)                      # warm: the models load once per process
    calls, cpu = counting_tesseract()
    one, one_cpu = ours(data, 1)
    counted = dict(calls), dict(cpu)
    auto, auto_cpu = ours(data, 0)
    cores = usable_cpus()
    print(f"{path.name}: {pages} pages, {cores} cores, load average {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"bare tesseract (one pass a page)   {bare / pages:6.2f} s/page   cpu {bare_cpu / pages:5.2f} s/page")
    print(f"govreport --ocr --jobs 1           {one / pages:6.2f} s/page   cpu {one_cpu / pages:5.2f} s/page"
          f"   {one / bare:5.2f}x bare tesseract")
    print(f"govreport --ocr (jobs {cores})           {auto / pages:6.2f} s/page   cpu {auto_cpu / pages:5.2f} s/page"
          f"   {auto / bare:5.2f}x bare tesseract")
    for what in sorted(counted[0]):
        print(f"  tesseract on {what:<20} {counted[0][what] / pages:6.1f} calls/page  "
              f"cpu {counted[1][what] / pages:5.2f} s/page")
    print(f"goal <= {GOAL:.1f} s/page: {'met' if auto / pages <= GOAL else 'not met'}")


if __name__ == "__main__":
    main()
