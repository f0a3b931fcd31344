"""Plain pdftotext lists a table's cells in the order of its text blocks: rows one after
another, a run of rows column by column, the first column apart beside the labels,
table 四's blocks moved around its header words (the real ones: ../shared/corpus/matrix
js-huaian-hongzequ-2023, fj-pingtan-2024, js-huaian-city-2024 -pdftotext.txt).

Generated renderings (fixtures/render_text.pdftotext_blocks) of every fixture report: a
cell is right or null with a finding naming it; the planted errors are found when the
order is settled, and nothing is blamed on the document when it is not.
"""
import pytest

from govreport import parse
from govreport.budget import Budget, unlimited
from govreport.recognize import orders
from govreport.recognize.align import Slot, place
from govreport.recognize.fused import CellSum

pytest.importorskip("fixtures.render_text")
from fixtures import render_text, spec as S  # noqa: E402

SPECS = S.all_specs()
NAMES = sorted(n for n in SPECS if not n.startswith("pt-"))
DENIED = ("denied_secret", "denied_law", "denied_safety", "denied_third_party", "denied_internal",
          "denied_process", "denied_enforcement", "denied_query")


def _read(name: str, **kw):
    spec = SPECS[name]
    report = parse(render_text.pdftotext_blocks(spec, 1, **kw), filename=f"{name}.txt")
    want = spec["values"]
    named = {k for f in report.findings for k in (f.keys or [])}
    wrong = {k: (want.get(k), v) for k, v in report.values.items() if v is not None and want.get(k) != v}
    unnamed = [k for k, v in report.values.items() if v is None and k not in named]
    assert not wrong and not unnamed
    errors = {(f.rule, f.where) for f in report.findings if f.severity == "error"}
    planted = {tuple(x) for x in spec["inconsistencies"]}
    assert errors <= planted                      # never a false inconsistency
    return report, errors, planted


def _row_sum_planted(name: str) -> bool:
    return any(rule == "T3-ROW-SUM" for rule, _ in SPECS[name]["inconsistencies"])


@pytest.mark.parametrize("name", NAMES)
def test_rows_listed_column_by_column_are_read(name):
    report, errors, planted = _read(name, columns=DENIED)
    if not _row_sum_planted(name):
        # a row that breaks its own sum is not told from numbers that strayed (one number a
        # line): the rows around it stay null, named; elsewhere every cell and error is read
        assert None not in report.values.values()
        assert errors == planted


@pytest.mark.parametrize("name", NAMES)
def test_first_column_apart_and_last_total_after_its_header_word(name):
    report, errors, planted = _read(name, first_apart=DENIED[:2], t4="total-last")
    if not _row_sum_planted(name):
        assert None not in report.values.values()
        assert errors == planted                  # a planted table 四 error is found in the order printed


@pytest.mark.parametrize("name", ["jt-2021", "jt-2021-t4sum", "zfj-2021", "wj-2019"])
def test_table4_blocks_moved_are_placed_only_where_every_arrangement_agrees(name):
    report, errors, planted = _read(name, t4="moved")
    t4 = {k: v for k, v in report.values.items() if k.startswith("t4.")}
    assert not {e for e in errors if e[0].startswith("T4")}       # arrangement unsure: never blamed
    unread = [f for f in report.findings if f.rule == "CELL-UNREADABLE" and f.where == "t4"]
    assert (None in t4.values()) == bool(unread)
    assert all(k.startswith("t3.") or k.startswith("t2.") or report.values[k] is not None
               or any(k in f.keys for f in unread) for k in report.values)


def test_orders_cell_offsets():
    assert orders.layout(orders.ROWS, 2, 3) == ((0, 1, 2), (3, 4, 5))
    assert orders.layout(orders.COLUMNS, 2, 3) == ((0, 2, 4), (1, 3, 5))
    assert orders.layout(orders.FIRST_LAST, 2, 3) == ((4, 0, 1), (5, 2, 3))


def _got(out, values):
    return [[None if i is None else values[i] for i in p.at()] for p in out]


def test_place_reads_a_block_column_by_column_and_leaves_a_tie_in_doubt():
    rule = (CellSum((0, 1), 2),)
    # a: 1 2 3, b: 4 5 9, c: 0 7 7 listed column by column
    values = [1, 4, 0, 2, 5, 7, 3, 9, 7]
    slots = [Slot("a", 3, rule, None), Slot("b", 3, rule, None), Slot("c", 3, rule, None)]
    assert _got(place(slots, values), values) == [[1, 2, 3], [4, 5, 9], [0, 7, 7]]
    # 0 0 0 3 0 3: row by row (0 0 0 | 3 0 3) or by columns (0 0 0 | 0 3 3), both hold;
    # the cells they disagree on stay in doubt, the others are placed
    values = [0, 0, 0, 3, 0, 3]
    out = place([Slot("a", 3, rule, None), Slot("b", 3, rule, None)], values)
    assert _got(out, values) == [[0, 0, 0], [None, None, 3]]
    assert out[1].doubt == ("0或3", "0或3")


def test_a_column_read_never_crosses_a_row_label():
    rule = (CellSum((0, 1), 2),)
    # b's label stands between the numbers (owning two of them, so it does not place the
    # row by itself): the block is read row by row, not by columns (which would hold too)
    values = [0, 0, 0, 3, 0, 3]
    out = place([Slot("a", 3, rule, None), Slot("b", 3, rule, (3, 5), one_line=False)], values)
    assert _got(out, values) == [[0, 0, 0], [3, 0, 3]]


def test_column_arithmetic_settles_the_order_and_never_blames_by_itself():
    rule = (CellSum((0, 1), 2),)
    values = [0, 0, 0, 3, 0, 3]
    slots = [Slot("a", 3, rule, None), Slot("b", 3, rule, None)]
    # the table's column sums (the check names the sums that fail) say b's first cell is 3: row by row
    out = place(slots, values, check=lambda rows: frozenset() if rows["b"][0] == 3 else {("T3-BALANCE", "natural")})
    assert _got(out, values) == [[0, 0, 0], [3, 0, 3]]
    # a sum no reading passes leaves the rows' own sums to decide (the document's error)
    out = place(slots, values, check=lambda rows: frozenset({("T3-BALANCE", "total")}))
    assert _got(out, values) == [[0, 0, 0], [None, None, 3]]
    # ... and tells no reading from another: a sum that holds in some reading still decides
    out = place(slots, values, check=lambda rows: frozenset({("T3-BALANCE", "total")}) | (
        frozenset() if rows["b"][0] == 3 else {("T3-BALANCE", "natural")}))
    assert _got(out, values) == [[0, 0, 0], [3, 0, 3]]


def test_a_row_cut_by_text_is_read_in_any_order_of_its_runs():
    # pdftotext printed 平潭 2019's 本年新收 row (23 0 0 0 0 0 23, ../shared matrix
    # fj-pingtan-2019-noborder-chromium.pdf) as `0 0 0 0`, the label, `23 0`, 总计, `23`:
    # the block of the four middle columns came first. Row by row, and with the row's runs
    # moved, both hold the row's sum: never printed in the order printed on that alone
    rule = (CellSum(tuple(range(6)), 6),)
    values = [0, 0, 0, 0, 23, 0, 23]
    slot = Slot("received", 7, rule, (4, 7), one_line=False)
    cuts = {4: None, 6: 6}            # text before the label's 23, and 总计 (the total column) before the last
    out = place([slot], values, cuts=cuts)
    assert _got(out, values) == [[None, 0, 0, 0, None, 0, 23]]
    assert out[0].doubt == ("0或23", "0或23")
    # the table's column sums decide
    natural = lambda rows: frozenset() if rows["received"][0] == 23 else {("T3-BALANCE", "natural")}  # noqa: E731
    assert _got(place([slot], values, natural, cuts=cuts), values) == [[23, 0, 0, 0, 0, 0, 23]]
    # a run in the label's own text block is the column beside the labels, the first: that
    # refutes the order printed here
    assert _got(place([slot], values, cuts={4: 0, 6: 6}), values) == [[23, 0, 0, 0, 0, 0, 23]]
    # no text among the numbers: they are in column order
    assert _got(place([slot], values), values) == [values]


def test_windows_left_in_doubt_are_settled_together():
    # a b (column by column or row by row), a row placed by its label, c d (the same):
    # each window alone cannot tell; the column sum over b and d (8) tells both
    rule = (CellSum((0, 1), 2),)
    values = [0, 0, 0, 3, 0, 3, 1, 1, 2, 0, 0, 0, 5, 0, 5]
    slots = [Slot("a", 3, rule, None), Slot("b", 3, rule, None), Slot("l", 3, rule, (6, 9)),
             Slot("c", 3, rule, None), Slot("d", 3, rule, None)]

    def column(rows):
        if "b" not in rows or "d" not in rows:
            return frozenset()
        return frozenset() if rows["b"][0] + rows["d"][0] == 8 else {("T3-OUTCOMES", "natural")}

    assert _got(place(slots, values), values)[1] == [None, None, 3]
    assert _got(place(slots, values, column), values) == [[0, 0, 0], [3, 0, 3], [1, 1, 2], [0, 0, 0], [5, 0, 5]]


def test_the_search_is_charged_to_the_document_budget():
    rule = (CellSum((0, 1), 2),)
    slots = [Slot(f"r{i}", 3, rule, None) for i in range(12)]
    values = [0] * 36
    used = unlimited()
    place(slots, values, budget=used)
    assert used.used > 100
    out = place(slots, values, budget=Budget(nodes=50))
    assert all(p.span is None and p.note for p in out)
