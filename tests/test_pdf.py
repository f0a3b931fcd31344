"""The PDF reader on the real WPS-exported reports and on PDFs generated here.

Real files come from ../shared (skipped when absent); generated ones are made with
python-docx + LibreOffice (skipped when soffice is absent) or written byte by byte.
"""
from __future__ import annotations

import io
import logging
import subprocess
from pathlib import Path

import pytest

from conftest import need_tool, shared_file, truth
from govreport.errors import ReadError
from govreport.model import Paragraph, Table
from govreport.readers import ReadOptions
from govreport.readers.pdf import read
from govreport.readers.pdf_page import Char, dedupe_chars

T3_COLS = ("natural", "commercial", "research", "social", "legal", "org_other", "total")
T4_KEYS = [f"t4.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]


def _read_shared(name: str):
    data = shared_file(f"corpus/{name}.pdf").read_bytes()
    return read(data, ReadOptions(filename=f"{name}.pdf"))


@pytest.fixture(scope="module")
def city():
    return _read_shared("js-huaian-city-2024")


@pytest.fixture(scope="module")
def hz2023():
    return _read_shared("js-huaian-hongzequ-2023")


def _row_with(doc, label: str):
    """(table, row) of the first grid row whose label cells hold `label`."""
    for t in doc.tables:
        for row in t.rows:
            if any(c.text == label for c in row[:3]):
                return t, row
    raise AssertionError(f"no table row labelled {label!r}")


def _numbers(row) -> list:
    return [int(c.text) if c.text.isdigit() else c.text for c in row[3:]]


# ------------------------------------------------------------------ real reports

@pytest.mark.parametrize("label,key", [
    ("一、本年新收政府信息公开申请数量", "received"),
    ("2.其他法律行政法规禁止公开", "denied_law"),
    ("8.属于行政查询事项", "denied_query"),
    ("2.没有现成信息需要另行制作", "unavailable_no_ready"),      # first row after the page break
    ("3、其他", "other_other"),
    ("四、结转下年度继续办理", "carried_forward"),
])
def test_city_table3_rows_carry_truth_numbers(city, label, key):
    values = truth("js-huaian-city-2024")["values"]
    _, row = _row_with(city, label)
    assert _numbers(row) == [values[f"t3.{key}.{c}"] for c in T3_COLS]


def test_city_origins_pages_and_cut_label(city):
    t, row = _row_with(city, "2.没有现成信息需要另行制作")
    assert t.page == 5 and all(c.origin.page == 5 and c.origin.format == "pdf" for c in row)
    assert row[3].origin.table == t.index and row[3].origin.col == 3
    # `（四）无` on page 4 + `法提供` on page 5: one label on both sides of the break
    assert row[1].text == "（四）无法提供"
    _, before = _row_with(city, "1.本机关不掌握相关政府信息")
    assert before[1].text == "（四）无法提供" and before[0].origin.page == 4
    # the vertical group label of table 三 is one cell text, repeated down its merge
    assert row[0].text == "三、本年度办理结果"
    t4p, granted = _row_with(city, "（一）予以公开")
    assert granted[0].text == "三、本年度办理结果" and granted[0].raw.startswith("三、\n本\n年")
    below = t4p.rows[granted[0].origin.row + 1][0]
    assert below.merged_from == (granted[0].origin.row, 0) and below.text == granted[0].text


def test_city_table2_large_counts_and_fee(city):
    values = truth("js-huaian-city-2024")["values"]
    assert _row_with(city, "行政许可")[1][1].text == str(values["t2.licensing.decisions"])
    assert _row_with(city, "行政处罚")[1][1].text == str(values["t2.punishment.decisions"])
    assert _row_with(city, "行政事业性收费")[1][1].text == str(values["t2.fees.amount"])


def test_city_prose_title_furniture_and_order(city):
    paras = city.paragraphs
    assert [p.text for p in paras[:2]] == ["淮安市人民政府", "2024 年政府信息公开工作年度报告"]
    assert all(p.page == 1 for p in paras[:2])
    assert not any(p.text.strip(" -") in {"1", "2", "3", "4", "5", "6"} for p in paras)
    # reading order: by page, and the heading of part 三 sits right before table 三
    pages = [b.page for b in city.blocks]
    assert pages == sorted(pages)
    i = next(k for k, b in enumerate(city.blocks) if isinstance(b, Paragraph) and b.text.startswith("三、收到和处理"))
    assert isinstance(city.blocks[i + 1], Table) and city.blocks[i + 1].rows[3][0].text.startswith("一、本年新收")
    # a paragraph running over a page break is joined into one
    assert any("全市共受理政府信息公开申请 3119 件" in p.text for p in paras)


def test_hongzequ_table4_numbers_and_frames(hz2023):
    values = truth("js-huaian-hongzequ-2023")["values"]
    rows = [r for t in hz2023.tables for r in t.rows if len(r) == 15 and all(c.text.isdigit() for c in r)]
    assert len(rows) == 1
    assert [int(c.text) for c in rows[0]] == [values[k] for k in T4_KEYS]
    assert rows[0][0].origin.page == 4
    # the shaded body-text lines pdfplumber reports as a one-column table stay prose
    assert all(len(t.rows[0]) > 1 for t in hz2023.tables)
    assert hz2023.tables[0].rows[0][0].text == "第二十条第（一）项"
    assert any("受理政府信息公开申请 21 件" in p.text for p in hz2023.paragraphs)


def test_hongzequ_blank_continuation_label(hz2023):
    # p.4 starts with 3.补正后… under a blank label cell: it repeats （四）无法提供 from p.3
    t, row = _row_with(hz2023, "3.补正后申请内容仍不明确")
    assert t.page == 4 and row[1].text == "（四）无法提供" and row[0].text == "三、本年度办理结果"
    assert row[1].raw == ""                                 # what the page printed is kept


def test_hongzequ_2024_reads_table3(tmp_path):
    doc = _read_shared("js-huaian-hongzequ-2024")
    values = truth("js-huaian-hongzequ-2024")["values"]
    _, row = _row_with(doc, "（七）总计")
    assert _numbers(row)[-7:] == [values[f"t3.total.{c}"] for c in T3_COLS]


def test_page_cap_and_pdfminer_quiet():
    data = shared_file("corpus/js-huaian-city-2024.pdf").read_bytes()
    with pytest.raises(ReadError, match="6 pages"):
        read(data, ReadOptions(max_pages=3))
    assert logging.getLogger("pdfminer").level == logging.ERROR


def test_truncated_and_corrupt_pdf_are_read_errors():
    data = shared_file("corpus/js-huaian-hongzequ-2024.pdf").read_bytes()
    for bad in (data[: len(data) // 3], b"%PDF-1.4\n1 0 obj <</Type /Catalog>> garbage"):
        with pytest.raises(ReadError, match="not a readable PDF"):
            read(bad, ReadOptions())


# ------------------------------------------------------------- generated PDFs

def _soffice_pdf(docx_path: Path, outdir: Path, filt: str = "pdf") -> Path:
    exe = need_tool("soffice")
    profile = outdir / "lo-profile"
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", filt,
                    "--outdir", str(outdir), str(docx_path)], check=True, capture_output=True, timeout=120)
    return outdir / (docx_path.stem + ".pdf")


def _report_docx(path: Path, borders: bool = True) -> Path:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.sections[0].footer.paragraphs[0].text = "测试县人民政府办公室印发"
    d.add_heading("测试县人民政府", level=1)
    d.add_paragraph("2024年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本年度共受理政府信息公开申请 21 件。")
    d.add_page_break()
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=5, cols=4)
    if borders:
        t.style = "Table Grid"
    rows = [["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "0", "11"], ["行政规范性文件", "8", "26", "66"], ["合计", "9", "26", "77"]]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v:
                t.cell(r, c).text = v
    if borders:
        t.cell(0, 0).merge(t.cell(0, 3))
    else:
        t.rows[0]._tr.getparent().remove(t.rows[0]._tr)       # no merged title row without rules
    d.add_paragraph("三、其他需要报告的事项")
    d.save(path)
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdfgen")
    return _soffice_pdf(_report_docx(tmp / "report.docx"), tmp)


def _grid_texts(doc):
    return [[c.text for c in row] for t in doc.tables for row in t.rows]


def test_generated_pdf_cells_merges_and_furniture(generated):
    doc = read(generated.read_bytes(), ReadOptions())
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert t.page == 2
    assert [[c.text for c in r] for r in t.rows[2:]] == [["规章", "1", "0", "11"], ["行政规范性文件", "8", "26", "66"],
                                                         ["合计", "9", "26", "77"]]
    assert all(c.text == "第二十条第（一）项" for c in t.rows[0])
    assert [c.merged_from for c in t.rows[0]] == [None, (0, 0), (0, 0), (0, 0)]
    assert t.rows[3][2].origin.as_dict() == {"format": "pdf", "page": 2, "table": 0, "row": 3, "col": 2}
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["测试县人民政府", "2024年政府信息公开工作年度报告"]
    assert "测试县人民政府办公室印发" not in texts             # the footer repeated on both pages
    assert "本年度共受理政府信息公开申请 21 件。" in texts


def test_borderless_table_from_word_positions(tmp_path):
    pdf = _soffice_pdf(_report_docx(tmp_path / "plain.docx", borders=False), tmp_path)
    doc = read(pdf.read_bytes(), ReadOptions())
    assert ["规章", "1", "0", "11"] in _grid_texts(doc)
    assert ["行政规范性文件", "8", "26", "66"] in _grid_texts(doc)


def test_encrypted_pdf_is_refused(tmp_path):
    docx_path = _report_docx(tmp_path / "secret.docx")
    locked = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
              '"DocumentOpenPassword":{"type":"string","value":"s3cret"}}')
    pdf = _soffice_pdf(docx_path, tmp_path, locked)
    if b"/Encrypt" not in pdf.read_bytes():
        pytest.skip("this LibreOffice does not take JSON PDF-export options (needs 7.4+)")
    with pytest.raises(ReadError, match="encrypted PDF") as e:
        read(pdf.read_bytes(), ReadOptions())
    assert e.value.hint
    # only an owner (permissions) password: opens with the empty user password
    (tmp_path / "owner").mkdir()
    perms = ('pdf:writer_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},'
             '"PermissionPassword":{"type":"string","value":"owner"}}')
    opened = read(_soffice_pdf(docx_path, tmp_path / "owner", perms).read_bytes(), ReadOptions())
    assert ["规章", "1", "0", "11"] in _grid_texts(opened)


def _scanned(pdf_path: Path, dpi: int = 200) -> bytes:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(pdf_path))
    images = [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def test_scanned_pdf_needs_ocr_then_reads_numbers(generated):
    data = _scanned(generated)
    with pytest.raises(ReadError, match="no text layer") as e:
        read(data, ReadOptions())
    assert "--ocr" in e.value.hint
    need_tool("tesseract")
    doc = read(data, ReadOptions(ocr=True))
    rows = _grid_texts(doc)
    for expected in (["1", "0", "11"], ["8", "26", "66"], ["9", "26", "77"]):
        assert any(r[1:] == expected for r in rows), rows
    assert all(c.origin.ocr for t in doc.tables for r in t.rows for c in r)
    assert [n.rule for n in doc.notes] == ["OCR"]


def test_ocr_without_tesseract_names_the_packages(generated, monkeypatch):
    import govreport.readers.ocr_engine as engine
    monkeypatch.setattr(engine, "_lib", None)              # as in a process that never loaded it
    monkeypatch.setattr(engine, "find_library", lambda: None)
    with pytest.raises(ReadError, match="tesseract") as e:
        read(_scanned(generated, dpi=72), ReadOptions(ocr=True))
    assert "tesseract-ocr-chi-sim" in e.value.hint


# ---------------------------------------------------- hand-written PDF objects

def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def test_fake_bold_and_unmapped_glyphs():
    content = (b"BT /F1 14 Tf 72 700 Td (Total requests 42) Tj ET\n"
               b"BT /F1 14 Tf 72.4 700.2 Td (Total requests 42) Tj ET\n"     # fake bold: drawn twice
               b"BT /F2 14 Tf 72 650 Td (ab) Tj ET\n")                        # glyphs without Unicode
    type3 = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 10 10] /FontMatrix [0.1 0 0 0.1 0 0] "
             b"/CharProcs << /g1 7 0 R /g2 7 0 R >> /Encoding << /Type /Encoding /Differences [97 /g1 /g2] >> "
             b"/FirstChar 97 /LastChar 98 /Widths [10 10] >>")
    data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                 b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
                 _stream(content), b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", type3,
                 _stream(b"10 0 0 0 10 10 d1 0 0 10 10 re f")])
    doc = read(data, ReadOptions())
    assert doc.paragraphs[0].text == "Total requests 42"
    notes = [n for n in doc.notes if n.rule == "PDF-CID"]
    assert len(notes) == 1 and notes[0].severity == "warning" and "无法解码" in notes[0].message


def test_dedupe_chars_keeps_neighbours():
    chars = [Char("0", 10, 10, 15, 20), Char("0", 10.6, 10.3, 15.6, 20.3),    # a twin
             Char("0", 15, 10, 20, 20), Char("1", 10.2, 10, 15, 20)]          # next digit, other glyph
    assert dedupe_chars(chars) == [chars[0], chars[2], chars[3]]


def test_rotated_page_with_form_xobject(generated):
    """A landscape sheet shown upright by /Rotate 90, its content wrapped in a form XObject."""
    import pypdfium2 as pdfium
    src = pdfium.PdfDocument(str(generated))
    dst = pdfium.PdfDocument.new()
    w, h = src[1].get_size()
    form = src.page_as_xobject(1, dst).as_pageobject()
    form.transform(pdfium.PdfMatrix(0, 1, -1, 0, h, 0))     # turned a quarter left on a landscape sheet
    page = dst.new_page(h, w)
    page.insert_obj(form)
    page.set_rotation(90)
    page.gen_content()
    buf = io.BytesIO()
    dst.save(buf)
    doc = read(buf.getvalue(), ReadOptions())
    assert ["行政规范性文件", "8", "26", "66"] in _grid_texts(doc)
    assert doc.paragraphs[0].text == "二、主动公开政府信息情况"


def test_page_of_drawing_is_read_as_text():
    lines = b"".join(b"%d %d m %d %d l S\n" % (50 + i % 90 * 5, 100 + i // 90 * 10, 52 + i % 90 * 5, 100 + i // 90 * 10)
                     for i in range(4500))
    content = lines + b"BT /F1 12 Tf 72 780 Td (Figure 1 shows 4500 strokes) Tj ET\n"
    data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                 b"/Resources << /Font << /F1 5 0 R >> >> >>",
                 _stream(content), b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])
    doc = read(data, ReadOptions())
    assert doc.paragraphs[0].text == "Figure 1 shows 4500 strokes" and not doc.tables
    assert [n.rule for n in doc.notes] == ["PDF-GRAPHICS"]


def test_one_scanned_page_among_text_pages_is_reported(generated):
    import pypdfium2 as pdfium
    scan = pdfium.PdfDocument(_scanned(generated))
    mixed = pdfium.PdfDocument(str(generated))
    mixed.import_pages(scan, [1])                    # page 3: the table page as a picture
    buf = io.BytesIO()
    mixed.save(buf)
    doc = read(buf.getvalue(), ReadOptions())
    assert len(doc.tables) == 1 and doc.tables[0].page == 2
    notes = [n for n in doc.notes if n.rule == "PDF-NO-TEXT"]
    assert len(notes) == 1 and "3" in notes[0].where and "--ocr" in notes[0].message


def test_table_across_pages_with_repeated_header(tmp_path):
    """LibreOffice repeats the header row on the new page and leaves the continued part
    of a merged group label blank: every row still gets its group."""
    docx = pytest.importorskip("docx")
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    d = docx.Document()
    for i in range(25):
        d.add_paragraph(f"第{i}行正文，用来把表格推到页面下方。")
    t = d.add_table(rows=31, cols=3)
    t.style = "Table Grid"
    for c, text in enumerate(("分组", "项目", "件数")):
        t.cell(0, c).text = text
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    t.rows[0]._tr.get_or_add_trPr().append(header)
    groups = {1: "（一）第一组", 11: "（二）第二组", 21: "（三）第三组"}
    for r in range(1, 31):
        t.cell(r, 1).text, t.cell(r, 2).text = f"{r}.事项{r}", str(r * 3)
    for first, label in groups.items():
        t.cell(first, 0).merge(t.cell(first + 9, 0)).text = label
    d.save(tmp_path / "long.docx")
    doc = read(_soffice_pdf(tmp_path / "long.docx", tmp_path).read_bytes(), ReadOptions())
    if len(doc.tables) < 2:
        pytest.skip("LibreOffice kept the table on one page")
    assert doc.tables[1].rows[0][0].text == "分组"                  # the repeated header is kept
    seen = {}
    for row in (r for t in doc.tables for r in t.rows[1:]):
        n = int(row[1].text.split(".")[0])
        seen[n] = (row[0].text, row[2].text)
    assert seen == {n: (groups[(n - 1) // 10 * 10 + 1], str(n * 3)) for n in range(1, 31)}


def test_libreoffice_print_of_a_real_report(tmp_path):
    """Another producer: the 平潭 2024 portal page printed to PDF by LibreOffice. Its table
    三 breaks twice: inside the vertical group label (`三、本` / `年度办理结果`) and inside
    the row `2.申请人逾期未按收费通…` / `…知要求缴纳费用…`, whose values stay on the first page."""
    page = shared_file("corpus/fj-pingtan-2024.html")
    (tmp_path / "pt.html").write_bytes(page.read_bytes())
    pdf = _soffice_pdf(tmp_path / "pt.html", tmp_path, "pdf:writer_web_pdf_Export")
    doc = read(pdf.read_bytes(), ReadOptions())
    values = truth("fj-pingtan-2024-html")["values"]
    for label, key in (("（一）予以公开", "granted"),
                       ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_no_fee"),
                       ("3.其他", "other_other")):
        _, row = _row_with(doc, label)
        assert row[0].text == "三、本年度办理结果"
        assert [int(c.text) for c in row[-7:]] == [values[f"t3.{key}.{c}"] for c in T3_COLS], label
    # the piece above the （三） sub-items had one column line fewer: pieces share columns
    assert len(_row_with(doc, "（一）予以公开")[1]) == len(_row_with(doc, "3.其他")[1]) == 10
    # no row is left holding a label without its values
    for t in doc.tables:
        for row in t.rows:
            labels = [c.text for c in row if c.text and not c.text.isdigit()]
            if any(c.text.isdigit() for c in row) or not labels:
                continue
            assert not any(x.startswith("（六）") for x in labels[-1:]), [c.text for c in row]


def test_damaged_bytes_give_a_document_or_a_read_error():
    """Flipped bytes and cut-off files: a Document or a ReadError, never a traceback."""
    import random
    data = shared_file("corpus/js-huaian-hongzequ-2023.pdf").read_bytes()
    rng = random.Random(7)
    outcomes = set()
    for _ in range(30):
        b = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        if rng.random() < 0.3:
            b = b[: rng.randrange(len(b))]
        try:
            read(bytes(b), ReadOptions())
            outcomes.add("document")
        except ReadError:
            outcomes.add("refused")
    assert outcomes == {"document", "refused"}


def test_libreoffice_merged_cell_without_its_right_and_bottom_rulings():
    """fj-pingtan-2024-lo.pdf: LibreOffice draws no right or bottom ruling round the merged
    amount cell of 行政事业性收费; its text (18651.06) is still that row's cell, not a blank."""
    import json

    from govreport import parse
    path = shared_file("corpus/matrix/fj-pingtan-2024-lo.pdf")
    want = json.loads(shared_file("truth-matrix/fj-pingtan-2024-lo.json").read_text(encoding="utf-8"))["values"]
    report = parse(path)
    assert report.values["t2.fees.amount"] == want["t2.fees.amount"] == 18651.06
    assert report.cells["t2.fees.amount"].blank is False
    assert {k: v for k, v in report.values.items() if k.startswith("t2.")} == \
        {k: v for k, v in want.items() if k.startswith("t2.")}
