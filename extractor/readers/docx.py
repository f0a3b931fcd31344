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
import re
from dataclasses import dataclass, field

from ..errors import ReadError
from ..model import Cell, Document, Origin, Paragraph, ReaderNote, Table
from ..normalize import clean_cell, clean_text
from ..safety import check_office_zip, parse_xml

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

_HEADING_STYLE = re.compile(r"^\s*(heading|标题|title|subtitle|副标题)\s*\d*\s*$", re.I)
_SHORT_HEADING = 40            # a numbered paragraph this short reads as a heading
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


# ---------------------------------------------------------------- styles and numbering


@dataclass(slots=True)
class _Style:
    name: str = ""
    based_on: str | None = None
    num: tuple[str, int | None] | None = None     # (numId, ilvl or None)
    outline: int | None = None


class _Styles:
    def __init__(self, root):
        self.by_id: dict[str, _Style] = {}
        self.default_para: str | None = None
        if root is None:
            return
        for st in root.iterfind(W + "style"):
            sid = st.get(W + "styleId")
            if not sid:
                continue
            s = _Style()
            name = st.find(W + "name")
            s.name = name.get(W_VAL, "") if name is not None else ""
            based = st.find(W + "basedOn")
            s.based_on = based.get(W_VAL) if based is not None else None
            ppr = st.find(W + "pPr")
            if ppr is not None:
                s.num = _num_pr(ppr)
                s.outline = _outline(ppr)
            self.by_id[sid] = s
            if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true", "on"):
                self.default_para = sid

    def chain(self, sid: str | None):
        seen = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            yield self.by_id[sid]
            sid = self.by_id[sid].based_on

    def numbering(self, sid):
        for s in self.chain(sid):
            if s.num is not None:
                return s.num
        return None

    def is_heading(self, sid) -> bool:
        for s in self.chain(sid):
            if _HEADING_STYLE.match(s.name) or (s.outline is not None and s.outline < 9):
                return True
        return False


def _num_pr(ppr):
    npr = ppr.find(W + "numPr")
    if npr is None:
        return None
    num_id = npr.find(W + "numId")
    ilvl = npr.find(W + "ilvl")
    nid = num_id.get(W_VAL) if num_id is not None else None
    lvl = _int(ilvl.get(W_VAL)) if ilvl is not None else None
    return (nid, lvl) if nid is not None or lvl is not None else None


def _outline(ppr):
    ol = ppr.find(W + "outlineLvl")
    return _int(ol.get(W_VAL)) if ol is not None else None


def _int(v, default=None):
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False
    style: str | None = None        # w:pStyle: the paragraph style this level is linked to


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)     # ilvl -> startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # ilvl -> lvl override


class _Numbering:
    """numbering.xml plus the running counters Word keeps while laying out the text."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}        # abstractNumId -> style id (numStyleLink)
        self.nums: dict[str, _Num] = {}
        self.counters: dict[object, list[int | None]] = {}
        self.styles: _Styles | None = None
        if root is None:
            return
        for an in root.iterfind(W + "abstractNum"):
            aid = an.get(W + "abstractNumId")
            self.abstract[aid] = {_int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in an.iterfind(W + "lvl")}
            link = an.find(W + "numStyleLink")
            if link is not None:
                self.style_link[aid] = link.get(W_VAL)
        for num in root.iterfind(W + "num"):
            nid = num.get(W + "numId")
            aref = num.find(W + "abstractNumId")
            n = _Num(aref.get(W_VAL) if aref is not None else "")
            for ov in num.iterfind(W + "lvlOverride"):
                ilvl = _int(ov.get(W + "ilvl"), 0)
                so = ov.find(W + "startOverride")
                if so is not None:
                    n.starts[ilvl] = _start(so.get(W_VAL))
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    n.levels[ilvl] = _level(lvl)
            self.nums[nid] = n

    def _levels(self, num: _Num) -> dict[int, _Level]:
        aid = num.abstract
        # numStyleLink: the list is defined through a numbering style pointing at another num
        if aid in self.style_link and self.styles is not None:
            linked = self.styles.numbering(self.style_link[aid])
            if linked and linked[0] in self.nums and self.nums[linked[0]].abstract != aid:
                aid = self.nums[linked[0]].abstract
        levels = dict(self.abstract.get(aid, {}))
        levels.update(num.levels)
        return levels

    def level_of_style(self, num_id: str, style_id: str | None) -> int | None:
        """The list level linked to a paragraph style (Heading 2 -> level 1 of an outline list).

        ECMA-376 17.9.23: for numbering that comes from a style, the level whose w:pStyle
        names the style wins over the style's own w:ilvl.
        """
        num = self.nums.get(num_id)
        if num is None or not style_id:
            return None
        for ilvl, lvl in self._levels(num).items():
            if lvl.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter for (list, level) and return the displayed label ('' if none)."""
        num = self.nums.get(num_id)
        if num is None or num_id == "0" or not 0 <= ilvl <= 8:
            return ""
        levels = self._levels(num)
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        # lists sharing an abstract definition continue one another, unless restarted
        key = ("num", num_id) if num.starts else ("abs", num.abstract)
        counts = self.counters.setdefault(key, [None] * 10)

        def start(i):
            return num.starts.get(i, levels[i].start if i in levels else 1)

        for i in range(ilvl):
            if counts[i] is None:
                counts[i] = start(i)
        counts[ilvl] = start(ilvl) if counts[ilvl] is None else counts[ilvl] + 1
        for i in range(ilvl + 1, len(counts)):
            counts[i] = None
        if lvl.fmt == "bullet":
            return ""

        def sub(m):
            i = int(m.group(1)) - 1
            li = levels.get(i, _Level())
            fmt = "decimal" if (lvl.legal and i != ilvl) else li.fmt
            return format_number(counts[i] if counts[i] is not None else start(i), fmt)
        return re.sub(r"%([1-9])", sub, lvl.text)


def _start(v) -> int:
    return max(0, min(_int(v, 1), 32767))        # Word's own range for list starts


def _level(el) -> _Level:
    lv = _Level()
    st = el.find(W + "start")
    if st is not None:
        lv.start = _start(st.get(W_VAL))
    fmt = el.find(W + "numFmt")
    if fmt is not None:
        lv.fmt = fmt.get(W_VAL) or "decimal"
    txt = el.find(W + "lvlText")
    if txt is not None:
        lv.text = txt.get(W_VAL) or ""
    lv.legal = el.find(W + "isLgl") is not None
    ps = el.find(W + "pStyle")
    lv.style = ps.get(W_VAL) if ps is not None else None
    return lv


_ZH_DIGITS = "〇一二三四五六七八九"
_ZH_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _zh_counting(n: int, digits: str = _ZH_DIGITS, units=("", "十", "百", "千"), big="万") -> str:
    """Chinese counting numerals: 1 一, 10 十, 11 十一, 20 二十, 105 一百〇五."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return _zh_counting(n // 10000, digits, units, big) + big + (
            (digits[0] if n % 10000 < 1000 else "") + _zh_counting(n % 10000, digits, units, big) if n % 10000 else "")
    out, zero = [], False
    for pos in range(3, -1, -1):
        d = n // 10 ** pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + units[pos])
    s = "".join(out)
    if units[1] == "十" and s.startswith("一十"):
        s = s[1:]
    return s


def _letters(n: int, base: str) -> str:
    # Word repeats the letter: 27 -> AA, 28 -> BB
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _enclosed(n: int, first: int, count: int = 20) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def format_number(n: int, fmt: str) -> str:
    """Render counter `n` in Word numFmt `fmt` (unknown formats fall back to decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "koreanCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _zh_counting(n)
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"):
        return "".join(_ZH_DIGITS[int(d)] for d in str(n))
    if fmt in ("chineseLegalSimplified", "japaneseLegal", "ideographLegalTraditional"):
        return _zh_counting(n, _ZH_LEGAL, ("", "拾", "佰", "仟"))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[n - 1] if 1 <= n <= 10 else str(n)
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1] if 1 <= n <= 12 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _enclosed(n, 0x2460)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)                   # decimal, decimalFullWidth, ordinal, cardinalText, ...


# ---------------------------------------------------------------- walking the body


@dataclass(slots=True)
class _Context:
    styles: _Styles
    numbering: _Numbering
    main: object = None              # the main document part (for altChunk relationships)
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
    nested: list["_RawTable"]


def _walk_blocks(container, ctx: _Context, doc: Document) -> None:
    """Append the paragraphs and tables of a body-like element (body, sdtContent, text box)."""
    for child in container:
        tag = child.tag
        if tag == W_P:
            text, heading, boxes = _paragraph(child, ctx)
            if text:
                doc.blocks.append(Paragraph(text=text, heading=heading))
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


def _paragraph(p, ctx: _Context) -> tuple[str, bool, list]:
    """(clean text with its automatic number, heading?, text-box contents anchored here)."""
    parts: list[str] = []
    boxes: list = []
    _collect(p, parts, boxes)
    raw = "".join(parts)
    ppr = p.find(W + "pPr")
    style_id = None
    direct_num = outline = None
    if ppr is not None:
        ps = ppr.find(W + "pStyle")
        style_id = ps.get(W_VAL) if ps is not None else None
        direct_num = _num_pr(ppr)
        outline = _outline(ppr)
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
    heading = bool(text) and (
        ctx.styles.is_heading(style_id) or (outline is not None and outline < 9)
        or (bool(label) and len(text) <= _SHORT_HEADING))
    return text, heading, boxes


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
                text, _, boxes = _paragraph(child, ctx)
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
        doc.notes.append(ReaderNote("docx-altchunk", "warning",
                                    f"an embedded {ctype or 'unknown'} chunk of the document was not read"))
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
            payload = part.get_payload(decode=True) or b""
            charset = (part.get_content_charset() or "").lower()
            if charset in ("gb2312", "gbk", "gb_2312-80"):
                charset = "gb18030"                 # pages labelled gb2312 carry GBK characters
            try:
                text = payload.decode(charset or "utf-8")
            except (LookupError, UnicodeDecodeError):
                return payload
            return b"\xef\xbb\xbf" + text.encode("utf-8")
    return None
