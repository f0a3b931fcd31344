"""OCR speed: seconds per page of `parse(..., ocr=True)` against bare `tesseract` on the same pages.

Goal: <= 2 s a page on a 2-core machine. Both are measured in this run, on the same
page images: bare tesseract reads each page once (chi_sim, --psm 6, 300 dpi, as our
page pass does); ours reads the whole scan (rulings, page pass, the cell re-reads,
recognition, the arithmetic check) with --jobs 1 and with --jobs 2. The load average is
printed too: on a shared machine the seconds mean little without it.

    .venv/bin/python benchmarks/bench_ocr.py [SCAN.pdf]
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from worktree import use_working_tree  # noqa: E402

use_working_tree()                     # time this tree's code, not an installed copy
DEFAULT = REPO.parent / "shared" / "corpus" / "scans" / "fj-pingtan-2024-chromium-scan.pdf"
GOAL = 2.0


def bare_tesseract(data: bytes) -> tuple[float, int]:
    """Seconds for tesseract alone on every page image, and the page count."""
    import pypdfium2 as pdfium
    from govreport.readers.pdf_ocr import DPI
    pdf = pdfium.PdfDocument(data)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(len(pdf)):
            path = os.path.join(tmp, f"p{i}.png")
            pdf[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L").save(path)
            t = time.perf_counter()
            subprocess.run(["tesseract", path, "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
                           capture_output=True, check=True, env=env)
            total += time.perf_counter() - t
        return total, len(pdf)


def ours(data: bytes, jobs: int) -> float:
    from govreport import parse
    t = time.perf_counter()
    parse(data, filename="scan.pdf", ocr=True, jobs=jobs, max_seconds=3600)
    return time.perf_counter() - t


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        sys.exit(f"{path}: not found (give a scanned PDF)")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    data = path.read_bytes()
    load = os.getloadavg()[0]
    bare, pages = bare_tesseract(data)
    one = ours(data, 1)
    two = ours(data, 2)
    print(f"{path.name}: {pages} pages, load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"bare tesseract (one pass a page)   {bare / pages:6.2f} s/page")
    print(f"govreport --ocr --jobs 1           {one / pages:6.2f} s/page   {one / bare:5.2f}x bare tesseract")
    print(f"govreport --ocr --jobs 2           {two / pages:6.2f} s/page   {two / bare:5.2f}x bare tesseract")
    print(f"goal <= {GOAL:.1f} s/page: {'met' if two / pages <= GOAL else 'not met'}")


if __name__ == "__main__":
    main()
