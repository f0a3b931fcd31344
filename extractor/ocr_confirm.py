"""OCR'd cells whose reads did not confirm them: the table's arithmetic may, else they are null.

The PDF reader marks a value cell unconfirmed (Origin.uncertain) unless its reads agreed,
and keeps the reads of every cell whose reads were not unanimous (Origin.reads). After
the recognizer has put the cells under their keys:

- a cell whose reads were not unanimous and that breaks a sum rule is unconfirmed too
  (its majority read may be the misread one);
- an unconfirmed cell that is the only unknown of a sum rule gets the value the rule
  needs, when one of its reads says exactly that (repeated: a row total confirmed, then
  its column's sum can confirm another cell);
- every other unconfirmed cell is left null, with an OCR-UNCONFIRMED finding naming the
  cell, its page, its reads and the value the arithmetic would need, if any.

So every number printed from a scan was either read alike by the reads or confirmed by
the table's own arithmetic, and an arithmetic finding over OCR'd cells rests on those.
"""
from __future__ import annotations

from .model import Document, Origin
from .readers.ocr_cells import value_of
from .report import Finding, Report
from .grammar import table_names
from .sums import instances, layout_of
from .validate import key_label

_EPS = 1e-6


def confirm_ocr(doc: Document, report: Report) -> None:
    layout = layout_of(report.edition, report.values)
    if layout is None:
        return
    origins = _ocr_origins(doc, report)
    if not origins:
        return
    rules = instances(layout, False)
    values = dict(report.values)
    # read several times without agreeing (a cell read once, in a table without rulings,
    # stays printed but uncertain: arithmetic over it does not accuse the document)
    doubt = {k for k, o in origins.items() if o.uncertain and o.reads}
    for inst in rules:
        if _balance(inst, values) not in (None, 0):
            doubt.update(k for k in inst.keys if k in origins and origins[k].reads)
    for k in doubt:
        values[k] = None
    needs: dict[str, float] = {}
    changed = True
    while changed:
        changed = False
        for inst in rules:
            unknown = [k for k in inst.keys if values.get(k) is None]
            if len(unknown) != 1 or unknown[0] not in doubt:
                continue
            k = unknown[0]
            need = _solve(inst, k, values)
            needs.setdefault(k, need)
            read = next((r for r in origins[k].reads if _same(value_of(r), need)), None)
            if read is not None:
                values[k] = need
                _set(report, k, need, " ".join(read.split()))
                doubt.discard(k)
                changed = True
    for k in sorted(doubt, key=list(report.values).index):
        _set(report, k, None, None)
        report.findings.append(_finding(k, origins[k], needs.get(k)))


def _ocr_origins(doc: Document, report: Report) -> dict[str, Origin]:
    """key -> the Origin of the document cell its value was read from, for OCR'd cells."""
    by_place = {(c.origin.table, c.origin.row, c.origin.col): c.origin
                for t in doc.tables for row in t.rows for c in row if c.origin.ocr}
    out = {}
    for k, cell in report.cells.items():
        o = cell.origin
        if o is not None and o.ocr and (found := by_place.get((o.table, o.row, o.col))) is not None:
            out[k] = found
    return out


def _balance(inst, values: dict) -> float | None:
    """expected − actual of a sum rule instance; None when a cell is unknown."""
    total = 0.0
    for side, sign0 in ((inst.expected, 1), (inst.actual, -1)):
        for sign, _, key in side:
            v = values.get(key)
            if v is None:
                return None
            total += sign0 * sign * v
    return 0 if abs(total) <= _EPS else total


def _solve(inst, key: str, values: dict) -> float:
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


def _same(read: str | None, need: float) -> bool:
    if read is None or need != need or need < 0:
        return False
    return abs((0.0 if read == "-" else float(read)) - need) <= _EPS


def _set(report: Report, key: str, value, raw: str | None) -> None:
    report.values[key] = value
    cell = report.cells.get(key)
    if cell is not None:
        cell.value = value
        if raw is not None:                  # confirmed by the arithmetic
            cell.raw, cell.blank, cell.uncertain = raw, raw == "-", None


def _finding(key: str, origin: Origin, need) -> Finding:
    table = key.split(".")[0]
    reads = "、".join(f"「{' '.join(r.split())}」" if r.strip() else "（空白）" for r in origin.reads) or "无"
    msg = (f"第 {origin.page} 页{table_names().get(table, table)}「{key_label(key)}」OCR 几次识别的结果不一致"
           f"（{reads}），无法确认，留空，请核对原件")
    if need is not None and need == need:
        msg += f"；按表格的勾稽关系应为 {need}"
    return Finding(rule="OCR-UNCONFIRMED", severity="warning", where=key, message=msg,
                   expected=need if need == need else None, actual="、".join(origin.reads) or None, keys=[key])
