"""Blank cells of `pdftotext -layout` rows, told by the column bands of the rows around them.

-layout text keeps a table's columns as runs of spaces: a row printed whole stands its
numbers at the columns' character offsets, and a row with a blank cell leaves that
column's offset empty. A short row's numbers are given columns when each stands in one
band of every whole row used as a reference (above and below it), unambiguously, in
order, and the row's own sums then hold; the columns left over are blank cells (0, as every reader that sees the grid
reads them). Anything less clear leaves the row unplaced.
"""
from __future__ import annotations

from collections.abc import Sequence

NEAR = 1.0          # characters: a number this close to a band's centre stands in it
CLEAR = 3.0         # ... and this much nearer to it than to any other band


def _columns(centres: Sequence[float], bands: Sequence[float]) -> tuple[int, ...] | None:
    out: list[int] = []
    for x in centres:
        dist = sorted((abs(x - b), j) for j, b in enumerate(bands))
        d1, j = dist[0]
        if d1 > NEAR or (len(dist) > 1 and dist[1][0] - d1 < CLEAR):
            return None
        if out and j <= out[-1]:
            return None
        out.append(j)
    return tuple(out)


def _fits(centres: Sequence[float], bands: Sequence[float]) -> bool:
    """Every number stands within NEAR of some band of the reference."""
    return all(min(abs(x - b) for b in bands) <= NEAR for x in centres)


def columns(centres: Sequence[float], refs: Sequence[Sequence[float]]) -> tuple[int, ...] | None:
    """The column of each of a short row's numbers (by their centres, in characters from
    the line start), when every reference row (the centres of a whole row's numbers)
    whose bands the numbers stand in places them unambiguously and the same way; None
    when any is in doubt or no reference fits. A reference none of whose bands some
    number stands near is of another geometry (the table goes on on a page whose columns
    stand elsewhere) and says nothing. (pdftotext's character grid is coarse and a long
    label can push a row a character or two: a number off its band by more than NEAR is
    in doubt.)"""
    found = {_columns(centres, r) for r in refs if _fits(centres, r)}
    if len(found) != 1:
        return None
    return found.pop()
