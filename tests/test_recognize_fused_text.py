"""Crawler text with fused digits: rows settled by the table's arithmetic, or left null."""
import json
from pathlib import Path

import pytest

from govreport import parse

pytest.importorskip("fixtures.render_text")
from fixtures import render_text, spec as S  # noqa: E402


def _spec(values_t3: dict, edition="2021"):
    values = S.generate_values(7, edition, small_t2=True)
    for k in [k for k in values if k.startswith("t3.")]:
        values[k] = 0
    values.update(values_t3)
    return {"name": "t", "seed": 7, "edition": edition, "report_edition": edition, "organization": "测试市统计局",
            "site": "测试市人民政府", "year": 2024, "planted": None, "inconsistencies": [], "values": values}


def _row(row, *cells):
    cols = ("natural", "commercial", "research", "social", "legal", "org_other", "total")
    return {f"t3.{row}.{c}": v for c, v in zip(cols, cells, strict=True)}


def test_rows_ambiguous_alone_are_settled_by_the_column_balance():
    # 110000011 reads 1|10|…|11 or 11|0|…|11; the outcome rows fix natural = 1
    t3 = {**_row("received", 1, 10, 0, 0, 0, 0, 11), **_row("granted", 1, 0, 0, 0, 0, 0, 1),
          **_row("unavailable_not_held", 0, 10, 0, 0, 0, 0, 10), **_row("total", 1, 10, 0, 0, 0, 0, 11)}
    spec = _spec(t3)
    r = parse(render_text.fused(spec, 3), filename="page.txt")
    for k, v in t3.items():
        assert r.values[k] == v, k
    assert r.cells["t3.received.commercial"].split == "arithmetic"
    assert not [f for f in r.findings if f.severity == "error"]


def test_rows_the_arithmetic_cannot_settle_stay_null_with_a_finding():
    # every row reads 1|10 or 11|0 alike: both readings satisfy every rule
    t3 = {**_row("received", 1, 10, 0, 0, 0, 0, 11), **_row("granted", 1, 10, 0, 0, 0, 0, 11),
          **_row("total", 1, 10, 0, 0, 0, 0, 11)}
    r = parse(render_text.fused(_spec(t3), 3), filename="page.txt")
    assert r.values["t3.received.natural"] is None and r.values["t3.received.total"] == 11
    amb = {f.where: f for f in r.findings if f.rule == "FUSED-AMBIGUOUS"}
    assert {"received", "granted", "total"} <= set(amb)
    assert set(amb["received"].keys) == {"t3.received.natural", "t3.received.commercial"}
    assert "110000011" in amb["received"].message



def _lost_boundary(text: str, row) -> str:
    """`row` (a line of a Markdown table) with its first two value cells printed as one (`1 0`):
    a cell boundary lost in copy-paste, or a PDF table missing a ruling."""
    cells = row.strip("|").split("|")
    first = next(i for i, c in enumerate(cells) if c.strip().isdigit())
    fused = cells[:first] + [f" {cells[first].strip()} {cells[first + 1].strip()} "] + cells[first + 2:]
    return text.replace(row, "|" + "|".join(fused) + "|")


def test_two_numbers_in_one_grid_cell_are_two_cells():
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    text = (fixtures / "jy-2021.md").read_text(encoding="utf-8")
    values = json.loads((fixtures / "specs/jy-2021.json").read_text(encoding="utf-8"))["values"]
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    t3_row = next(ln for ln in rows if "没有现成信息需要另行制作" in ln)
    t4_row = next(ln for ln in rows if ln.strip("| ")[:1].isdigit())      # table 四's data row: no label
    for row, prefix in ((t3_row, "t3.unavailable_no_ready."), (t4_row, "t4.")):
        r = parse(_lost_boundary(text, row).encode("utf-8"), filename="r.md")
        keys = [k for k in values if k.startswith(prefix)]
        assert [r.values[k] for k in keys] == [values[k] for k in keys], prefix
        assert not r.errors, [f.message for f in r.errors]
