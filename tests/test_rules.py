"""The validators (extractor/rules.py walked by extractor/validate.py) on built reports.

Reports are built from value sets that satisfy every rule by construction (the
template's arithmetic, written out independently of the rule table), then one cell is
planted wrong and the findings must name exactly the rules and wheres that cell is in.
"""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govreport.report import CellValue, Part, Report, Source
from govreport.validate import validate, validate_series

from conftest import shared_file, truth

PERSONS = ["natural", "commercial", "research", "social", "legal", "org_other"]
COLS = PERSONS + ["total"]
DENIED = ["secret", "law", "safety", "third_party", "internal", "process", "enforcement", "query"]
UNAVAILABLE = ["not_held", "no_ready", "unclear"]
REJECTED = ["complaint", "duplicate", "publication", "mass", "confirm"]
OUTCOMES_COMMON = (["granted", "partial"] + [f"denied_{x}" for x in DENIED]
                   + [f"unavailable_{x}" for x in UNAVAILABLE] + [f"rejected_{x}" for x in REJECTED])
OTHER_2021 = ["other_no_correction", "other_no_fee", "other_other"]
GROUPS = ["review", "suit_direct", "suit_after_review"]
T4_PARTS = ["upheld", "corrected", "other", "pending"]


def consistent_values(edition: str, rnd: random.Random, hybrid: bool = False) -> dict:
    """A value set satisfying every single-report rule of rules.md."""
    other_rows = ["other"] if edition == "2019" or hybrid else OTHER_2021
    outcomes = OUTCOMES_COMMON + other_rows
    v: dict = {}
    for c in PERSONS:
        for r in outcomes:
            v[f"t3.{r}.{c}"] = rnd.choice([0, 0, 0, rnd.randint(0, 40)])
        total = sum(v[f"t3.{r}.{c}"] for r in outcomes)
        v[f"t3.total.{c}"] = total
        v[f"t3.carried_forward.{c}"] = rnd.randint(0, 3)
        v[f"t3.carried_over.{c}"] = rnd.randint(0, total + v[f"t3.carried_forward.{c}"])
        v[f"t3.received.{c}"] = total + v[f"t3.carried_forward.{c}"] - v[f"t3.carried_over.{c}"]
    for r in ["received", "carried_over"] + outcomes + ["total", "carried_forward"]:
        v[f"t3.{r}.total"] = sum(v[f"t3.{r}.{c}"] for c in PERSONS)
    for g in GROUPS:
        for c in T4_PARTS:
            v[f"t4.{g}.{c}"] = rnd.randint(0, 12)
        v[f"t4.{g}.total"] = sum(v[f"t4.{g}.{c}"] for c in T4_PARTS)
    if edition == "2021":
        for item in ("rules", "normative"):
            v[f"t2.{item}.issued"] = rnd.randint(0, 30)
            v[f"t2.{item}.repealed"] = rnd.randint(0, 30)
            v[f"t2.{item}.in_force"] = rnd.randint(0, 500)
        for item in ("licensing", "punishment", "coercion"):
            v[f"t2.{item}.decisions"] = rnd.randint(0, 100000)
        v["t2.fees.amount"] = rnd.randint(0, 999999) / 100
    else:
        for item in ("rules", "normative"):
            for c in ("made", "published", "total"):
                v[f"t2.{item}.{c}"] = rnd.randint(0, 90)
        for item in ("licensing", "other_services", "punishment", "coercion", "fees"):
            v[f"t2.{item}.prev"] = rnd.randint(0, 400)
            v[f"t2.{item}.change"] = rnd.randint(-20, 20)
            if item != "fees":
                v[f"t2.{item}.decisions"] = rnd.randint(0, 5000)
        v["t2.procurement.items"] = rnd.randint(0, 200)
        v["t2.procurement.amount"] = rnd.randint(0, 10**9) / 100
    return v


def make_report(values: dict, edition: str = "2021", parts=(), cells=None, organization=None, year=None) -> Report:
    return Report(source=Source(format="text", sha256="0" * 64), edition=edition, values=values,
                  cells=cells or {}, parts=list(parts), organization=organization, year=year,
                  parser_version="test")


def participation(key: str) -> set[tuple[str, str]]:
    """Where a t3/t4 cell takes part, per rules.md (written independently of the rule table)."""
    table, row, col = key.split(".")
    if table == "t4":
        return {("T4-GROUP-SUM", row)}
    out = {("T3-ROW-SUM", row)}
    if row in ("received", "carried_over", "total", "carried_forward"):
        out.add(("T3-BALANCE", col))
    if row == "total" or row in OUTCOMES_COMMON or row.startswith("other"):
        out.add(("T3-OUTCOMES", col))
    return out


def errors(findings) -> set[tuple[str, str]]:
    return {(f.rule, f.where) for f in findings if f.severity == "error"}


VARIANTS = [("2019", False), ("2021", False), ("2021", True)]


# --- properties ------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), variant=st.sampled_from(VARIANTS))
def test_consistent_values_yield_no_finding(seed, variant):
    edition, hybrid = variant
    values = consistent_values(edition, random.Random(seed), hybrid)
    assert validate(make_report(values, edition)) == []


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), variant=st.sampled_from(VARIANTS), data=st.data())
def test_one_cell_off_by_one_names_exactly_its_rules(seed, variant, data):
    edition, hybrid = variant
    values = consistent_values(edition, random.Random(seed), hybrid)
    key = data.draw(st.sampled_from(sorted(k for k in values if k[:2] in ("t3", "t4"))))
    values[key] += 1
    findings = validate(make_report(values, edition))
    assert errors(findings) == participation(key)
    for f in findings:
        assert key in f.keys
        assert abs(f.expected - f.actual) == 1
        assert f.message


# --- each rule, planted ----------------------------------------------------------------

def base(edition="2021", hybrid=False, seed=7):
    return consistent_values(edition, random.Random(seed), hybrid)


def test_t3_balance_planted():
    v = base()
    # one more application handled than came in: （七）总计 and the 总计 column move together
    v["t3.total.natural"] += 1
    v["t3.granted.natural"] += 1
    v["t3.total.total"] += 1
    v["t3.granted.total"] += 1
    findings = validate(make_report(v))
    assert errors(findings) == {("T3-BALANCE", "natural"), ("T3-BALANCE", "total")}
    f = next(f for f in findings if f.where == "natural")
    assert f.expected == v["t3.received.natural"] + v["t3.carried_over.natural"]
    assert f.actual == v["t3.total.natural"] + v["t3.carried_forward.natural"] == f.expected + 1
    assert f.keys == ["t3.received.natural", "t3.carried_over.natural", "t3.total.natural",
                      "t3.carried_forward.natural"]
    assert f.message == (f"表三「自然人」列：本年新收 {v['t3.received.natural']} + 上年结转 "
                         f"{v['t3.carried_over.natural']} = {f.expected}，应等于（七）总计 "
                         f"{v['t3.total.natural']} + 结转下年度 {v['t3.carried_forward.natural']} = {f.actual}")


def test_t3_outcomes_planted_2021_sums_the_three_other_rows():
    v = base()
    v["t3.other_no_fee.commercial"] += 3
    v["t3.other_no_fee.total"] += 3
    findings = validate(make_report(v))
    assert errors(findings) == {("T3-OUTCOMES", "commercial"), ("T3-OUTCOMES", "total")}
    f = next(f for f in findings if f.where == "commercial")
    assert f.expected == sum(v[f"t3.{r}.commercial"] for r in OUTCOMES_COMMON + OTHER_2021)
    assert f.actual == v["t3.total.commercial"] == f.expected - 3
    assert f.keys == [f"t3.{r}.commercial" for r in OUTCOMES_COMMON + OTHER_2021] + ["t3.total.commercial"]
    assert f"其他处理·逾期未缴费 {v['t3.other_no_fee.commercial']}" in f.message
    assert f.message.startswith("表三「商业企业」列：各项办理结果之和 ")
    assert f.message.endswith(f"而（七）总计为 {f.actual}")


def test_t3_row_sum_planted():
    v = base()
    v["t3.denied_process.total"] = v["t3.denied_process.total"] + 2
    findings = validate(make_report(v))
    # the 总计 column is also a column of table 三: its own balance and outcomes break too
    assert errors(findings) == {("T3-ROW-SUM", "denied_process"), ("T3-OUTCOMES", "total")}
    f = next(f for f in findings if f.rule == "T3-ROW-SUM")
    assert f.expected == sum(v[f"t3.denied_process.{c}"] for c in PERSONS)
    assert f.actual == f.expected + 2
    assert f.keys == [f"t3.denied_process.{c}" for c in PERSONS] + ["t3.denied_process.total"]
    assert f.message.startswith("表三「不予公开·过程性信息」行：各类申请人之和")


def test_t4_group_sum_hongzequ_2023_pattern():
    # table 四 as printed by 洪泽区 2023: 10 1 0 0 0 | 0 0 0 0 0 | 5 0 0 0 0
    v = base(hybrid=True)
    printed = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    for i, g in enumerate(GROUPS):
        for j, c in enumerate(T4_PARTS + ["total"]):
            v[f"t4.{g}.{c}"] = printed[5 * i + j]
    findings = validate(make_report(v))
    assert errors(findings) == {("T4-GROUP-SUM", "review"), ("T4-GROUP-SUM", "suit_after_review")}
    review = next(f for f in findings if f.where == "review")
    assert (review.expected, review.actual) == (11, 0)
    assert review.keys == [f"t4.review.{c}" for c in T4_PARTS + ["total"]]
    assert review.message == "表四「行政复议」：结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11，而总计为 0"


def test_hybrid_2021_uses_single_other_row():
    v = base(hybrid=True)
    assert "t3.other_no_correction.natural" not in v
    assert validate(make_report(v)) == []
    v["t3.other.natural"] += 4
    f = {(f.rule, f.where): f for f in validate(make_report(v))}
    assert set(f) == {("T3-OUTCOMES", "natural"), ("T3-ROW-SUM", "other")}
    assert "t3.other.natural" in f[("T3-OUTCOMES", "natural")].keys
    assert f[("T3-OUTCOMES", "natural")].expected == v["t3.total.natural"] + 4


def test_unread_value_skips_the_rule_instance():
    v = base()
    v["t3.granted.natural"] = None          # unread: every instance using it is skipped
    v["t3.partial.natural"] += 5            # would break OUTCOMES natural and ROW-SUM partial
    v["t4.review.total"] = None
    v["t4.review.upheld"] += 1
    assert errors(validate(make_report(v))) == {("T3-ROW-SUM", "partial")}
    v.pop("t3.partial.total")               # a key missing altogether counts as unread too
    assert validate(make_report(v)) == []


def test_blank_cell_is_zero_and_checked():
    v = base()
    v["t4.suit_direct.upheld"] = 3
    v["t4.suit_direct.total"] = 0
    cells = {"t4.suit_direct.total": CellValue(value=0, raw="", blank=True)}
    (f,) = validate(make_report(v, cells=cells))
    assert (f.rule, f.where, f.expected, f.actual) == (
        "T4-GROUP-SUM", "suit_direct", 3 + v["t4.suit_direct.corrected"] + v["t4.suit_direct.other"]
        + v["t4.suit_direct.pending"], 0)
    assert "空白" in f.message


def test_negative_counts_but_signed_change_of_2019():
    v = base("2019")
    v["t2.licensing.change"] = -35
    v["t2.fees.change"] = -1
    assert validate(make_report(v, "2019")) == []
    v["t2.punishment.prev"] = -2
    (f,) = validate(make_report(v, "2019"))
    assert (f.rule, f.where, f.expected, f.actual, f.keys) == (
        "NEGATIVE", "t2.punishment.prev", 0, -2, ["t2.punishment.prev"])
    assert "表二「行政处罚／上一年项目数量」" in f.message
    v21 = base()
    v21["t2.rules.issued"] = -1
    delta = -1 - v21["t3.rejected_mass.legal"]    # keep every sum right: only the sign is wrong
    for k in ("rejected_mass.legal", "rejected_mass.total", "total.legal", "total.total",
              "received.legal", "received.total"):
        v21[f"t3.{k}"] += delta
    found = errors(validate(make_report(v21)))
    assert {("NEGATIVE", "t2.rules.issued"), ("NEGATIVE", "t3.rejected_mass.legal")} <= found
    # sums still hold: the only findings are the cells below zero (a row total may follow)
    assert found == {("NEGATIVE", k) for k, x in v21.items() if x < 0}


def test_fraction_allowed_in_amounts_only():
    v = base()
    v["t2.fees.amount"] = 96171.6
    assert validate(make_report(v)) == []
    v["t2.licensing.decisions"] = 447228.5
    (f,) = validate(make_report(v))
    assert (f.rule, f.where, f.actual, f.expected) == ("NOT-INTEGER", "t2.licensing.decisions", 447228.5, 447228)
    v19 = base("2019")
    v19["t2.procurement.amount"] = 75394432.52
    v19["t4.review.pending"] += 0.5
    v19["t4.review.total"] += 0.5
    assert errors(validate(make_report(v19, "2019"))) == {
        ("NOT-INTEGER", "t4.review.pending"), ("NOT-INTEGER", "t4.review.total")}


@pytest.mark.parametrize("edition", ["pre2019", None])
def test_no_template_tables_no_findings(edition):
    assert validate(make_report({"t3.received.total": -1}, edition)) == []


# --- prose against the tables ------------------------------------------------------------

def prose_report(text: str, edition="2021", **changes):
    v = base(edition)
    v.update(changes)
    return make_report(v, edition, parts=[Part(number=1, title="一、总体情况", text=text)])


def prose(findings):
    return [(f.rule, f.severity, f.where, f.expected, f.actual) for f in findings if f.rule == "PROSE-TABLE"]


def test_prose_normative_issued_differs():
    r = prose_report("2024 年，累计发布政务信息 2800 余条；发布县政府和县政府办公室行政规范性文件 12 件；"
                     "发布政策解读信息 33 条。", **{"t2.normative.issued": 8, "t2.normative.repealed": 12})
    (f,) = validate(r)
    assert (f.rule, f.severity, f.where, f.expected, f.actual) == (
        "PROSE-TABLE", "warning", "t2.normative.issued", 8, 12)
    assert "发布县政府和县政府办公室行政规范性文件 12 件" in f.message and f.keys == ["t2.normative.issued"]
    assert prose(validate(prose_report("本年度制发行政规范性文件8件。", **{"t2.normative.issued": 8}))) == []
    # stock, repeal and 2019 reports are not 本年制发
    assert prose(validate(prose_report("集中公开现行有效行政规范性文件698件，废止规范性文件12件。",
                                       **{"t2.normative.issued": 8, "t2.normative.in_force": 698,
                                          "t2.normative.repealed": 12}))) == []
    assert prose(validate(prose_report("制发规范性文件 5 件。", "2019"))) == []


@pytest.mark.parametrize("text,ok", [
    ("2024 年，共受理依申请公开 21 件，已答复 21 件。", True),
    ("全年共收到政府信息公开申请 24 件。", True),           # received + carried over
    ("收到政府信息公开申请20件。", False),
    ("本年度办理政府信息公开申请 19 件。", True),            # （七）总计
    ("共受理依申请公开 25 件。", False),
    ("2024 年，共受理政府信\n息公开申请 30 件。", False),     # a PDF line wrap inside the words
    ("2024 年，区政府办代表区政府受理政府信息公开申请 17 件。", True),   # a part of the body
    ("入驻审批服务部门和单位13个，共受理申请121510件。", True),          # licensing, not 依申请
])
def test_prose_applications(text, ok):
    r = prose_report(text, **{"t3.received.total": 21, "t3.carried_over.total": 3, "t3.total.total": 19})
    got = prose(validate(r))
    assert (got == []) == ok
    if not ok:
        assert got[0][:3] == ("PROSE-TABLE", "warning", "t3.received.total")


def test_prose_review_and_litigation():
    t4 = {"t4.review.total": 2, "t4.suit_direct.total": 1, "t4.suit_after_review.total": 1}
    assert prose(validate(prose_report("本年度有 2 件行政复议案件，行政诉讼 2 件。", **t4))) == []
    got = prose(validate(prose_report("发生政府信息公开行政复议 3 件，行政诉讼1件。", **t4)))
    assert got == [("PROSE-TABLE", "warning", "t4.review.total", 2, 3),
                   ("PROSE-TABLE", "warning", "t4.suit_direct.total", 2, 1)]
    # a combined figure cannot be compared with one cell: no warning
    assert prose(validate(prose_report("行政复议和行政诉讼共 7 件。", **t4))) == []


# --- across years ------------------------------------------------------------------------------

def test_series_carry_and_stock():
    prev = base(seed=1)
    cur = base(seed=2)
    for c in COLS:
        cur[f"t3.carried_over.{c}"] = prev[f"t3.carried_forward.{c}"]
    for k in ("rules", "normative"):
        cur[f"t2.{k}.in_force"] = prev[f"t2.{k}.in_force"] + cur[f"t2.{k}.issued"] - cur[f"t2.{k}.repealed"]
    org = "洪泽区人民政府"
    r22, r23 = make_report(prev, organization=org, year=2022), make_report(cur, organization=org, year=2023)
    assert validate_series([r23, r22]) == []
    cur["t2.normative.in_force"] += 2
    cur["t3.carried_over.social"] += 1
    r23 = make_report(cur, organization=org, year=2023)
    got = {(f.rule, f.where, f.severity, f.expected, f.actual): r.year for r, f in validate_series([r22, r23])}
    assert got == {
        ("X-STOCK", "normative", "warning", cur["t2.normative.in_force"] - 2, cur["t2.normative.in_force"]): 2023,
        ("X-CARRY", "social", "warning", prev["t3.carried_forward.social"], cur["t3.carried_over.social"]): 2023,
    }
    # another body, or a gap of a year: nothing to compare
    assert validate_series([r22, make_report(cur, organization="淮安市人民政府", year=2023)]) == []
    assert validate_series([r22, make_report(cur, organization=org, year=2024)]) == []
    # X-STOCK is a 2021-edition rule; X-CARRY holds across editions
    r19 = make_report(base("2019"), "2019", organization=org, year=2022)
    assert {f.rule for _, f in validate_series([r19, r23])} == {"X-CARRY"}


# --- the seed, end to end --------------------------------------------------------------------

def test_seed_prose_warning_and_no_errors():
    path = shared_file("seeds/000_eacb47a0de807e98.txt")
    from govreport import parse
    report = parse(path)
    assert report.errors == []
    warnings = [(f.rule, f.where, f.expected, f.actual) for f in report.findings if f.rule == "PROSE-TABLE"]
    assert warnings == [("PROSE-TABLE", "t2.normative.issued", 8, 12)]


# --- the hand-checked truth files: their values, our findings ---------------------------------

TRUTHS = ["seed-xinxian-2024", "fj-pingtan-2019", "fj-pingtan-2022", "fj-pingtan-2024",
          "js-huaian-city-2024", "js-huaian-hongzequ-2023", "js-huaian-hongzequ-2024"]


def truth_report(name: str) -> tuple[Report, dict]:
    t = truth(name)
    return make_report(t["values"], t["edition"], organization=t["organization"], year=t["year"]), t


@pytest.mark.parametrize("name", TRUTHS)
def test_truth_values_give_exactly_the_truth_inconsistencies(name):
    report, t = truth_report(name)
    assert errors(validate(report)) == {(i["rule"], i["where"]) for i in t["inconsistencies"]}


def test_truth_series_hongzequ_holds_across_titles():
    # 2023 is titled 洪泽区人民政府, 2024 淮安市洪泽区人民政府: one body; 5 + 3 - 0 = 8 holds
    r23, _ = truth_report("js-huaian-hongzequ-2023")
    r24, _ = truth_report("js-huaian-hongzequ-2024")
    assert validate_series([r24, r23]) == []
    r24.values["t2.normative.in_force"] = 9
    ((r, f),) = validate_series([r24, r23])
    assert r is r24 and (f.rule, f.where, f.expected, f.actual) == ("X-STOCK", "normative", 8, 9)
    assert f.message == "表二「规范性文件」：上年现行有效 5 + 本年制发 3 − 本年废止 0 = 8，而本年现行有效为 9"


def test_rule_terms_are_the_layout_keys_their_globs_match():
    # sums expands a term with cuts (exact keys placed by position; only keys with the globs'
    # literal head and tail matched): each instance of every layout holds what matching the
    # term's globs against every key of the layout gives, in layout order
    import itertools
    import re
    from fnmatch import fnmatchcase

    from govreport.grammar import layouts
    from govreport.sums import _scope, instances

    checked = 0
    for name, layout in layouts().items():
        for series in (False, True):
            for inst in instances(name, series):
                var = _scope(inst.rule.scope)[0]
                for expr, got in ((inst.rule.expected, inst.expected), (inst.rule.actual, inst.actual)):
                    want, sign = [], 1
                    for tok in expr.split():
                        if tok in "+-":
                            sign = 1 if tok == "+" else -1
                            continue
                        t = tok.removeprefix("prev:").replace("{%s}" % var, inst.where)
                        pieces = re.split(r"\{([^{}]+)\}", t)
                        globs = ["".join(c) for c in itertools.product(
                            *([p] if i % 2 == 0 else p.split("|") for i, p in enumerate(pieces)))]
                        want += [(sign, tok.startswith("prev:"), k) for k in layout
                                 if any(fnmatchcase(k, g) for g in globs)]
                    assert got == tuple(want), (name, inst.rule.id, inst.where)
                    checked += 1
    assert checked > 200                 # both sides of each instance of each layout: ~290
