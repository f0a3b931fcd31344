"""Tables that run past the page edge (issue 8, item 2): a table's last columns (or its
labels) lie outside the MediaBox/CropBox, yet their characters are still in the content
stream. The reader reads them, every cell as the source report has it, with or without
ruling lines.

The pages are cut from zj-2021's PDFs (the committed LibreOffice print with rulings, and the
one printed without rulings, generated here): a page 420 pt wide leaves table 三's right-hand
columns past the right edge; a page starting at x = 175 pt leaves the row labels and the
first columns past the left edge.
"""
from __future__ import annotations

import sys

import pypdfium2 as pdfium
import pytest

from conftest import REPO, need_tool

sys.path.insert(0, str(REPO))

from fixtures import render_office  # noqa: E402
from test_fixtures import BY_FILE, SPECS, check_report  # noqa: E402

from govreport import parse  # noqa: E402

A4_WIDTH = 595.3
CUTS = {"right-edge": (0.0, 420.0), "left-edge": (175.0, A4_WIDTH)}


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, bytes]:
    """zj-2021 as a PDF with rulings (committed) and without (LibreOffice, generated)."""
    out = {"ruled": (REPO / "fixtures" / "zj-2021.pdf").read_bytes()}
    if render_office.shutil.which("soffice") or render_office.shutil.which("libreoffice"):
        from fixtures import make
        fx = BY_FILE["zj-2021-noborder.pdf"]
        out["noborder"] = make.render(fx, SPECS[fx.spec])
    return out


def _off_page(pdf: bytes) -> tuple[int, int]:
    """(characters past the page's left or right edge, characters in all), counted by PDFium
    itself so the count does not depend on our reader."""
    doc = pdfium.PdfDocument(pdf)
    off = total = 0
    try:
        for i in range(len(doc)):
            page = doc[i]
            left, _, right, _ = page.get_mediabox()
            text = page.get_textpage()
            for k in range(text.count_chars()):
                if text.get_text_range(k, 1).strip():
                    x0, _, x1, _ = text.get_charbox(k)
                    total += 1
                    off += x0 < left or x1 > right
    finally:
        doc.close()
    return off, total


@pytest.mark.parametrize("cut", sorted(CUTS))
@pytest.mark.parametrize("print_kind", ["ruled", "noborder"])
def test_table_past_the_page_edge_reads_every_cell(printed, print_kind, cut, tmp_path):
    if print_kind not in printed:
        need_tool("soffice")
    left, right = CUTS[cut]
    pdf = render_office.narrow_pages(printed[print_kind], left, right)
    off, total = _off_page(pdf)
    # the cut really leaves table columns off the page: numbers and labels, not a stray mark
    assert off >= 100, f"only {off} of {total} characters lie off the page"
    path = tmp_path / f"zj-2021-{print_kind}-{cut}.pdf"
    path.write_bytes(pdf)
    report = parse(path)
    # every cell as the source report has it, no finding: the off-page characters were read
    check_report(report, "zj-2021.pdf")
    assert not report.findings, [(f.rule, f.keys[:3]) for f in report.findings]
