"""Hostile and broken input (issue 10): each symptom's small generated reproducer ends in
one clear refusal naming the limit and the option that raises it, or in a report whose
numbers are finite and whose JSON is strict; never a traceback, never two stderr lines."""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile

import pytest

from govreport import ReadError, parse
from govreport.limits import Limits
from govreport.normalize import parse_value
from govreport.readers import ReadOptions, read_document

from conftest import REPO

FIX = REPO / "fixtures"
MD = (FIX / "jy-2021.md").read_text(encoding="utf-8")


def run(*args, stdin: bytes | None = None):
    p = subprocess.run([sys.executable, "-m", "govreport", *map(str, args)], input=stdin, capture_output=True,
                       timeout=300, cwd=REPO)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def strict_json(text: str):
    def no_constant(name):
        raise AssertionError(f"non-standard JSON token {name}")
    return json.loads(text, parse_constant=no_constant)


def _refusal(data: bytes, filename: str, **kw) -> ReadError:
    with pytest.raises(ReadError) as exc:
        parse(data, filename=filename, **kw)
    line = exc.value.line()
    assert "\n" not in line and "--limit" in line
    return exc.value


# --- grids whose size is a product ------------------------------------------------------

def test_html_span_products_are_counted_before_they_are_made():
    # 400 rows x 3 cells, each 200 x 200: 48 M grid positions from 60 KB of markup
    row = "<tr>" + '<td rowspan="200" colspan="200">1</td>' * 3 + "</tr>"
    page = f"<html><body><p>报告</p><table>{row * 400}</table></body></html>".encode()
    err = _refusal(page, "span.html")
    assert "table-cells" in err.problem and "--limit table-cells=N" in err.hint


def test_html_cells_of_all_tables_together_are_bounded():
    table = "<table>" + ("<tr>" + "<td>1</td>" * 100 + "</tr>") * 100 + "</table>"
    page = f"<html><body>{table * 3}</body></html>".encode()
    err = _refusal(page, "many.html", limits=Limits(document_cells=25_000))
    assert "document-cells" in err.problem
    parse(page, filename="many.html")                    # the default reads it


def test_one_wide_tab_row_is_refused_before_padding_the_table():
    text = "一、总体情况\n规章\t1\t2\t3\n" + "\t" * 200_000 + "x\n规范性文件\t4\t5\t6\n"
    err = _refusal(text.encode(), "wide.txt")
    assert "row-cells" in err.problem and "200,001" in err.problem


def test_one_wide_markdown_row_is_refused():
    text = MD.replace("| 行政规范性文件 | 24 | 9 | 113 |", "| 行政规范性文件 " + "| 1 " * 5000 + "|")
    err = _refusal(text.encode(), "wide.md")
    assert "row-cells" in err.problem


def test_rows_per_table_are_bounded():
    text = "一、总体情况\n" + "a\tb\n" * 30_000
    err = _refusal(text.encode(), "long.txt")
    assert "table-rows" in err.problem
    assert parse(text.encode(), filename="long.txt", limits=Limits(table_rows=40_000)).edition is None


# --- numbers no report holds --------------------------------------------------------------

@pytest.mark.parametrize("digits", [16, 400, 5000])
def test_over_long_numbers_are_unreadable_cells_with_a_finding(digits):
    big = "9" * digits
    assert parse_value(big).value is None and parse_value(big).too_long
    assert parse_value(big + ".5").value is None
    text = MD.replace("| 行政事业性收费 | 4978.81 |", f"| 行政事业性收费 | {big}.81 |").replace(
        "| 行政规范性文件 | 24 |", f"| 行政规范性文件 | {big} |")
    report = parse(text.encode(), filename="big.md")
    assert report.values["t2.fees.amount"] is None and report.values["t2.normative.issued"] is None
    named = {k for f in report.findings for k in f.keys}
    assert {"t2.fees.amount", "t2.normative.issued"} <= named
    assert all(v is None or abs(v) < 1e15 for v in report.values.values())
    strict_json(report.model_dump_json())


def test_over_long_numbers_in_the_prose_are_not_read_as_figures():
    text = MD.replace("制发行政规范性文件24件", "制发行政规范性文件" + "7" * 5000 + "件")
    report = parse(text.encode(), filename="prose.md")
    assert report.values["t2.normative.issued"] == 24


def test_extract_writes_strict_json_for_a_400_digit_amount(tmp_path):
    f = tmp_path / "amount.md"
    f.write_text(MD.replace("| 行政事业性收费 | 4978.81 |", "| 行政事业性收费 | " + "1" * 400 + ".5 |"), encoding="utf-8")
    code, out, err = run("extract", f)
    assert code == 0 and err == ""
    assert strict_json(out)["values"]["t2.fees.amount"] is None


# --- odd bytes that used to raise inside a library ----------------------------------------

@pytest.mark.parametrize("charset", ["undefined", "rot13", "zlib", "no-such-charset"])
def test_a_bogus_declared_charset_falls_back_to_detection(charset):
    page = f'<html><head><meta charset="{charset}"></head><body><p>一、总体情况</p></body></html>'.encode()
    doc = read_document(page, ReadOptions(filename="p.html"))
    assert [p.text for p in doc.paragraphs] == ["一、总体情况"]


def test_malformed_base_urls_keep_the_links_as_printed():
    page = ('<html><head><base href="http://[::1"></head><body><p>附件：<a href="b.pdf">年度报告</a></p>'
            '<a href="http://[::1/x.pdf">x</a></body></html>').encode()
    report = parse(page, filename="p.html")
    assert [a.url for a in report.attachments] == ["b.pdf", "http://[::1/x.pdf"]


def _docx_bytes() -> bytes:
    return (FIX / "zj-2021.docx").read_bytes()


def test_a_zip_with_a_lying_central_directory_offset_is_one_read_error():
    data = bytearray(_docx_bytes())
    eocd = data.rindex(b"PK\x05\x06")
    size_cd, offset_cd = struct.unpack("<II", data[eocd + 12:eocd + 20])
    data[eocd + 16:eocd + 20] = struct.pack("<I", offset_cd + 4096)     # past the real directory
    with pytest.raises(ReadError) as exc:
        parse(bytes(data), filename="bad.docx")
    assert "\n" not in exc.value.line()


# --- inputs that never end ------------------------------------------------------------------

def test_dev_zero_fifos_and_huge_sparse_files_are_refused_in_one_line(tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    sparse = tmp_path / "sparse.txt"
    with open(sparse, "wb") as f:
        f.truncate(1200 << 20)                            # 1.2 GB that takes no disk
    code, out, err = run("extract", "-f", "jsonl", "/dev/zero", fifo, sparse, FIX / "jt-2021.html")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("/dev/zero: not a regular file") and lines[1].startswith(f"{fifo}: not a regular")
    assert "limit 256 MB" in lines[2] and "--limit file-mb=N" in lines[2]
    assert len(out.splitlines()) == 1


def test_stdin_is_read_up_to_the_limit_only():
    code, out, err = run("extract", "--limit", "file-mb=1", "-", stdin=b"a" * (2 << 20))
    assert code == 2 and len(err.splitlines()) == 1 and "file-mb" in err
    code, out, err = run("extract", "--limit", "file-mb=nope", "-", stdin=b"")
    assert code == 2 and "whole number" in err


# --- stderr: one line per failed file, nothing else ------------------------------------------

def test_a_file_name_holding_a_newline_stays_on_one_line(tmp_path):
    bad = tmp_path / "two\nlines.txt"
    bad.write_bytes(b"")
    code, out, err = run("extract", bad)
    assert code == 2 and err.count("\n") == 1 and "two\\nlines.txt" in err


def test_library_warnings_never_reach_stderr(tmp_path):
    # undecodable in utf-8, gb18030 and big5: bs4's UnicodeDammit warns about lost characters
    page = tmp_path / "mixed.html"
    page.write_bytes(b"<html><body><p>" + "一、总体情况".encode() + b"\xff\xfe\x81\x30\x80</p></body></html>")
    code, out, err = run("extract", page)
    assert err == "" and code == 0


def test_an_xml_error_with_a_newline_is_one_line():
    parts = {}
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:-200] + b"<w:p>\n<broken"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(parts, key=lambda n: not n.startswith("word/")):
            z.writestr(name, parts[name])
    with pytest.raises(ReadError) as exc:
        parse(out.getvalue(), filename="broken.docx")
    assert "\n" not in exc.value.line()


def test_a_zip_needing_a_newer_zip_version_is_one_read_error():
    import openpyxl
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    data = bytearray(buf.getvalue())
    at = data.index(b"PK\x01\x02")
    data[at + 6:at + 8] = (64).to_bytes(2, "little")           # "version needed to extract: 6.4"
    with pytest.raises(ReadError) as exc:
        parse(bytes(data), filename="book.xlsx")
    assert "zip" in exc.value.problem


def test_twenty_thousand_one_row_tables_are_numbered_by_a_count():
    # the blocks were scanned once per table before: 20,000 tables took minutes
    doc = read_document(("一、总体情况\n" + "规章\t1\t2\n说明\n" * 20_000).encode(), ReadOptions(filename="many.txt"))
    assert [t.index for t in doc.tables] == list(range(20_000))
