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

from dataclasses import dataclass

# The layouts (an edition's canonical keys), the labels messages use and which rules
# apply to an edition all come from the grammars (extractor/grammar.py): a rule applies
# to an edition that lists its id, wherever the layout has the keys it names.


# --- rule entries --------------------------------------------------------------------

@dataclass(frozen=True)
class SumRule:
    """expected == actual, evaluated per value of the scope's placeholder."""
    id: str
    severity: str
    scope: str                      # key pattern with one placeholder: its values are the `where`s
    expected: str                   # expression: what the rule implies
    actual: str                     # expression: what is printed
    message: str                    # format fields: table, where, expected_terms, expected, actual_terms, actual, prev_year
    series: bool = False            # True: "prev:" terms read last year's report of the same body


@dataclass(frozen=True)
class KeyRule:
    """A test on every single key of the layout matching `keys` and none of `exclude`."""
    id: str
    severity: str
    test: str                       # "negative" | "fractional"
    keys: str                       # glob over the layout's keys
    exclude: tuple[str, ...]
    message: str                    # format fields: label, key, actual


@dataclass(frozen=True)
class ProseRule:
    """A figure stated in a part's prose must equal one of the table readings."""
    id: str
    severity: str
    pattern: str                    # regex with a named group "n" (the figure), here or in `before`
    where: str                      # the key the finding names
    readings: tuple[str, ...]       # expressions; a match with any one of them is fine
    hint: str = ""                  # literal that must occur in the text (cheap prefilter)
    before: str = ""                # regex the text just before the match must end with


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
            message="{label}（{key}）为负数 {actual}，计数不应小于 0"),
    KeyRule("NOT-INTEGER", "error", "fractional", keys="t*",
            exclude=("t2.fees.amount", "t2.procurement.amount"),
            message="{label}（{key}）为 {actual}，计数应为整数"),
)

# Precise wordings only: a false warning is noise. Figures may be separated by spaces
# (PDF text), a unit of 件 or 起 must follow. No 共/合计 between the subject and the figure
# for 复议/诉讼: "行政复议和行政诉讼共 3 件" sums two cells we cannot tell apart.
# Application counts are compared only when the clause speaks for the whole body (the verb
# opens the clause, or follows 年 / 共 / 全区…): "区政府办代表区政府受理…17 件" counts a part
# of the table's 95 and is not a discrepancy. Patterns open with a literal so the regex
# engine can skip ahead (this runs on every document); the context before the match, and a
# figure printed before its subject ("2 件行政复议"), are read by `before` on a short window.
_N = r"\s*(?P<n>\d+)\s*[件起个]"
_WHOLE = r"(?:^|[，。；：:年度\s])\s*(?:共|累计|全年|全[区市县省州旗镇乡]|本年度?|年内|本机关|本单位|我[局委办厅院部署])?\s*共?\s*$"
_FIGURE = r"(?<![\d.])(?P<n>\d+)\s*$"         # "2 件行政复议": the figure precedes the match
_APPLICATIONS = (r"(?:各类|群众|公民、法人(?:或|和)其他组织(?:提出的)?)?"
                 # not a bare 申请: "审批服务窗口共受理申请121510件" counts licensing requests
                 r"(?:政府信息公开申请|依申请公开政府信息申请|依申请公开(?:申请|事项)?)(?:共|合计)?")
PROSE_RULES: tuple[ProseRule, ...] = (
    ProseRule("PROSE-TABLE", "warning", hint="申请", before=_WHOLE,
              pattern=r"(?:受理|收到|接收|新收)了?" + _APPLICATIONS + _N,
              where="t3.received.total",
              readings=("t3.received.total", "t3.received.total + t3.carried_over.total")),
    ProseRule("PROSE-TABLE", "warning", hint="申请", before=_WHOLE,
              # 办理/答复 may count everything handled this year: total, or all on hand
              pattern=r"(?:办理|答复|办结)了?" + _APPLICATIONS + _N,
              where="t3.total.total",
              readings=("t3.total.total", "t3.received.total",
                        "t3.received.total + t3.carried_over.total")),
    ProseRule("PROSE-TABLE", "warning", hint="行政复议",
              pattern=r"行政复议(?:案件|申请)?" + _N,
              where="t4.review.total", readings=("t4.review.total",)),
    ProseRule("PROSE-TABLE", "warning", hint="行政复议",
              pattern=r"[件起](?:政府信息公开)?行政复议", before=_FIGURE,
              where="t4.review.total", readings=("t4.review.total",)),
    ProseRule("PROSE-TABLE", "warning", hint="行政诉讼",
              pattern=r"行政诉讼(?:案件)?" + _N,
              where="t4.suit_direct.total",
              readings=("t4.suit_direct.total + t4.suit_after_review.total",)),
    ProseRule("PROSE-TABLE", "warning", hint="行政诉讼",
              pattern=r"[件起](?:政府信息公开)?行政诉讼", before=_FIGURE,
              where="t4.suit_direct.total",
              readings=("t4.suit_direct.total + t4.suit_after_review.total",)),
    ProseRule("PROSE-TABLE", "warning", hint="规范性文件",       # keys of 2021's table 二
              pattern=r"(?:制发|印发|发布|出台|制定)(?:了)?(?:(?!现行|有效|废止|清理)[^，。；、\n0-9]){0,16}?(?:行政)?规范性文件" + _N,
              where="t2.normative.issued", readings=("t2.normative.issued",)),
)
