"""Prose against tables: figures a report's parts restate, checked against its table cells.

The sentences are data (grammars/prose/restatements.json): a regex with the figure as
group `n` (and an optional share `pct`, 占 33.9%), the key the finding names, the table
readings it may equal (expressions of key globs joined by +), the parts it is read in.
A figure equal to any reading is fine; a percentage is checked against its own figure
over any of the `share_of` denominators, to the precision printed. A finding carries the
sentence, its part and the keys.
"""
from __future__ import annotations

import json
import re
from functools import cache, lru_cache

from ..grammar import grammar_dir, table_names
from ..keyglob import select
from ..normalize import MAX_DIGITS, running_text
from ..report import Finding, Report
from ..validate import _num, key_label

_BEFORE = 12                            # characters of context a `before` pattern is matched on
_SENTENCE_END = "。；;！？!?\n"
_EPS = 1e-6


class Sentence:
    """One restatement of restatements.json. A plain class, not a dataclass (see
    grammar.py); not changed once built."""
    __slots__ = ("name", "source", "before_source", "hint", "where", "readings", "share_of", "parts")

    def __init__(self, name: str, source: str, before_source: str | None, hint: str, where: str,
                 readings: tuple[str, ...], share_of: tuple[str, ...], parts: tuple[int, ...]):
        self.name = name
        self.source = source                # the pattern, compiled when a part first holds the hint
        self.before_source = before_source
        self.hint = hint
        self.where = where
        self.readings = readings
        self.share_of = share_of
        self.parts = parts

    @property
    def pattern(self) -> re.Pattern:
        return _compile(self.source)

    @property
    def before(self) -> re.Pattern | None:
        return _compile(self.before_source) if self.before_source else None


_compile = cache(re.compile)     # a report's parts hold few hints: most patterns are never compiled


@cache
def sentences() -> tuple[Sentence, ...]:
    raw = json.loads((grammar_dir() / "prose" / "restatements.json").read_text(encoding="utf-8"))
    defs = raw["defs"]

    def fill(p: str) -> str:
        for name, value in defs.items():
            p = p.replace("{%s}" % name, value)
        return p

    return tuple(Sentence(
        s["name"], fill(s["pattern"]), fill(s["before"]) if s.get("before") else None,
        s.get("hint", ""), s["where"], tuple(s["readings"]), tuple(s.get("share_of", ())),
        tuple(s.get("parts", ()))) for s in raw["sentences"])


def _keys(expr: str, values: dict) -> list[list[str]]:
    """'t3.granted.total + t3.{denied_*}.total' -> the keys of each term (globs expanded)."""
    return [list(t) for t in _expand(expr, tuple(values))]


@lru_cache(maxsize=256)                   # an edition's key set is fixed: expand each expression once
def _expand(expr: str, keys: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    globs = [term.strip().replace("{", "").replace("}", "") for term in expr.split("+")]
    return tuple(tuple(select(keys, (g,))) for g in globs)


def reading(expr: str, values: dict) -> tuple[float | None, list[str]]:
    """The sum an expression reads from the values (None when a term is missing or unread)."""
    terms = _keys(expr, values)
    keys = [k for t in terms for k in t]
    if any(not t for t in terms) or any(values.get(k) is None for k in keys):
        return None, keys
    return sum(values[k] for k in keys), keys


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    b = min(ends) + 1 if ends else len(text)
    return text[a:b].strip()


def _name(keys: list[str]) -> str:
    return " + ".join(f"{table_names().get(k.split('.')[0], k)}「{key_label(k)}」" for k in keys[:3]) + \
        ("等" if len(keys) > 3 else "")


def check_prose(report: Report) -> list[Finding]:
    """PROSE-TABLE findings of a report with template tables."""
    return [f for _, _, f in prose_checks(report) if f is not None]


def prose_checks(report: Report):
    """Every figure the prose restates: (sentence rule name, figure, finding or None if it agrees)."""
    if not report.parts:
        return
    values = report.values
    rules = sentences()
    seen = set()
    for part in report.parts:
        text = running_text(part.text)
        for s in rules:
            if s.hint not in text or (s.parts and part.number not in s.parts):
                continue
            for m in s.pattern.finditer(text):
                start, n = m.start(), m.groupdict().get("n")
                if s.before is not None:
                    b = s.before.search(text, max(0, start - _BEFORE), start)
                    if b is None:
                        continue
                    start, n = b.start(), n or b.group("n")
                if n is None or len(n) > MAX_DIGITS:           # no figure a report states; int() would refuse it
                    continue
                n = int(n)
                if (s.where, n) in seen:          # a figure restated twice is one finding
                    continue
                seen.add((s.where, n))
                sentence = _sentence(text, start, m.end())
                snippet = text[start:m.end()].strip("，。；：:（( ")
                found = _check_figure(s, n, values, part.number, sentence, snippet)
                if found is None and m.groupdict().get("pct"):
                    found = _check_share(s, n, m.group("pct"), values, part.number, sentence, snippet)
                yield s.name, n, found


def _check_figure(s: Sentence, n: int, values: dict, part: int, sentence: str, snippet: str) -> Finding | None:
    readings = [(e, *reading(e, values)) for e in s.readings]
    known = [(e, v, keys) for e, v, keys in readings if v is not None]
    if not known or any(abs(v - n) <= _EPS for _, v, _ in known):
        return None
    said = "、".join(f"{_name(keys)} = {_num(v)}" for _, v, keys in known)
    keys = list(dict.fromkeys(k for _, _, ks in known for k in ks))
    return Finding(rule="PROSE-TABLE", severity="warning", where=s.where, keys=keys, expected=_num(known[0][1]),
                   actual=n, sentence=sentence, part=part,
                   message=f"第{part}部分正文称「{snippet}」，而表中 {said}，数字不符")


def _check_share(s: Sentence, n: int, pct: str, values: dict, part: int, sentence: str, snippet: str):
    """占 X%: X must be the figure's share of one of the denominators, to the decimals printed."""
    decimals = len(pct.split(".")[1]) if "." in pct else 0
    tolerance = 0.5 * 10 ** -decimals + _EPS
    shares = []
    for e in s.share_of:
        den, keys = reading(e, values)
        if den:
            share = 100 * n / den
            if abs(share - float(pct)) <= tolerance:
                return None
            shares.append((round(share, decimals), den, keys))
    if not shares:
        return None
    share, den, keys = shares[0]
    return Finding(rule="PROSE-TABLE", severity="warning", where=s.where, keys=keys, expected=_num(share),
                   actual=float(pct), sentence=sentence, part=part,
                   message=f"第{part}部分正文称「{snippet}」，而 {n} ÷ {_name(keys)} {_num(den)} = {_num(share)}%，比例不符")
