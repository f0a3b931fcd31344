"""Splitting fused digit runs: only what the template's arithmetic makes certain."""
from hypothesis import given, settings, strategies as st

from govreport.recognize.fused import CellSum, agreed, split_run, value_run

ROW = (CellSum((0, 1, 2, 3, 4, 5), 6),)
T4 = tuple(CellSum((g * 5, g * 5 + 1, g * 5 + 2, g * 5 + 3), g * 5 + 4) for g in range(3))


def test_row_sum_settles_a_fused_table3_row():
    assert split_run(["21710000218"], 7, rules=ROW) == [(217, 1, 0, 0, 0, 0, 218)]


def test_surviving_spaces_bound_the_cuts():
    assert split_run(["230", "000023"], 7, rules=ROW) == [(23, 0, 0, 0, 0, 0, 23)]
    assert split_run(["23", "0", "00", "0", "023"], 7, rules=ROW) == [(23, 0, 0, 0, 0, 0, 23)]


def test_table4_group_sums_settle_seventeen_digits():
    assert split_run(["21317000001324019"], 15, rules=T4) == [(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)]


def test_without_arithmetic_a_run_stays_ambiguous():
    cands = split_run(["6233440"], 3)
    assert (62, 33, 440) in cands and len(cands) > 1
    assert agreed(cands) == [None, None, None]


def test_decimals_only_in_amount_columns():
    assert split_run(["18651.06"], 1, decimals=(True,)) == [(18651.06,)]
    assert split_run(["18651.06"], 1) == []
    assert all("." not in str(c[0]) for c in split_run(["13575394432.52"], 2, decimals=(False, True)))


def test_value_run_stops_at_the_next_label():
    assert value_run("290000029（三）不予公开") == ["290000029"]
    assert value_run("18651.06三、收到") == ["18651.06"]
    assert value_run(" 0 0 0 0 0 00（七）总计") == ["0", "0", "0", "0", "0", "00"]
    assert value_run("行政止公开 0000000") == ["0000000"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=6, max_size=6))
def test_any_consistent_row_is_among_the_splits(parts):
    row = tuple(parts) + (sum(parts),)
    fused = "".join(str(v) for v in row)
    assert row in split_run([fused], 7, rules=ROW)


def test_a_row_short_of_cells_splits_cells_holding_two_numbers_and_reads_thousands_separators():
    from govreport.model import Origin
    from govreport.recognize.rows import RawRow, ValueToken
    from govreport.recognize.values import RowSpec, read_row
    keys = [f"t3.received.{c}" for c in "abcdefg"]
    spec = RowSpec("received", keys, (False,) * 7, (False,) * 7, ROW)
    # five cells for seven columns: `1,234 5` and `0 0` each hold two (a lost boundary)
    toks = [ValueToken(t, Origin("html")) for t in ("1,234 5", "0 0", "0", "1", "1,240")]
    res = read_row(spec, RawRow("received", toks, False))
    assert res.candidates == [(1234, 5, 0, 0, 0, 1, 1240)]


def test_a_minus_sign_is_never_cut_off_as_a_blank_mark():
    # pdftotext -layout of a table 四 with a blank cell and a -1: 14 numbers for 15 cells;
    # `-1` is no `-` (blank) beside a 1: the row is not split into wrong cells
    row = "0 1 0 0 1 3 0 -1 0 2 1 0 1 2".split()
    assert split_run(row, 15) == []
    assert split_run(["0", "—1", "2"], 4) == [(0, 0, 1, 2)]     # a fused dash blank still splits
