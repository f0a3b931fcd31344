"""One search budget per document: hard rows cost one allowance, never a hang (issue 10)."""
from __future__ import annotations

import random
import subprocess
import sys

import regex as re

from govreport.budget import Budget, Spent
from govreport.pipeline import parse
from govreport.recognize.fused import CellSum, split_run
from govreport.recognize.values import SPENT, RowResult, RowSpec, settle

from conftest import REPO

FIXTURE = (REPO / "fixtures" / "pt-fused-2021.txt").read_text(encoding="utf-8")
ROW = (CellSum((0, 1, 2, 3, 4, 5), 6),)


def _table3_with_long_runs(digits: int, seed: int = 1) -> bytes:
    """The fused-text fixture with every table 三 row's digit run replaced by `digits` random digits."""
    rnd = random.Random(seed)
    start, end = FIXTURE.index("一、本年新收"), FIXTURE.index("四、政府信息公开行政复议")
    middle = re.sub(r"(?<=[^\d.])\d{7,}", lambda m: "".join(rnd.choice("123456789") for _ in range(digits)),
                    FIXTURE[start:end])
    return (FIXTURE[:start] + middle + FIXTURE[end:]).encode("utf-8")


def test_forty_digit_rows_share_one_budget_and_are_named_null():
    data = _table3_with_long_runs(40)
    budget = Budget(nodes=50_000)
    from govreport.readers import ReadOptions, read_document
    from govreport.recognize import recognize
    from govreport.report import Source
    report = recognize(read_document(data, ReadOptions(filename="x.txt")), Source(path="x.txt", format="text", sha256="0"),
                       "test", budget)
    assert budget.used == budget.nodes                      # spent, and not a step beyond
    spent = [f for f in report.findings if f.rule == "BUDGET-SPENT"]
    assert spent
    for f in spent:
        assert f.keys and all(report.values[k] is None for k in f.keys)
    named = {k for f in report.findings for k in f.keys}
    assert all(k in named for k, v in report.values.items() if v is None and k.startswith("t3."))


def test_the_result_does_not_depend_on_what_was_read_before():
    data = _table3_with_long_runs(40, seed=2)
    first = parse(data, filename="a.txt")
    again = parse(data, filename="a.txt")                   # every split now comes from the cache
    assert first.values == again.values
    assert [(f.rule, f.keys) for f in first.findings] == [(f.rule, f.keys) for f in again.findings]


def test_cached_splits_are_charged_what_they_cost():
    tokens = ["2171000021"]
    fresh = Budget()
    split_run(tokens, 7, rules=ROW, budget=fresh)
    cached = Budget()
    split_run(tokens, 7, rules=ROW, budget=cached)
    assert fresh.used == cached.used > 1
    short = Budget(nodes=fresh.used - 1)
    try:
        split_run(tokens, 7, rules=ROW, budget=short)
        raise AssertionError("a cached split ran past the budget")
    except Spent:
        pass


def _open_row(n_candidates: int) -> RowResult:
    spec = RowSpec("granted", [f"k{i}" for i in range(3)], (False,) * 3, (False,) * 3)
    return RowResult(spec, None, candidates=[(i, i, i) for i in range(n_candidates)])


def test_settle_tests_each_combination_once_within_the_budget():
    calls = []

    def check(vals):
        calls.append(1)
        return vals["k0"] % 2 == 0 and vals["m0"] == 1

    a, b = _open_row(3000), _open_row(3)
    b.spec = RowSpec("other", ["m0", "m1", "m2"], (False,) * 3, (False,) * 3)
    settle([a, b], check=check, budget=Budget())
    assert len(calls) == 9000
    assert len(a.candidates) == 1500 and b.candidates == [(1, 1, 1)]


def test_settle_stops_when_the_budget_runs_out_and_says_so():
    calls = []
    a, b = _open_row(3000), _open_row(20)
    b.spec = RowSpec("other", ["m0", "m1", "m2"], (False,) * 3, (False,) * 3)
    settle([a, b], check=lambda vals: calls.append(1) or True, budget=Budget(nodes=2000))
    assert len(calls) <= 1000
    assert a.note == SPENT and len(a.candidates) == 3000       # left ambiguous, not guessed


def test_a_twenty_digit_row_with_thousands_of_readings_stays_null_with_a_finding():
    data = FIXTURE.replace("（一）予以公开120000113", "（一）予以公开73918264537291846359").encode("utf-8")
    report = parse(data, filename="x.txt")
    row = [k for k in report.values if k.startswith("t3.granted.")]
    assert all(report.values[k] is None for k in row)
    f = next(f for f in report.findings if f.where == "granted")
    assert f.rule in ("FUSED-AMBIGUOUS", "BUDGET-SPENT") and set(f.keys) == set(row)


def test_attachment_url_scan_is_linear_in_a_long_url_run():
    # quadratic backtracking over 400,000 URL characters would run for hours
    code = ("from govreport.readers.text import attachment_urls;"
            "print(attachment_urls('附件：' + 'a/' * 200000 + '. x.pdf'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.stdout.strip() == "['x.pdf']"


def test_attachment_urls_end_at_the_last_extension_and_bad_bases_keep_the_link():
    from govreport.readers.text import attachment_urls, resolve_url
    assert attachment_urls("附件：http://a.gov.cn/x/b.pdf?id=3、c.DOCX下载、d.pdfx") == \
        ["http://a.gov.cn/x/b.pdf", "c.DOCX"]
    assert resolve_url("http://[::1", "b.pdf") == "b.pdf"
    report = parse("原文链接: http://[::1\n==== 正文 ====\n附件：b.pdf\n".encode(), filename="n.txt")
    assert [a.url for a in report.attachments] == ["b.pdf"]


def test_a_long_unread_tail_costs_no_huge_powers_of_ten():
    # the running-total bound raised 10 to the number of unread characters at every node:
    # 300,000 characters of tail took minutes (fuzz case of issue 10)
    code = ("from govreport.recognize.fused import CellSum, TooMany, split_run\n"
            "try:\n print(split_run(['1' * 40, '9' * 300_000], 7, rules=(CellSum(tuple(range(6)), 6),)))\n"
            "except TooMany:\n print('too many')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0 and out.stdout.strip() in ("[]", "too many")


def _html_report_with_near_labels(misread: bool, junk_rows: int):
    """The HTML fixture as read, its table 三 given `junk_rows` rows of made-up 8-character
    labels (none a template label) and, when `misread`, its 属于国家秘密 label misread as
    属于国家泌密 (only the closest-label search finds that row)."""
    from govreport.model import Cell, Origin
    from govreport.readers import ReadOptions, read_document
    from govreport.recognize import _classify_tables
    doc = read_document((REPO / "fixtures" / "jt-2021.html").read_bytes(), ReadOptions(filename="x.html"))
    (table,) = _classify_tables(doc)["t3"]
    (row,) = [r for r in table.rows if any("国家秘密" in c.text for c in r)]
    if misread:
        i = next(i for i, c in enumerate(row) if "国家秘密" in c.text)
        c = row[i]
        row[i] = Cell(c.raw.replace("秘", "泌"), c.text.replace("秘", "泌"), c.origin, c.merged_from)
    rnd = random.Random(3)
    chars = "的是在了有和人这中大为上个我以要他时来用们生到作地出就分对成会可主发动同工也能下过子说产种面而方后多定学所民得经"
    blank = [Cell("", "", Origin("html"))] * (len(row) - 1)
    labels = ("".join(rnd.choice(chars) for _ in range(8)) for _ in range(junk_rows))
    table.rows[3:3] = [[Cell(t, t, Origin("html"))] + blank for t in labels]
    return doc


def _recognize(doc, budget: Budget):
    from govreport.recognize import recognize
    from govreport.report import Source
    return recognize(doc, Source(path="x.html", format="html", sha256="0"), "test", budget)


def test_closest_label_search_is_on_the_document_budget():
    base = _recognize(_html_report_with_near_labels(False, 0), Budget())
    secret = [k for k in base.values if k.startswith("t3.denied_secret.")]
    assert secret and all(base.values[k] is not None for k in secret)
    # within the budget, the misread label is found by the closest-label search
    budget = Budget()
    report = _recognize(_html_report_with_near_labels(True, 300), budget)
    assert report.values == base.values and budget.used > 300 * 10
    assert not [f for f in report.findings if f.rule == "BUDGET-SPENT"]
    # 2,000 rows of near-labels against a small budget: the search stops at the budget
    # and says so; the misread row, its label unmatched, is then placed by the template's
    # order (the rows round it placed by their labels, the arithmetic confirming), never
    # called missing
    budget = Budget(nodes=3_000)
    report = _recognize(_html_report_with_near_labels(True, 2_000), budget)
    assert budget.used == budget.nodes
    (spent,) = [f for f in report.findings if f.rule == "BUDGET-SPENT"]
    assert spent.where == "labels"
    assert all(report.values[k] is None for k in spent.keys)
    assert report.values == base.values
    assert not [f for f in report.findings if f.rule.startswith("MISSING")]
    assert all(v == base.values[k] for k, v in report.values.items() if v is not None)
