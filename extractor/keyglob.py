"""Globs over canonical keys (`t3.denied_*.total`, `t*`), as fnmatch.fnmatchcase reads them.

The rules, the key checks and the prose sentences name keys by globs. fnmatch compiles
each glob to a regex (~0.2 ms apiece, ~20 of them on every run); the rules' globs hold
only `*`, which `matches` reads with string operations. A glob with `?` or `[` goes to
fnmatch.
"""
from __future__ import annotations

from functools import lru_cache


def matches(key: str, glob: str) -> bool:
    """fnmatch.fnmatchcase(key, glob)."""
    pieces = _pieces(glob)
    if pieces is None:
        from fnmatch import fnmatchcase
        return fnmatchcase(key, glob)
    if len(pieces) == 1:
        return key == glob
    first, *middle, last = pieces
    if len(key) < len(first) + len(last) or not key.startswith(first) or not key.endswith(last):
        return False
    pos, end = len(first), len(key) - len(last)
    for piece in middle:                   # each `*` stretches to the nearest next piece
        found = key.find(piece, pos, end)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def select(keys: tuple[str, ...], globs: list[str] | tuple[str, ...]) -> list[str]:
    """The keys (in their order) that any of `globs` matches."""
    hits: set[str] = set()
    for glob in globs:
        pieces = _pieces(glob)
        first = pieces[0] if pieces else ""
        hits.update(k for k in keys if k.startswith(first) and matches(k, glob))    # startswith: a cheap first cut
    return [k for k in keys if k in hits]


@lru_cache(maxsize=1024)
def _pieces(glob: str) -> tuple[str, ...] | None:
    """The literal pieces between a glob's `*`s (one piece: no `*`), None when it has `?` or `[`."""
    if "?" in glob or "[" in glob:
        return None
    return tuple(glob.split("*"))
