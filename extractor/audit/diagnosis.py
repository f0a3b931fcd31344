"""Which printed cell is to blame when the table's arithmetic fails.

Every sum rule instance is linear in the cells: sum(expected) - sum(actual) = 0. For the
instances that fail we look for the smallest set of printed cells whose change makes
every failing instance hold while every instance that holds still holds (one cell often
explains a row sum and a column total together). The search is a hitting set: a culprit
set must touch every failing instance, so it branches only on the keys of an instance
not yet touched, up to three cells per connected group of failures.

Two patterns are tried first because they explain many failures with one cause: a total
column printed blank for a block of rows (every blank cell of the failing instances
solved together) and two neighbouring cells swapped.

The diagnosis goes on the findings (Finding.diagnosis); values are never changed. When
several cell sets of the same size explain the failures equally well, the diagnosis says
so and names none of them.
"""
from __future__ import annotations

from fractions import Fraction

from ..grammar import layouts, table_names
from ..report import Diagnosis, Finding, Report
from ..sums import instances, layout_of
from ..rules import SUM_RULES
from ..validate import _num, key_label

_SUM_RULE_IDS = frozenset(r.id for r in SUM_RULES)

_MAX_CELLS = 3                 # a culprit set larger than this is no diagnosis, just a rewrite
_MAX_SOLVES = 20000            # bound on the search per report (a badly misread table fails everywhere)


# --- the linear system ----------------------------------------------------------------

def _equations(report: Report, layout: str):
    """(instance, {key: coefficient}, residual) for every evaluable sum instance."""
    v = report.values
    out = []
    for inst in instances(layout, False):
        coef: dict[str, int] = {}
        for side, terms in ((1, inst.expected), (-1, inst.actual)):
            for sign, _, key in terms:
                coef[key] = coef.get(key, 0) + side * sign
        if any(v.get(k) is None for k in coef):
            continue
        coef = {k: c for k, c in coef.items() if c}
        residual = sum((Fraction(x) * c for k, c in coef.items() if (x := v[k]) is not None), Fraction(0))
        out.append((inst, coef, residual))
    return out


def _solve(rows: list[tuple[dict, Fraction]], unknowns: list[str]) -> dict | None:
    """The unique solution d of sum(coef[k] * d[k]) = rhs, or None (none, or not unique)."""
    n = len(unknowns)
    m = [[Fraction(c.get(k, 0)) for k in unknowns] + [rhs] for c, rhs in rows]
    r = 0
    pivots = []
    for col in range(n):
        p = next((i for i in range(r, len(m)) if m[i][col] != 0), None)
        if p is None:
            return None                          # a free unknown: not unique
        m[r], m[p] = m[p], m[r]
        for i in range(len(m)):
            if i != r and m[i][col] != 0:
                f = m[i][col] / m[r][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(r)
        r += 1
    if any(row[n] != 0 for row in m[r:]):
        return None                              # inconsistent
    return {k: m[i][n] / m[i][i] for i, k in enumerate(unknowns)}


def _fix(equations, cells: list[str], values: dict) -> dict | None:
    """New values for `cells` making every instance that touches them hold, or None.
    Instances not touching them must already hold (the caller checks)."""
    rows = [({k: c for k, c in coef.items() if k in cells}, -res)
            for _, coef, res in equations if any(k in coef for k in cells)]
    delta = _solve(rows, cells)
    if delta is None or any(d == 0 for d in delta.values()):
        return None
    new = {}
    for k, d in delta.items():
        x = Fraction(values[k]) + d
        if x < 0 or x.denominator != 1:
            return None                          # counts are whole and not negative
        new[k] = int(x)
    return new


# --- slips ---------------------------------------------------------------------------------

def _drop_one(s: str) -> set[str]:
    return {s[:i] + s[i + 1:] for i in range(len(s))}


def slip(printed, corrected) -> str:
    """The kind of slip that turns `corrected` into `printed`, or 'unexplained'."""
    p, c = str(_num(printed)), str(_num(corrected))
    if len(p) == len(c) and p != c:
        diff = [i for i in range(len(p)) if p[i] != c[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and p[diff[0]] == c[diff[1]] and p[diff[1]] == c[diff[0]]:
            return "digits-transposed"
        if len(diff) == 1:
            return "digit-mistyped"
    if len(p) + 1 == len(c) and p in _drop_one(c):
        return "digit-dropped"
    if len(c) + 1 == len(p) and c in _drop_one(p):
        return "digit-added"
    return "unexplained"


def _neighbours(key: str, layout_keys: tuple[str, ...]) -> list[str]:
    """The cells left and right of `key` in its row (same prefix, adjacent in template order)."""
    head = key.rsplit(".", 1)[0]
    row = [k for k in layout_keys if k.rsplit(".", 1)[0] == head]
    i = row.index(key) if key in row else -1
    return [row[j] for j in (i - 1, i + 1) if i >= 0 and 0 <= j < len(row)]


def _kind(cells: list[str], new: dict, values: dict, layout_keys, blanks: set[str]) -> str:
    if len(cells) > 1 and all(k in blanks for k in cells):
        return "blank-total-block"
    if all(values[k] == 0 for k in cells):
        return "left-blank" if all(k in blanks for k in cells) else "zero-printed"
    if len(cells) == 2 and cells[1] in _neighbours(cells[0], layout_keys) \
            and values[cells[0]] == new[cells[1]] and values[cells[1]] == new[cells[0]]:
        return "neighbouring-column"
    if len(cells) == 1:
        k = cells[0]
        if values[k] and any(values.get(n) == values[k] for n in _neighbours(k, layout_keys)):
            return "neighbouring-column"
        return slip(values[k], new[k])
    kinds = {slip(values[k], new[k]) for k in cells}
    return kinds.pop() if len(kinds) == 1 else "unexplained"


_KIND_TEXT = {
    "digits-transposed": "像是相邻两位数字印颠倒", "digit-mistyped": "像是一位数字印错",
    "digit-dropped": "像是漏印了一位数字", "digit-added": "像是多印了一位数字",
    "neighbouring-column": "像是填入了相邻一栏的数字", "blank-total-block": "像是一整块总计栏未填（印为空白）",
    "left-blank": "像是该格漏填（印为空白）", "zero-printed": "像是该格误填为 0",
    "unexplained": "看不出是哪类笔误",
}


def _cell_name(key: str) -> str:
    table = key.split(".")[0]
    return f"{table_names().get(table, table)}「{key_label(key)}」"


# --- search ---------------------------------------------------------------------------------

def _components(failing) -> list[list]:
    """Failing instances linked by shared keys."""
    groups: list[tuple[set, list]] = []
    for eq in failing:
        keys = set(eq[1])
        joined = [g for g in groups if g[0] & keys]
        for g in joined:
            groups.remove(g)
            keys |= g[0]
        groups.append((keys, [e for g in joined for e in g[1]] + [eq]))
    return [g[1] for g in groups]


def _hitting_sets(failing, printed: set[str], size: int, budget: list[int]):
    """Sets of `size` printed keys touching every failing instance (each set once)."""
    seen = set()

    def grow(chosen: tuple):
        if budget[0] <= 0:
            return
        open_ = next((eq for eq in failing if not any(k in eq[1] for k in chosen)), None)
        if open_ is None:
            key = frozenset(chosen)
            if len(chosen) == size and key not in seen:
                seen.add(key)
                yield sorted(chosen)
            return
        if len(chosen) == size:
            return
        for k in open_[1]:
            if k in printed and k not in chosen:
                budget[0] -= 1
                yield from grow(chosen + (k,))

    yield from grow(())


def _explain(component, equations, values, printed, budget):
    """Minimal culprit sets for one component: [(cells, new values)] of the smallest size."""
    for size in range(1, _MAX_CELLS + 1):
        found = []
        for cells in _hitting_sets(component, printed, size, budget):
            new = _fix(equations, cells, values)
            if new is not None:
                found.append((cells, new))
        if found or budget[0] <= 0:
            return found
    return []


def diagnose(report: Report) -> None:
    """Put a diagnosis on the report's failing arithmetic findings (in place)."""
    if not any(f.rule in _SUM_RULE_IDS for f in report.findings):
        return                                            # nothing failing to explain
    layout = layout_of(report.edition, report.values)
    if layout is None:
        return
    equations = _equations(report, layout)
    failing = [eq for eq in equations if eq[2] != 0]
    if not failing:
        return
    layout_keys = layouts()[layout]
    values = report.values
    printed = {k for k, c in report.cells.items() if c.value is not None and values.get(k) is not None}
    blanks = {k for k in printed if report.cells[k].blank}
    budget = [_MAX_SOLVES]
    results = []                                          # (component, cells, new, alternatives)
    block = _blank_block(equations, failing, values, blanks)
    if block is not None:
        results.append((failing, *block, 0))
    else:
        # failures apart from each other first; those no small set explains alone are
        # searched together (two printed errors that balance a third rule, e.g. a row
        # total one too high and another one too low under the same column total)
        unsolved = []
        for comp in _components(failing):
            found = _explain(comp, equations, values, printed, budget)
            if found:
                results.append(_choose(comp, found, values, layout_keys, blanks))
            else:
                unsolved += comp
        if unsolved and len(unsolved) < len(failing) or (unsolved and len(_components(failing)) > 1):
            found = _explain(unsolved, equations, values, printed, budget)
            if found:
                results.append(_choose(unsolved, found, values, layout_keys, blanks))
    _attach(report, results, values, layout_keys, blanks)


_TIER = {"unexplained": 2, "digit-mistyped": 1}         # every other kind is a typical slip (0)


def _choose(comp, found, values, layout_keys, blanks):
    """The one likely culprit set among equally small ones, by the kind of slip it implies;
    (comp, [], {}, n) when several remain equally likely."""
    tiers = [_TIER.get(_kind(c, n, values, layout_keys, blanks), 0) for c, n in found]
    best = min(tiers)
    pick = [f for f, t in zip(found, tiers, strict=True) if t == best]
    if len(pick) == 1 and best < 2 or len(found) == 1:
        return comp, pick[0][0], pick[0][1], len(found) - 1
    cells = list(dict.fromkeys(k for c, _ in found for k in c))
    return comp, cells, {}, len(found)


def _blank_block(equations, failing, values, blanks):
    """A block of blank-printed cells that, filled in, makes every instance hold."""
    cells = sorted({k for _, coef, _ in failing for k in coef if k in blanks})
    if len(cells) < 2 or any(not any(k in coef for k in cells) for _, coef, _ in failing):
        return None
    # blanks in holding instances touching them may need filling too (a blank 总计 of 总计)
    more = sorted({k for _, coef, _ in equations if any(c in coef for c in cells) for k in coef if k in blanks})
    for trial in (cells, more):
        new = _fix_loose(equations, trial, values)
        if new is not None:
            changed = [k for k in trial if new[k] != values[k]]
            if len(changed) >= 2:
                return changed, {k: new[k] for k in changed}
    return None


def _fix_loose(equations, cells, values):
    """Like _fix, but a cell may keep its value (a blank 0 that is right)."""
    rows = [({k: c for k, c in coef.items() if k in cells}, -res)
            for _, coef, res in equations if any(k in coef for k in cells)]
    if any(res != 0 for _, coef, res in equations if not any(k in coef for k in cells)):
        return None
    delta = _solve(rows, cells)
    if delta is None:
        return None
    new = {}
    for k, d in delta.items():
        x = Fraction(values[k]) + d
        if x < 0 or x.denominator != 1:
            return None
        new[k] = int(x)
    return new


def _attach(report: Report, results, values, layout_keys, blanks) -> None:
    by_place = {(f.rule, f.where): f for f in report.findings}
    for comp, cells, new, alternatives in results:
        explains = [f"{inst.rule.id}@{inst.where}" for inst, _, _ in comp]
        if new:
            kind = _kind(cells, new, values, layout_keys, blanks)
            what = "、".join(f"{_cell_name(k)}印为 {_num(values[k])}，若为 {new[k]}" for k in cells)
            msg = (f"最可能出错的是{what}，则{len(explains)}条不符的算术关系全部成立；{_KIND_TEXT[kind]}"
                   + (f"（另有 {alternatives} 种同样大小的改法，可能性较低）" if alternatives else ""))
            diag = Diagnosis(cells=cells, corrections={k: new[k] for k in cells}, kind=kind,
                             explains=explains, alternatives=alternatives, message=msg)
        else:
            names = "、".join(_cell_name(k) for k in cells[:8]) + ("等" if len(cells) > 8 else "")
            diag = Diagnosis(cells=[], corrections={}, kind="ambiguous", explains=explains,
                             alternatives=alternatives,
                             message=f"{alternatives} 种同样大小的改法都能让这些关系成立（涉及{names}），无法判断是哪一格印错")
        for inst, _, _ in comp:
            f: Finding | None = by_place.get((inst.rule.id, inst.where))
            if f is not None:
                f.diagnosis = diag
