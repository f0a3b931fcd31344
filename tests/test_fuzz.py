"""Whatever the bytes (issue 10): parse() returns a Report or raises ReadError within the
search budget, the JSON out is strict, every value is None or a finite number; and a short
deterministic slice of the mutation fuzzer (fuzz/run.py) finds nothing bad."""
from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings, strategies as st

from govreport import ReadError, Report, parse
from govreport.budget import Budget
from govreport.normalize import parse_value
from govreport.recognize.fused import split_run
from govreport.validate import validate

from conftest import REPO

SEEDS = {p.name: p.read_bytes() for p in sorted((REPO / "fixtures").iterdir())
         if p.suffix in (".html", ".txt", ".md", ".docx", ".pdf")}


def _check(report_or_error) -> None:
    if isinstance(report_or_error, ReadError):
        assert "\n" not in report_or_error.line()
        return
    report = report_or_error
    assert isinstance(report, Report)
    for v in report.values.values():
        assert v is None or (isinstance(v, (int, float)) and math.isfinite(v))
    json.loads(report.model_dump_json(), parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))


def _parse(data: bytes, name: str):
    try:
        return parse(data, filename=name)
    except ReadError as e:
        return e


_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_SETTINGS
@given(name=st.sampled_from(sorted(SEEDS)), cut=st.integers(0, 10**9), junk=st.binary(max_size=64),
       flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=8))
def test_any_mutated_fixture_parses_or_is_refused(name, cut, junk, flips):
    data = bytearray(SEEDS[name])
    for at, byte in flips:
        data[at % len(data)] = byte
    at = cut % (len(data) + 1)
    _check(_parse(bytes(data[:at]) + junk + bytes(data[at:]), name))


@_SETTINGS
@given(st.text(alphabet=st.sampled_from("0123456789.,-—/ 　０１２件万元无\t|\n一二三、（）总计本年新收"), max_size=400))
def test_any_text_of_digits_and_labels_parses(text):
    _check(_parse(("一、总体情况\n三、收到和处理政府信息公开申请情况\n" + text).encode(), "t.txt"))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=60) | st.from_regex(r"[+-]?0*\d{0,6000}(\.\d{0,50})?", fullmatch=True))
def test_a_cell_is_a_finite_number_or_unreadable(text):
    p = parse_value(text)
    assert p.value is None or math.isfinite(p.value)
    assert not (p.too_long and p.value is not None)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=60), min_size=1, max_size=7),
       st.integers(1, 15))
def test_the_split_search_stays_within_its_budget(tokens, n):
    budget = Budget(nodes=5_000)
    try:
        cands = split_run(tokens, n, budget=budget)
    except Exception as e:          # Spent or TooMany: the budget or the row's cap ended it
        assert type(e).__name__ in ("Spent", "TooMany")
        cands = []
    assert budget.used <= budget.nodes
    assert all(len(c) == n for c in cands)


def test_validation_of_extreme_values_stays_finite():
    report = parse((REPO / "fixtures" / "jy-2021.md").read_bytes(), filename="x.md")
    for k in report.values:
        report.values[k] = 10**15 - 1
    for f in validate(report):
        for x in (f.expected, f.actual):
            assert not isinstance(x, float) or math.isfinite(x)


def test_a_short_fuzz_slice_finds_nothing_bad(tmp_path):
    """CI's slice of `python fuzz/run.py`: a fixed seed, a few hundred cases, LibreOffice
    formats left to the long run (each costs seconds)."""
    from fuzz.run import run
    res = run(240, seconds=60, seed=20261201, jobs=2, out=tmp_path, lo_share=0.0)
    total = sum(sum(c.values()) for c in res["counts"].values())
    assert total == 240 and not res["bad"], res["bad"][:5]
    assert {"html", "txt", "md", "docx", "pdf", "xlsx"} <= set(res["counts"])
