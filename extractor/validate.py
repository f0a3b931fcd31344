"""The rule engine: walks the rule table of extractor/rules.py over a Report's values.

Rule instances come from extractor/sums.py (built once per layout); here they become
findings, with labels from the grammars. A rule instance that needs an unread key
(value None) is skipped: the recognizer has already said why the cell is unknown.
A blank cell is 0 and is checked like any other.
A rule that fails over a cell the reader is unsure of (CellValue.uncertain) is a warning:
the misreading is as likely as the misprint, so it does not accuse the document.
"""
from __future__ import annotations

from functools import cache

from .grammar import edition_of, folder, layouts, load, names, table_names
from .keyglob import matches
from .report import Finding, Report
from .rules import KEY_RULES, KeyRule
from .sums import EPS, Instance, Term, instances, layout_of, sum_of

_LONG = 4                             # above this many terms, messages list the non-zero ones only


def _key_checks(layout_name: str) -> tuple[tuple[KeyRule, tuple[str, ...]], ...]:
    return _key_checks_in(folder(), layout_name)


@cache
def _key_checks_in(path: str, layout_name: str) -> tuple[tuple[KeyRule, tuple[str, ...]], ...]:
    layout = layouts()[layout_name]
    applies = load(edition_of(layout_name)).rules
    return tuple((r, tuple(k for k in layout if matches(k, r.keys) and not any(matches(k, x) for x in r.exclude)))
                 for r in KEY_RULES if r.id in applies)


# --- evaluation ----------------------------------------------------------------------

def _num(x):
    """Integral floats print as ints; float noise from sums is rounded away."""
    if isinstance(x, float):
        x = round(x, 6)
        return int(x) if x.is_integer() else x
    return x


def key_label(key: str, skip: int | None = None) -> str:
    """Chinese name of a cell: segment labels, the segment at `skip` left out."""
    parts = key.split(".")
    table = parts[0]
    labels = names()
    return "／".join(labels.get((table, i, p), p) for i, p in enumerate(parts) if i and i != skip)


def _render(terms: tuple[Term, ...], pos: int, cur: dict, prev: dict | None) -> str:
    def read(is_prev: bool) -> dict:
        return (prev or {}) if is_prev else cur
    shown = [(s, p, k) for s, p, k in terms if len(terms) <= _LONG or read(p).get(k)]
    if not shown:
        return "0"
    out = []
    for i, (sign, is_prev, key) in enumerate(shown):
        v = _num(read(is_prev)[key])
        label = ("上年" if is_prev else "") + key_label(key, pos)
        op = ("" if sign > 0 else "−") if i == 0 else (" + " if sign > 0 else " − ")
        out.append(f"{op}{label} {v}")
    text = "".join(out)
    return text + ("（其余为 0）" if len(shown) < len(terms) else "")


def _finding(inst: Instance, exp, act, report: Report, prev: Report | None) -> Finding:
    cur_v = report.values
    prev_v = prev.values if prev is not None else None
    table = inst.keys[0].split(".")[0]
    msg = inst.rule.message.format(
        table=table_names().get(table, table),
        where=names().get((table, inst.pos, inst.where), inst.where),
        expected_terms=_render(inst.expected, inst.pos, cur_v, prev_v), expected=_num(exp),
        actual_terms=_render(inst.actual, inst.pos, cur_v, prev_v), actual=_num(act),
        prev_year=prev.year if prev is not None and prev.year else "上一",
    )
    if len(inst.actual) == 1:
        cell = report.cells.get(inst.actual[0][2])
        if cell is not None and cell.blank:
            msg += "（该格印为空白，按 0 计）"
    return _doubt(Finding(rule=inst.rule.id, severity=inst.rule.severity, where=inst.where, message=msg,
                          expected=_num(exp), actual=_num(act), keys=list(inst.keys)), report)


_DOUBT_WORDS = {"ocr": "由 OCR 识别且未经复核"}


def _doubt(f: Finding, report: Report) -> Finding:
    """An error resting on cells the reader is unsure of becomes a warning that says so."""
    unsure = [(k, c.uncertain) for k in f.keys if (c := report.cells.get(k)) is not None and c.uncertain]
    if not unsure or f.severity != "error":
        return f
    why = "、".join(dict.fromkeys(_DOUBT_WORDS.get(u, "读数存疑") for _, u in unsure))
    cells = "、".join(f"{table_names().get(k.split('.')[0], '')}「{key_label(k)}」" for k, _ in unsure)
    f.severity = "warning"
    f.message += (f"（{cells} 的读数不确定（{why}），可能是读取错误而非报告本身的错误，"
                  "请核对原件）")
    return f


def _check_sums(instances, report: Report, prev: Report | None) -> list[Finding]:
    cur = report.values
    prev_v = prev.values if prev is not None else None
    out = []
    for inst in instances:
        exp = sum_of(inst.expected, cur, prev_v)
        if exp is None:
            continue
        act = sum_of(inst.actual, cur, prev_v)
        if act is None or abs(exp - act) <= EPS:
            continue
        out.append(_finding(inst, exp, act, report, prev))
    return out


def _check_keys(layout_name: str, report: Report) -> list[Finding]:
    values = report.values
    out = []
    for rule, keys in _key_checks(layout_name):
        for key in keys:
            v = values.get(key)
            if v is None:
                continue
            if rule.test == "negative":
                bad, expected = v < 0, 0
            else:
                bad, expected = isinstance(v, float) and not v.is_integer(), round(v)
            if bad:
                table = key.split(".")[0]
                label = f"{table_names().get(table, table)}「{key_label(key)}」"
                out.append(_doubt(Finding(rule=rule.id, severity=rule.severity, where=key,
                                          message=rule.message.format(label=label, key=key, actual=_num(v)),
                                          expected=expected, actual=_num(v), keys=[key]), report))
    return out


# --- entry points ----------------------------------------------------------------------

def validate(report: Report) -> list[Finding]:
    """Every single-report rule (errors) and the prose-vs-table checks (warnings)."""
    from .audit.prose import check_prose      # the sentence grammar loads on first use
    layout = layout_of(report.edition, report.values)
    if layout is None:
        return []
    return (_check_sums(instances(layout, False), report, None)
            + _check_keys(layout, report)
            + check_prose(report))


def same_body(a: str, b: str) -> bool:
    """One body under two titles: '洪泽区人民政府' and '淮安市洪泽区人民政府' (a parent prefix)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 5 and long_.endswith(short)


def validate_series(reports: list[Report]) -> list[tuple[Report, Finding]]:
    """Rules across consecutive years of one body (X-CARRY, X-STOCK), as warnings.

    Each finding is attached to the later report of the pair.
    """
    by_year: dict[int, list[Report]] = {}
    for r in reports:
        if r.organization and r.year and layout_of(r.edition, r.values) is not None:
            by_year.setdefault(r.year, []).append(r)
    out = []
    for year in sorted(by_year):
        for cur in by_year[year]:
            layout = layout_of(cur.edition, cur.values)
            assert layout is not None and cur.organization        # by_year holds template reports of a body
            insts = instances(layout, True)
            for prev in by_year.get(year - 1, ()):
                assert prev.organization and prev.edition
                if not same_body(cur.organization, prev.organization):
                    continue
                prev_rules = load(prev.edition).rules
                pair = [i for i in insts if i.rule.id in prev_rules]
                out += [(cur, f) for f in _check_sums(pair, cur, prev)]
    return out
