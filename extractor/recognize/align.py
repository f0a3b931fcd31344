"""Place the numbers of flattened text onto the template's rows.

Text made from PDFs (pdftotext, copy-paste from a viewer) loses the grid: labels wrap
around their numbers, a row's first value can land before its label or after the
row's other values, a label can follow its numbers. The grammar fixes each row's
order, its number of cells and its arithmetic, so a row is given numbers when

- its label owns exactly the row's number of cells (the labels say so), or
- the numbers between two rows placed by their labels fill the rows between them
  exactly, and the arithmetic (each row's sums, the table's column sums) admits one
  reading of them: row by row, column by column, or the first column apart (see
  orders.py; a cell every admitted reading gives the same number is placed, the others
  stay in doubt), or, when no reading holds, in order with each row's sums holding.

Every other row stays unplaced with a note saying why; nothing is guessed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from math import prod

from ..budget import Budget, Spent, unlimited
from . import orders
from .fused import CellSum, holds

SPENT = "本文档的拆分搜索预算已用尽"      # = values.SPENT: the finding says the search stopped


@dataclass(frozen=True, slots=True)
class Slot:
    """One template row to place."""
    row_id: str
    width: int                            # cells in the row
    rules: tuple[CellSum, ...]            # the row's own sums (cell indices)
    group: tuple[int, int] | None         # numbers its label owns: [start, end) in the sequence; None: label not found
    one_line: bool = True                 # the group's numbers stand on one line, so their order is the columns'


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a row's numbers were placed in the number sequence, and how."""
    span: tuple[int, int] | None          # [start, end) in the number sequence, or None when unplaced
    how: str = ""                         # "label", "order" or "orders" (read column by column or so)
    note: str | None = None               # why the row stayed unplaced
    cells: tuple[int | None, ...] = ()    # "orders": each cell's index in the sequence (None: in doubt)
    doubt: tuple[str, ...] = ()           # "orders": for each cell in doubt, the numbers it may be

    def at(self) -> tuple[int | None, ...]:
        """Each cell's index in the number sequence (None: in doubt)."""
        if self.cells:
            return self.cells
        return tuple(range(*self.span)) if self.span else ()


def _stretches(out: list) -> list[tuple[int, int]]:
    """Maximal runs [i, j) of unplaced rows."""
    runs, i = [], 0
    while i < len(out):
        if out[i] is not None:
            i += 1
            continue
        j = i
        while j < len(out) and out[j] is None:
            j += 1
        runs.append((i, j))
        i = j
    return runs


def _in_order(slots: list[Slot], out: list, i: int, j: int, total: int) -> list[tuple[int, int]] | None:
    """The spans rows i..j-1 take when the numbers between their placed neighbours fill them exactly."""
    lo = out[i - 1].span[1] if i > 0 else 0
    hi = out[j].span[0] if j < len(slots) else total
    if hi - lo != sum(s.width for s in slots[i:j]):
        return None
    spans, pos = [], lo
    for s in slots[i:j]:
        spans.append((pos, pos + s.width))
        pos += s.width
    return spans


# the table's arithmetic over rows' numbers (row id -> numbers): the rule instances that fail
RowCheck = Callable[[dict[str, tuple]], frozenset]


def place(slots: list[Slot], values: list, check: RowCheck | None = None,
          budget: Budget | None = None, cuts: orders.Cuts | None = None) -> list[Placement]:
    """A placement per slot. `values`: the number sequence read as numbers (None: unreadable);
    `check`: the table's arithmetic beyond each row's own sums, over the rows it is given;
    `cuts`: where text stands between the numbers (orders.Cuts)."""
    budget = budget or unlimited()
    cuts = cuts or {}
    out: list[Placement | None] = [Placement(s.group, "label") if _label_says(s, values, cuts, budget) else None
                                   for s in slots]
    open_windows: dict[tuple[int, int], list[orders.Reading]] = {}     # read with cells in doubt
    changed = True
    while changed:            # each placed row is a new anchor for the rows beside it
        changed = False
        for i, j in _stretches(out):
            spans = _in_order(slots, out, i, j, len(values))
            if spans is None:
                continue
            read = _by_orders(slots, out, i, j, spans[0][0], values, check, budget, cuts)
            if read is not None:
                out[i:j], found = read
                if len(found) > 1:
                    open_windows[i, j] = found
                changed = True
                continue
            row_holds = [holds(slots[k].rules, values[a:b]) for k, (a, b) in zip(range(i, j), spans, strict=True)]
            for k, span, ok in zip(range(i, j), spans, row_holds, strict=True):
                group = slots[k].group
                # every row holds: the order is confirmed; else a row whose label starts where
                # its numbers do; a lone row between placed rows, its label among its numbers
                # on one line, takes them whatever its sums say (a wrong sum is then the
                # document's; one number a line, the order inside the row is not sure enough)
                lone = j - i == 1 and group is not None and span[0] <= group[0] <= span[1] \
                    and (ok or slots[k].one_line)
                if (ok and (all(row_holds) or (group is not None and group[0] == span[0]))) or lone:
                    out[k] = Placement(span, "order")
                    changed = True
    if open_windows and check is not None:
        _jointly(slots, out, open_windows, values, check, budget)
    final: list[Placement] = []
    for k, p in enumerate(out):
        final.append(p if p is not None else Placement(None, note=_why(slots, out, k, values)))
    return final


def _by_orders(slots: list[Slot], out: list, i: int, j: int, lo: int, values: list,
               check: RowCheck | None, budget: Budget,
               cuts: orders.Cuts) -> tuple[list[Placement], list[orders.Reading]] | None:
    """Rows i..j-1 as the admitted readings of their numbers give them (orders.py), and
    those readings; None when no reading holds (the rows are then tried in order, as printed)."""
    rows = [orders.Row(s.row_id, s.width, s.rules, s.group[0] if s.group else None) for s in slots[i:j]]
    known = {s.row_id: tuple(values[x] for x in p.at()) for s, p in zip(slots, out, strict=True)
             if p is not None and p.span is not None and None not in p.at()}
    whole = None if check is None else (lambda read: check({**known, **read}))
    try:
        found = orders.readings(rows, values, lo, budget, whole, cuts)
    except orders.TooMany:
        return [Placement(None, note=_TOO_MANY) for _ in rows], []
    except Spent:
        return [Placement(None, note=SPENT) for _ in rows], []
    if not found:
        return None
    return _placements(found, values), found


def _jointly(slots: list[Slot], out: list, windows: dict[tuple[int, int], list[orders.Reading]], values: list,
             check: RowCheck, budget: Budget) -> None:
    """Windows whose readings left cells in doubt, narrowed together: each was checked
    against the rows known when it was read; the table's arithmetic (outcome rows adding
    up to the total row, say) can span windows and rows placed later. The readings of
    every window are combined, with every row now known; a window keeps the readings
    of the combinations that fail no sum but those every combination fails (orders.least_failing)."""
    inside = {k for i, j in windows for k in range(i, j)}
    known = {slots[k].row_id: tuple(values[x] for x in p.at()) for k, p in enumerate(out)
             if k not in inside and p is not None and p.span is not None and None not in p.at()}
    items = list(windows.items())
    count = prod(len(found) for _, found in items)
    if count > MAX_JOINT:
        return
    try:
        budget.spend(count)
    except Spent:
        return                # the cells stay in doubt, as each window left them
    combos = list(product(*(range(len(found)) for _, found in items)))
    fails = []
    for combo in combos:
        read = dict(known)
        for ((i, j), found), c in zip(items, combo, strict=True):
            read.update({slots[k].row_id: tuple(values[x] for x in cells)
                         for k, cells in zip(range(i, j), found[c], strict=True)})
        fails.append(check(read))
    survivors: list[set[int]] = [set() for _ in items]
    for n in orders.least_failing(fails):
        for kept, c in zip(survivors, combos[n], strict=True):
            kept.add(c)
    for ((i, j), found), kept in zip(items, survivors, strict=True):
        if kept and len(kept) < len(found):
            out[i:j] = _placements([found[c] for c in sorted(kept)], values)


MAX_JOINT = 4096              # combinations of open windows' readings tried together


def _placements(found: list[orders.Reading], values: list) -> list[Placement]:
    """Each row of a window as the readings `found` agree on it."""
    placed = []
    for k in range(len(found[0])):
        cells, doubt = orders.agree([r[k] for r in found], values)
        span = (min(found[0][k]), max(found[0][k]) + 1)
        if cells == tuple(range(*span)):
            placed.append(Placement(span, "order"))
        else:
            placed.append(Placement(span, "orders", cells=cells, doubt=doubt))
    return placed


_TOO_MANY = (f"文本中表格的行列结构丢失：这些行的数字有超过 {orders.MAX_READINGS} 种符合勾稽关系的读法"
             "（逐行、逐列等），无法确定各数字所在的单元格")


def _label_says(slot: Slot, values: list, cuts: orders.Cuts, budget: Budget) -> bool:
    """The label owns exactly the row's number of cells, in an order that can be trusted:
    on one line; or, one number a line (blank cells vanish there, a row's first number can
    stray to the row before), confirmed by the row's sums, and by them alone: no other
    order of its runs of numbers (text among them) holds them too."""
    if slot.group is None or slot.group[1] - slot.group[0] != slot.width:
        return False
    if slot.one_line:
        return True
    if not holds(slot.rules, values[slot.group[0]:slot.group[1]]):
        return False
    row = orders.Row(slot.row_id, slot.width, slot.rules, slot.group[0])
    try:
        moved = orders.run_orders(row, slot.group[0], values, cuts, budget)
        return moved is None or moved == [tuple(range(*slot.group))]
    except (orders.TooMany, Spent):
        return False


def _why(slots: list[Slot], out: list, k: int, values: list) -> str:
    i, j = next((a, b) for a, b in _stretches(out) if a <= k < b)
    spans = _in_order(slots, out, i, j, len(values))
    width = slots[k].width
    if spans is None:
        group = slots[k].group
        near = f"本行标签后有 {group[1] - group[0]} 个数字" if group is not None else "未找到本行标签"
        lo = out[i - 1].span[1] if i > 0 else 0
        hi = out[j].span[0] if j < len(slots) else len(values)
        return (f"文本中表格的行列结构丢失：{near}，本行应有 {width} 个；相邻已确定的行之间有 {hi - lo} 个数字，"
                f"而这些行共应有 {sum(s.width for s in slots[i:j])} 个（空白单元格可能没有印出），无法确定各数字的位置")
    a, b = spans[k - i]
    shown = " ".join(_show(v) for v in values[a:b])
    ok = holds(slots[k].rules, values[a:b])
    if ok:
        return (f"文本中表格的行列结构丢失：按文本顺序，本行的 {width} 个数字读作（{shown}），"
                f"但相邻的行按这一顺序不符合合计关系，这一顺序不可信，无法确定各数字所在的单元格")
    return (f"按文本顺序，本行的 {width} 个数字读作（{shown}），不符合本行的合计关系：可能是报告本身的错误，"
            f"也可能是转成文本时数字离开了所在的单元格（文本中无法区分），不作猜测")


_show = orders.show
