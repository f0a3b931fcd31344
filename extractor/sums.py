"""The sum rules of extractor/rules.py instantiated over a layout, and their arithmetic.

Pure functions of the rule table and the grammars: the recognizer asks whether sums
hold (to settle fused digit runs that split several ways), the validator turns the sums
that do not hold into findings. Rule instances (one per rule and `where`, keys expanded)
are built once per layout and cached: evaluating one is dict look-ups and additions.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache

from .grammar import edition_of, folder, layout_name, layouts, load
from .keyglob import select
from .rules import SUM_RULES, SumRule

Term = tuple[int, bool, str]          # (sign +1/-1, read from last year's report, key)
EPS = 1e-6


class Instance:
    """A sum rule applied at one place (column, row or group). A plain class, not a
    dataclass (see grammar.py); not changed once built."""
    __slots__ = ("rule", "where", "pos", "expected", "actual", "keys")

    def __init__(self, rule: SumRule, where: str, pos: int, expected: tuple[Term, ...], actual: tuple[Term, ...],
                 keys: tuple[str, ...]):
        self.rule = rule
        self.where = where
        self.pos = pos                    # segment of the keys that holds `where` (for labels)
        self.expected = expected
        self.actual = actual
        self.keys = keys


_BRACES = re.compile(r"\{([^{}]+)\}")


def _scope(pattern: str) -> tuple[str, int, str, str]:
    """'t3.{row}.total' -> ('row', 1, 't3.', '.total'): the placeholder, its key segment, and
    the text around it."""
    m = _BRACES.search(pattern)
    assert m is not None, f"rule scope {pattern!r} has no placeholder"
    return m.group(1), pattern[: m.start()].count("."), pattern[: m.start()], pattern[m.end():]


def _scope_value(key: str, before: str, after: str) -> str | None:
    """The key segment the scope's placeholder takes in `key`, None when the key is outside the scope."""
    if len(key) <= len(before) + len(after) or not key.startswith(before) or not key.endswith(after):
        return None
    value = key[len(before): len(key) - len(after)]
    return None if "." in value else value


def _expand(template: str, var: str, value: str, layout: tuple[str, ...], place: dict[str, int]) -> list[str]:
    """Keys of `layout` (in layout order) a term template stands for, scope value filled in.
    `place`: each key's position in the layout."""
    t = template.replace("{%s}" % var, value)
    pieces = _BRACES.split(t)          # literal, selector, literal, selector, ...
    choices = [[p] if i % 2 == 0 else p.split("|") for i, p in enumerate(pieces)]
    globs = ["".join(c) for c in itertools.product(*choices)]
    exact = {g for g in globs if not _WILDCARD.search(g)}
    if len(exact) == len(globs):
        return sorted((k for k in exact if k in place), key=place.__getitem__)
    pool = layout
    if "?" not in t and "[" not in t:
        # every glob starts with the text before its first `*` and ends with the text after its
        # last: only the keys that do are matched, glob by glob (a layout holds ~200 keys)
        head, tail = pieces[0].split("*")[0], pieces[-1].split("*")[-1]
        pool = tuple(k for k in layout if k.startswith(head) and k.endswith(tail))
    hits = set(select(pool, [g for g in globs if g not in exact]))
    return [k for k in pool if k in exact or k in hits]


_WILDCARD = re.compile(r"[*?\[]")


def terms(expr: str, var: str, value: str, layout: tuple[str, ...], place: dict[str, int]) -> tuple[Term, ...]:
    """An expression's terms over a layout (`place`: each key's position in it), the scope's
    placeholder `var` set to `value`."""
    out: list[Term] = []
    sign = 1
    for tok in expr.split():
        if tok in "+-":
            sign = 1 if tok == "+" else -1
            continue
        prev = tok.startswith("prev:")
        for key in _expand(tok.removeprefix("prev:"), var, value, layout, place):
            out.append((sign, prev, key))
    return tuple(out)


def instances(layout: str, series: bool) -> tuple[Instance, ...]:
    """The sum rules' instances over a layout: single-report ones, or the series ones."""
    return _instances(folder(), layout, series)


@cache
def _instances(path: str, name: str, series: bool) -> tuple[Instance, ...]:
    layout = layouts()[name]
    place = {k: i for i, k in enumerate(layout)}
    applies = load(edition_of(name)).rules
    out = []
    for rule in SUM_RULES:
        if rule.series != series or rule.id not in applies:
            continue
        var, pos, before, after = _scope(rule.scope)
        wheres = dict.fromkeys(w for k in layout if (w := _scope_value(k, before, after)) is not None)
        for where in wheres:
            exp = terms(rule.expected, var, where, layout, place)
            act = terms(rule.actual, var, where, layout, place)
            if not exp or not act:
                continue
            keys = tuple(dict.fromkeys(k for _, _, k in exp + act))
            out.append(Instance(rule, where, pos, exp, act, keys))
    return tuple(out)


def layout_of(edition: str | None, values: dict) -> str | None:
    """The layout a report's values follow ('2021-hybrid' when it has the single （六）
    row's values and none of the sub-rows'), or None for reports without template tables."""
    all_layouts = layouts()
    if edition not in all_layouts:
        return None
    hybrid = all_layouts.get(f"{edition}-hybrid")
    if hybrid is None:
        return edition
    full = all_layouts[edition]
    single = any(values.get(k) is not None for k in set(hybrid) - set(full))
    split = any(values.get(k) is not None for k in set(full) - set(hybrid))
    return layout_name(edition, single and not split)


def sum_of(terms_: tuple[Term, ...], cur: dict, prev: dict | None) -> float | int | None:
    """The terms' sum, or None when a value is unread."""
    total = 0
    for sign, is_prev, key in terms_:
        v = (prev if is_prev else cur).get(key)    # type: ignore[union-attr]
        if v is None:
            return None
        total += v if sign > 0 else -v
    return total


def evaluated(values: dict, layout: str, rule_ids: frozenset[str]) -> Iterator[tuple[Instance, bool | None]]:
    """Each instance of the named sum rules: whether it holds (None: a value is unread)."""
    for inst in instances(layout, False):
        if inst.rule.id not in rule_ids:
            continue
        exp = sum_of(inst.expected, values, None)
        act = sum_of(inst.actual, values, None) if exp is not None else None
        yield inst, None if exp is None or act is None else abs(exp - act) <= EPS


def solve(inst: Instance, key: str, values: dict) -> float:
    """The value of `key` that makes the instance hold, every other cell known."""
    coef, rest = 0, 0.0
    for side, sign0 in ((inst.expected, 1), (inst.actual, -1)):
        for sign, _, k in side:
            if k == key:
                coef += sign0 * sign
            else:
                rest += sign0 * sign * values[k]
    need = -rest / coef if coef else float("nan")
    return int(need) if float(need).is_integer() else round(need, 6)


def _failing(values: dict, layout: str, rule_ids: frozenset[str]):
    """The instances of the named sum rules that can be evaluated and do not hold."""
    return (inst for inst, held in evaluated(values, layout, rule_ids) if held is False)


def sums_hold(values: dict, layout: str, rule_ids: frozenset[str]) -> bool:
    """True when every instance of the named sum rules that can be evaluated holds."""
    return next(_failing(values, layout, rule_ids), None) is None


def sums_failing(values: dict, layout: str, rule_ids: frozenset[str]) -> frozenset[tuple[str, str]]:
    """(rule id, where) of each instance of the named sum rules that can be evaluated and fails."""
    return frozenset((inst.rule.id, inst.where) for inst in _failing(values, layout, rule_ids))
