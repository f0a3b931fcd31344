"""The consistency rules of ../shared/template/rules.md as data, walked by extractor/validate.py.

Vocabulary
- A *layout* is the ordered list of canonical keys of one edition (fields.tsv), as its
  grammar defines it, and "<edition>-hybrid" (e.g. a 2021 report whose table 三 prints a
  single （六）其他处理 row, so it carries t3.other.* instead of the （六） sub-rows).
- A rule's *scope* is a key pattern with one placeholder, e.g. "t3.received.{col}": the
  rule is evaluated once per value the placeholder takes among the layout's keys, and
  that value is the finding's `where` (a column, row or group id of fields.tsv).
- A rule's sides are *expressions*: terms joined by + and -, each term a key template
  whose placeholder is the scope's and whose other segments may be selectors
  ("{granted|partial|denied_*}" = any of these ids, globs allowed), expanded against the
  layout's keys in layout order. A "prev:" prefix reads last year's report (series rules).
- `expected` is the value the rule implies for the checked side, `actual` the printed side.
"""
from __future__ import annotations

# The layouts (an edition's canonical keys), the labels messages use and which rules
# apply to an edition all come from the grammars (extractor/grammar.py): a rule applies
# to an edition that lists its id, wherever the layout has the keys it names.


# --- rule entries --------------------------------------------------------------------

# Plain classes, not dataclasses: a dataclass execs its generated methods at import
# (see grammar.py). Rule entries are not changed once built.

class SumRule:
    """expected == actual, evaluated per value of the scope's placeholder."""
    __slots__ = ("id", "severity", "scope", "expected", "actual", "message", "series")

    def __init__(self, id: str, severity: str, scope: str, expected: str, actual: str, message: str,
                 series: bool = False):
        self.id = id
        self.severity = severity
        self.scope = scope              # key pattern with one placeholder: its values are the `where`s
        self.expected = expected        # expression: what the rule implies
        self.actual = actual            # expression: what is printed
        self.message = message          # format fields: table, where, expected_terms, expected, actual_terms, actual, prev_year
        self.series = series            # True: "prev:" terms read last year's report of the same body


class KeyRule:
    """A test on every single key of the layout matching `keys` and none of `exclude`."""
    __slots__ = ("id", "severity", "test", "keys", "exclude", "message")

    def __init__(self, id: str, severity: str, test: str, keys: str, exclude: tuple[str, ...], message: str):
        self.id = id
        self.severity = severity
        self.test = test                # "negative" | "fractional"
        self.keys = keys                # glob over the layout's keys
        self.exclude = exclude
        self.message = message          # format fields: label, key, actual


_OUTCOMES = "granted|partial|denied_*|unavailable_*|rejected_*|other*"
_PERSONS = "natural|commercial|research|social|legal|org_other"

SUM_RULES: tuple[SumRule, ...] = (
    SumRule(
        "T3-BALANCE", "error", scope="t3.received.{col}",
        expected="t3.received.{col} + t3.carried_over.{col}",
        actual="t3.total.{col} + t3.carried_forward.{col}",
        message="表三「{where}」列：{expected_terms} = {expected}，应等于{actual_terms} = {actual}"),
    SumRule(
        # other* = the single （六） row in 2019/hybrid layouts, its three sub-rows in 2021
        "T3-OUTCOMES", "error", scope="t3.total.{col}",
        expected="t3.{%s}.{col}" % _OUTCOMES,
        actual="t3.total.{col}",
        message="表三「{where}」列：各项办理结果之和 {expected_terms} = {expected}，而（七）总计为 {actual}"),
    SumRule(
        "T3-ROW-SUM", "error", scope="t3.{row}.total",
        expected="t3.{row}.{%s}" % _PERSONS,
        actual="t3.{row}.total",
        message="表三「{where}」行：各类申请人之和 {expected_terms} = {expected}，而总计列为 {actual}"),
    SumRule(
        "T4-GROUP-SUM", "error", scope="t4.{group}.total",
        expected="t4.{group}.upheld + t4.{group}.corrected + t4.{group}.other + t4.{group}.pending",
        actual="t4.{group}.total",
        message="表四「{where}」：{expected_terms} = {expected}，而总计为 {actual}"),
    # --- across documents (validate_series) ---
    SumRule(
        "X-CARRY", "warning", scope="t3.carried_over.{col}", series=True,
        expected="prev:t3.carried_forward.{col}",
        actual="t3.carried_over.{col}",
        message="表三「{where}」列：本年报告的上年结转为 {actual}，而{prev_year}年报告的结转下年度为 {expected}"),
    SumRule(
        "X-STOCK", "warning", scope="t2.{kind}.in_force", series=True,
        expected="prev:t2.{kind}.in_force + t2.{kind}.issued - t2.{kind}.repealed",
        actual="t2.{kind}.in_force",
        message="表二「{where}」：{expected_terms} = {expected}，而本年现行有效为 {actual}"),
)

KEY_RULES: tuple[KeyRule, ...] = (
    # the 2019 edition's 本年增/减 is signed by definition
    KeyRule("NEGATIVE", "error", "negative", keys="t*", exclude=("t2.*.change",),
            message="{label}为负数 {actual}，计数不应小于 0"),
    KeyRule("NOT-INTEGER", "error", "fractional", keys="t*",
            exclude=("t2.fees.amount", "t2.procurement.amount"),
            message="{label}为 {actual}，计数应为整数"),
)
