"""The rule engine: walks the rule table of extractor/rules.py over a Report's values.

Rule instances (one per rule and `where`, with their keys expanded) are built once per
layout and cached: validate() itself is a loop of dict look-ups and additions.
A rule instance that needs an unread key (value None) is skipped: the recognizer has
already said why the cell is unknown. A blank cell is 0 and is checked like any other.
A rule that fails over a cell the reader is unsure of (CellValue.uncertain) is a warning:
the misreading is as likely as the misprint, so it does not accuse the document.
"""
from __future__ import annotations

import fnmatch
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from .report import Finding, Report
from .rules import (KEY_RULES, LABELS, LAYOUTS, PROSE_RULES, SUM_RULES, TABLE_NAMES, KeyRule, ProseRule,
                    SumRule, layout_name)

Term = tuple[int, bool, str]          # (sign +1/-1, read from last year's report, key)
_EPS = 1e-6
_LONG = 4                             # above this many terms, messages list the non-zero ones only


@dataclass(frozen=True, slots=True)
class Instance:
    rule: SumRule
    where: str
    pos: int                          # segment of the keys that holds `where` (for labels)
    expected: tuple[Term, ...]
    actual: tuple[Term, ...]
    keys: tuple[str, ...]


# --- building instances from the table ----------------------------------------------

_BRACES = re.compile(r"\{([^{}]+)\}")
# PDF text wraps lines inside words (受理政府信\n息公开申请): prose is matched unwrapped
_WRAP = re.compile(r"[ \t]*\n\s*")
_BEFORE = 12                          # characters of context a ProseRule.before is matched on


def _scope(pattern: str) -> tuple[str, int, re.Pattern]:
    """'t3.{row}.total' -> ('row', 1, regex capturing the row id)."""
    m = _BRACES.search(pattern)
    name = m.group(1)
    pos = pattern[: m.start()].count(".")
    rx = re.compile(re.escape(pattern[: m.start()]) + r"([^.]+)" + re.escape(pattern[m.end():]) + r"\Z")
    return name, pos, rx


def _expand(template: str, var: str, value: str, layout: tuple[str, ...]) -> list[str]:
    """Keys of `layout` (in layout order) a term template stands for, scope value filled in."""
    t = template.replace("{%s}" % var, value)
    pieces = _BRACES.split(t)          # literal, selector, literal, selector, ...
    choices = [[p] if i % 2 == 0 else p.split("|") for i, p in enumerate(pieces)]
    globs = ["".join(c) for c in itertools.product(*choices)]
    if len(globs) == 1 and not any(ch in globs[0] for ch in "*?["):
        return [globs[0]] if globs[0] in layout else []
    return [k for k in layout if any(fnmatch.fnmatchcase(k, g) for g in globs)]


def _terms(expr: str, var: str, value: str, layout: tuple[str, ...]) -> tuple[Term, ...]:
    out: list[Term] = []
    sign = 1
    for tok in expr.split():
        if tok in "+-":
            sign = 1 if tok == "+" else -1
            continue
        prev = tok.startswith("prev:")
        for key in _expand(tok.removeprefix("prev:"), var, value, layout):
            out.append((sign, prev, key))
    return tuple(out)


@lru_cache(maxsize=None)
def _instances(layout_name: str, series: bool) -> tuple[Instance, ...]:
    layout = LAYOUTS[layout_name]
    edition = layout_name.split("-")[0]
    out = []
    for rule in SUM_RULES:
        if rule.series != series or edition not in rule.editions:
            continue
        var, pos, rx = _scope(rule.scope)
        wheres = dict.fromkeys(m.group(1) for k in layout if (m := rx.match(k)))
        for where in wheres:
            exp = _terms(rule.expected, var, where, layout)
            act = _terms(rule.actual, var, where, layout)
            if not exp or not act:
                continue
            keys = tuple(dict.fromkeys(k for _, _, k in exp + act))
            out.append(Instance(rule, where, pos, exp, act, keys))
    return tuple(out)


@lru_cache(maxsize=None)
def _key_checks(layout_name: str) -> tuple[tuple[KeyRule, tuple[str, ...]], ...]:
    layout = LAYOUTS[layout_name]
    return tuple((r, tuple(k for k in layout if fnmatch.fnmatchcase(k, r.keys)
                           and not any(fnmatch.fnmatchcase(k, x) for x in r.exclude)))
                 for r in KEY_RULES)


@lru_cache(maxsize=None)
def _prose_checks(layout_name: str):
    layout = LAYOUTS[layout_name]
    edition = layout_name.split("-")[0]
    out = []
    for r in PROSE_RULES:
        if edition not in r.editions:
            continue
        readings = tuple(t for t in (_terms(e, "", "", layout) for e in r.readings) if t)
        if readings:
            before = re.compile(r.before) if r.before else None
            out.append((r, re.compile(r.pattern), before, readings))
    return tuple(out)


def layout_of(report: Report) -> str | None:
    """'2019', '2021', '2021-hybrid', or None for reports without template tables."""
    if report.edition not in LAYOUTS:
        return None
    hybrid = LAYOUTS.get(f"{report.edition}-hybrid")
    if hybrid is None:
        return report.edition
    full = LAYOUTS[report.edition]
    v = report.values
    single = any(v.get(k) is not None for k in set(hybrid) - set(full))
    split = any(v.get(k) is not None for k in set(full) - set(hybrid))
    return layout_name(report.edition, single and not split)


# --- evaluation ----------------------------------------------------------------------

def _sum(terms: tuple[Term, ...], cur: dict, prev: dict | None) -> float | int | None:
    total = 0
    for sign, is_prev, key in terms:
        v = (prev if is_prev else cur).get(key)
        if v is None:
            return None
        total += v if sign > 0 else -v
    return total


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
    names = [LABELS.get((table, i, p), p) for i, p in enumerate(parts) if i and i != skip]
    return "／".join(names)


def _render(terms: tuple[Term, ...], pos: int, cur: dict, prev: dict | None) -> str:
    shown = [(s, p, k) for s, p, k in terms if len(terms) <= _LONG or (prev if p else cur).get(k)]
    if not shown:
        return "0"
    out = []
    for i, (sign, is_prev, key) in enumerate(shown):
        v = _num((prev if is_prev else cur)[key])
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
        table=TABLE_NAMES.get(table, table),
        where=LABELS.get((table, inst.pos, inst.where), inst.where),
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
    why = "、".join(dict.fromkeys(_DOUBT_WORDS.get(u, u) for _, u in unsure))
    f.severity = "warning"
    f.message += (f"（{'、'.join(k for k, _ in unsure)} 的读数不确定（{why}），可能是读取错误而非报告本身的错误，"
                  "请核对原件）")
    return f


def _check_sums(instances, report: Report, prev: Report | None) -> list[Finding]:
    cur = report.values
    prev_v = prev.values if prev is not None else None
    out = []
    for inst in instances:
        exp = _sum(inst.expected, cur, prev_v)
        if exp is None:
            continue
        act = _sum(inst.actual, cur, prev_v)
        if act is None or abs(exp - act) <= _EPS:
            continue
        out.append(_finding(inst, exp, act, report, prev))
    return out


def sums_hold(values: dict, layout_name: str, rule_ids: frozenset[str]) -> bool:
    """True when every instance of the named sum rules that can be evaluated holds.

    The recognizer uses it to settle fused digit runs that split several ways."""
    for inst in _instances(layout_name, False):
        if inst.rule.id not in rule_ids:
            continue
        exp = _sum(inst.expected, values, None)
        act = _sum(inst.actual, values, None) if exp is not None else None
        if act is not None and abs(exp - act) > _EPS:
            return False
    return True


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
                label = f"{TABLE_NAMES.get(table, table)}「{key_label(key)}」"
                out.append(_doubt(Finding(rule=rule.id, severity=rule.severity, where=key,
                                          message=rule.message.format(label=label, key=key, actual=_num(v)),
                                          expected=expected, actual=_num(v), keys=[key]), report))
    return out


def _check_prose(layout_name: str, report: Report) -> list[Finding]:
    checks = _prose_checks(layout_name)
    if not checks or not report.parts:
        return []
    cur = report.values
    out, seen = [], set()
    for part in report.parts:
        # \d and \s match full-width digits and spaces too, and int() reads them
        text = _WRAP.sub("", part.text)
        for rule, rx, before, readings in checks:
            if rule.hint not in text:
                continue
            for m in rx.finditer(text):
                start, n = m.start(), m.groupdict().get("n")
                if before is not None:
                    b = before.search(text, max(0, start - _BEFORE), start)
                    if b is None:
                        continue
                    start, n = b.start(), n or b.group("n")
                n = int(n)
                if (rule.where, n) in seen:
                    continue
                seen.add((rule.where, n))
                values = [(r, _sum(r, cur, None)) for r in readings]
                values = [(r, v) for r, v in values if v is not None]
                if not values or any(abs(v - n) <= _EPS for _, v in values):
                    continue
                out.append(_prose_finding(rule, part.number, text[start:m.end()].strip("，。；：: "), n, values))
    return out


def _prose_finding(rule: ProseRule, part: int, snippet: str, n: int, values) -> Finding:
    def name(terms):
        return " + ".join(f"{TABLE_NAMES[k.split('.')[0]]}「{key_label(k)}」" for _, _, k in terms)
    readings = "、".join(f"{name(r)} = {_num(v)}" for r, v in values)
    keys = list(dict.fromkeys(k for r, _ in values for _, _, k in r))
    return Finding(rule=rule.id, severity=rule.severity, where=rule.where,
                   message=f"第{part}部分正文称「{snippet}」，而表中 {readings}，数字不符",
                   expected=_num(values[0][1]), actual=n, keys=keys)


# --- entry points ----------------------------------------------------------------------

def validate(report: Report) -> list[Finding]:
    """Every single-report rule (errors) and the prose-vs-table checks (warnings)."""
    layout = layout_of(report)
    if layout is None:
        return []
    return (_check_sums(_instances(layout, False), report, None)
            + _check_keys(layout, report)
            + _check_prose(layout, report))


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
        if r.organization and r.year and layout_of(r) is not None:
            by_year.setdefault(r.year, []).append(r)
    out = []
    for year in sorted(by_year):
        for cur in by_year[year]:
            insts = _instances(layout_of(cur), True)
            for prev in by_year.get(year - 1, ()):
                if not same_body(cur.organization, prev.organization):
                    continue
                pair = [i for i in insts if prev.edition in i.rule.editions]
                out += [(cur, f) for f in _check_sums(pair, cur, prev)]
    return out
