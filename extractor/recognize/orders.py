"""The orders in which text made from PDFs lists a block of table rows, and the search
for the placements the arithmetic admits.

Plain pdftotext prints a table in the order of its text blocks, not of its grid: rows
one after another (each row's numbers in column order); a run of rows whose numbers
stand in tidy columns column by column; the first column, close to the labels, apart
from the rest (the rest row by row, then the first column) with its numbers beside the
row labels; and a row whose numbers text cuts into runs (its own label, a header word
standing among them) with its runs in any order, as the blocks stand on the page (a
run after the total column's header word starts in that column). The grammar fixes the rows, their widths and the arithmetic, so a window of
rows whose numbers are all there (as many as the rows' cells) can be cut into blocks,
each block read in one of these orders. A cut is admitted when every row's own sums
hold and the table's column arithmetic holds over what is known; a cell is placed when
every admitted cut gives it the same number. The search is charged to the document's
budget.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from ..budget import Budget
from .fused import CellSum, holds

MAX_READINGS = 256            # distinct readings of a window kept; more: its cells stay in doubt
ROWS, COLUMNS, FIRST_LAST = "rows", "columns", "first-column-last"
ORDERS = (ROWS, COLUMNS, FIRST_LAST)

Reading = tuple[tuple[int, ...], ...]       # per row of the window, the sequence index of each cell


class TooMany(Exception):
    """More distinct readings than MAX_READINGS: the window is too ambiguous to settle."""


@dataclass(frozen=True, slots=True)
class Row:
    """A row to place in a window of numbers: its id and width."""
    row_id: str
    width: int
    rules: tuple[CellSum, ...]
    label_at: int | None        # numbers before the row's label in the sequence; None: label not found


@cache
def layout(order: str, rows: int, width: int) -> tuple[tuple[int, ...], ...]:
    """For each row of a block, the offset (from the block's start) of each of its cells."""
    if order == COLUMNS:
        return tuple(tuple(c * rows + r for c in range(width)) for r in range(rows))
    if order == FIRST_LAST:
        rest = (width - 1) * rows
        return tuple((rest + r,) + tuple(r * (width - 1) + c for c in range(width - 1)) for r in range(rows))
    return tuple(tuple(r * width + c for c in range(width)) for r in range(rows))


def _labels_agree(order: str, rows: Sequence[Row], offsets, start: int, end: int) -> bool:
    """What the labels say of an order. A column listed whole stands apart from the row
    labels: no row label but the first stands among the block's numbers. The first column
    apart stands beside the labels: each row's first number right before or right after
    its label. (Row by row, labels stand between the rows: nothing to check.)"""
    if order == COLUMNS:
        return not any(r.label_at is not None and start < r.label_at < end for r in rows[1:])
    if order == FIRST_LAST:
        return all(r.label_at is not None and start + cells[0] in (r.label_at - 1, r.label_at)
                   for r, cells in zip(rows, offsets, strict=True))
    return True


Cuts = Mapping[int, int | None]   # sequence index after text -> the column its run starts in (None: any)


def row_runs(a: int, b: int, cuts: Cuts) -> list[Run]:
    """The runs of numbers, cut by text, of one row's numbers [a, b)."""
    bounds = [a] + sorted(k for k in cuts if a < k < b) + [b]
    return [Run(s, e, cuts.get(s)) for s, e in pairwise(bounds)]


def run_orders(row: Row, a: int, values: Sequence, cuts: Cuts, budget: Budget) -> list[tuple[int, ...]] | None:
    """Every order of one row's runs of numbers (from a) that the header words and the
    labels' text blocks allow and the row's sums hold in (the order printed among them
    when it is such), distinct by numbers, as sequence indices per cell; None when no
    text cuts the row (its numbers are then in column order)."""
    runs = row_runs(a, a + row.width, cuts)
    if len(runs) < 2:
        return None
    return run_readings(runs, row.width, row.rules, values, budget)[0]


def _blocks(rows: Sequence[Row], values: Sequence, lo: int, budget: Budget, cuts: Cuts):
    """Every admitted block: (first row, end row, indices of each row's cells)."""
    starts = [lo]
    for r in rows:
        starts.append(starts[-1] + r.width)
    out: dict[int, list[tuple[int, tuple[tuple[int, ...], ...]]]] = {i: [] for i in range(len(rows))}
    for i in range(len(rows)):
        for j in range(i + 1, len(rows) + 1):
            block = rows[i:j]
            width = block[0].width
            if any(r.width != width for r in block):
                break
            seen = set()
            # rows without sums of their own cannot tell one order from another: they are
            # read in the order printed (the labels then place them, or nothing does)
            for order in ORDERS if all(r.rules for r in block) else (ROWS,):
                if order == ROWS and j > i + 1:
                    continue          # rows one after another: a chain of one-row blocks
                offsets = layout(order, j - i, width)
                if offsets in seen:
                    continue          # one row, or one column: orders that coincide
                seen.add(offsets)
                budget.spend(j - i)
                moved = run_orders(block[0], starts[i], values, cuts, budget) \
                    if order == ROWS and block[0].rules else None
                if moved is not None:
                    # one row whose numbers text cuts into runs: pdftotext may have printed
                    # its runs in any order (a header word or a label's block may say where)
                    out[i].extend((j, (c,)) for c in moved)
                    continue
                if not _labels_agree(order, block, offsets, starts[i], starts[j]):
                    continue
                cells = tuple(tuple(starts[i] + o for o in row) for row in offsets)
                if all(holds(r.rules, [values[x] for x in c]) for r, c in zip(block, cells, strict=True)):
                    out[i].append((j, cells))
    return out


def readings(rows: Sequence[Row], values: Sequence, lo: int, budget: Budget,
             check: Callable[[dict[str, tuple]], frozenset] | None = None, cuts: Cuts | None = None) -> list[Reading]:
    """The distinct ways the window's numbers, values[lo:lo+cells], can be read into
    `rows` (one reading per distinct set of numbers, as sequence indices per row): each
    an admitted cut into blocks, narrowed by `check` (the table's arithmetic, given each
    row's numbers: the sums that fail) to those failing no sum but the ones every reading
    fails (least_failing). `cuts`: where text stands between the numbers. TooMany past
    MAX_READINGS."""
    blocks = _blocks(rows, values, lo, budget, cuts or {})
    memo: dict[int, dict[tuple, Reading]] = {len(rows): {(): ()}}

    def tail(i: int) -> dict[tuple, Reading]:
        if i in memo:
            return memo[i]
        found: dict[tuple, Reading] = {}
        for j, cells in blocks[i]:
            head = tuple(tuple(values[x] for x in c) for c in cells)
            for rest, where in tail(j).items():
                budget.spend()
                found.setdefault(head + rest, cells + where)
                if len(found) > MAX_READINGS:
                    raise TooMany
        memo[i] = found
        return found

    found = sorted(tail(0).items(), key=lambda kv: repr(kv[0]))
    budget.spend(len(found))
    if check is None:
        return [where for _, where in found]
    fails = [check({r.row_id: v for r, v in zip(rows, nums, strict=True)}) for nums, _ in found]
    return [found[k][1] for k in least_failing(fails)]


def least_failing(fails: Sequence[frozenset]) -> list[int]:
    """The readings (by index) that fail no sum of the table but those every reading fails:
    a sum failing whatever the reading is the document's error and tells no reading from
    another; a sum that holds in some reading must hold. All of them when none is such."""
    if not fails:
        return []
    always = frozenset(fails[0]).intersection(*fails[1:])
    kept = [k for k, f in enumerate(fails) if f == always]
    return kept or list(range(len(fails)))


@dataclass(frozen=True, slots=True)
class Run:
    """Numbers printed one after another with no text between them: one stretch of cells,
    in column order (a text block of one table row)."""
    start: int                  # [start, end) in the number sequence
    end: int
    column: int | None          # the column it starts in, when the header word before it says so


def run_readings(runs: Sequence[Run], columns: int, rules: tuple[CellSum, ...], values: Sequence,
                 budget: Budget) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    """A one-row table whose runs of numbers pdftotext may have printed in any order (it
    orders text blocks, and a header cell can pull its column's block ahead): every
    arrangement of the runs the header words allow, as sequence indices per cell,
    distinct by numbers; (those whose sums hold, all of them). TooMany past MAX_READINGS."""
    width = sum(r.end - r.start for r in runs)
    allowed: dict[tuple, tuple[int, ...]] = {}
    used = [False] * len(runs)
    order: list[int] = []

    def go(pos: int) -> None:
        if pos == width:
            cells = tuple(i for k in order for i in range(runs[k].start, runs[k].end))
            allowed.setdefault(tuple(values[i] for i in cells), cells)
            if len(allowed) > MAX_READINGS:
                raise TooMany
            return
        for k, run in enumerate(runs):
            if used[k] or (run.column is not None and pos % columns != run.column):
                continue
            budget.spend()
            used[k] = True
            order.append(k)
            go(pos + run.end - run.start)
            order.pop()
            used[k] = False

    go(0)
    readings = [cells for _, cells in sorted(allowed.items(), key=lambda kv: repr(kv[0]))]
    holding = [c for c in readings if holds(rules, [values[i] for i in c])]
    return holding, readings


def agree(found: Sequence[Sequence[int]], values: Sequence) -> tuple[tuple[int | None, ...], tuple[str, ...]]:
    """Cells as the readings `found` (sequence indices per cell) agree on them: the index
    of each cell every reading gives the same number (None where they differ), and for
    each cell in doubt the numbers it may be."""
    cells: list[int | None] = []
    doubt: list[str] = []
    for c in range(len(found[0])):
        options = sorted({values[r[c]] for r in found}, key=show)
        if len(options) == 1:
            cells.append(found[0][c])
        else:
            cells.append(None)
            doubt.append("或".join(show(v) for v in options))
    return tuple(cells), tuple(doubt)


def show(v) -> str:
    return "?" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
