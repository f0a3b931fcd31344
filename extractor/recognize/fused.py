"""Split runs of digits that lost their cell boundaries (`规范性文件898989`).

A run is split into the row's cells so that every piece is a well-formed number
(no leading zeros, decimals only where the column holds amounts) and the row's own
arithmetic holds. Cuts may fall only inside a token, never across the spaces that did
survive. We enumerate every such split; the caller keeps a value only when all
surviving splits agree on it.
"""
from __future__ import annotations

import re

from ..budget import Budget, unlimited
from ..normalize import THOUSANDS

TOKEN = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|—+|-{1,2}|/")
_DIGIT = re.compile(r"\d")
_PIECE = re.compile(r"-?(?:0|[1-9]\d{0,11})(?:\.\d+)?")
MAX_PIECE = 24               # sign, 12 digits, point and decimals: longer is no piece (see _PIECE)
MAX_NODES = 200_000          # per row: more readings than this is "too many ways to split"
_CACHE_MAX = 1024            # rows of zeros recur in every report
_cache: dict[tuple, tuple[tuple | None, int]] = {}


class CellSum:
    """cells[total] == sum(cells[parts]). A plain class, not a dataclass (see grammar.py);
    equal by value, as split_run's cache needs; not changed once built."""
    __slots__ = ("parts", "total")

    def __init__(self, parts: tuple[int, ...], total: int):
        self.parts = parts
        self.total = total

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CellSum):
            return NotImplemented
        return self.parts == other.parts and self.total == other.total

    def __hash__(self) -> int:
        return hash((self.parts, self.total))


def holds(rules: tuple[CellSum, ...], cells) -> bool:
    """Every rule holds over `cells` (all of them known)."""
    if any(v is None for v in cells):
        return False
    return all(abs(sum(cells[i] for i in r.parts) - cells[r.total]) < 1e-6 for r in rules)


class TooMany(Exception):
    def __init__(self, nodes: int = 0):
        super().__init__(nodes)
        self.nodes = nodes


def value_run(segment: str) -> list[str]:
    """The leading run of number tokens in a segment of flattened text."""
    tokens: list[str] = []
    pos = 0
    for m in TOKEN.finditer(segment):
        gap = segment[pos:m.start()]
        if tokens and gap.strip(" \t\u3000元万件个项条"):
            break
        if not tokens and _DIGIT.search(segment, 0, m.start()):
            break
        tok = m.group()
        tokens.append(tok.replace(",", "") if THOUSANDS.match(tok) else tok)
        pos = m.end()
    return tokens


def _number(s: str):
    return float(s) if "." in s else int(s)


def split_run(tokens: list[str], n: int, *, decimals: tuple[bool, ...] = (), signed: tuple[bool, ...] = (),
              rules: tuple[CellSum, ...] = (), budget: Budget | None = None) -> list[tuple]:
    """Every way to read `tokens` as exactly n numbers satisfying `rules`.

    Steps are charged to the document's `budget` (Spent when it runs out), cached
    results included, so the outcome never depends on what was read before."""
    budget = budget or unlimited()
    key = (tuple(tokens), n, decimals, signed, rules)
    hit = _cache.get(key)
    if hit is None:
        limit = min(MAX_NODES, budget.left)
        try:
            hit = _split_run(key[0], n, decimals, signed, rules, limit)
        except TooMany:
            if limit < MAX_NODES:            # stopped by the budget, not by the row's own cap
                budget.spend(limit + 1)
            hit = (None, MAX_NODES + 1)
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[key] = hit
    out, nodes = hit
    budget.spend(nodes)
    if out is None:
        raise TooMany(nodes)
    return list(out)


def _split_run(tokens: tuple[str, ...], n: int, decimals: tuple[bool, ...], signed: tuple[bool, ...],
               rules: tuple[CellSum, ...], limit: int) -> tuple[tuple, int]:
    """(the readings, steps taken); TooMany past `limit` steps."""
    decimals = decimals or (False,) * n
    signed = signed or (False,) * n
    by_last: dict[int, list[CellSum]] = {}
    for r in rules:
        by_last.setdefault(max(r.parts + (r.total,)), []).append(r)
    chars = list(tokens)
    # a row whose last cell totals every cell before it: the running sum can never
    # exceed the largest number the remaining digits could still spell
    running_total = any(r.total == n - 1 and r.parts == tuple(range(n - 1)) for r in rules)
    suffix = [sum(len(t) for t in chars[i:]) for i in range(len(chars) + 1)]
    out: list[tuple] = []
    cells: list = []
    nodes = 0

    def piece_ok(p: str, c: int, at_token_start: bool) -> bool:
        if p.isdigit():                       # the common case, without a regex
            return (p == "0" or p[0] != "0") and len(p) <= 12
        if p in ("—", "-", "--", "/") or set(p) == {"—"}:
            return True
        if not _PIECE.fullmatch(p):
            return False
        if p.startswith("-") and not (signed[c] and at_token_start):
            return False
        if "." in p and not decimals[c]:
            return False
        return True

    def rules_hold(c: int) -> bool:
        for r in by_last.get(c, ()):
            if abs(sum(cells[i] for i in r.parts) - cells[r.total]) > 1e-6:
                return False
        return True

    def walk(ti: int, off: int, c: int):
        nonlocal nodes
        nodes += 1
        if nodes > limit:
            raise TooMany(nodes)
        if c == n:
            if ti == len(chars):
                out.append(tuple(cells))
            return
        if ti == len(chars):
            return
        tok = chars[ti]
        left_tokens = len(chars) - ti - 1
        # a piece is at most MAX_PIECE characters: a 20,000-digit token costs 24 cuts a node, not 20,000
        for end in range(off + 1, min(len(tok), off + MAX_PIECE) + 1):
            # every later token needs at least one cell
            if n - c - 1 < left_tokens + (0 if end == len(tok) else 1):
                if end != len(tok):
                    continue
            p = tok[off:end]
            if not piece_ok(p, c, off == 0):
                continue
            if p[-1] == "-" and end < len(tok) and tok[end].isdigit():
                continue          # `-1`: a minus sign, not a blank mark beside a 1
            if end < len(tok) and (tok[end] == "." or p.endswith(".")):
                continue
            v = _number(p) if p[-1].isdigit() else 0
            cells.append(v)
            if running_total and c < n - 1:
                left = suffix[ti + 1] + len(tok) - end        # characters still unread
                room = left - (n - 2 - c)
                # pieces are at most 12 digits, so their sum stays below 10**18: past that no
                # bound to test (and 10**300000 for a long run cost milliseconds a node)
                if room < 18 and sum(cells) >= 10 ** max(0, room):
                    cells.pop()
                    continue
            if rules_hold(c):
                if end == len(tok):
                    walk(ti + 1, 0, c + 1)
                else:
                    walk(ti, end, c + 1)
            cells.pop()

    if sum(len(t) for t in tokens) < n and not any(t in ("—", "-", "/") for t in tokens):
        return (), 1
    walk(0, 0, 0)
    return tuple(out), nodes


def agreed(candidates: list[tuple]) -> list:
    """Per cell: the value every candidate agrees on, else None."""
    if not candidates:
        return []
    first = candidates[0]
    return [v if all(c[i] == v for c in candidates) else None for i, v in enumerate(first)]
