"""Structure findings that say whose fault a gap is.

A part, table or row is called missing (an error about the document) only when the
document demonstrably lacks it: its label is nowhere in the document's text, the text was
readable, and the table around it was read whole (its grid, or its part from heading to
the next part's heading, or its first and last rows). Anything else the reader could not place is a reading finding (warning) that
names the keys left null. A document whose every value cell is printed blank is the blank
template, not a report of zeros.
"""
from __future__ import annotations

import re

from ..grammar import Grammar
from ..model import Document, Table
from ..normalize import label_key
from ..report import Finding
from .layout import TABLE_MARK, Layout, PartHit, numeral_value, own_headings
from .values import RowResult

PART_OF_TABLE = {"t2": 2, "t3": 3, "t4": 4}
# reader notes that mean the text itself may be garbled: absence of a label proves nothing
_GARBLING_NOTES = frozenset({"PDF-CID", "OCR"})
# what part 1 says when its heading is not printed (parts 5 and 6: their grammar's `content`)
_MIN_PART1_PROSE = 40          # characters of prose before the tables that make a 总体情况


class TableRead:
    """One template table as read: its row results and what proves a gap is the document's.
    A plain class, not a dataclass (see grammar.py)."""
    __slots__ = ("kind", "results", "keywords", "table_words", "bounded", "orphans")

    def __init__(self, kind: str, results: list[RowResult], keywords: dict[str, tuple[str, ...]],
                 table_words: tuple[str, ...], bounded: bool, orphans: int = 0):
        self.kind = kind                   # t2, t3, t4
        self.results = results
        self.keywords = keywords           # row id -> label keywords
        self.table_words = table_words     # words only this table prints (its labels and headers)
        self.bounded = bounded             # its grid was found, or its part runs from its heading to the next part's
        self.orphans = orphans             # rows of values neither a label nor the order placed: a row not found may be one


def _label_present(words: tuple[str, ...], text: str) -> bool:
    return any(w and w in text for w in words)


def _whole(t: TableRead) -> bool:
    """The table was read from its first row to its last."""
    return bool(t.results) and t.results[0].raw is not None and t.results[-1].raw is not None


def _row_label(g: Grammar, row_id: str) -> str:
    rows = g.t3_rows + (g.t3_single_other,) + tuple(r for b in g.t2_blocks for r in b.rows)
    return next((r.label for r in rows if r.id == row_id), row_id)


def table_findings(g: Grammar, tables: list[TableRead], doc_text: str, garbled: bool,
                   labels_cut: bool = False) -> list[Finding]:
    """`doc_text`: label_key() of every paragraph and cell of the document, digits removed."""
    out = []
    for t in tables:
        name = g.tables[t.kind]["title"]
        present = [r for r in t.results if r.raw is not None]
        if not present:
            keys = [k for r in t.results for k in r.spec.keys]
            if garbled or labels_cut or _label_present(t.table_words, doc_text):
                message = (f"文字无法可靠解码，未能读出{name}，相关单元格留空" if garbled
                           else f"文中有{name}的标签，但未能读出表格的行和数值，相关单元格留空"
                           if _label_present(t.table_words, doc_text)
                           else f"行标签的搜索预算已用尽，未能读出{name}，相关单元格留空")
                out.append(Finding(rule="TABLE-UNREAD", severity="warning", where=t.kind, keys=keys, message=message))
            else:
                out.append(Finding(rule="MISSING-TABLE", severity="error", where=t.kind, keys=keys,
                                   message=f"未找到{name}：文中没有该表的任何标签"))
            continue
        provable = not garbled and not labels_cut and not t.orphans and (t.bounded or _whole(t))
        for r in t.results:
            if r.raw is not None:
                continue
            label = _row_label(g, r.spec.row_id)
            in_text = _label_present(t.keywords.get(r.spec.row_id, ()), doc_text)
            if provable and not in_text:
                out.append(Finding(rule="MISSING-ROW", severity="error", where=r.spec.row_id, keys=r.spec.keys,
                                   message=f"{name}缺少「{label}」行：全文没有该行的标签"))
            else:
                why = "文中有该行的标签，但其数值未能对应到各列" if in_text else "该行未能读出（表格未能完整读取）"
                out.append(Finding(rule="ROW-UNREAD", severity="warning", where=r.spec.row_id, keys=r.spec.keys,
                                   message=f"{name}「{label}」行：{why}，相关单元格留空"))
    return out


def _has_content(g: Grammar, n: int, tables: dict[str, TableRead], text: str, first_table_at: int) -> bool:
    """Whether the document holds part n's content even though its heading was not found."""
    for kind, number in PART_OF_TABLE.items():
        if number == n:
            t = tables.get(kind)
            return t is not None and any(r.raw is not None for r in t.results)
    if n == 1:
        return len(label_key(text[:first_table_at])) >= _MIN_PART1_PROSE
    rx = g.part_content(n)
    return bool(rx and rx.search(text))


def content_parts(g: Grammar, part_hits: list[PartHit], tables: dict[str, TableRead], text: str,
                  first_table_at: int, garbled: bool) -> list[int]:
    """Parts whose heading was not found but whose content the document holds."""
    found = {h.number for h in part_hits}
    return [n for n in range(1, 7)
            if n not in found and not garbled and _has_content(g, n, tables, text, first_table_at)]


def section_findings(g: Grammar, part_hits: list[PartHit], own: list[str], tables: dict[str, TableRead],
                     text: str, first_table_at: int, garbled: bool) -> list[Finding]:
    out = []
    found = {h.number for h in part_hits}
    names = {p["number"]: p["title"] for p in g.parts}
    if own:
        out.append(Finding(
            rule="OWN-STRUCTURE", severity="info", where="document",
            message="报告使用自己的部分结构（" + "；".join(own[:8]) + "），模板的六个部分按标题和内容识别，不按序号判断"
                    + ("；未以模板标题出现的部分：" + "、".join(f"第{n}部分「{names[n]}」" for n in range(1, 7)
                                                  if n not in found) if len(found) < 6 else "")))
    for n in range(1, 7):
        if n in found or own:
            continue
        if garbled or _has_content(g, n, tables, text, first_table_at):
            out.append(Finding(rule="SECTION-UNREAD", severity="warning", where=str(n), expected=names[n],
                               message=f"未能识别第{n}部分「{names[n]}」的标题，但文中有该部分的内容"
                                       if not garbled else f"文字无法可靠解码，未能识别第{n}部分「{names[n]}」"))
        else:
            out.append(Finding(rule="MISSING-SECTION", severity="error", where=str(n), expected=names[n],
                               message=f"缺少第{n}部分「{names[n]}」：既没有该部分的标题，也没有其内容"))
    if not own:
        for h in part_hits:
            if h.printed is not None and numeral_value(h.printed) != h.number:
                out.append(Finding(rule="SECTION-NUMBER", severity="warning", where=str(h.number),
                                   message=f"「{names[h.number]}」的标题序号印为「{h.printed}」，应为第{h.number}部分",
                                   expected=h.number, actual=h.printed))
    return out


def garbled_text(note_rules) -> bool:
    return any(r in _GARBLING_NOTES for r in note_rules)


def blank_template(cells: dict, keys: list[str]) -> Finding | None:
    """Every value cell of the three tables present and printed blank: the blank template."""
    if len(cells) < len(keys) * 0.9 or not all(c.blank and not (c.raw or "").strip() for c in cells.values()):
        return None
    return Finding(rule="BLANK-TEMPLATE", severity="error", where="document", keys=list(keys),
                   message="这是空白的年度报告模板：三张表格的所有数值单元格都是空白，没有填报数据，数值留空（不当作 0）")


def structure_findings(g: Grammar, doc: Document, layout: Layout, part_hits: list[PartHit],
                       tables: dict[str, list[Table]], results: tuple[list[RowResult], ...],
                       labels_cut: bool = False, t3_orphans: int = 0) -> tuple[list[Finding], list[int]]:
    """Parts, tables and rows the document lacks (errors) or we could not read (warnings);
    and the parts found by their content, their heading not printed as the template's.
    `labels_cut`: not every row label was compared (the search budget ran out), so a row
    not found proves nothing about the document; `t3_orphans`: rows of values in table 三
    that no label placed (the reader lost or garbled their labels), so a row of it not
    found is not proved missing either."""
    parts = {h.number: h for h in part_hits}
    reads = _table_reads(g, parts, tables, len(layout.text), *results)
    reads["t3"].orphans = t3_orphans
    garbled = garbled_text(n.rule for n in doc.notes)
    own = own_headings(layout, g, part_hits, g.t3_numbered_labels)
    order = [h.number for h in part_hits]
    if own and not (len(own) >= 2 or order != sorted(order)
                    or any(h.printed and numeral_value(h.printed) != h.number for h in part_hits)):
        own = []        # one odd heading in a report that otherwise follows the template
    first_table = min(layout.table_offsets.values(), default=len(layout.text))
    return (section_findings(g, part_hits, own, reads, layout.text, first_table, garbled)
            + table_findings(g, list(reads.values()), _label_text(layout, doc), garbled, labels_cut),
            content_parts(g, part_hits, reads, layout.text, first_table, garbled))


_NOT_LABEL = re.compile(r"[0-9.,\-]+")


def _table_reads(g: Grammar, parts: dict[int, PartHit], tables: dict[str, list[Table]], text_end: int,
                 t2: list[RowResult], t3: list[RowResult], t4: list[RowResult]) -> dict[str, TableRead]:
    rules = {r.id: r for b in g.t2_blocks for r in b.rows} | {r.id: r for r in g.t3_rows + (g.t3_single_other,)}
    out = {}
    for kind, results, number in (("t2", t2, 2), ("t3", t3, 3), ("t4", t4, 4)):
        keywords = {r.spec.row_id: _label_words(rules[r.spec.row_id]) for r in results if r.spec.row_id in rules}
        words = (tuple(w for ws in keywords.values() for w in ws if len(w) > 2) if kind != "t4"
                 # not 行政复议 / 行政诉讼 (in every part 四 heading) nor 总计 (a column of 三 too)
                 else tuple(w for w in g.t4_header_words
                            if w not in g.parts[3]["title"] and w not in g.t3_column_labels))
        hit = parts.get(number)
        bounded = bool(tables[kind]) or (hit is not None and hit.end < text_end)
        out[kind] = TableRead(kind, results, keywords, words, bounded)
    return out


_WINDOW = 4      # characters of a label that, found anywhere, show it is printed (maybe cut or wrapped)


def _label_words(rule) -> tuple[str, ...]:
    """The row's keywords and every run of _WINDOW characters of its label: a label cut at
    the page edge (1.属于国家秘) is still the document's row."""
    label = _NOT_LABEL.sub("", label_key(rule.label)).lstrip("一二三四五六七八九十")
    return rule.keywords + tuple(label[i:i + _WINDOW] for i in range(len(label) - _WINDOW + 1))


def _label_text(layout: Layout, doc: Document) -> str:
    """Every paragraph and cell as label_key() text without digits: plain pdftotext puts a
    row's values inside its wrapped label (确认或重 / 0 / 新出具)."""
    cells = "|".join(c.text for t in doc.tables for row in t.rows for c in row if c.text)
    return _NOT_LABEL.sub("", label_key(layout.text.replace(TABLE_MARK, "") + "|" + cells))
