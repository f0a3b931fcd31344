"""Prose against tables: the sentence grammar (grammars/prose/restatements.json) on
generated reports whose prose restates their tables, and its precision on every real
document of ../shared with the hand-checked table values."""
from __future__ import annotations

import json

import pytest

from conftest import SHARED, shared_file
from govreport import parse
from govreport.audit.prose import check_prose, prose_checks
from fixtures import make as M
from fixtures import spec as S


def _with_part3_prose(tmp_path, sentence: str):
    spec = S.make_spec("prose", 17, "2021", "songtao-jiaoyu", 2024, size=40)
    text = M.render(M.Fixture("p.md", "prose", "markdown", 3), spec).decode("utf-8")
    head = "## 三、收到和处理政府信息公开申请情况\n"
    v = spec["values"]
    text = text.replace(head, head + "\n" + sentence.format(**{k.replace(".", "_"): x for k, x in v.items()},
                                                            denied=sum(x for k, x in v.items()
                                                                       if k.startswith("t3.denied_") and k.endswith(".total")),
                                                            share=round(100 * v["t3.granted.total"] / v["t3.total.total"], 1))
                        + "\n\n")
    path = tmp_path / "p.md"
    path.write_text(text, encoding="utf-8")
    return parse(path), v


def test_restated_outcomes_that_agree_raise_nothing(tmp_path):
    report, v = _with_part3_prose(
        tmp_path, "本年度共办结政府信息公开申请{t3_total_total}件，其中予以公开{t3_granted_total}件，占{share}%；"
                  "部分公开{t3_partial_total}件，不予公开{denied}件，上年结转{t3_carried_over_total}件。")
    checked = [name for name, _, f in prose_checks(report) if f is None]
    assert {"handled", "granted", "partial", "denied", "carried_over"} <= set(checked)
    assert [f for f in report.findings if f.rule == "PROSE-TABLE"] == []


def test_a_wrong_figure_and_a_wrong_share_are_found_with_their_sentence(tmp_path):
    report, v = _with_part3_prose(
        tmp_path, "本年度予以公开{t3_granted_total}件，占99.9%；不予公开{denied}件。结转下年度继续办理"
                  + "9999件。")
    found = sorted(((f.where, f.expected, f.actual, f.part) for f in report.findings if f.rule == "PROSE-TABLE"),
                   key=str)
    share = round(100 * v["t3.granted.total"] / v["t3.total.total"], 1)
    assert found == sorted([("t3.carried_forward.total", v["t3.carried_forward.total"], 9999, 3),
                            ("t3.granted.total", share, 99.9, 3)], key=str)
    f = next(f for f in report.findings if f.rule == "PROSE-TABLE" and f.actual == 9999)
    assert f.sentence == "结转下年度继续办理9999件。" and f.keys == ["t3.carried_forward.total"]
    pct = next(f for f in report.findings if f.rule == "PROSE-TABLE" and f.actual == 99.9)
    assert "占99.9%" in pct.sentence and "t3.total.total" in pct.keys


def test_the_seed_prose_discrepancy_is_still_found():
    report = parse(shared_file("seeds/000_eacb47a0de807e98.txt"))
    [f] = [f for f in report.findings if f.rule == "PROSE-TABLE"]
    assert (f.where, f.expected, f.actual, f.part) == ("t2.normative.issued", 8, 12, 1)
    assert "行政规范性文件 12 件" in f.sentence


def _truth_files():
    return sorted((SHARED / "truth").glob("*.json")) + sorted((SHARED / "truth-matrix").glob("*.json"))


@pytest.mark.parametrize("truth", _truth_files(), ids=lambda p: p.stem)
def test_no_prose_finding_on_real_reports_read_right(truth):
    """With the hand-checked table values, every figure the grammar maps in the real reports'
    prose is checked and only the known discrepancy is flagged (precision on ../shared)."""
    t = json.loads(truth.read_text(encoding="utf-8"))
    doc = SHARED / t["document"]
    if doc.suffix in (".doc", ".odt"):
        pytest.skip("needs LibreOffice; the same report is covered as .docx")
    report = parse(doc)
    report.values = {k: t["values"].get(k) for k in report.values}
    found = [(f.where, f.expected, f.actual) for f in check_prose(report)]
    # the one real discrepancy (the seed's notes: 发布…行政规范性文件 12 件, table 本年制发 8)
    assert found == ([("t2.normative.issued", 8, 12)] if "seeds/" in t["document"] else [])
