"""OCR'd cells whose reads did not confirm them: the table's arithmetic may, else they are null.

The PDF reader marks a value cell unconfirmed (Origin.uncertain) unless its reads agreed,
and keeps the reads of every cell whose reads were not unanimous (Origin.reads). After
the recognizer has put the cells under their keys:

- a cell whose reads were not unanimous and that breaks a sum rule is unconfirmed too
  (its majority read may be the misread one), unless its reads all give one value
  (`0` and `00`): then no read would mend the sum, and the document is what breaks it;
- the unconfirmed cells of a sum rule (at most MAX_UNKNOWN, its other cells known) get
  the reads that make it hold, when exactly one choice of their reads does (repeated: a
  row total confirmed, then its column's sum can confirm another cell);
- every other unconfirmed cell is left null, with an OCR-UNCONFIRMED finding naming the
  cell, its page, its reads and the value the arithmetic would need, if any.

So every number printed from a scan was either read alike by the reads or confirmed by
the table's own arithmetic, and an arithmetic finding over OCR'd cells rests on those.
"""
from __future__ import annotations

import itertools

from .model import Document, Origin
from .readers.ocr_cells import value_of
from .report import Finding, Report
from .grammar import table_names
from .sums import instances, layout_of, solve
from .validate import key_label

_EPS = 1e-6
MAX_UNKNOWN = 3          # a sum settles at most this many unconfirmed cells at once


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
            doubt.update(k for k in inst.keys if k in origins and _read_apart(origins[k].reads))
    for k in doubt:
        values[k] = None
    needs: dict[str, float] = {}
    changed = True
    while changed:
        changed = False
        for inst in rules:
            unknown = [k for k in inst.keys if values.get(k) is None]
            if not unknown or len(unknown) > MAX_UNKNOWN or not all(k in doubt for k in unknown):
                continue
            if len(unknown) == 1:
                needs.setdefault(unknown[0], solve(inst, unknown[0], values))
            fits = _fitting_reads(inst, unknown, values, origins)
            if len(fits) == 1:             # one reading of the cells, and only one, makes the sum hold
                for k, (v, read) in zip(unknown, fits[0], strict=True):
                    values[k] = v
                    _set(report, k, v, " ".join(read.split()))
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


def _read_apart(reads: tuple[str, ...]) -> bool:
    """Do a cell's reads say different things (two numbers, or a number and text)? Reads
    that differ only in print (`00` and `0`) give one value: no read would change the sum."""
    said = {_number(v) if (v := value_of(r)) is not None else r.strip() for r in reads if r.strip()}
    return len(said) > 1


def _number(v: str) -> int | float:
    return 0 if v == "-" else (float(v) if "." in v else int(v))


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


def _fitting_reads(inst, unknown: list[str], values: dict, origins: dict) -> list[tuple]:
    """Every choice of one read per unknown cell that makes the instance hold."""
    options = []
    for k in unknown:
        opts: dict[int | float, str] = {}
        for r in origins[k].reads:
            v = value_of(r)
            if v is not None:
                opts.setdefault(_number(v), r)
        options.append(list(opts.items()))
    fits = []
    for combo in itertools.product(*options):
        trial = dict(values)
        trial.update({k: v for k, (v, _) in zip(unknown, combo, strict=True)})
        if _balance(inst, trial) == 0:
            fits.append(combo)
    return fits


def _set(report: Report, key: str, value, raw: str | None) -> None:
    report.values[key] = value
    cell = report.cells.get(key)
    if cell is not None:
        cell.value = value
        if raw is not None:                  # confirmed by the arithmetic
            cell.raw, cell.blank, cell.uncertain = raw, raw == "-", None


def _finding(key: str, origin: Origin, need) -> Finding:
    table = key.split(".")[0]
    where = f"第 {origin.page} 页{table_names().get(table, table)}「{key_label(key)}」"
    if not any(r.strip() for r in origin.reads):
        msg = f"{where}不在识别出的表格线内（扫描件上的表格线不全），OCR 未能读取，留空，请核对原件"
    else:
        reads = "、".join(f"「{' '.join(r.split())}」" if r.strip() else "（空白）" for r in origin.reads)
        msg = f"{where}OCR 几次识别的结果不一致（{reads}），无法确认，留空，请核对原件"
    if need is not None and need == need:
        msg += f"；按表格的勾稽关系应为 {need}"
    return Finding(rule="OCR-UNCONFIRMED", severity="warning", where=key, message=msg,
                   expected=need if need == need else None, actual="、".join(origin.reads) or None, keys=[key])
