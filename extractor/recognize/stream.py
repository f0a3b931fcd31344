"""Template rows from flattened text: labels found in order, values read between them."""
from __future__ import annotations

from functools import cache

import regex as re

from ..grammar import Grammar, RowRule
from ..model import Origin
from .fused import value_run
from .rows import RawRow, ValueToken

_BLOCK_START = re.compile(r"第二十条第")


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
    m = _BLOCK_START.search(text, start, end)
    if m:
        start = m.start()
    rules = tuple(r for b in grammar.t2_blocks for r in b.rows)
    return _find_rows(text, start, end, rules, fmt, stop=_BLOCK_START)


def t3_rows(text: str, start: int, end: int, rules: tuple[RowRule, ...], fmt: str) -> list[RawRow]:
    return _find_rows(text, start, end, rules, fmt)


@cache
def _header_patterns(words: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """Each header word, spaces allowed between its characters (wrapped header cells)."""
    return tuple(re.compile(r"\s*".join(map(re.escape, w))) for w in words)


def t4_row(text: str, start: int, end: int, grammar: Grammar, fmt: str) -> RawRow | None:
    """Table 四 in running text: the header words, then fifteen numbers (maybe fused)."""
    seg = text[start:end]
    last = 0
    for p in _header_patterns(grammar.t4_header_words):
        for m in p.finditer(seg):
            last = max(last, m.end())
    if not last:
        return None
    toks = value_run(seg[last:])
    if not toks:
        return None
    return RawRow("t4", [ValueToken(t, Origin(fmt)) for t in toks], False, "", Origin(fmt))
