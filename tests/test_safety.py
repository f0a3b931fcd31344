"""Hostile DOCX/XLSX files are refused with ReadError, fast and in bounded memory."""
from __future__ import annotations

import io
import resource
import struct
import time
import tracemalloc
import zipfile

import pytest

from govreport.errors import ReadError
from govreport.readers import ReadOptions, read_document
from govreport.safety import MAX_MEMBERS, prolog_verdict

BOMB_BYTES = 2 * 1024 ** 3          # 2 GiB of zeros: deflates to ~2 MB, written in ~4 s


def _docx_template() -> dict[str, bytes]:
    import docx
    d = docx.Document()
    d.add_paragraph("hello")
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist()}


def _docx_with(document_xml: bytes) -> bytes:
    parts = _docx_template()
    parts["word/document.xml"] = document_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        # word/ first, as Word writes it, so the content sniffer sees a DOCX
        for name in sorted(parts, key=lambda n: not n.startswith("word/")):
            z.writestr(name, parts[name])
    return out.getvalue()


def _refused(data: bytes, filename: str = "report.docx") -> tuple[ReadError, float, int]:
    """Read `data`, expect ReadError; return it with elapsed seconds (for benchmarks, never asserted:
    the machine is shared) and peak memory: the
    larger of Python's traced peak and the growth of the process's max RSS (which also
    sees C buffers such as zlib's)."""
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(ReadError) as exc:
            read_document(data, ReadOptions(filename=filename))
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss0
    return exc.value, elapsed, max(peak, rss_growth)


_DOC_HEAD = _docx_template()["word/document.xml"].decode()


def _with_dtd(dtd: str, body_text: str) -> bytes:
    xml = _DOC_HEAD.replace("<w:document", dtd + "<w:document", 1).replace("hello", body_text)
    return xml.encode("utf-8")


def test_plain_docx_still_reads():
    doc = read_document(_docx_with(_DOC_HEAD.encode()), ReadOptions(filename="ok.docx"))
    assert [p.text for p in doc.paragraphs] == ["hello"]


def test_xxe_docx_is_refused():
    data = _docx_with(_with_dtd('<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"))
    err, _, peak = _refused(data)
    assert "refused" in err.problem and "DTD" in err.problem and "word/document.xml" in err.problem
    assert err.hint
    assert peak < 100 * 2 ** 20


def test_xxe_in_utf16_member_is_refused():
    xml = _with_dtd('<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;").decode()
    xml = xml.replace("encoding='UTF-8'", "encoding='UTF-16'")
    err, _, _ = _refused(_docx_with(xml.encode("utf-16")))
    assert "DTD" in err.problem


def test_billion_laughs_docx_is_refused():
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9))
    data = _docx_with(_with_dtd(f"<!DOCTYPE w:document [{ents}]>", "&j;"))
    err, _, peak = _refused(data)
    assert "refused" in err.problem and "entit" in err.problem
    assert peak < 100 * 2 ** 20


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory) -> bytes:
    """A DOCX whose word/document.xml is 2 GiB of zeros (about 2 MB on disk)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    parts = _docx_template()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(BOMB_BYTES // len(chunk)):
                f.write(chunk)
        for name, blob in parts.items():
            if name != "word/document.xml":
                z.writestr(name, blob)
    return path.read_bytes()


def test_zip_bomb_docx_is_refused(zip_bomb):
    assert len(zip_bomb) < 5 * 2 ** 20
    err, _, peak = _refused(zip_bomb)
    assert "zip bomb" in err.problem and "word/document.xml" in err.problem and "2.0 GB" in err.problem
    assert peak < 100 * 2 ** 20


def _lying_size_docx(real: int = 300 * 2 ** 20, claimed: int = 1000) -> bytes:
    """A member that inflates to `real` bytes but whose headers claim `claimed`."""
    parts = _docx_template()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w") as f:
            chunk = bytes(1 << 20)
            for _ in range(real // len(chunk)):
                f.write(chunk)
        for name, blob in parts.items():
            if name != "word/document.xml":
                z.writestr(name, blob)
    data = bytearray(out.getvalue())
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04" + b"")       # the first member is the bomb
    assert data[local + 30: local + 30 + len(name)] == name
    struct.pack_into("<I", data, local + 22, claimed)
    central = data.find(b"PK\x01\x02")
    assert data[central + 46: central + 46 + len(name)] == name
    struct.pack_into("<I", data, central + 24, claimed)
    return bytes(data)


def test_lying_declared_size_is_refused_without_inflating():
    data = _lying_size_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.getinfo("word/document.xml").file_size == 1000     # the lie passes the directory check
    err, _, peak = _refused(data)
    assert "word/document.xml" in err.problem or "DOCX" in err.problem
    assert peak < 100 * 2 ** 20


def test_too_many_members_is_refused():
    parts = _docx_template()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, blob in sorted(parts.items(), key=lambda kv: not kv[0].startswith("word/")):
            z.writestr(name, blob)
        for i in range(MAX_MEMBERS + 1):
            z.writestr(f"word/media/x{i}.bin", b"")
    err, _, _ = _refused(out.getvalue())
    assert "members" in err.problem


def test_high_ratio_member_is_refused():
    # 150 MB (under the 200 MB total cap) of zeros: refused for its 1000:1 ratio alone
    parts = _docx_template()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in sorted(parts.items(), key=lambda kv: not kv[0].startswith("word/")):
            z.writestr(name, blob)
        with z.open("word/media/image1.bin", "w") as f:
            for _ in range(150):
                f.write(bytes(1 << 20))
    err, _, _ = _refused(out.getvalue())
    assert "compresses" in err.problem and "image1.bin" in err.problem


def test_small_repetitive_member_is_not_a_bomb():
    # what LibreOffice writes for an RTF paragraph of 60,000 \\u characters: one run per
    # character, a few MB of XML compressing far past MAX_RATIO. Small enough to read.
    from govreport.safety import MAX_RATIO, RATIO_MIN_BYTES
    run = '<w:r><w:rPr><w:rFonts w:ascii="SimSun" w:eastAsia="SimSun"/></w:rPr><w:t>体</w:t></w:r>'
    body = f"<w:p>{run * 60_000}</w:p><w:p><w:r><w:t>总体情况</w:t></w:r></w:p>"
    data = _docx_with(_DOC_HEAD.replace("<w:body>", "<w:body>" + body, 1).encode())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
    assert info.file_size < RATIO_MIN_BYTES and info.file_size > MAX_RATIO * info.compress_size
    doc = read_document(data, ReadOptions(filename="report.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "体" * 60_000 and "总体情况" in texts


def test_corrupt_and_non_docx_zips_are_read_errors():
    good = _docx_with(_DOC_HEAD.encode())
    err, _, _ = _refused(good[: len(good) // 2])                    # truncated download
    assert "DOCX" in err.problem
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/readme.txt", "not a word package")
    err, _, _ = _refused(out.getvalue())
    assert "DOCX" in err.problem


def test_xlsx_with_dtd_is_refused():
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    i = sheet.index("<worksheet")
    parts["xl/worksheets/sheet1.xml"] = (sheet[:i] + '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                         + sheet[i:]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    err, _, _ = _refused(out.getvalue(), "book.xlsx")
    assert "DTD" in err.problem and "sheet1.xml" in err.problem


_DTD = '<!DOCTYPE w:document SYSTEM "file:///etc/passwd">'


@pytest.mark.parametrize("text,verdict", [
    ("<?xml version='1.0'?>\n<!-- c --><w:document/>", False),
    ("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>", True),
    ("<!-- <!DOCTYPE inside a comment is harmless> --><x/>", False),
    ("<?xml version='1.0'?><!-- unterminated" + " " * 70_000, None),
])
def test_prolog_verdict(text, verdict):
    data = text.encode()
    assert prolog_verdict(data[i:i + 4096] for i in range(0, len(data), 4096)) is verdict


def _decl(enc: str) -> str:
    return f"<?xml version='1.0' encoding='{enc}' standalone='yes'?>"


# every shape a DTD was smuggled past a hand-written prolog scanner with (issue 10)
BYPASSES = {
    "comment before DOCTYPE": lambda x: x.replace("<w:document", "<!--c-->" + _DTD + "<w:document", 1).encode(),
    "processing instruction": lambda x: x.replace("<w:document", "<?pi x?>" + _DTD + "<w:document", 1).encode(),
    "whitespace and newlines": lambda x: x.replace("<w:document", "\n \t\r\n" + _DTD + "\n<w:document", 1).encode(),
    "EBCDIC": lambda x: x.replace(_decl("UTF-8"), _decl("IBM037")).replace("<w:document", _DTD + "<w:document", 1)
    .encode("cp037"),
}
for _enc, _bom in (("utf-16-le", True), ("utf-16-le", False), ("utf-16-be", True), ("utf-16-be", False),
                   ("utf-32-le", True), ("utf-32-le", False), ("utf-32-be", True), ("utf-32-be", False)):
    BYPASSES[f"{_enc} {'with' if _bom else 'without'} BOM"] = (
        lambda x, e=_enc, b=_bom: ("\ufeff" if b else "").encode(e) + x.replace(
            _decl("UTF-8"), _decl(e[:6].upper())).replace("<w:document", "<!--c-->" + _DTD + "<w:document", 1).encode(e))


@pytest.mark.parametrize("shape", sorted(BYPASSES))
def test_dtd_bypass_shapes_are_refused(shape):
    assert _DOC_HEAD.startswith(_decl("UTF-8"))
    err, _, _ = _refused(_docx_with(BYPASSES[shape](_DOC_HEAD)))
    assert "word/document.xml" in err.problem and ("DTD" in err.problem or "cannot be read safely" in err.problem)
    assert "\n" not in err.line()


def test_a_clean_utf16_part_is_still_read():
    xml = _DOC_HEAD.replace(_decl("UTF-8"), _decl("UTF-16"))
    doc = read_document(_docx_with("\ufeff".encode("utf-16-le") + xml.encode("utf-16-le")),
                        ReadOptions(filename="report.docx"))
    assert any("hello" in p.text for p in doc.paragraphs)


def _table_docx(rows_xml: str) -> bytes:
    body = _DOC_HEAD.replace("<w:p>", f"<w:tbl>{rows_xml}</w:tbl><w:p>", 1)
    assert body != _DOC_HEAD
    return _docx_with(body.encode())


def test_grid_span_bomb_is_refused():
    # a few bytes asking for a billion-column row
    data = _table_docx('<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p/></w:tc></w:tr>')
    err, _, peak = _refused(data)
    assert "grid columns" in err.problem
    assert peak < 100 * 2 ** 20


def test_padding_bomb_is_refused():
    # one 500-column row, then 100,000 empty rows that padding would widen to 500 cells each
    wide = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="500"/></w:tcPr><w:p/></w:tc></w:tr>'
    data = _table_docx(wide + "<w:tr/>" * 100_000)
    assert len(data) < 1_000_000
    err, _, peak = _refused(data)
    assert "cells" in err.problem
    assert peak < 100 * 2 ** 20


def test_xml_size_cap(monkeypatch):
    import govreport.safety as safety
    data = _docx_with(_DOC_HEAD.encode())
    monkeypatch.setattr(safety, "MAX_XML_BYTES", 4096)
    err, _, _ = _refused(data)
    assert "XML parts would inflate" in err.problem
