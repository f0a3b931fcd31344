"""Plain text and Markdown: crawler output, copy-paste, tables flattened by tabs or pipes."""
from __future__ import annotations

from urllib.parse import urljoin

import re

from .. import rx

from ..errors import ReadError
from ..limits import Limits, check_cells, check_rows, refuse
from ..model import Document, Paragraph, grid_from_rows
from ..normalize import clean_cell, clean_spaced, clean_text, is_value_text
from .decode import decode

# the header fields of crawlers' text dumps: the format's vocabulary, not the template's
_CRAWLER_FIELD = rx.lazy(r"^(标题|发布时间|文号|发布机构|栏目|原文链接|本地目录|来源|索引号)\s*[:：]\s*(.*)$")
_BODY_SEP = rx.compile(r"^=+\s*正文\s*=+\s*$")
_MD_RULE = rx.lazy(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE_FOOTER = rx.lazy(r"^(?:[-－—]\s*\d{1,3}\s*[-－—]|第\s*\d{1,3}\s*页(?:\s*[/，,]?\s*共\s*\d{1,3}\s*页)?|\d{1,3})$")
_ITEM_START = rx.lazy(r"^[（(]?(?:[一二三四五六七八九十]{1,2}|\d{1,2})[）)、.．]")
# an attachment URL: a run of URL characters (matched possessively, so a long run is read
# once, not once per start position) that holds a document extension
# a `pdftotext -layout` table row: numbers apart by runs of spaces at the line's end (its
# columns: kept, so a blank cell's column shows; recognize/bands.py)
_LAYOUT_ROW = rx.compile(r"\S {2,}[-+]?\d[\d,.]*(?: {2,}[-+]?\d[\d,.]*)+ *$")
_URL_RUN = rx.lazy(r"[A-Za-z0-9_./:%?=&~+\-]++")
_EXT_END = rx.lazy(r"\.(?:pdf|docx?|wps|xlsx?|rtf)(?![A-Za-z0-9_])", re.I)


def _check_text(text: str, options) -> None:
    if not text.strip():
        raise ReadError("the file holds no text", "give a report's text, HTML, PDF or Word file", options.filename)
    sample = text[:4000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f\v") or ch == "\ufffd")
    if bad > max(8, len(sample) // 50):
        raise ReadError("this is not text (binary or undecodable content)",
                        "give a PDF, DOCX, DOC, HTML, text or Markdown report", options.filename)


def _split_header(lines: list[str]) -> tuple[dict, list[str]]:
    """A crawler's header block (标题: …, 原文链接: …, ===== 正文 =====) and the body."""
    for i, line in enumerate(lines[:40]):
        if _BODY_SEP.match(line.strip()):
            fields = {}
            for h in lines[:i]:
                m = _CRAWLER_FIELD().match(h.strip())
                if m:
                    fields[m.group(1)] = m.group(2).strip()
            return fields, lines[i + 1:]
    return {}, lines


def _is_label(cell: str) -> bool:
    return bool(cell) and not is_value_text(cell)


def _stitch(rows: list[list[str]], cuts: set[int]) -> list[list[str]]:
    """Rows of a converter's pipe table as printed: empty rows (a piece's blank header)
    dropped, and a row whose labels came without their numbers joined with the next row
    when that row brings numbers under no label of its own, or under the rest of a label
    wrapped over a page break (`cuts`: indices of rows that open a piece): else the first
    would read as blanks and the numbers would belong to no row."""
    out: list[list[str]] = []
    opens = False                # the row opens a piece (a dropped empty header row may come first)
    for i, row in enumerate(rows):
        cells = [clean_cell(c) for c in row]
        opens = opens or i in cuts
        if not any(cells):
            continue
        first_of_piece, opens = opens, False
        if out:
            prev = [clean_cell(c) for c in out[-1]]
            values_at = [j for j, c in enumerate(cells) if c and is_value_text(c)]
            labels_at = [j for j, c in enumerate(prev) if c]
            # the previous row: labels only, all of them left of this row's numbers (a header
            # row has labels above the numbers); this row: no label that starts a row of its own
            if len(row) == len(out[-1]) and values_at and labels_at and max(labels_at) < min(values_at) \
                    and all(_is_label(prev[j]) for j in labels_at) \
                    and not any(_ITEM_START().match(c) for c in cells if _is_label(c)) \
                    and (first_of_piece or not any(_is_label(c) for c in cells)):
                out[-1] = [a + b if a and b and _is_label(b) else (a or b)
                           for a, b in zip(out[-1], row, strict=True)]
                continue
        out.append(list(row))
    return out


def _split_row(line: str, sep: str, limits: Limits) -> list[str]:
    """A tab or pipe row's cells, counted before a single one is made (limits.row_cells)."""
    n = line.count(sep) + 1
    if n > limits.row_cells:
        raise refuse(f"a table row of {n:,} cells", "row_cells", limits.row_cells)
    return line.split(sep)


def _build(lines: list[str], fmt: str, markdown: bool, limits: Limits) -> list:
    blocks: list = []
    table_rows: list[list[str]] = []
    table_kind = None
    used = [0]                   # grid positions of the document's tables so far
    tables = [0]                 # tables made so far
    held: list[str] = []         # blank and page-footer lines after a pipe table: a page break inside it?
    cuts: set[int] = set()       # rows of the current pipe table that open a new piece
    gap = False                  # a blank line since the last paragraph

    def flush_table():
        nonlocal table_rows, table_kind
        if table_kind == "pipe":
            table_rows = _stitch(table_rows, cuts)
            cuts.clear()
        if table_rows:
            size = len(table_rows) * max(len(r) for r in table_rows)     # padded to the widest row
            check_cells(size, used[0] + size, limits)
            used[0] += size
            if len(table_rows) == 1 and table_kind == "tab" and len([c for c in table_rows[0] if c.strip()]) < 2:
                blocks.append(Paragraph(clean_text(" ".join(table_rows[0])).strip()))
            else:
                # numbered by a count, not by scanning the blocks: 20,000 one-row tables were quadratic
                blocks.append(grid_from_rows(tables[0], table_rows, fmt))
                tables[0] += 1
        table_rows, table_kind = [], None

    for line in lines:
        raw = line.rstrip("\r\n")
        stripped = raw.strip()
        if markdown and stripped.startswith("|") and stripped.count("|") >= 2:
            if _MD_RULE().match(stripped):
                continue
            cells = [c.strip() for c in _split_row(stripped.strip("|"), "|", limits)]
            if held and not (table_kind == "pipe" and len(cells) == len(table_rows[0])):
                flush_table()
                blocks.extend(Paragraph(clean_text(h)) for h in held if h)
            if held and table_kind == "pipe":
                cuts.add(len(table_rows))      # a table cut by a page break goes on: the pieces are one table
            held = []
            if table_kind not in (None, "pipe"):
                flush_table()
            table_kind = "pipe"
            table_rows.append(cells)
            check_rows(len(table_rows), limits)
            continue
        if table_kind == "pipe" and (not stripped or _PAGE_FOOTER().match(stripped)):
            held.append(stripped)
            continue
        if "\t" in raw and stripped:
            if table_kind not in (None, "tab"):
                flush_table()
            table_kind = "tab"
            table_rows.append(_split_row(raw, "\t", limits))
            check_rows(len(table_rows), limits)
            continue
        flush_table()
        blocks.extend(Paragraph(clean_text(h)) for h in held if h)
        held = []
        if not stripped:
            gap = True
            continue
        heading = markdown and stripped.startswith("#")
        if _LAYOUT_ROW.search(raw):
            text = clean_spaced(raw.rstrip())
        else:
            text = clean_text(stripped.lstrip("#").strip() if heading else stripped)
        blocks.append(Paragraph(text, gap_before=gap))
        gap = False
    flush_table()
    return blocks


def _read(data: bytes, options, fmt: str) -> Document:
    text, _ = decode(data)
    _check_text(text, options)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields, body = _split_header(lines)
    doc = Document(format=fmt, blocks=_build(body, fmt, fmt == "markdown", options.limits))
    doc.title = fields.get("标题") or None
    base = fields.get("原文链接")
    for p in doc.paragraphs:
        if "附件" in p.text:
            doc.links.extend(("附件", resolve_url(base, url)) for url in attachment_urls(p.text))
    return doc


def attachment_urls(text: str) -> list[str]:
    """Each URL-character run up to its last document extension (linear in the text)."""
    urls = []
    for run in _URL_RUN().finditer(text):
        last = None
        for m in _EXT_END().finditer(text, run.start(), run.end()):
            last = m
        if last is not None:
            urls.append(text[run.start():last.end()])
    return urls


def resolve_url(base: str | None, href: str) -> str:
    """href against the page's URL; the href as printed when either is malformed (`http://[::1`)."""
    if not base:
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def read(data: bytes, options) -> Document:
    return _read(data, options, "text")


def read_markdown(data: bytes, options) -> Document:
    return _read(data, options, "markdown")
