"""Template rows from flattened text: labels found in order, values read between them.

Two kinds of flattened table. Crawler text puts a whole table on one line, each row's
numbers right after its label, often fused (`规范性文件898989`): the values are the run
after each label and the fused-digit splitter reads them. Text made from PDFs
(pdftotext, copy-paste) puts the table over many lines, every number a cell of its own,
but labels wrap around numbers and numbers stray from their labels: the labels are
matched with the numbers taken out, and align.place puts the numbers on the rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import regex as re

from ..budget import Budget, Spent, unlimited
from ..grammar import Grammar, RowRule
from ..model import Origin
from ..normalize import THOUSANDS, han_count, parse_value
from . import bands, orders
from .align import SPENT, Placement, RowCheck, Slot, place
from .fused import CellSum, holds, value_run
from .rows import RawRow, ValueToken

# a number standing as a cell of its own: not glued to a digit or a dot on its left, and
# followed by a space, a line end or a unit (so `1.属于…` item numbers and `2024年` stay text);
# blank marks and Chinese numerals only between spaces (`本年增/减` and `三、本` stay text)
_NUMERALS = "〇零一二两三四五六七八九十百千万"
_CELL = re.compile(r"(?<![\d.,\-+])[-+]?\d[\d,]*(?:\.\d+)?(?=[元万件个项条]?(?:\s|$))"
                   r"|(?<=^|\s)(?:—+|-{1,2}|/)(?=\s|$)(?!\s*[、.．])"
                   # a count in Chinese numerals; not a character of a label printed down the
                   # page (`三` of 三、本年度办理结果 before a row's label text: -layout text)
                   rf"|(?<=^|\s)[{_NUMERALS}]+(?=\s|$)(?!\s*[、.．])"
                   rf"(?![^\n]*?(?![{_NUMERALS}])\p{{Han}})", re.M)
_FOOTER = re.compile(r"^\s*(?:[-－—]\s*\d{1,3}\s*[-－—]|第\s*\d{1,3}\s*页(?:\s*[/，,]?\s*共\s*\d{1,3}\s*页)?)\s*$", re.M)
_SPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
MIN_LINES = 3          # numbers on this many lines: a table printed over lines, not a crawler's one-line table


@dataclass(slots=True)
class Scan:
    """A region of text as the labels see it and as the numbers see it."""
    bare: str              # the text without number cells, whitespace or page footers
    before: list[int]      # before[i]: how many number cells precede bare[i] (one extra entry for the end)
    cells: list[str]       # the number cells in reading order
    cell_lines: list[int]  # the line of each cell
    lines: int             # lines that hold number cells
    centres: list[float]   # the middle of each cell, in characters from its line's start
    after_text: list[bool]  # text stands right before the cell in its text block: on its line, or on the
                            # line above with no blank line between (plain pdftotext parts blocks by blank lines)
    alone: list[bool]       # the cell is all its line holds


def scan(text: str) -> Scan:
    # page footers, and prose lines (a sentence ends with 。, a table cell never does) whose
    # numbers are no cells: 本年共收到申请 150 件。
    text = "\n".join("" if "。" in line else line for line in _FOOTER.sub("", text).split("\n"))
    bare: list[str] = []
    before: list[int] = []
    cells: list[str] = []
    cell_lines: list[int] = []
    centres: list[float] = []
    after_text: list[bool] = []
    alone: list[bool] = []
    pos = line = 0

    def keep(chunk: str) -> None:
        for ch in _SPACE.sub("", chunk):
            bare.append(ch)
            before.append(len(cells))

    for m in _CELL.finditer(text):
        if m.group()[0] in _NUMERALS and _beside_lone_glyph(text, m.start(), m.end()):
            continue            # kept as label text by the next keep()
        keep(text[pos:m.start()])
        tok = m.group()
        cells.append(tok.replace(",", "") if THOUSANDS.match(tok) else tok)
        line += text.count("\n", pos, m.start())
        cell_lines.append(line)
        centres.append((m.start() + m.end()) / 2 - text.rfind("\n", 0, m.start()) - 1)
        after_text.append(bool(_BLANK_LINE.split(text[pos:m.start()])[-1].strip()))
        end = text.find("\n", m.end())
        alone.append(text[text.rfind("\n", 0, m.start()) + 1:len(text) if end < 0 else end].strip() == tok)
        pos = m.end()
    keep(text[pos:])
    before.append(len(cells))
    return Scan("".join(bare), before, cells, cell_lines, len(set(cell_lines)), centres, after_text, alone)


def _beside_lone_glyph(text: str, start: int, end: int) -> bool:
    """A Chinese numeral alone on its line next to a line holding one glyph alone: a
    character of a label printed down the page (三 / 作 / 、 of 三、本年度办理结果 beside a
    wrapped label in -layout text), not a count."""
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:line_end].strip() != text[start:end]:
        return False
    beside = (_line_next(text, line_start - 1, -1), _line_next(text, line_end, 1))
    return any(len(x) == 1 and x not in _NUMERALS and (x == "、" or han_count(x)) for x in beside)


def _line_next(text: str, newline: int, step: int) -> str:
    """The stripped text of the first non-empty line before (step -1) or after (step 1)
    the line break at `newline`."""
    while 0 <= newline < len(text):
        if step < 0:
            start = text.rfind("\n", 0, newline) + 1
            line, newline = text[start:newline], start - 1
        else:
            stop = text.find("\n", newline + 1)
            stop = len(text) if stop < 0 else stop
            line, newline = text[newline + 1:stop], stop
        if line:
            return line.strip()
    return ""


def _label_hits(bare: str, rules: tuple[RowRule, ...]) -> dict[str, tuple[int, int]]:
    """Each rule's label in the bare text: in template order where possible, else anywhere
    not already taken (pdftotext may print a label after the rows that follow it)."""
    hits: dict[str, tuple[int, int]] = {}
    cursor = 0
    for rule in rules:
        m = rule.text.search(bare, cursor)
        if rule.group and (t := _among_group(rule.pattern, rule.group).search(bare, cursor)) \
                and (m is None or t.start() < m.start()):
            m = t
        if m:
            cursor = m.end()
        else:
            m = next((x for x in rule.text.finditer(bare)
                      if not any(s < x.end() and x.start() < e for s, e in hits.values())), None)
        if m and m.end() > m.start():
            hits[rule.id] = (m.start(), m.end())
    return hits


@cache
def _among_group(pattern: str, group: str) -> re.Pattern:
    """A row label's pattern that lets the characters of its merged group label stand between
    its own: -layout text prints （五）不予处理 down the page, two characters a line, into
    the wrapped row labels beside it (4.无正当理由 予处 大量反复申请)."""
    return re.compile(pattern.replace(r"\s*", "[\\s" + re.escape(group) + "]*"))


def _tokens(cells: list[str], p: Placement, fmt: str) -> list[ValueToken]:
    """The row's cells as tokens; a cell in doubt is unread, printed as the numbers it may be."""
    doubt = iter(p.doubt)
    return [ValueToken(cells[i], Origin(fmt)) if i is not None else ValueToken(next(doubt), Origin(fmt), unread=True)
            for i in p.at()]


def _aligned_rows(text: str, rules: tuple[RowRule, ...], widths: dict[str, int],
                  sums: dict[str, tuple[CellSum, ...]], fmt: str,
                  check: RowCheck | None = None, budget: Budget | None = None,
                  total_word: str | None = None) -> list[RawRow] | None:
    """Rows of a table printed over many lines, or None when the text is a one-line table.
    `total_word`: the total column's header word, when the rows' sums may reorder the runs
    of numbers text cuts a row into (and settle numbers wrapped in a narrow column)."""
    sc = scan(text)
    if sc.lines < MIN_LINES:
        return None
    budget = budget or unlimited()
    hits, slots, placed = _place_scan(sc, rules, widths, sums, check, budget, total_word)
    if total_word is not None and any(p.span is None for p in placed) and (wraps := _wrapped(sc)):
        joined = _join(sc, wraps)
        try_hits, try_slots, try_placed = _place_scan(joined, rules, widths, sums, check, budget, total_word)
        if _join_confirmed(sc, placed, joined, try_slots, try_placed, wraps):
            sc, hits, slots, placed = joined, try_hits, try_slots, try_placed
    out = []
    for k, (rule, slot, p) in enumerate(zip(rules, slots, placed, strict=True)):
        label = sc.bare[hits[rule.id][0]:hits[rule.id][1]] if rule.id in hits else ""
        if p.span is not None:
            out.append(RawRow(rule.id, _tokens(sc.cells, p, fmt), True, label, Origin(fmt)))
        elif (cols := _blank_columns(sc, slots, placed, k)) is not None:
            assert slot.group is not None
            toks = [""] * slot.width
            for c, i in zip(cols, range(*slot.group), strict=True):
                toks[c] = sc.cells[i]
            out.append(RawRow(rule.id, [ValueToken(t, Origin(fmt)) for t in toks], True, label, Origin(fmt)))
        elif rule.id in hits or slot.group is not None:
            toks = sc.cells[slot.group[0]:slot.group[1]] if slot.group else []
            out.append(RawRow(rule.id, [ValueToken(t, Origin(fmt)) for t in toks], False, label, Origin(fmt),
                              note=p.note))
    return out


def _place_scan(sc: Scan, rules: tuple[RowRule, ...], widths: dict[str, int], sums: dict[str, tuple[CellSum, ...]],
                check: RowCheck | None, budget: Budget,
                total_word: str | None) -> tuple[dict[str, tuple[int, int]], list[Slot], list[Placement]]:
    """The rows' labels in the scan, the slots they make and the placement of the numbers."""
    hits = _label_hits(sc.bare, rules)
    starts = sorted(s for s, _ in hits.values())
    slots = []
    for rule in rules:
        group = None
        if rule.id in hits:
            s = hits[rule.id][0]
            nxt = next((x for x in starts if x > s), len(sc.bare))
            group = (sc.before[s], sc.before[nxt])
        one_line = group is None or len(set(sc.cell_lines[group[0]:group[1]])) <= 1
        slots.append(Slot(rule.id, widths[rule.id], sums.get(rule.id, ()), group, one_line))
    values = [parse_value(c).value for c in sc.cells]
    cuts = {} if total_word is None else _cuts(sc, hits, total_word, max(widths.values(), default=0))
    return hits, slots, place(slots, values, check, budget, cuts)


def _wrapped(sc: Scan) -> list[tuple[int, int]]:
    """Pairs of numbers that may be one number wrapped in a narrow column, each alone on
    its line, digits only, the first not 0: a Chromium page's 218 printed as `21` and
    `8` on two lines of one text block (plain pdftotext: no text, no blank line between),
    or on the lines above and below its row's line, in one column band where that line
    has no number (-layout)."""
    text_before = _text_before(sc)

    def part(k: int) -> bool:
        return sc.alone[k] and sc.cells[k].isdigit()

    out: list[tuple[int, int]] = []
    for a in range(len(sc.cells) - 1):
        if not part(a) or sc.cells[a][0] == "0" or (out and out[-1][1] >= a):
            continue              # pairs apart: a number is the part of one number at most
        line = sc.cell_lines[a]
        if sc.cell_lines[a + 1] == line + 1 and part(a + 1) and a + 1 not in text_before:
            out.append((a, a + 1))
            continue
        b = a + 1
        while b < len(sc.cells) and sc.cell_lines[b] == line + 1:
            b += 1
        if a + 1 < b < len(sc.cells) and sc.cell_lines[b] == line + 2 and part(b) \
                and abs(sc.centres[b] - sc.centres[a]) <= bands.CLEAR - 1 \
                and all(abs(sc.centres[i] - sc.centres[a]) > bands.CLEAR for i in range(a + 1, b)):
            out.append((a, b))
    return out


def _join(sc: Scan, pairs: list[tuple[int, int]]) -> Scan:
    """The scan with each pair (a, b) of numbers read as one, where b stands."""
    cells, lines, centres, after, alone = (list(sc.cells), list(sc.cell_lines), list(sc.centres),
                                           list(sc.after_text), list(sc.alone))
    before = list(sc.before)
    for a, b in sorted(pairs, reverse=True):
        cells[b] = cells[a] + cells[b]
        after[b] = after[a]
        for column in (cells, lines, centres, after, alone):
            del column[a]
        before = [x - 1 if x > a else x for x in before]
    return Scan(sc.bare, before, cells, lines, len(set(lines)), centres, after, alone)


def _join_confirmed(sc: Scan, placed: list[Placement], joined: Scan, slots: list[Slot], joined_placed: list[Placement],
                    pairs: list[tuple[int, int]]) -> bool:
    """Numbers read as wrapped when that reading places more cells, every joined number
    in a row that took it, whose sums hold with it, and every row placed without the
    joins placed alike with them."""
    new_index = [b - sum(1 for a, _ in pairs if a < b) for _, b in pairs]
    values = [parse_value(c).value for c in joined.cells]
    for i in new_index:
        row = next((k for k, p in enumerate(joined_placed) if i in p.at()), None)
        if row is None or not holds(slots[row].rules, [None if x is None else values[x] for x in joined_placed[row].at()]):
            return False
    old_values = [parse_value(c).value for c in sc.cells]
    for p, q in zip(placed, joined_placed, strict=True):
        if p.span is not None and [None if x is None else old_values[x] for x in p.at()] != \
                [None if x is None else values[x] for x in q.at()]:
            return False
    return sum(len(p.at()) for p in joined_placed) > sum(len(p.at()) for p in placed)


def _blank_columns(sc: Scan, slots: list[Slot], placed: list[Placement], k: int) -> tuple[int, ...] | None:
    """The columns of a short row's numbers standing on one line (-layout text), told by
    the column bands of the nearest whole one-line rows above and below it."""
    slot = slots[k]
    if slot.group is None or not slot.one_line or not 0 < slot.group[1] - slot.group[0] < slot.width:
        return None
    line = sc.cell_lines[slot.group[0]]
    whole = [(sc.cell_lines[p.span[0]], [sc.centres[i] for i in range(*p.span)])
             for s, p in zip(slots, placed, strict=True)
             if p.how == "label" and p.span and s.one_line and s.width == slot.width]
    above = [ref for ln, ref in whole if ln < line][-1:]
    below = [ref for ln, ref in whole if ln > line][:1]
    cols = bands.columns([sc.centres[i] for i in range(*slot.group)], above + below)
    if cols is None:
        return None
    cells: list[int | float | None] = [0] * slot.width
    for c, i in zip(cols, range(*slot.group), strict=True):
        cells[c] = parse_value(sc.cells[i]).value
    return cols if holds(slot.rules, cells) else None     # the row's own sums confirm the columns


def _find_rows(text: str, start: int, end: int, rules: tuple[RowRule, ...], fmt: str,
               stop: re.Pattern | None = None) -> list[RawRow]:
    """Find each rule's label in order; the values are what follows it up to the next label."""
    hits: list[tuple[RowRule, int, int]] = []
    cursor = start
    for rule in rules:
        m = rule.text.search(text, cursor, end)
        if not m:
            continue
        hits.append((rule, m.start(), m.end()))
        cursor = m.end()
    out = []
    for i, (rule, s, e) in enumerate(hits):
        seg_end = hits[i + 1][1] if i + 1 < len(hits) else end
        segment = text[e:seg_end]
        if stop:
            sm = stop.search(segment)
            if sm:
                segment = segment[:sm.start()]
        toks = value_run(segment)
        out.append(RawRow(rule.id, [ValueToken(t, Origin(fmt)) for t in toks], False, text[s:e], Origin(fmt)))
    return out


def t2_rows(text: str, start: int, end: int, grammar: Grammar, fmt: str) -> list[RawRow]:
    block_start = grammar.t2_block_pattern
    m = block_start.search(text, start, end)
    if m:
        start = m.start()
    rules = tuple(r for b in grammar.t2_blocks for r in b.rows)
    widths = {r.id: len(b.columns) for b in grammar.t2_blocks for r in b.rows}
    aligned = _aligned_rows(text[start:end], rules, widths, {}, fmt)
    if aligned is not None:
        return aligned
    return _find_rows(text, start, end, rules, fmt, stop=block_start)


def t3_rows(text: str, start: int, end: int, rules: tuple[RowRule, ...], fmt: str, width: int,
            check: RowCheck | None = None, budget: Budget | None = None, total_word: str = "") -> list[RawRow]:
    """`check`: table 三's column arithmetic over rows' numbers, to settle the order of
    a table printed column by column; `total_word`: the total column's header word (a run
    of numbers right after it, text alone between them, starts in that column)."""
    row_sum = (CellSum(tuple(range(width - 1)), width - 1),)
    aligned = _aligned_rows(text[start:end], rules, {r.id: width for r in rules}, {r.id: row_sum for r in rules}, fmt,
                            check, budget, total_word)
    if aligned is not None:
        return aligned
    return _find_rows(text, start, end, rules, fmt)


@cache
def _header_patterns(words: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """Each header word, spaces allowed between its characters (wrapped header cells)."""
    return tuple(re.compile(r"\s*".join(map(re.escape, w))) for w in words)


def _text_before(sc: Scan) -> dict[int, str]:
    """The text standing right before number k, for each k that has some."""
    text_before: dict[int, str] = {}
    for ch, k in zip(sc.bare, sc.before, strict=False):
        text_before[k] = text_before.get(k, "") + ch
    return text_before


def _cuts(sc: Scan, hits: dict[str, tuple[int, int]], total_word: str, columns: int) -> orders.Cuts:
    """Where text cuts the numbers into runs. A run whose text before it is the total
    column's header word alone starts in that column (a row label can end with the word:
    （七）总计). A run right after text in its text block (a row label's block takes in the
    number nearest to it; a line orders its words left to right), or standing inside a
    row's wrapped label, on the line of its first part, is the column beside the labels,
    the first."""
    cuts: dict[int, int | None] = {k: columns - 1 if t == total_word else 0 if sc.after_text[k] else None
                                   for k, t in _text_before(sc).items() if 0 < k < len(sc.cells)}
    for s, e in hits.values():
        if sc.before[s] < sc.before[e - 1] and sc.before[s] in cuts:
            cuts[sc.before[s]] = 0
    return cuts


def _runs(sc: Scan, total_word: str, columns: int) -> list[orders.Run]:
    """The scan's numbers in runs cut by text; a run that follows the total column's header
    word (between numbers, not the header before them all) starts in that column."""
    text_before = _text_before(sc)
    cuts = [0] + [k for k in range(1, len(sc.cells)) if k in text_before] + [len(sc.cells)]
    return [orders.Run(a, b, columns - 1 if a and text_before[a].endswith(total_word) else None)
            for a, b in pairwise(cuts)]


def _t4_by_runs(sc: Scan, grammar: Grammar, rules: tuple[CellSum, ...], fmt: str, budget: Budget) -> RawRow:
    """Table 四 printed over lines with all its cells. The order printed when the header
    words between the numbers agree with it (a run after 总计 starts in the total column)
    and its sums hold, or no other arrangement fits the header words (its sums are then
    the document's); else the runs of numbers arranged as the arithmetic admits, a cell
    placed when every admitted arrangement gives it the same number."""
    n = len(grammar.t4_columns)
    values = [parse_value(c).value for c in sc.cells]
    runs = _runs(sc, grammar.names[("t4", 2, grammar.t4_columns[-1])], n)
    toks = [ValueToken(t, Origin(fmt)) for t in sc.cells]
    printed = tuple(range(len(values)))
    as_printed = all(r.column is None or r.start % n == r.column for r in runs)
    if as_printed and holds(rules, values):
        return RawRow("t4", toks, True, "", Origin(fmt))     # the order printed, confirmed by words and sums
    try:
        holding, allowed = orders.run_readings(runs, n, rules, values, budget)
    except orders.TooMany:
        return RawRow("t4", toks, False, "", Origin(fmt), note=(
            f"文本中表四的数字被表头文字隔成 {len(runs)} 段，可能的排法超过 {orders.MAX_READINGS} 种，无法确定各数字所在的单元格"))
    except Spent:
        return RawRow("t4", toks, False, "", Origin(fmt), note=SPENT)
    # the order printed when no other arrangement fits the header words: its sums are the document's
    found = [printed] if as_printed and len(allowed) == 1 else holding
    if not found:
        return RawRow("t4", toks, False, "", Origin(fmt), note=(
            f"文本中表四的数字被表头文字隔成 {len(runs)} 段，表头允许 {len(allowed)} 种排法，"
            "没有一种符合合计关系，无法确定各数字所在的单元格"))
    cells, doubt = orders.agree(found, values)
    return RawRow("t4", _tokens(sc.cells, Placement((0, len(cells)), "orders", cells=cells, doubt=doubt), fmt),
                  True, "", Origin(fmt))


def t4_row(text: str, start: int, end: int, grammar: Grammar, fmt: str, budget: Budget | None = None) -> RawRow | None:
    """Table 四 in running text: the header words, then fifteen numbers (maybe fused)."""
    seg = text[start:end]
    first, last = len(seg), 0
    for p in _header_patterns(grammar.t4_header_words):
        for m in p.finditer(seg):
            first, last = min(first, m.start()), max(last, m.end())
    if not last:
        return None
    width = len(grammar.t4_groups) * len(grammar.t4_columns)
    sc = scan(seg[first:])
    after = scan(seg[last:]).cells
    if len(after) == width and sc.lines >= MIN_LINES:
        # printed over lines, every cell after the whole header: the header says so
        return RawRow("t4", [ValueToken(t, Origin(fmt)) for t in after], True, "", Origin(fmt))
    n = len(grammar.t4_columns)
    rules = tuple(CellSum(tuple(range(i, i + n - 1)), i + n - 1) for i in range(0, width, n))
    if len(sc.cells) == width and sc.lines >= MIN_LINES:
        # printed over lines (pdftotext), the header wrapped around the numbers
        return _t4_by_runs(sc, grammar, rules, fmt, budget or unlimited())
    if len(sc.cells) == width or sc.lines >= MIN_LINES:
        # the row is placed only when its cells are all there and every group's sum holds in that order
        slot = Slot("t4", width, rules, None)     # no label of its own: placed by order and sums only
        p = place([slot], [parse_value(c).value for c in sc.cells])[0]
        toks = [ValueToken(t, Origin(fmt)) for t in sc.cells]
        if p.span is not None:
            return RawRow("t4", toks, True, "", Origin(fmt))
        if sc.lines >= MIN_LINES:
            return RawRow("t4", toks, False, "", Origin(fmt), note=p.note)
    run = value_run(seg[last:])
    if not run:
        return None
    return RawRow("t4", [ValueToken(t, Origin(fmt)) for t in run], False, "", Origin(fmt))
