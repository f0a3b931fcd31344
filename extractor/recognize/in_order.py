"""Table rows placed by the template's order where their labels were misread.

A grid's rows of values come top to bottom in the template's order. When OCR garbles
the labels of a table printed without rulings (a wrapped label in a narrow column, a
label attached one row off), the numbers may still be read right. Rows whose label names
one template row by its keyword, beyond doubt, are anchors; between two anchors (or an
anchor and the table's end) the rows of values take the template rows between them one
to one, in order, when there are exactly as many of each. An anchor whose stretches on
both sides do not fit (one row too many before it, one too few after it: the label
attached one row off) is a label the order contradicts: the stretches round it are taken
together when together they fit. Nothing else is placed.

Counting decides which row is which; the caller accepts the placement only when the
arithmetic confirms it (each placed row's sum, the table's column sums): sums cannot
tell rows apart, but they do tell that no row is missing or spurious.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence

from .fused import CellSum, holds


def forced(anchors: Sequence[int | None], n: int) -> list[int | None]:
    """For each row of values (top to bottom), the template row (0..n-1) the order forces,
    or None. `anchors`: for each row, the template row its label names beyond doubt."""
    kept = _monotone(anchors)
    # bounds: (row, template row) of each kept anchor, with the table's ends round them
    bounds = [(-1, -1)] + [(i, a) for i, a in enumerate(kept) if a is not None] + [(len(anchors), n)]
    fits = [_fits(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    out: list[int | None] = list(kept)
    k = 0
    while k < len(fits):
        if fits[k]:
            _assign(out, bounds[k], bounds[k + 1])
            k += 1
            continue
        # a run of stretches that do not fit, and the anchors between them
        end = k
        while end + 1 < len(fits) and not fits[end + 1]:
            end += 1
        for a, b in _fitting_spans(bounds, k, end + 1):
            _assign(out, bounds[a], bounds[b])     # over the anchors inside: the order contradicts their labels
        k = end + 1
    return out


def _monotone(anchors: Sequence[int | None]) -> list[int | None]:
    """The anchors that agree with every other anchor on the order (a template row named
    twice, or out of order, is dropped with the anchors it disagrees with)."""
    at = [(i, a) for i, a in enumerate(anchors) if a is not None]
    bad: set[int] = set()
    for x, (i, a) in enumerate(at):
        for j, b in at[x + 1:]:
            if b <= a:
                bad.update((i, j))
    return [None if i in bad else a for i, a in enumerate(anchors)]


def _fits(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] - a[0] == b[1] - a[1]


def _assign(out: list[int | None], a: tuple[int, int], b: tuple[int, int]) -> None:
    for k, i in enumerate(range(a[0] + 1, b[0])):
        out[i] = a[1] + 1 + k


def _fitting_spans(bounds: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """Within stretches lo..hi-1 (none fits alone), the spans of bounds (a, b), b - a >= 2,
    that fit taken together; only those no other fitting span overlaps (two overlapping
    ones would be a choice, and the order decides nothing there)."""
    spans = [(a, b) for a in range(lo, hi) for b in range(a + 2, hi + 1) if _fits(bounds[a], bounds[b])]
    return [s for s in spans if not any(t != s and t[0] < s[1] and s[0] < t[1] for t in spans)]


Options = tuple[float, ...] | None     # the values a cell may be, as read; None: unknown


def resolve(cells: list[Options], rules: tuple[CellSum, ...], fill: bool) -> tuple | None:
    """The one reading of a row its own sums admit, each cell one of the values it was
    read as; with `fill`, one unknown cell may be given by the row's sum. None when no
    reading holds, or several do (or the reads allow too many to try)."""
    unknown = [i for i, c in enumerate(cells) if c is None]
    if len(unknown) > (1 if fill else 0):
        return None
    sizes = 1
    for c in cells:
        sizes *= len(c) if c else 1
    if sizes > MAX_READS:
        return None
    found = set()
    for combo in itertools.product(*(c if c is not None else (None,) for c in cells)):
        row = list(combo)
        if unknown and not _fill(row, unknown[0], rules):
            continue
        if holds(rules, row):
            found.add(tuple(row))
    return found.pop() if len(found) == 1 else None


MAX_READS = 64          # readings of one row tried at most


def _fill(row: list, i: int, rules: tuple[CellSum, ...]) -> bool:
    """Put in cell i the value the one rule it is in gives (a count: never below zero)."""
    rule = next((r for r in rules if i == r.total or i in r.parts), None)
    if rule is None or sum(1 for r in rules if i == r.total or i in r.parts) > 1:
        return False
    if i == rule.total:
        row[i] = sum(row[p] for p in rule.parts)
    else:
        row[i] = row[rule.total] - sum(row[p] for p in rule.parts if p != i)
    return row[i] >= 0
