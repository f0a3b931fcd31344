"""HTML pages: portal articles, Word-paste markup, merged cells, GBK pages."""
from __future__ import annotations

import lxml.html
import regex as re
from lxml import etree

from ..errors import ReadError
from ..limits import Limits, check_cells, check_rows
from ..model import Cell, Document, Origin, Paragraph, Table
from ..normalize import clean_cell, clean_text
from .decode import decode
from .text import resolve_url

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "blockquote",
          "pre", "center", "dl", "dt", "dd", "main", "body", "html", "tr", "form", "address", "figure", "caption"}
_SKIP = {"script", "style", "noscript", "iframe", "nav", "header", "footer", "aside", "button", "select",
         "option", "textarea", "svg", "canvas", "template", "head", "object", "embed", "map"}
# site chrome by class/id: navigation, breadcrumbs, share widgets, footers
_CHROME = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumb|crumbs?|footer|foot|share|bdshare|toolbar|"
                     r"sidebar|side|location|position|login|search|topbar|header|copyright|related|print)(?:$|[\s_-])",
                     re.I)
_CONDITIONAL = re.compile(r"<!\[(?:if[^\]]*|endif)\]>", re.I)
_ATTACH = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|rtf|zip)(?:$|[?#])", re.I)
MAX_SPAN = 200
_DIGITS = re.compile(r"\D")


def _is_chrome(el) -> bool:
    cls = (el.get("class") or "") + " " + (el.get("id") or "")
    return bool(cls.strip()) and bool(_CHROME.search(cls))


def _cell_text(el) -> str:
    parts: list[str] = []

    def walk(e):
        if not isinstance(e.tag, str):
            if e.tail:
                parts.append(e.tail)
            return
        tag = e.tag.lower()
        if tag in _SKIP:
            pass
        elif tag == "br":
            parts.append("\n")
        else:
            if tag in ("p", "div") and parts:
                parts.append("\n")
            if e.text:
                parts.append(e.text)
            for c in e:
                walk(c)
        if e.tail and e is not el:
            parts.append(e.tail)

    walk(el)
    return "".join(parts)


def _rows_of(table) -> list:
    rows = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if isinstance(r.tag, str) and r.tag.lower() == "tr")
    return rows


def _span(el, name: str) -> int:
    v = el.get(name)
    if v is None:
        return 1
    try:
        return max(1, min(MAX_SPAN, int(_DIGITS.sub("", v) or 1)))
    except ValueError:
        return 1


def _grid(table_el, index: int, limits: Limits, used: list[int]) -> Table:
    """Expand rowspan/colspan: every covered position repeats its cell (merged_from set).

    Positions are counted before they are made (spans multiply): past limits.table_cells
    for the table, or limits.document_cells with `used[0]` (the document's tables so far),
    the page is refused."""
    grid: dict[tuple[int, int], Cell] = {}
    width = 0
    rows = _rows_of(table_el)
    check_rows(len(rows), limits)
    cells = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            raw = _cell_text(td)
            cell = Cell(raw, clean_cell(raw), Origin("html", None, index, r, c))
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            cells += min(rs, len(rows) - r) * cs
            check_cells(cells, used[0] + cells, limits)
            for dr in range(rs):
                if r + dr >= len(rows):
                    break
                for dc in range(cs):
                    pos = (r + dr, c + dc)
                    if pos not in grid:
                        grid[pos] = cell if (dr, dc) == (0, 0) else Cell(
                            raw, cell.text, Origin("html", None, index, pos[0], pos[1]), (r, c))
            c += cs
            width = max(width, c)
    check_cells(len(rows) * width, used[0] + len(rows) * width, limits)    # the padded rectangle
    used[0] += len(rows) * width
    out = [[grid.get((r, c)) or Cell("", "", Origin("html", None, index, r, c)) for c in range(width)]
           for r in range(len(rows))]
    return Table(index, out)


class _Walker:
    def __init__(self, limits: Limits):
        self.blocks: list = []
        self.buf: list[str] = []
        self.limits = limits
        self.cells = [0]            # grid positions of the page's tables so far

    def flush(self):
        if self.buf:
            text = clean_text("".join(self.buf))
            self.buf = []
            for line in text.split("\n"):
                line = line.strip()
                if line:
                    self.blocks.append(Paragraph(line))

    def walk(self, el):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP or _is_chrome(el):
            if el.tail:
                self.buf.append(el.tail)
            return
        if tag == "table":
            self.flush()
            # tables nested in cells become tables of their own; read() numbers them all
            self.blocks.extend(_grid(t, 0, self.limits, self.cells) for t in el.iter("table"))
            if el.tail:
                self.buf.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        if tag == "br":
            self.buf.append("\n")
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        if el.tail:
            self.buf.append(el.tail)


def read(data: bytes, options) -> Document:
    text, _ = decode(data, declared=True)
    text = _CONDITIONAL.sub("", text)
    if not text.strip():
        raise ReadError("the page is empty", "nothing to read", options.filename)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise ReadError(f"not a readable HTML page ({e})", "check that the file is the page itself",
                        options.filename) from None
    title_el = root.find(".//title")
    title = clean_text(title_el.text_content()).strip() if title_el is not None else None
    heading = root.xpath("//*[contains(@class,'title') and not(self::title)][1]")
    if heading:
        h = clean_text(heading[0].text_content()).strip()
        if h and "年度报告" in h.replace(" ", ""):           # a page heading naming the report (any edition)
            title = h
    base = root.find(".//base")
    base_url = base.get("href") if base is not None else None
    links = []
    for a in root.iter("a"):
        href = a.get("href") or ""
        label = clean_text(a.text_content()).strip()
        if href and (_ATTACH.search(href) or "附件" in label):
            links.append((label, resolve_url(base_url, href)))
    body = root.find("body")
    walker = _Walker(options.limits)
    walker.walk(body if body is not None else root)
    walker.flush()
    doc = Document(format="html", blocks=walker.blocks, title=title, links=links)
    for i, t in enumerate(doc.tables):
        t.index = i
        for row in t.rows:
            for c in row:
                c.origin.table = i
    return doc
