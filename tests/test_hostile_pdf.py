"""Hostile PDFs (issue 10): stream bombs, pages of a million characters or paths, pages of
drawings only. Each small generated reproducer is refused naming its limit, or read as
text with a note; nothing walks millions of objects or inflates a gigabyte first."""
from __future__ import annotations

import zlib

import pytest

from govreport import ReadError
from govreport.limits import Limits
from govreport.readers import ReadOptions, read_document

from test_pdf import _pdf


def pdf_with(content: bytes, compress: bool = True) -> bytes:
    """A one-page PDF (Helvetica as /F1) drawing `content`, with a correct xref table."""
    stream = zlib.compress(content, 9) if compress else content
    filters = b"/Filter /FlateDecode " if compress else b""
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< " + filters + b"/Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


TEXT = b"BT /F1 12 Tf 72 770 Td (2024 annual report) Tj ET\n"


def read(data: bytes, **limits):
    return read_document(data, ReadOptions(filename="x.pdf", limits=Limits(**limits)))


def test_the_generated_pdf_reads():
    doc = read(pdf_with(TEXT))
    assert [p.text for p in doc.paragraphs] == ["2024 annual report"]


def test_a_flate_bomb_is_refused_before_pdfium_inflates_it():
    data = pdf_with(TEXT + b"%" + b" " * (40 << 20) + b"\n")        # 40 MB (a comment) in ~40 KB
    assert len(data) < 100_000
    with pytest.raises(ReadError) as exc:
        read(data)
    assert "pdf-stream-mb" in exc.value.problem and "--limit pdf-stream-mb=N" in exc.value.hint
    assert read(data, pdf_stream_mb=64).paragraphs                  # raised, the same file reads


def test_a_page_of_many_paths_is_read_as_text_without_walking_them():
    data = pdf_with(TEXT + b"0 0 m 100 0 l S\n" * 20_000)
    doc = read(data, pdf_page_objects=5_000)
    assert [p.text for p in doc.paragraphs] == ["2024 annual report"]
    note = next(n for n in doc.notes if n.rule == "PDF-GRAPHICS")
    assert "5000" in note.message and "pdf-page-objects" in note.message


def test_one_path_of_many_segments_counts_against_the_same_limit():
    data = pdf_with(TEXT + b"0 0 m " + b"10 0 l 10 10 l " * 5_000 + b"S\n")
    doc = read(data, pdf_page_objects=5_000)
    assert any(n.rule == "PDF-GRAPHICS" for n in doc.notes)


def test_a_million_characters_on_one_page_are_refused():
    # PDFium keeps 32,767 characters of one string: forty strings make the million
    data = pdf_with(b"BT /F1 1 Tf 0 0 Td " + (b"(" + b"a" * 25_000 + b") Tj ") * 40 + b"ET")
    assert len(data) < 10_000
    with pytest.raises(ReadError) as exc:
        read(data)
    assert "1,000,000 characters" in exc.value.problem and "pdf-page-chars" in exc.value.hint


def test_a_page_of_vector_paths_is_not_called_a_scan():
    with pytest.raises(ReadError) as exc:
        read(pdf_with(b"0 0 m 100 0 l S\n" * 50))
    assert "only drawings" in exc.value.problem and "scanned" not in exc.value.problem
