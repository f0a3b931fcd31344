"""OCR of scanned reports: a cell OCR cannot read for sure comes out null with its finding.

The scans are made here: a report generated with python-docx + LibreOffice, printed to
PDF, its pages rendered as 200-dpi grey images (as a scanner would), one digit smudged.
Skipped when soffice or tesseract (with chi_sim) is absent.
"""
from __future__ import annotations

import io
import json
import subprocess

import pytest

from conftest import REPO, need_tool
from govreport import parse

SPEC = json.loads((REPO / "fixtures" / "specs" / "jy-2021.json").read_text(encoding="utf-8"))
DPI = 200


def _need_ocr():
    need_tool("soffice")
    need_tool("tesseract")
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "chi_sim" not in langs:
        pytest.skip("tesseract has no chi_sim data")


@pytest.fixture(scope="module")
def text_pdf() -> bytes:
    _need_ocr()
    from fixtures import render_docx, render_office
    return render_office.soffice_convert(render_docx.render(SPEC, SPEC["seed"]), "pdf")


def _scan(pdf: bytes, smudge: str | None = None) -> bytes:
    """The pages as grey images; with `smudge`, a grey blot of ink over the second glyph
    of the first place that number is printed."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw
    doc = pdfium.PdfDocument(pdf)
    images, done = [], smudge is None
    for i in range(len(doc)):
        page = doc[i]
        image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
        if not done:
            tp = page.get_textpage()
            text = tp.get_text_range()
            at = text.find(smudge)
            if at >= 0:
                _, h = page.get_size()
                left, bottom, right, top = tp.get_charbox(at + 1)     # PDF points, y up
                s = DPI / 72
                x0, x1, y0, y1 = left * s, right * s, (h - top) * s, (h - bottom) * s
                w, hh = x1 - x0, y1 - y0
                ImageDraw.Draw(image).ellipse([x0 - 0.1 * w, y0 - 0.1 * hh, x1 + 0.1 * w, y1 + 0.1 * hh], fill=140)
                done = True
            tp.close()
        images.append(image)
    doc.close()
    assert done, f"{smudge!r} is not printed in the report"
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
    return buf.getvalue()


def _no_wrong_number(report) -> None:
    wrong = {k: (v, report.values.get(k)) for k, v in SPEC["values"].items()
             if report.values.get(k) is not None and report.values[k] != v}
    assert not wrong, wrong


def test_smudged_digit_is_null_with_its_finding_not_a_wrong_number(text_pdf, monkeypatch):
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    key = "t2.licensing.decisions"            # 8860: no arithmetic in table 二 to confirm it
    report = parse(_scan(text_pdf, smudge=str(SPEC["values"][key])), filename="smudged.pdf", ocr=True, jobs=2)
    _no_wrong_number(report)
    assert report.values[key] is None
    finding = next(f for f in report.findings if f.rule == "OCR-UNCONFIRMED" and key in f.keys)
    assert finding.severity == "warning"
    assert "第 2 页" in finding.message and "行政许可" in finding.message
    assert finding.actual                     # the differing reads are named
    # the rest of the table still reads, and no error accuses the document over that cell
    assert report.values["t2.punishment.decisions"] == SPEC["values"]["t2.punishment.decisions"]
    assert not [f for f in report.errors if key in f.keys]


@pytest.fixture(scope="module")
def unruled_pdf() -> bytes:
    """The same report printed without any ruling line (as many published PDFs are)."""
    _need_ocr()
    from fixtures import render_docx, render_office
    return render_office.soffice_convert(render_docx.render(SPEC, SPEC["seed"], borders="none"), "pdf")


def test_unruled_scan_prints_no_wrong_number_and_accuses_the_document_of_nothing(unruled_pdf, monkeypatch):
    """Columns come from where the table's numbers stand (textgrid) and every value cell is
    read again alone: what OCR cannot place or read for sure is null with its finding."""
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    report = parse(_scan(unruled_pdf), filename="unruled.pdf", ocr=True, jobs=2)
    _no_wrong_number(report)
    right = [k for k, v in SPEC["values"].items() if report.values.get(k) == v]
    assert len(right) >= 170, len(right)     # tables 二, 三 and 四 are read, not skipped (175 of 200)
    # table 四's one row of counts, some misread by the page OCR, is read cell by cell
    assert [report.values[k] for k in SPEC["values"] if k.startswith("t4.")] == \
        [v for k, v in SPEC["values"].items() if k.startswith("t4.")]
    # a header OCR read in pieces names no empty column of its own, so the counts under it
    # stay in their columns
    assert report.values["t2.licensing.decisions"] == SPEC["values"]["t2.licensing.decisions"]
    named = {k for f in report.findings for k in f.keys}
    assert not [k for k in SPEC["values"] if report.values.get(k) is None and k not in named]
    # the generated report is consistent and whole: OCR's slips are no error of the document
    assert not report.errors, [(f.rule, f.where) for f in report.errors]
    assert not [f.rule for f in report.findings if f.rule.startswith("MISSING-") or f.rule == "SECTION-UNREAD"]


class _FakePage:
    """A page whose value cells read as told: each crop holds ink, each read is fixed."""

    def __init__(self, crop_reads: dict[str, list[str]]):
        self.crop_reads = crop_reads            # "chi", "eng", "small" -> the read of each cell

    def crops(self, cells):
        from PIL import Image, ImageDraw
        out = []
        for _ in cells:
            im = Image.new("L", (60, 40), 255)
            ImageDraw.Draw(im).rectangle([25, 8, 33, 32], fill=0)       # one glyph's ink
            out.append(im)
        return out

    def read_crops(self, crops, lines, digits=False):
        small = next(iter(crops.values())).width < 60 if crops else False
        which = "small" if small else ("eng" if digits else "chi")
        return {k: (self.crop_reads[which][k], 90.0) for k in crops}


def test_reads_that_miss_a_lone_glyph_do_not_dispute_the_ones_that_read_it():
    # a thin `1` some reads do not see: the reads that saw something all say 1 (three of
    # four), so the cell is confirmed with nothing else to choose from; a read of another
    # number keeps the cell's reads, for the arithmetic to weigh
    from govreport.readers.pdf_page import Char
    from govreport.readers.ocr_cells import box_key, vote_cells
    cells = [(0.0, 0.0, 20.0, 12.0), (20.0, 0.0, 40.0, 12.0)]
    chars = [Char("1", 8, 3, 12, 9), Char("1", 28, 3, 32, 9)]
    page = _FakePage({"chi": ["", ""], "eng": ["1", "7"], "small": ["1", "1"]})
    reads = vote_cells(page, chars, {}, cells)
    lone, disputed = reads[box_key(cells[0])], reads[box_key(cells[1])]
    assert (lone.text, lone.confirmed, lone.reads) == ("1", True, ())
    assert disputed.text == "1" and "7" in disputed.reads


@pytest.fixture(scope="module")
def underlined_pdf() -> bytes:
    """The unruled report with every table cell underlined, as a published HTML page's
    <u> cells print (the underline runs just under the digits and short labels)."""
    _need_ocr()
    from fixtures import render_docx, render_office
    return render_office.soffice_convert(render_docx.render(SPEC, SPEC["seed"], borders="none", underline=True), "pdf")


def test_underlined_unruled_scan_prints_no_wrong_number_and_reads_the_underlined_digits(underlined_pdf, monkeypatch):
    """The underlines are erased before OCR (readers/underline.py): with them, an
    underlined 0 reads as a glyph and rows of dashes stand between the rows. What OCR
    still cannot place or read for sure is null with its finding."""
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    report = parse(_scan(underlined_pdf), filename="underlined.pdf", ocr=True, jobs=2)
    _no_wrong_number(report)
    right = {k for k, v in SPEC["values"].items() if report.values.get(k) == v}
    assert len(right) >= 60, len(right)      # 71 when written; no table skipped
    named = {k for f in report.findings for k in f.keys}
    assert not [k for k in SPEC["values"] if report.values.get(k) is None and k not in named]
    assert not report.errors, [(f.rule, f.where) for f in report.errors]
