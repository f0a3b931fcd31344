"""DOCX reader: merges, automatic numbering, nested tables, text boxes, the real template."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from conftest import shared_file
from govreport.errors import ReadError
from govreport.model import Table
from govreport.readers import ReadOptions, read_document
from govreport.readers.docx_numbering import format_number


def _bytes(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _read(data: bytes):
    return read_document(data, ReadOptions(filename="report.docx"))


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def _merges(table: Table) -> list[list[tuple[int, int] | None]]:
    return [[c.merged_from for c in row] for row in table.rows]


def test_merged_cells_expand_and_equal_text_is_not_a_merge():
    d = docx.Document()
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "申请人情况"        # horizontal merge
    t.cell(0, 3).text = "总计"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "三、本年度办理结果"   # vertical merge
    for r, label in ((1, "（一）予以公开"), (2, "（二）部分公开"), (3, "（三）不予公开")):
        t.cell(r, 1).text = label
        t.cell(r, 2).text = "5"                                 # equal text, separate cells
        t.cell(r, 3).text = str(r)
    doc = _read(_bytes(d))
    [table] = doc.tables
    assert _texts(table) == [
        ["申请人情况", "申请人情况", "申请人情况", "总计"],
        ["三、本年度办理结果", "（一）予以公开", "5", "1"],
        ["三、本年度办理结果", "（二）部分公开", "5", "2"],
        ["三、本年度办理结果", "（三）不予公开", "5", "3"],
    ]
    assert _merges(table) == [
        [None, (0, 0), (0, 0), None],
        [None, None, None, None],
        [(1, 0), None, None, None],
        [(1, 0), None, None, None],
    ]
    cell = table.rows[2][3]
    assert (cell.origin.format, cell.origin.table, cell.origin.row, cell.origin.col) == ("docx", 0, 2, 3)


def test_short_rows_are_padded_to_a_rectangle():
    # LibreOffice round trips can leave a row one grid column short (w:gridAfter)
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for c in range(3):
        t.cell(0, c).text = f"h{c}"
    t.cell(1, 0).text = "x"
    tr = t.rows[1]._tr
    tr.remove(tr.tc_lst[-1])
    doc = _read(_bytes(d))
    [table] = doc.tables
    assert _texts(table) == [["h0", "h1", "h2"], ["x", "", ""]]
    assert all(len(row) == 3 for row in table.rows)


def _add_chinese_list(d, num_id: int = 90, abstract_id: int = 90) -> None:
    """A two-level list `一、` / `（一）` in numbering.xml, as Chinese Word templates define it."""
    numbering = d.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/><w:lvlJc w:val="left"/></w:lvl>'
        '</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(abstract)
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))


def _numbered(d, text: str, level: int, num_id: int = 90, style: str | None = None):
    p = d.add_paragraph(text, style=style)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def test_automatic_numbering_is_prefixed():
    d = docx.Document()
    _add_chinese_list(d)
    d.add_paragraph("XX区2023年政府信息公开工作年度报告")
    _numbered(d, "总体情况", 0)
    d.add_paragraph("本机关认真贯彻落实《中华人民共和国政府信息公开条例》，" * 3)
    _numbered(d, "主动公开", 1)
    _numbered(d, "依申请公开", 1)
    _numbered(d, "第一条", 2)
    _numbered(d, "第二条", 2)
    _numbered(d, "主动公开政府信息情况", 0)
    _numbered(d, "政策解读", 1)                     # the sub-level restarts under a new parent
    _numbered(d, "本年度共收到政府信息公开申请和依申请公开办理情况的详细说明，" * 2, 1)
    doc = _read(_bytes(d))
    got = [p.text for p in doc.paragraphs]
    assert got[0] == "XX区2023年政府信息公开工作年度报告"
    assert got[1] == "一、总体情况"
    assert got[2].startswith("本机关")
    assert got[3:9] == ["（一）主动公开", "（二）依申请公开", "1.第一条", "2.第二条", "二、主动公开政府信息情况",
                        "（一）政策解读"]
    assert got[9].startswith("（二）本年度共收到")


def test_numbering_through_a_heading_style():
    d = docx.Document()
    _add_chinese_list(d, num_id=91, abstract_id=91)
    style = d.styles["Heading 1"]
    style.element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:numId w:val="91"/></w:numPr>'))
    for title in ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况"):
        d.add_paragraph(title, style="Heading 1")
        d.add_paragraph("正文。")
    doc = _read(_bytes(d))
    heads = [p.text for p in doc.paragraphs if p.text != "正文。"]
    assert heads == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]


def test_outline_list_linked_to_heading_styles():
    # Chinese templates link list levels to Heading 1/2 (w:pStyle in w:lvl); when the styles
    # carry only the numId, ECMA-376 17.9.23 picks the level by style (LibreOffice 7.4
    # ignores the link and shows every heading at level 0; Word files also give w:ilvl)
    d = docx.Document()
    numbering = d.part.numbering_part.element
    h1, h2 = d.styles["Heading 1"].style_id, d.styles["Heading 2"].style_id
    numbering.find(qn("w:num")).addprevious(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="93">'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="{h1}"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="{h2}"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="93"><w:abstractNumId w:val="93"/></w:num>'))
    for style in ("Heading 1", "Heading 2"):
        d.styles[style].element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:numId w:val="93"/></w:numPr>'))
    d.add_paragraph("总体情况", style="Heading 1")
    d.add_paragraph("主动公开", style="Heading 2")
    d.add_paragraph("依申请公开", style="Heading 2")
    d.add_paragraph("主动公开政府信息情况", style="Heading 1")
    d.add_paragraph("规章", style="Heading 2")
    doc = _read(_bytes(d))
    assert [p.text for p in doc.paragraphs] == [
        "一、总体情况", "（一）主动公开", "（二）依申请公开", "二、主动公开政府信息情况", "（一）规章"]


@pytest.mark.parametrize("n,fmt,text", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "japaneseCounting", "二十"), (105, "chineseCounting", "一百〇五"), (3, "decimal", "3"),
    (12, "ideographDigital", "一二"), (2, "chineseLegalSimplified", "贰"), (3, "decimalEnclosedCircle", "③"),
    (28, "upperLetter", "BB"), (4, "lowerRoman", "iv"), (5, "bullet", ""),
])
def test_format_number(n, fmt, text):
    assert format_number(n, fmt) == text


def test_nested_table_follows_its_outer_table():
    d = docx.Document()
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "项目"
    outer.cell(0, 1).text = "数量"
    outer.cell(1, 0).text = "明细见下表"
    inner = outer.cell(1, 1).add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"in{r}{c}"
    d.add_paragraph("后文")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "last"
    doc = _read(_bytes(d))
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Table", "Table", "Paragraph", "Table"]
    t_outer, t_inner, _, t_last = doc.blocks
    assert _texts(t_outer) == [["项目", "数量"], ["明细见下表", ""]]
    assert _texts(t_inner) == [["in00", "in01"], ["in10", "in11"]]
    assert [t.index for t in (t_outer, t_inner, t_last)] == [0, 1, 2]
    assert t_inner.rows[1][0].origin.table == 1 and t_last.rows[0][0].origin.table == 2


_TEXTBOX = (
    '<w:p {ns}><w:r><w:t xml:space="preserve">锚定段落</w:t></w:r><w:r>'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
    '<wps:wsp><wps:txbx><w:txbxContent>'
    '<w:p><w:r><w:t>文本框中的说明：本年度未收取信息处理费。</w:t></w:r></w:p>'
    '</w:txbxContent></wps:txbx></wps:wsp>'
    '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
    '<w:p><w:r><w:t>文本框中的说明：本年度未收取信息处理费。</w:t></w:r></w:p>'
    '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
    '</mc:AlternateContent></w:r></w:p>')


def test_text_box_becomes_one_paragraph():
    d = docx.Document()
    d.add_paragraph("前文")
    ns = nsdecls("w", "wp", "a") + (
        ' xmlns:v="urn:schemas-microsoft-com:vml"'

        ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
    d.element.body.insert(1, parse_xml(_TEXTBOX.format(ns=ns)))
    doc = _read(_bytes(d))
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["前文", "锚定段落", "文本框中的说明：本年度未收取信息处理费。"]


def test_deleted_text_and_field_codes_are_not_read():
    d = docx.Document()
    ns = nsdecls("w")
    d.element.body.insert(0, parse_xml(
        f'<w:p {ns}><w:r><w:t>共</w:t></w:r>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>99</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>12</w:t></w:r></w:ins>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>件</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'))
    doc = _read(_bytes(d))
    assert doc.paragraphs[0].text == "共12件"


def test_a_workbook_named_docx_is_read_as_what_it_is():
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "行政许可"
    buf = io.BytesIO()
    wb.save(buf)
    doc = read_document(buf.getvalue(), ReadOptions(filename="misnamed.docx"))
    assert doc.format == "xlsx" and any(b.text == "行政许可" for b in doc.paragraphs)


def test_a_zip_that_is_no_office_package_is_a_read_error():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "hello")
    with pytest.raises(ReadError):
        read_document(buf.getvalue(), ReadOptions(filename="misnamed.docx"))


def test_real_template_reads_with_its_merges():
    data = shared_file("corpus/govnianbao-template-2021.docx").read_bytes()
    doc = _read(data)
    assert doc.format == "docx"
    assert [(len(t.rows), len(t.rows[0])) for t in doc.tables] == [(14, 4), (28, 10), (4, 15)]
    t3 = doc.tables[1]
    # the 3-row-high, 3-column-wide corner cell and the vertical 三、本年度办理结果 group
    assert {t3.rows[r][c].merged_from for r in range(3) for c in range(3)} == {None, (0, 0)}
    assert t3.rows[26][0].text == "三、本年度办理结果" and t3.rows[26][0].merged_from == (5, 0)
    assert t3.rows[7][2].text == "1.属于国家秘密" and t3.rows[8][1].merged_from == (7, 1)
    headings = [p.text for p in doc.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert len(headings) == 6
    # every value position is empty: the template is blank
    assert all(c.text == "" for row in t3.rows[3:] for c in row[3:])


def test_real_template_extracts_as_a_blank_2021_report():
    path = shared_file("corpus/govnianbao-template-2021.docx")
    from govreport import parse
    report = parse(path)
    assert report.source.format == "docx"
    assert report.edition == "2021"
    assert report.cells, "no template cell was recognized"
    # every cell found and printed blank; the blank template is no report of zeros (issue 8)
    assert set(report.cells) == set(report.values)
    assert all(cv.blank and cv.raw == "" and cv.value is None for cv in report.cells.values())
    assert set(report.values.values()) == {None}


def test_empty_numbered_paragraph_uses_up_its_number():
    d = docx.Document()
    _add_chinese_list(d, num_id=92, abstract_id=92)
    _numbered(d, "总体情况", 0, num_id=92)
    _numbered(d, "", 0, num_id=92)                  # shows a bare `二、` in Word
    _numbered(d, "收到和处理政府信息公开申请情况", 0, num_id=92)
    doc = _read(_bytes(d))
    assert [p.text for p in doc.paragraphs] == ["一、总体情况", "三、收到和处理政府信息公开申请情况"]


def _edition_keys(edition: str) -> list[str]:
    rows = shared_file("template/fields.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [r.split("\t")[0] for r in rows if r.split("\t")[1] in (edition, "both")]


def _filled_template(values: dict) -> bytes:
    """The real 2021 template with a real report's numbers typed into its value cells."""
    d = docx.Document(str(shared_file("corpus/govnianbao-template-2021.docx")))
    t2, t3, t4 = d.tables
    keys = _edition_keys("2021")
    t2_pos = [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (6, 1), (9, 1), (10, 1), (13, 1)]
    t3_pos = [(r, c) for r in range(3, 28) for c in range(3, 10)]
    t4_pos = [(3, c) for c in range(15)]
    for table, prefix, positions in ((t2, "t2.", t2_pos), (t3, "t3.", t3_pos), (t4, "t4.", t4_pos)):
        ks = [k for k in keys if k.startswith(prefix)]
        assert len(ks) == len(positions)
        for k, (r, c) in zip(ks, positions, strict=True):
            table.cell(r, c).text = str(values[k])
    return _bytes(d)


def test_filled_real_template_yields_every_value():
    from conftest import truth
    from govreport import parse
    values = truth("js-huaian-city-2024")["values"]
    report = parse(_filled_template(values), filename="filled.docx")
    assert report.edition == "2021"
    wrong = {k: (report.values.get(k), v) for k, v in values.items() if report.values.get(k) != v}
    assert not wrong, f"{len(wrong)} values differ (got, want): {dict(list(wrong.items())[:8])}"


def _with_mht_chunk(html: str, charset: str = "gb2312") -> bytes:
    """A DOCX whose body is one w:altChunk pointing at an MHT file, as html-to-Word exporters write."""
    import base64
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    payload = base64.encodebytes(html.encode("gb18030" if charset == "gb2312" else charset)).decode()
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; type=\"text/html\"; "
           "boundary=\"----=mhtDocumentPart\"\r\n\r\n------=mhtDocumentPart\r\n"
           f"Content-Type: text/html; charset=\"{charset}\"\r\nContent-Transfer-Encoding: base64\r\n"
           "Content-Location: file:///C:/fake/document.html\r\n\r\n"
           f"{payload}\r\n------=mhtDocumentPart--\r\n").encode("ascii")
    d = docx.Document()
    part = Part(PackURI("/word/afchunk.mht"), "message/rfc822", mht, d.part.package)
    rid = d.part.relate_to(part, RT.A_F_CHUNK)
    d.element.body.insert(0, parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{rid}"/>'))
    d.add_table(rows=1, cols=1).cell(0, 0).text = "正文表"
    d.add_paragraph("")
    return _bytes(d)


def test_alt_chunk_mht_is_read_in_place():
    html = ("<html><body><p>一、总体情况</p><p>朱镕基同志题词。</p><table border=1>"
            "<tr><td rowspan=2>三、本年度办理结果</td><td>（一）予以公开</td><td>5</td></tr>"
            "<tr><td>（二）部分公开</td><td>2</td></tr></table></body></html>")
    doc = _read(_with_mht_chunk(html))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["一、总体情况", "朱镕基同志题词。"]      # 镕 is GBK-only: decoded as gb18030
    chunk, own = doc.tables
    assert _texts(chunk) == [["三、本年度办理结果", "（一）予以公开", "5"],
                             ["三、本年度办理结果", "（二）部分公开", "2"]]
    assert chunk.rows[1][0].merged_from == (0, 0)
    assert (chunk.index, own.index) == (0, 1)
    assert chunk.rows[1][2].origin.format == "docx" and chunk.rows[1][2].origin.table == 0
    assert own.rows[0][0].text == "正文表" and own.rows[0][0].origin.table == 1


def test_real_template_grid_matches_python_docx_cell_identity():
    """Our XML walk against python-docx's own view: row.cells repeats a merged cell's _tc."""
    from govreport.normalize import clean_cell
    path = shared_file("corpus/govnianbao-template-2021.docx")
    ours = _read(path.read_bytes())
    theirs = docx.Document(str(path))
    assert len(ours.tables) == len(theirs.tables) == 3
    for mine, table in zip(ours.tables, theirs.tables, strict=True):
        first: dict = {}
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                top = first.setdefault(cell._tc, (r, c))
                got = mine.rows[r][c]
                assert (got.text, got.merged_from) == (clean_cell(cell.text), None if top == (r, c) else top)
