"""Old office formats through LibreOffice, spreadsheets through openpyxl."""
from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest

from conftest import need_tool
from govreport.errors import ReadError
from govreport.model import Table
from govreport.readers import ReadOptions, read_document
from test_docx import _add_chinese_list, _numbered


def _grid(table: Table):
    return [[(c.text, c.merged_from) for c in row] for row in table.rows]


def _report_docx() -> bytes:
    d = docx.Document()
    _add_chinese_list(d)
    _numbered(d, "总体情况", 0)
    d.add_paragraph("本机关全年主动公开政府信息。")
    _numbered(d, "收到和处理政府信息公开申请情况", 0)
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "申请人情况"
    t.cell(0, 2).text = "自然人"
    t.cell(0, 3).text = "总计"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "三、本年度办理结果"
    for r, (label, a, b) in enumerate((("（一）予以公开", "12", "12"), ("（二）部分公开", "3", "3"),
                                        ("（三）不予公开", "0", "—")), start=1):
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = label, a, b
    d.add_paragraph("以上为本年度情况。")     # Word always closes the body with a paragraph
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _soffice_convert(data: bytes, target: str, tmp_path) -> bytes:
    soffice = need_tool("soffice")
    src = tmp_path / "report.docx"
    src.write_bytes(data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", target, "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    return (tmp_path / f"report.{target}").read_bytes()


@pytest.fixture(scope="module")
def report_doc(tmp_path_factory) -> bytes:
    """The generated report as a real .doc (Word 97) written by LibreOffice."""
    return _soffice_convert(_report_docx(), "doc", tmp_path_factory.mktemp("doc"))


@pytest.mark.parametrize("fmt", ["doc", "odt", "rtf"])
def test_old_formats_read_back_the_same_cells(fmt, tmp_path):
    original = _report_docx()
    converted = _soffice_convert(original, fmt, tmp_path)
    base = read_document(original, ReadOptions(filename="report.docx"))
    doc = read_document(converted, ReadOptions(filename=f"report.{fmt}"))
    assert doc.format == fmt
    assert [_grid(t) for t in doc.tables] == [_grid(t) for t in base.tables]
    assert all(c.origin.format == "docx" for row in doc.tables[0].rows for c in row)
    texts = [p.text for p in doc.paragraphs]
    assert "本机关全年主动公开政府信息。" in texts
    if fmt != "rtf":     # LibreOffice's own RTF export writes the level text `%1、` in a legacy codepage
        assert texts[0] == "一、总体情况" and "二、收到和处理政府信息公开申请情况" in texts


def test_missing_soffice_is_a_clear_read_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))          # nothing on PATH
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024) + "WordDocument".encode("utf-16-le")
    with pytest.raises(ReadError) as exc:
        read_document(ole, ReadOptions(filename="report.doc"))
    assert exc.value.problem == "reading .doc needs LibreOffice (soffice), which is not installed"
    assert "libreoffice-writer-nogui" in exc.value.hint and ".docx" in exc.value.hint


def test_conversion_timeout_kills_and_cleans_up(monkeypatch, tmp_path, report_doc):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(ReadError) as exc:
        read_document(report_doc, ReadOptions(filename="report.doc", max_seconds=0.05))
    assert "took longer than" in exc.value.problem
    assert list(scratch.iterdir()) == []               # temp dir and profile removed


def test_damaged_doc_is_a_read_error_not_a_traceback(monkeypatch, tmp_path, report_doc):
    doc_bytes = report_doc
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    # the file information block zeroed: the container is intact, LibreOffice cannot load it
    damaged = bytearray(doc_bytes)
    damaged[512:4096] = bytes(4096 - 512)
    with pytest.raises(ReadError) as exc:
        read_document(bytes(damaged), ReadOptions(filename="report.doc"))
    assert exc.value.problem.startswith("LibreOffice could not convert this .doc file") and exc.value.hint
    assert list(scratch.iterdir()) == []
    # truncated download: the OLE2 directory (stored at the end) is gone
    with pytest.raises(ReadError) as exc:
        read_document(doc_bytes[: len(doc_bytes) // 3], ReadOptions(filename="report.doc"))
    assert "not a valid .doc file" in exc.value.problem


def test_xls_without_calc_or_broken_is_a_read_error(tmp_path):
    # an OLE2 workbook stub: "needs LibreOffice Calc" where Calc is missing; where it is
    # installed, Calc falls back to importing the bytes as text, which must not pass as a sheet
    stub = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024) + "Workbook".encode("utf-16-le") + bytes(1024)
    with pytest.raises(ReadError) as exc:
        read_document(stub, ReadOptions(filename="report.xls"))
    assert ".xls" in exc.value.problem and exc.value.hint


def test_password_protected_office_file_is_refused():
    # what Office writes for an encrypted .docx: an OLE2 file holding an EncryptedPackage stream
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    with pytest.raises(ReadError) as exc:
        read_document(data, ReadOptions(filename="report.docx"))
    assert "password" in exc.value.problem


def _report_xlsx() -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表三"
    ws["A1"] = "三、收到和处理政府信息公开申请情况"
    ws.merge_cells("A1:D1")
    ws.append(["申请人情况", None, "自然人", "总计"])
    ws.merge_cells("A2:B2")
    ws.append(["三、本年度办理结果", "（一）予以公开", 12, 12])
    ws.append([None, "（二）部分公开", 3.0, 3])
    ws.append([None, "（三）不予公开", 0, "—"])
    ws.merge_cells("A3:A5")
    ws.append([])
    ws.append(["四、结转下年度继续办理", None, 1, 1])
    hidden = wb.create_sheet("旧数据")
    hidden["A1"] = "不应读出"
    hidden.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_reads_into_tables_with_merges():
    doc = read_document(_report_xlsx(), ReadOptions(filename="report.xlsx"))
    assert doc.format == "xlsx"
    assert [p.text for p in doc.paragraphs] == ["表三", "三、收到和处理政府信息公开申请情况"]
    first, second = doc.tables
    assert _grid(first) == [
        [("申请人情况", None), ("申请人情况", (0, 0)), ("自然人", None), ("总计", None)],
        [("三、本年度办理结果", None), ("（一）予以公开", None), ("12", None), ("12", None)],
        [("三、本年度办理结果", (1, 0)), ("（二）部分公开", None), ("3", None), ("3", None)],
        [("三、本年度办理结果", (1, 0)), ("（三）不予公开", None), ("0", None), ("—", None)],
    ]
    assert _grid(second) == [[("四、结转下年度继续办理", None), ("", None), ("1", None), ("1", None)]]
    o = first.rows[2][3].origin
    assert (o.format, o.table, o.row, o.col) == ("xlsx", 0, 2, 3)
    assert second.index == 1 and second.rows[0][2].origin.table == 1


def test_corrupt_xlsx_is_a_read_error():
    data = _report_xlsx()
    with pytest.raises(ReadError):
        read_document(data[: len(data) // 3], ReadOptions(filename="report.xlsx"))


def test_filled_template_as_doc_yields_every_value(tmp_path):
    from conftest import truth
    from govreport import parse
    from test_docx import _filled_template
    values = truth("js-huaian-city-2024")["values"]
    doc_bytes = _soffice_convert(_filled_template(values), "doc", tmp_path)
    report = parse(doc_bytes, filename="filled.doc")
    assert report.source.format == "doc" and report.edition == "2021"
    wrong = {k: (report.values.get(k), v) for k, v in values.items() if report.values.get(k) != v}
    assert not wrong, f"{len(wrong)} values differ (got, want): {dict(list(wrong.items())[:8])}"


def _has_calc() -> bool:
    from govreport.readers.office import _has_calc as has, find_soffice
    soffice = find_soffice()
    return bool(soffice) and has(soffice)


def test_xls_reads_like_the_xlsx_it_was_made_from(tmp_path):
    if not _has_calc():
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed")
    soffice = need_tool("soffice")
    src = tmp_path / "report.xlsx"
    src.write_bytes(_report_xlsx())
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    xls = (tmp_path / "report.xls").read_bytes()
    assert xls.startswith(b"\xd0\xcf\x11\xe0")
    doc = read_document(xls, ReadOptions(filename="report.xls"))
    base = read_document(_report_xlsx(), ReadOptions(filename="report.xlsx"))
    assert doc.format == "xls"
    assert [_grid(t) for t in doc.tables] == [_grid(t) for t in base.tables]
    assert doc.tables[0].rows[0][0].origin.format == "xls"
    misnamed = read_document(xls, ReadOptions(filename="report.doc"))     # the streams decide
    assert misnamed.format == "xls" and [_grid(t) for t in misnamed.tables] == [_grid(t) for t in base.tables]


def test_parallel_conversions_do_not_collide(report_doc):
    # two soffice processes on one profile: the second exits 1 silently; each has its own here
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:
        docs = list(pool.map(lambda _: read_document(report_doc, ReadOptions(filename="r.doc")), range(2)))
    assert all(d.format == "doc" and len(d.tables) == 1 for d in docs)
    assert _grid(docs[0].tables[0]) == _grid(docs[1].tables[0])


# -- RTF that would hold LibreOffice for minutes is refused before it starts -----------------

def test_rtf_of_a_full_report_passes_the_pre_check_and_reads_every_value(tmp_path):
    # LibreOffice's own RTF of a generated report (every cell of the 2021 template filled):
    # within the RTF limits with room to spare, and read to the same values as the DOCX
    from govreport import parse
    from govreport.limits import Limits
    from govreport.readers.rtf_check import rtf_shape
    docx_bytes = (Path(__file__).resolve().parent.parent / "fixtures" / "zj-2021.docx").read_bytes()
    rtf = _soffice_convert(docx_bytes, "rtf", tmp_path)
    depth, stretch, paragraph = rtf_shape(rtf)
    limits = Limits()
    assert depth * 10 < limits.rtf_depth and stretch * 5 < limits.rtf_run and paragraph * 10 < limits.rtf_paragraph
    report, base = parse(rtf, filename="report.rtf"), parse(docx_bytes, filename="report.docx")
    assert report.source.format == "rtf" and report.edition == base.edition == "2021"
    assert report.values == base.values and sum(v is not None for v in report.values.values()) == 200


_HZ = "政府信息公开工作年度报告".encode("gb18030")
HOSTILE_RTF = [
    # each measured to hold LibreOffice past a minute (see readers/rtf_check.py)
    pytest.param("rtf-run", b"{\\rtf1\\ansi " + b"\\u20307?" * 20_000 + b"\\par }", id="unicode-escapes"),
    pytest.param("rtf-run", b"{\\rtf1\\ansi\\ansicpg936 " + b"".join(b"\\'%02x" % c for c in _HZ) * 2_000 + b"\\par }",
                 id="codepage-escapes"),
    pytest.param("rtf-run", b"{\\rtf1\\ansi " + b"\\deff0" * 20_000 + b" x\\par }", id="control-words"),
    pytest.param("rtf-depth", b"{\\rtf1\\ansi\\deff0" + b"{\\fonttbl" * 20_000 + b"}", id="nested-font-tables"),
    # the campaign's case 7500 (seed 20261201): short stretches, but one paragraph of them
    pytest.param("rtf-paragraph", b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 SimSun;}}\\f0 "
                 + b"\\u19968?\\u12289?\\u24635?\\u20307?ff0{\\fonttbl{\\f0 SimSun;}}\\f0 " * 3_000 + b"\\par }",
                 id="characters-between-font-tables"),
]


@pytest.mark.parametrize("limit, data", HOSTILE_RTF)
def test_rtf_that_would_stall_libreoffice_is_refused_before_it_starts(limit, data, monkeypatch, tmp_path):
    from govreport.limits import Limits
    # no LibreOffice on PATH: reaching the conversion would say so instead of the limit
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReadError) as exc:
        read_document(data, ReadOptions(filename="report.rtf"))
    assert f"'{limit}'" in exc.value.problem and f"--limit {limit}=N" in exc.value.hint
    raised = Limits(rtf_run=10**6, rtf_depth=10**6, rtf_paragraph=10**6)
    with pytest.raises(ReadError) as exc:          # raised: on to LibreOffice (missing here)
        read_document(data, ReadOptions(filename="report.rtf", limits=raised))
    assert "needs LibreOffice" in exc.value.problem


def test_rtf_pre_check_skips_ignorable_destinations_and_counts_breaks():
    from govreport.readers.rtf_check import rtf_shape
    # a revision-id table of 20,000 entries: LibreOffice skips {\*...} groups quickly
    assert rtf_shape(b"{\\rtf1 {\\*\\rsidtbl " + b"\\rsid1" * 20_000 + b"}\\f0 text\\par }")[:2] == (2, 1)
    # paragraph and cell ends break a stretch; \pard and \cellx do not
    assert rtf_shape(b"\\u1?" * 10 + b"\\par " + b"\\u1?" * 7 + b"\\pard\\cellx5\\cell")[1] == 10
    # a double-byte character (two \'xx escapes) counts once
    assert rtf_shape(b"{\\rtf1 " + b"\\'d2\\'bb" * 300 + b"}")[1:] == (301, 300)
    # escaped characters add up over a paragraph's groups, not across paragraphs
    assert rtf_shape(b"{\\rtf1 " + b"{\\u1?\\ul x}" * 400 + b"\\par " + b"{\\u1?}" * 300 + b"}")[1:] == (2, 400)


def test_rtf_bin_claim_past_the_end_is_damage(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReadError) as exc:
        read_document(b"{\\rtf1\\ansi text\\bin999999999 abc}", ReadOptions(filename="report.rtf"))
    assert "damaged RTF" in exc.value.problem and "999,999,999" in exc.value.problem
