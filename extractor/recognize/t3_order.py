"""Table 三 placed by the template's order where labels do not place its rows (in_order
counts the rows; this module composes that with reading and the arithmetic that confirms it)."""
from __future__ import annotations

from ..budget import Budget
from ..normalize import parse_value
from ..sums import evaluated, instances, solve
from . import grid, in_order
from .rows import RawRow
from .values import RowResult, RowSpec, known, read_rows

COLUMN_RULES = frozenset({"T3-BALANCE", "T3-OUTCOMES"})     # table 三's column arithmetic


def by_order(lines: list[grid.Line], specs: list[RowSpec], found: dict[str, RawRow], check,
                 budget: Budget, layout: str) -> list[RowResult] | None:
    """Table 三 with its rows of values placed by the template's order (in_order) where
    their labels do not place them, when the arithmetic confirms it. When it does not, the
    rows whose label the order contradicts are left unread (neither is preferred: a label
    one row off prints another row's numbers); None when the order changes nothing."""
    ids = [s.row_id for s in specs]
    pos = {r: k for k, r in enumerate(ids)}
    rows = [ln for ln in lines if ln.values]
    placed = in_order.forced([pos[ln.anchor] if ln.anchor in pos else None for ln in rows], len(ids))
    order = {ids[j]: ln.raw for ln, j in zip(rows, placed, strict=True) if j is not None}
    moved = {r for r, raw in order.items() if found.get(r) is not raw}
    if not moved:
        return None
    taken = {id(raw) for raw in order.values()}
    # a row the order places elsewhere than its label does is no longer its label's
    trial = {r: raw for r, raw in found.items() if id(raw) not in taken}
    trial.update({r: raw.replace(rule_id=r, label="") for r, raw in order.items()})
    results = read_rows(specs, trial, check, budget)
    if _order_confirmed(results, moved, layout):
        return results
    doubt = _contradicted(found, order)
    if not doubt:
        return None
    kept = {r: (raw.replace(tokens=[], aligned=False, note=_LABEL_OFF) if r in doubt else raw)
            for r, raw in found.items()}
    kept.update({r: RawRow(r, [], False, note=_LABEL_OFF) for r in doubt if r not in kept})
    return read_rows(specs, kept, check, budget)


_LABEL_OFF = ("行标签与表格的行序不一致（标签可能错位一行），勾稽关系未能确定哪一行的数字属于此行，"
              "不作猜测")


def _contradicted(found: dict[str, RawRow], order: dict[str, RawRow]) -> set[str]:
    """Template rows whose numbers the labels and the order disagree on: the row of values
    the label gives one prints other numbers than the row the order gives it, or the order
    takes that row for another template row."""
    claimed = {id(raw): r for r, raw in order.items()}
    out: set[str] = set()
    for r, raw in found.items():
        if not raw.tokens:
            continue
        by_order = order.get(r)
        if by_order is None:
            if claimed.get(id(raw), r) != r:
                out.add(r)
        elif [t.raw.strip() for t in by_order.tokens] != [t.raw.strip() for t in raw.tokens]:
            out.add(r)
    return out


def _order_confirmed(results: list[RowResult], moved: set[str], layout: str) -> bool:
    """Every row placed by order is read whole and its own sum holds, and each column sum
    over those rows can be checked and holds: no row is missing or spurious. (Which row
    is which, the order decides: sums cannot tell.) A cell OCR read several ways counts
    as the read the row's sum admits; a row not placed by order may lack one cell, which
    its sum then gives, and a column sum over no row placed by order may give the one cell
    it lacks (（七）总计 from T3-BALANCE): what is given so is never printed, it
    only lets the sums over the rows placed by order be checked."""
    values: dict = {}
    keys: set[str] = set()
    for r in results:
        vals = in_order.resolve(_cell_options(r), r.spec.rules, fill=r.spec.row_id not in moved)
        if r.spec.row_id in moved:
            if vals is None:
                return False
            keys.update(r.spec.keys)
        values.update(zip(r.spec.keys, vals or (None,) * len(r.spec.keys), strict=True))
    _fill_columns(values, [i for i in instances(layout, False)
                           if i.rule.id in COLUMN_RULES and not keys.intersection(i.keys)])
    return all(held for inst, held in evaluated(values, layout, COLUMN_RULES) if keys.intersection(inst.keys))


def _fill_columns(values: dict, sums: list) -> None:
    """Give a cell left unknown the value the one column sum it lacks in says, using sums
    over no row placed by order (those are the checks; a sum that gives a cell checks nothing)."""
    changed = True
    while changed:
        changed = False
        for inst in sums:
            unknown = [k for k in inst.keys if values.get(k) is None]
            if len(unknown) == 1 and (v := solve(inst, unknown[0], values)) >= 0:
                values[unknown[0]] = v
                changed = True


def _cell_options(r: RowResult) -> list[in_order.Options]:
    """Each cell's values as read: the one printed and, where OCR's reads of it did not
    agree, the others (None: unknown)."""
    if r.direct is None or r.raw is None:
        return [None if v is None else (v,) for v in known(r)]
    out: list[in_order.Options] = []
    for c, t in zip(r.direct, r.raw.tokens, strict=True):
        vals = [] if c.value is None else [c.value]
        if t.origin is not None and (c.value is None or t.origin.uncertain):
            vals += [p.value for x in t.origin.reads
                     if x.strip() and (p := parse_value(x)).value is not None and not p.blank]
        out.append(tuple(dict.fromkeys(vals)) or None)
    return out
