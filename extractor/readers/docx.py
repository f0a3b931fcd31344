"""DOCX reader: body paragraphs and tables in document order.

python-docx opens the package (relationships, parts, its own entity-free XML parser);
the body is then walked as plain lxml, which keeps us in control of what Word's
markup means for our purpose:

- tables: `w:gridSpan` / `w:vMerge` / legacy `w:hMerge` are expanded onto a rectangular
  grid; every covered position repeats the text and points (merged_from) at the
  top-left position. Rows of unequal length (LibreOffice round trips add grid
  columns) are padded. A table inside a cell is emitted as its own Table after the
  outer one; the outer cell keeps only its own text.
- automatic numbering: Word stores `一、` of `一、总体情况` in numbering.xml, not in the
  text. The displayed number is recomputed (numFmt, lvlText, running counters) and
  prefixed, so the recognizer sees what a reader sees.
- text boxes (`w:txbxContent`) become paragraphs after the paragraph anchoring them;
  of `mc:AlternateContent` only one branch is read (Word writes the box twice).

Every file passes extractor.safety first: no zip bomb or DTD reaches python-docx.
"""
from __future__ import annotations

import io
from typing import Any
from dataclasses import dataclass

from ..errors import ReadError
from ..model import Cell, Document, Origin, Paragraph, ReaderNote, Table
from ..normalize import clean_cell, clean_text
from ..safety import check_office_zip, parse_xml
from .decode import codec_name
from .docx_numbering import _Numbering, _Styles, _int, _num_pr

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
R_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
R_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

W_P, W_TBL, W_TR, W_TC, W_T = W + "p", W + "tbl", W + "tr", W + "tc", W + "t"
W_SDT, W_SDTCONTENT, W_CUSTOMXML = W + "sdt", W + "sdtContent", W + "customXml"
W_TXBX = W + "txbxContent"
MC_ALT, MC_CHOICE, MC_FALLBACK = MC + "AlternateContent", MC + "Choice", MC + "Fallback"
W_VAL = W + "val"
W_ALTCHUNK = W + "altChunk"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

_BREAKS = {W + "br", W + "cr"}
_TABS = {W + "tab", W + "ptab"}
# subtrees that never hold displayed text (or hold text we must not show: deletions, field codes)
_SKIP = {W + "pPr", W + "rPr", W + "del", W + "delText", W + "instrText", W + "delInstrText",
         W + "sdtPr", W + "sdtEndPr", W + "moveFrom", W + "fldData", W + "footnoteReference",
         W + "endnoteReference", W + "commentReference", W + "tcPr", W + "trPr", W + "tblPr"}
_CONTAINERS = {W_SDT, W_SDTCONTENT, W_CUSTOMXML, W + "ins", W + "moveTo", W + "smartTag"}

# Word itself stops at 63 columns; a grid wider than this, or tables expanding to more
# cells than this, is a crafted file (a few KB of gridSpan can ask for a billion cells)
MAX_GRID_COLS = 512
MAX_CELLS = 300_000
_HINT_HOSTILE = "the file is built to exhaust a reader; get the report from its original source"

_NO_GAP_AFTER = tuple("、.．)）:：]】")


def read(data: bytes, options=None) -> Document:
    """Read DOCX bytes into a Document (format "docx")."""
    return _read(data, options, 0)


def _read(data: bytes, options, depth: int) -> Document:
    check_office_zip(data, "DOCX")
    main, body, styles_el, numbering_el = _open(data)
    ctx = _Context(_Styles(styles_el), _Numbering(numbering_el), main, options, depth)
    doc = Document(format="docx")
    _walk_blocks(body, ctx, doc)
    return doc


# ---------------------------------------------------------------- package


def _open(data: bytes):
    """(main part, body, styles root or None, numbering root or None) via python-docx."""
    from docx.opc.package import OpcPackage
    try:
        pkg = OpcPackage.open(io.BytesIO(data))
        main = pkg.main_document_part
    except Exception as e:          # python-docx raises KeyError/ValueError/XMLSyntaxError/... for broken packages
        raise ReadError(f"not a readable DOCX file ({type(e).__name__}: {e})",
                        "open it in Word/WPS and save it again as .docx") from None
    root = _element(main)
    body = root.find(W + "body") if root is not None else None
    if body is None:
        raise ReadError("not a Word document: the DOCX has no document body",
                        "give the report as .docx, .doc, .pdf or .html")
    return main, body, _related(main, R_STYLES), _related(main, R_NUMBERING)


def _element(part):
    el = getattr(part, "element", None)       # XmlPart: already parsed by python-docx's safe parser
    if el is None:
        el = parse_xml(part.blob)             # e.g. a .docm main part python-docx does not type
    return el


def _related(part, reltype):
    try:
        return _element(part.part_related_by(reltype))
    except KeyError:
        return None


# ---------------------------------------------------------------- walking the body


@dataclass(slots=True)
class _Context:
    styles: _Styles
    numbering: _Numbering
    main: Any = None                 # the main document part (for altChunk relationships)
    options: object = None
    depth: int = 0                   # altChunk nesting (a DOCX chunk inside a DOCX)
    table_count: int = 0
    cells: int = 0                   # grid positions parsed so far (MAX_CELLS budget)
    emitted: int = 0                 # Cells built so far, padding included (MAX_CELLS budget)

    def __post_init__(self):
        self.numbering.styles = self.styles


@dataclass(slots=True)
class _RawTable:
    owners: list[dict[int, tuple[int, int]]]        # per row: grid column -> owning (row, col)
    texts: dict[tuple[int, int], str]
    nested: list[_RawTable]


def _walk_blocks(container, ctx: _Context, doc: Document) -> None:
    """Append the paragraphs and tables of a body-like element (body, sdtContent, text box)."""
    for child in container:
        tag = child.tag
        if tag == W_P:
            text, boxes = _paragraph(child, ctx)
            if text:
                doc.blocks.append(Paragraph(text=text))
            for box in boxes:
                _walk_blocks(box, ctx, doc)
        elif tag == W_TBL:
            _emit_table(_raw_table(child, ctx), ctx, doc)
        elif tag in _CONTAINERS:
            _walk_blocks(child, ctx, doc)
        elif tag == MC_ALT:
            branch = _one_branch(child)
            if branch is not None:
                _walk_blocks(branch, ctx, doc)
        elif tag == W_ALTCHUNK:
            _alt_chunk(child, ctx, doc)


def _one_branch(alt):
    """mc:AlternateContent carries the same content twice: take the first Choice, else Fallback."""
    branch = alt.find(MC_CHOICE)
    return branch if branch is not None else alt.find(MC_FALLBACK)


def _paragraph(p, ctx: _Context) -> tuple[str, list]:
    """(clean text with its automatic number, text-box contents anchored here)."""
    parts: list[str] = []
    boxes: list = []
    _collect(p, parts, boxes)
    raw = "".join(parts)
    ppr = p.find(W + "pPr")
    style_id = None
    direct_num = None
    if ppr is not None:
        ps = ppr.find(W + "pStyle")
        style_id = ps.get(W_VAL) if ps is not None else None
        direct_num = _num_pr(ppr)
    style_id = style_id or ctx.styles.default_para
    label = ""
    style_num = ctx.styles.numbering(style_id)
    num_id = (direct_num or (None, None))[0] or (style_num or (None, None))[0]
    if num_id is not None:
        ilvl = (direct_num or (None, None))[1]
        if ilvl is None:
            ilvl = ctx.numbering.level_of_style(num_id, style_id)
        if ilvl is None:
            ilvl = (style_num or (None, None))[1] or 0
        # an empty numbered paragraph still shows (and uses up) its number in Word
        label = ctx.numbering.label(num_id, ilvl)
    text = clean_text(raw).strip()
    if label and text:
        sep = "" if label.endswith(_NO_GAP_AFTER) else " "
        text = clean_text(label).strip() + sep + text
    return text, boxes


def _collect(el, parts: list[str], boxes: list) -> None:
    """Displayed text of a paragraph's runs; text boxes are set aside, not inlined."""
    for child in el:
        tag = child.tag
        if tag == W_T:
            if child.text:
                parts.append(child.text)
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        elif tag in _TABS:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W_TXBX:
            boxes.append(child)
        elif tag == MC_ALT:
            branch = _one_branch(child)
            if branch is not None:
                _collect(branch, parts, boxes)
        elif len(child):
            _collect(child, parts, boxes)


# ---------------------------------------------------------------- tables


def _rows(tbl):
    for child in tbl:
        if child.tag == W_TR:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _rows(child)


def _cells(tr):
    for child in tr:
        if child.tag == W_TC:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _cells(child)


def _tc_props(tc):
    """(gridSpan, vMerge, hMerge) of a cell; merge values: None, 'restart' or 'continue'."""
    pr = tc.find(W + "tcPr")
    if pr is None:
        return 1, None, None
    span = pr.find(W + "gridSpan")
    vm = pr.find(W + "vMerge")
    hm = pr.find(W + "hMerge")
    n = max(1, _int(span.get(W_VAL), 1)) if span is not None else 1
    return (n,
            (vm.get(W_VAL) or "continue") if vm is not None else None,
            (hm.get(W_VAL) or "continue") if hm is not None else None)


def _grid_before(tr) -> int:
    pr = tr.find(W + "trPr")
    if pr is None:
        return 0
    gb = pr.find(W + "gridBefore")
    return max(0, _int(gb.get(W_VAL), 0)) if gb is not None else 0


def _raw_table(tbl, ctx: _Context) -> _RawTable:
    owners: list[dict[int, tuple[int, int]]] = []
    texts: dict[tuple[int, int], str] = {}
    nested: list[_RawTable] = []
    for r, tr in enumerate(_rows(tbl)):
        row: dict[int, tuple[int, int]] = {}
        col = _grid_before(tr)
        for tc in _cells(tr):
            span, vmerge, hmerge = _tc_props(tc)
            text = _cell_text(tc, ctx, nested)
            owner = None
            if vmerge == "continue" and r > 0:
                owner = owners[r - 1].get(col)
            elif hmerge == "continue":
                owner = row.get(col - 1)
            if owner is None:
                owner = (r, col)
                texts[owner] = text
            if col + span > MAX_GRID_COLS:           # check before filling: span may be 10^9
                raise ReadError(f"refused: a table row spans {col + span} grid columns "
                                f"(limit {MAX_GRID_COLS})", _HINT_HOSTILE)
            for k in range(span):
                row[col + k] = owner
            col += span
        owners.append(row)
        ctx.cells += max(col, 1)                    # even an empty <w:tr/> costs a row
        if ctx.cells > MAX_CELLS:
            raise ReadError(f"refused: the tables expand to more than {MAX_CELLS:,} cells", _HINT_HOSTILE)
    return _RawTable(owners, texts, nested)


def _cell_text(tc, ctx: _Context, nested: list[_RawTable]) -> str:
    """The cell's own paragraphs (text boxes inlined); nested tables go to `nested`."""
    lines: list[str] = []

    def walk(container):
        for child in container:
            tag = child.tag
            if tag == W_P:
                text, boxes = _paragraph(child, ctx)
                if text:
                    lines.append(text)
                for box in boxes:
                    walk(box)
            elif tag == W_TBL:
                nested.append(_raw_table(child, ctx))
            elif tag in _CONTAINERS:
                walk(child)
            elif tag == MC_ALT:
                branch = _one_branch(child)
                if branch is not None:
                    walk(branch)
    walk(tc)
    return "\n".join(lines)


def _emit_table(raw: _RawTable, ctx: _Context, doc: Document) -> None:
    """Append `raw` as a rectangular Table, then its nested tables (depth first)."""
    index = ctx.table_count
    ctx.table_count += 1
    width = max((max(row) + 1 for row in raw.owners if row), default=0)
    ctx.emitted += width * len(raw.owners)          # padding counts too
    if ctx.emitted > MAX_CELLS:
        raise ReadError(f"refused: the tables expand to more than {MAX_CELLS:,} cells", _HINT_HOSTILE)
    clean = {owner: clean_cell(text) for owner, text in raw.texts.items()}     # once per merge
    grid: list[list[Cell]] = []
    for r, row in enumerate(raw.owners):
        cells = []
        for c in range(width):
            owner = row.get(c)
            origin = Origin("docx", None, index, r, c)
            if owner is None:                       # padding: the row is shorter than the grid
                cells.append(Cell("", "", origin))
                continue
            cells.append(Cell(raw.texts[owner], clean[owner], origin, None if owner == (r, c) else owner))
        grid.append(cells)
    if grid and width:
        doc.blocks.append(Table(index, grid))
    else:
        ctx.table_count -= 1
    for inner in raw.nested:
        _emit_table(inner, ctx, doc)


# ---------------------------------------------------------------- altChunk


def _alt_chunk(el, ctx: _Context, doc: Document) -> None:
    """w:altChunk imports another document (HTML, MHT, text, DOCX) that Word renders in place.

    Web systems that "export to Word" often write the whole report as one HTML/MHT chunk,
    leaving document.xml empty: read the chunk with the matching reader.
    """
    try:
        part = ctx.main.related_parts[el.get(R_ID)]
    except (AttributeError, KeyError):
        return
    ctype = (part.content_type or "").lower()
    blob = part.blob
    sub = None
    from . import ReadOptions, html, text
    opts = ReadOptions(filename=getattr(ctx.options, "filename", None))
    try:
        if "html" in ctype:
            sub = html.read(blob, opts)
        elif ctype == "message/rfc822" or part.partname.lower().endswith((".mht", ".mhtml")):
            page = _mht_html(blob)
            sub = html.read(page, opts) if page is not None else None
        elif ctype.startswith("text/plain"):
            sub = text.read(blob, opts)
        elif "wordprocessingml" in ctype and ctx.depth < 2:
            sub = _read(blob, ctx.options, ctx.depth + 1)
    except ReadError as e:
        if e.problem.startswith("refused"):
            raise                                   # a hostile chunk condemns the whole file
        sub = None
    if sub is None:
        doc.notes.append(ReaderNote("DOCX-ALTCHUNK", "warning",
                                    f"文档中嵌入的一段内容（{ctype or '类型不明'}）未能读取，其中的文字和表格未计入"))
        return
    for block in sub.blocks:
        if isinstance(block, Table):
            block.index = ctx.table_count
            ctx.table_count += 1
            for row in block.rows:
                for c in row:
                    c.origin.format, c.origin.table = "docx", block.index
        doc.blocks.append(block)
    doc.notes.extend(sub.notes)


def _mht_html(blob: bytes) -> bytes | None:
    """The HTML part of an MHT (MIME) chunk, as UTF-8 bytes with a BOM."""
    import email
    import email.policy
    msg = email.message_from_bytes(blob, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() in ("text/html", "application/xhtml+xml"):
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):      # decode=True gives bytes (or None) for a leaf part
                payload = b""
            charset = part.get_content_charset()
            try:
                text = payload.decode(codec_name(charset) if charset else "utf-8")
            except (LookupError, UnicodeDecodeError):
                return payload
            return b"\xef\xbb\xbf" + text.encode("utf-8")
    return None
