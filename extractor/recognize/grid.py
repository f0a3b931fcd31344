"""Template rows from tables that arrived as grids (HTML, DOCX, PDF, tab/pipe text)."""
from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

import re

from ..budget import Budget, Spent, unlimited
from ..grammar import Grammar, RowRule, find_words
from ..model import Cell, Table
from ..normalize import BLANK_MARKS, han_count, is_value_text, label_key
from .rows import RawRow, ValueToken
from .values import cell_pieces

_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,2}|\d{1,2})")


def _is_copy(cell: Cell) -> bool:
    o = cell.origin
    return cell.merged_from is not None and cell.merged_from != (o.row, o.col)


def classify(table: Table) -> str | None:
    """t2 / t3 / t4 by the labels a table holds; None for anything else."""
    keys = [label_key(c.text) for row in table.rows for c in row if c.text and not _is_copy(c)]
    joined = "|".join(keys)
    words = find_words()
    # on equal scores the first wins: t3, t2, t4
    score = {t: sum(w in joined for w in words[t]) for t in ("t3", "t2", "t4")}
    best = max(score, key=lambda t: score[t])
    if score[best] == 0:
        return None
    if best == "t4" and score["t3"] >= 2:
        return "t3"
    return best


_KINDS = ("t2", "t3", "t4")        # the template's tables in the order they are printed


def split(table: Table) -> list[Table]:
    """A grid holding one template table and then the next (a scan's heading between them
    misread, so the rows ran on) as one table each: cut at the first row that prints a
    word of the next table, when each part is then told as its table."""
    kind = classify(table)
    if kind not in _KINDS[:-1]:
        return [table]
    words = find_words()[_KINDS[_KINDS.index(kind) + 1]]
    for k, row in enumerate(table.rows[1:], 1):
        key = "|".join(label_key(c.text) for c in row if c.text and not _is_copy(c))
        if any(w in key for w in words):
            head, tail = Table(table.index, table.rows[:k], table.page), Table(table.index, table.rows[k:], table.page)
            if classify(head) == kind and classify(tail) != kind and classify(tail) is not None:
                return [head, *split(tail)]
            break
    return [table]


def next_kind(kind: str, text: str) -> str | None:
    """The template table after `kind` when `text` prints two of its words or more."""
    if kind not in _KINDS[:-1]:
        return None
    nxt = _KINDS[_KINDS.index(kind) + 1]
    key = label_key(text)
    return nxt if sum(w in key for w in find_words()[nxt]) >= 2 else None


def numeric_only(table: Table) -> bool:
    cells = [c.text for row in table.rows for c in row if c.text]
    return bool(cells) and all(is_value_text(t) for t in cells)


LABELS_SPENT = "labels"       # Budget.spent_at entry: the closest-label search ran out


def match_row(label: str, rules: tuple[RowRule, ...], budget: Budget | None = None) -> RowRule | None:
    """The rule whose keyword best matches a label (longest keyword wins), else the one it
    is clearly close to (a search on the document's budget: none once that is spent)."""
    key = label_key(label)
    if not key:
        return None
    bare = _ITEM.sub("", key)
    best, best_len = None, 0
    for r in rules:
        for kw in r.keywords:
            hit = (bare == kw) if r.exact else (kw in key)
            if hit and len(kw) > best_len:
                best, best_len = r, len(kw)
    return best or _closest_on_budget(bare, rules, budget or unlimited())


def _closest_on_budget(bare: str, rules: tuple[RowRule, ...], budget: Budget) -> RowRule | None:
    """_closest, charged one step per label compared, cached or not (a document reads the
    same whatever was read before it). A table of a million rows of near-labels would
    otherwise compare each with every label: the document's budget bounds it."""
    if len(bare) < 4:
        return None
    try:
        budget.spend(len(rules))
    except Spent:
        if LABELS_SPENT not in budget.spent_at:
            budget.spent_at.append(LABELS_SPENT)
        return None
    return _closest(bare, rules)


@lru_cache(maxsize=4096)      # header and prose rows recur; difflib is the slow part of a parse
def _closest(bare: str, rules: tuple[RowRule, ...]) -> RowRule | None:
    """A misread label (OCR's 属于行政执法案郑): the one official label it is clearly close to."""
    if len(bare) < 4:
        return None
    scored = []
    for i, r in enumerate(rules):
        if r.exact:
            continue
        m = SequenceMatcher(None, bare, _ITEM.sub("", label_key(r.label)))
        if m.real_quick_ratio() >= 0.8 and m.quick_ratio() >= 0.8:     # cheap upper bounds first
            scored.append((m.ratio(), i))
        else:
            scored.append((0.0, i))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= 0.8 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.2):
        return rules[scored[0][1]]
    return None


def _label_cells(row: list[Cell], first_value: int = 0) -> list[int]:
    """Text cells up to the row's first value: text among the values (a garbled or
    spelled-out number) is an unreadable cell of the row, not a label that shifts it.
    A label's own pieces may read as values (三、本年度… wrapped, 无法提供 cut after 无):
    every text cell up to the last one that holds a label's words is the label's, and
    every one left of the table's first value column (`first_value`)."""
    words = [i for i, c in enumerate(row) if c.text and not is_value_text(c.text) and _wordy(c.text)
             and not read_as_value(c)]
    end = max(words[-1] + 1 if words else 0, min(first_value, len(row)))
    out: list[int] = [i for i, c in enumerate(row[:end]) if c.text]
    for i in range(out[-1] + 1 if out else 0, len(row)):
        c = row[i]
        if not c.text:
            continue
        if is_value_text(c.text) or read_as_value(c):
            if out:
                break
            continue
        out.append(i)
    return out


def read_as_value(cell: Cell) -> bool:
    """Did OCR read the cell as a value cell (its crop read several ways, the reads kept)?
    Then what it holds (`”1`, `冯册`) is a misread number, not a label: label cells are not
    read that way."""
    return bool(cell.origin.reads) and any(r.strip() for r in cell.origin.reads)


def _wordy(text: str) -> bool:
    """Four Chinese characters or more: a label's words, never a misread number (OCR
    reads a number as at most a few glyphs)."""
    return han_count(text) >= 4


def _row_rule(row: list[Cell], rules: tuple[RowRule, ...], budget: Budget | None,
              first_value: int = 0) -> tuple[RowRule | None, int, str]:
    """Match on the most specific (rightmost) label cell first, then on the whole label.
    A label the reader could not attribute to this row for sure (a label cell unread: two
    numbered items beside one row of values) names no row."""
    idx = _label_cells(row, first_value)
    if not idx:
        return None, -1, ""
    last = idx[-1]
    texts = _label_texts(row, idx)
    if any(row[i].unread for i in idx):
        return None, last, " / ".join(texts)
    if any(row[i].origin.ocr for i in idx) and len(_named(row, idx, rules)) > 1:
        # a scan's label naming two template rows (OCR ran two printed lines into one,
        # `一、本年新收…二、上年结转…`): which of them the row's values are is not known
        return None, last, " / ".join(texts)
    rule = match_row(row[last].text, rules, budget) or match_row("".join(texts), rules, budget)
    return rule, last, " / ".join(texts)


def _label_texts(row: list[Cell], idx: list[int]) -> list[str]:
    texts: list[str] = []
    for i in idx:
        if not texts or row[i].text != texts[-1]:
            texts.append(row[i].text)
    return texts


def _named(row: list[Cell], idx: list[int], rules: tuple[RowRule, ...]) -> set[str]:
    """Ids of the rows whose keyword the label prints (no closest-label guess)."""
    key = label_key("".join(_label_texts(row, idx)))
    bare = _ITEM.sub("", key)
    return {r.id for r in rules for kw in r.keywords if ((bare == kw) if r.exact else (kw in key))}


def _tokens_after(row: list[Cell], last_label: int, width: int) -> list[ValueToken]:
    """The cells right of the label, blank ones at the end dropped unless the row has
    exactly `width` cells, each blank or one number (a grid rebuilt from an unruled print:
    its blank total is a printed blank); blank ones at the start too when `width` cells,
    each holding text, follow them (an empty label column: with a blank among the rest,
    which cell is which is left to the splitter and the sums)."""
    cells = [c for c in row[last_label + 1:] if not _is_copy(c)]
    if not (len(cells) == width and all(not c.text or _one_number(c) for c in cells)):
        while cells and not cells[-1].text:
            cells.pop()
    # (an unread cell is not blank: a number glued to its label left it so)
    lead = next((i for i, c in enumerate(cells) if c.text or c.unread), len(cells))
    if lead and len(cells) - lead == width and all(c.text for c in cells[lead:]):
        cells = cells[lead:]
    return [ValueToken(c.raw, c.origin, c.unread) for c in cells]


def _one_number(cell: Cell) -> bool:
    return is_value_text(cell.text) and len(cell_pieces(cell.raw)) == 1


def _column_map(rows: list[list[Cell]], labels: dict[str, str]) -> dict[str, int]:
    """Column id -> grid column, from header cells that print the template's column labels
    (a short label may open a longer header: 其他 / 其他组织)."""
    found: dict[str, int] = {}
    for row in rows:
        for j, c in enumerate(row):
            k = label_key(c.text)
            for cid, lab in labels.items():
                if cid not in found and k and (k.startswith(lab) or (len(lab) > 3 and lab in k)):
                    found[cid] = j
    return found


def _aligned(row: list[Cell], cmap: dict[str, int], order: list[str], last_label: int) -> list[ValueToken] | None:
    if len(cmap) != len(order) or min(cmap.values()) <= last_label:
        return None
    cols = [cmap[c] for c in order]
    if len(set(cols)) != len(cols) or max(cols) >= len(row):
        return None
    cells = [row[j] for j in cols]
    if not all(not c.text or _one_number(c) for c in cells):
        return None      # a label, or several numbers in one cell: the map does not fit this row
    # a value cell left outside the mapped columns means the map does not fit this row
    outside = [c for j, c in enumerate(row) if j > last_label and j not in cols and c.text and not _is_copy(c)]
    if outside:
        return None
    return [ValueToken(c.raw, c.origin, c.unread) for c in cells]


class Line:
    """A row of table 三's grid as read: the template row its label names, if any, and
    what the order placement (in_order) needs to know of it. A plain class, not a
    dataclass (see grammar.py)."""
    __slots__ = ("raw", "values", "anchor")

    def __init__(self, raw: RawRow, values: bool, anchor: str | None):
        self.raw = raw           # rule_id "" when the label names no template row (or is in doubt)
        self.values = values     # the row carries the table's values (most of its cells are numbers)
        self.anchor = anchor     # the one template row its label names by keyword, beyond doubt


def fold_wrapped(rows: list[list[Cell]], width: int) -> list[list[Cell]]:
    """Rows of a label wrapped over several lines, the row's value cells merged over all of
    them (LibreOffice prints, a line per grid row): one row, its label's lines joined. A row
    is such a line when `width` cells or more after its text repeat a row above (merged
    down, not across), the others blank, and it holds no number of its own; with no text
    of its own it adds nothing."""
    out: list[list[Cell]] = []
    for row in rows:
        own = [j for j, c in enumerate(row) if c.text and not _is_copy(c)]
        rest = row[own[-1] + 1:] if own else row
        if (out and sum(map(_from_above, rest)) >= width and all(_from_above(c) or not c.text for c in rest)
                and not any(is_value_text(row[j].text) for j in own)
                and all(j < len(out[-1]) and not _is_copy(out[-1][j]) for j in own)):
            above = out[-1] = list(out[-1])
            for j in own:
                a, c = above[j], row[j]
                above[j] = Cell(a.raw + c.raw, a.text + c.text, a.origin, a.merged_from, a.unread or c.unread)
            continue
        out.append(row)
    return out


def _from_above(cell: Cell) -> bool:
    """The cell repeats one in a row above it (merged down), not one beside it."""
    return cell.merged_from is not None and cell.origin.row is not None and cell.merged_from[0] < cell.origin.row


def t3_lines(tables: list[Table], rules: tuple[RowRule, ...], grammar: Grammar,
             budget: Budget | None = None) -> list[Line]:
    """Every row of table 三 that is labelled with a template row or carries values, top to bottom."""
    width = len(grammar.t3_columns)
    first_value = {t.index: _first_value_column(t, width) for t in tables}
    rows = fold_wrapped([r for t in tables for r in t.rows], width)
    header_rows = []
    for r in rows:
        if any(c.text and is_value_text(c.text) and c.text not in BLANK_MARKS for c in r):
            break
        header_rows.append(r)
    labels = dict(zip(grammar.t3_columns, (label_key(x) for x in grammar.t3_column_labels), strict=True))
    cmap = _column_map(header_rows or rows[:3], labels)
    out: list[Line] = []
    for r in rows:
        start = first_value.get(r[0].origin.table or 0, 0) if r else 0
        rule, last, label = _row_rule(r, rules, budget, start)
        aligned = _aligned(r, cmap, list(grammar.t3_columns), last)
        toks = aligned if aligned is not None else _tokens_after(r, last, width)
        # a row of values: most of the table's columns hold a number (or one unread there),
        # below the first row a label names (numbers above it are the header's, or stray)
        values = 2 * sum(1 for t in toks if t.raw.strip() and (t.unread or is_value_text(t.raw.strip()))) > width
        values = values and (rule is not None or any(ln.raw.rule_id for ln in out))
        if rule is None and not values:
            continue
        idx = _label_cells(r, start)
        named = _named(r, idx, rules) if idx and not any(r[i].unread for i in idx) else set()
        anchor = rule.id if rule is not None and named == {rule.id} else None
        origin = r[last].origin if last >= 0 else (toks[0].origin if toks else None)
        out.append(Line(RawRow(rule.id if rule else "", toks, aligned is not None, label, origin), values, anchor))
    return _twice_in_doubt(out)


def _twice_in_doubt(lines: list[Line]) -> list[Line]:
    """On a scan, a template row that the labels of two rows of values name (OCR ran a
    label's lines into the next row's) is neither row's for sure: both lose it (the
    template's order may still place them)."""
    seen: dict[str, int] = {}
    for ln in lines:
        if ln.values and ln.raw.rule_id and ln.raw.origin is not None and ln.raw.origin.ocr:
            seen[ln.raw.rule_id] = seen.get(ln.raw.rule_id, 0) + 1
    twice = {r for r, n in seen.items() if n > 1}
    if not twice:
        return lines
    return [Line(ln.raw.replace(rule_id=""), ln.values, None) if ln.values and ln.raw.rule_id in twice else ln
            for ln in lines]


def _first_value_column(table: Table, width: int) -> int:
    """On a scan, the grid column the table's values start in: where most rows holding
    exactly `width` values (one per template column) have their first (0 when no column
    has most, or the table was not OCR'd: a text's grid may be ragged; a scan's has its
    columns where its numbers stand). Text left of it is a label's, numbers too (an item's
    `3` cut off its label)."""
    starts: dict[int, int] = {}
    for row in table.rows:
        at = [j for j, c in enumerate(row) if c.text and not _is_copy(c) and is_value_text(c.text)]
        if len(at) == width:
            if not all(row[j].origin.ocr for j in at):
                return 0
            starts[at[0]] = starts.get(at[0], 0) + 1
    best = max(starts, key=lambda j: starts[j], default=0)
    return best if 2 * starts.get(best, 0) > sum(starts.values()) else 0


def t3_rows(tables: list[Table], rules: tuple[RowRule, ...], grammar: Grammar,
            budget: Budget | None = None) -> list[RawRow]:
    """Table 三's rows placed by their labels."""
    return [ln.raw for ln in t3_lines(tables, rules, grammar, budget) if ln.raw.rule_id]


def _block_header(row: list[Cell], grammar: Grammar) -> dict[str, int] | None:
    """If the row is a block's column header (信息内容 | 本年制发件数 | …), its column map."""
    for b in grammar.t2_blocks:
        cmap = _column_map([row], {c["id"]: label_key(c["label"]) for c in b.columns})
        if len(cmap) == len(b.columns):
            return cmap
    return None


def t2_rows(tables: list[Table], grammar: Grammar, budget: Budget | None = None) -> list[RawRow]:
    """Rows of table 二, their columns mapped by each block's header row."""
    all_rules = tuple(rr for b in grammar.t2_blocks for rr in b.rows)
    columns_of = {rr.id: [c["id"] for c in b.columns] for b in grammar.t2_blocks for rr in b.rows}
    cmap: dict[str, int] = {}
    out = []
    for r in (r for t in tables for r in t.rows):
        rule, last, label = _row_rule(r, all_rules, budget)
        if rule is None:
            # not a data row: maybe the header of the next block
            cmap = _block_header(r, grammar) or cmap
            continue
        order = columns_of[rule.id]
        sub = {k: v for k, v in cmap.items() if k in order}
        aligned = _aligned(r, sub, order, last) if sub else None
        toks = aligned if aligned is not None else _tokens_after(r, last, len(order))
        out.append(RawRow(rule.id, toks, aligned is not None, label, r[last].origin))
    return out


def t4_row(tables: list[Table], grammar: Grammar) -> RawRow | None:
    """Table 四's values (groups × columns): the first data row under the last header row."""
    width = len(grammar.t4_groups) * len(grammar.t4_columns)
    rows = [r for t in tables for r in t.rows]
    last_header = max((i for i, r in enumerate(rows)
                       if any(w in label_key(c.text) for c in r for w in grammar.t4_header_row_words)),
                      default=-1)
    body = [[c for c in r if not _is_copy(c)] for r in rows[last_header + 1:]]
    data = next((r for r in body if any(c.text and is_value_text(c.text) for c in r)), None)
    if data is None:   # an empty template: a row of blank cells
        data = next((r for r in body if len(r) >= width and all(not c.text for c in r)), None)
    if data is None:
        return None
    labels = [i for i, c in enumerate(data) if c.text and not is_value_text(c.text) and not read_as_value(c)]
    cells = data[labels[-1] + 1:] if labels else data
    while len(cells) > width and not cells[-1].text:
        cells = cells[:-1]
    toks = [ValueToken(c.raw, c.origin, c.unread) for c in cells]
    return RawRow("t4", toks, len(toks) == width, "", toks[0].origin if toks else None)
