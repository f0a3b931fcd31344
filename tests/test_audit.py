"""Audit: series across years, diagnosis of arithmetic findings, stable ids and baselines.

Reports are generated with the fixture generator (fixtures/spec.py, fixtures/make.py) in
the formats it writes, with the numbers set the way real series break (平潭's stock of
normative documents), and read back through the whole pipeline and the CLI.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, need_tool, shared_file
from govreport import parse
from fixtures import make as M
from fixtures import spec as S

COLS = ("natural", "commercial", "research", "social", "legal", "org_other", "total")
EXT = {"html": "html", "gbk": "html", "tabs": "txt", "spaces": "txt", "markdown": "md", "docx": "docx",
       "pdf": "pdf", "doc": "doc"}


def run(*args):
    p = subprocess.run([sys.executable, str(REPO / "cli.py"), *map(str, args)], capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def write(tmp: Path, name: str, spec: dict, kind: str, seed: int = 7) -> Path:
    path = tmp / f"{name}.{EXT[kind]}"
    path.write_bytes(M.render(M.Fixture(path.name, spec["name"], kind, seed), spec))
    return path


def chained(prev: dict, cur: dict) -> dict:
    """`cur` with this year's 上年结转 equal to last year's 结转下年度, its own balance kept."""
    v = dict(cur)
    for col in COLS[:-1]:
        d = prev[f"t3.carried_forward.{col}"] - v[f"t3.carried_over.{col}"]
        v[f"t3.carried_over.{col}"] += d
        row = "carried_forward" if v[f"t3.carried_forward.{col}"] + d >= 0 else "received"
        v[f"t3.{row}.{col}"] += d if row == "carried_forward" else -d
    for row in ("carried_over", "carried_forward", "received"):
        v[f"t3.{row}.total"] = sum(v[f"t3.{row}.{c}"] for c in COLS[:-1])
    return v


def series_specs(stock: dict[int, tuple[int, int, int]], names: dict[int, str]) -> dict[int, dict]:
    """One body's reports for consecutive years; (issued, repealed, in_force) of 规范性文件 per year."""
    specs, prev = {}, None
    for i, (year, (issued, repealed, in_force)) in enumerate(sorted(stock.items())):
        spec = S.make_spec(f"series-{year}", 60 + i, "2021", "qingxi-jiaotong", year, size=50,
                           overrides={"t2.normative.issued": issued, "t2.normative.repealed": repealed,
                                      "t2.normative.in_force": in_force, "t2.rules.issued": 0,
                                      "t2.rules.repealed": 0, "t2.rules.in_force": 0})
        if prev is not None:
            spec["values"] = chained(prev["values"], spec["values"])
        assert S.inconsistencies(spec["values"], "2021") == []
        spec["organization"] = names[year]
        specs[year] = prev = spec
    return specs


# 平潭综合实验区's own numbers (../shared/truth and the issue): two breaks of the stock
PINGTAN = {2022: (88, 55, 698), 2023: (77, 132, 470), 2024: (62, 33, 440)}


def test_audit_finds_the_two_stock_breaks_across_formats_and_names(tmp_path):
    specs = series_specs(PINGTAN, {2022: "平潭综合实验区", 2023: "平潭综合实验区管委会", 2024: "平潭综合实验区"})
    write(tmp_path, "pt-2022", specs[2022], "html")
    write(tmp_path, "pt-2023", specs[2023], "tabs")
    write(tmp_path, "pt-2024", specs[2024], "docx")
    write(tmp_path, "pt-2024-copy", specs[2024], "markdown", seed=8)     # the same report twice: agrees
    code, out, err = run("audit", tmp_path, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    [group] = data["groups"]
    assert group["body"] == "平潭综合实验区"
    assert set(group["names"]) == {"平潭综合实验区", "平潭综合实验区管委会"}
    assert [len(group["years"][y]) for y in ("2022", "2023", "2024")] == [1, 1, 2]
    assert group["pairs"] == [[2022, 2023], [2023, 2024]]
    found = [(f["rule"], f["where"], f["expected"], f["actual"]) for f in data["findings"]]
    assert found == [("X-STOCK", "normative", 643, 470), ("X-STOCK", "normative", 499, 440)]
    years = [sorted({d["year"] for d in f["documents"]}) for f in data["findings"]]
    assert years == [[2022, 2023], [2023, 2024]]
    assert all(f["keys"] == ["t2.normative.in_force", "t2.normative.issued", "t2.normative.repealed"]
               for f in data["findings"])
    # the text output lists the same two, with the grouping
    code, out, _ = run("audit", tmp_path)
    assert out.count("X-STOCK") == 2 and "平潭综合实验区管委会" in out and "2022→2023, 2023→2024" in out


def test_audit_carry_break_and_copies_that_disagree(tmp_path):
    specs = series_specs({2022: (5, 0, 20), 2023: (3, 1, 22)}, {2022: "青溪市交通运输局", 2023: "青溪市交通运输局"})
    v = specs[2023]["values"]
    v["t3.carried_over.natural"] += 2                  # carried over no longer what 2022 carried forward
    v["t3.carried_over.total"] += 2
    v["t3.received.natural"] -= 2 if v["t3.received.natural"] >= 2 else 0
    v["t3.received.total"] -= 2 if v["t3.received.total"] >= 2 else 0
    write(tmp_path, "a-2022", specs[2022], "html")
    write(tmp_path, "a-2023", specs[2023], "html")
    other = json.loads(json.dumps(specs[2023]))
    other["values"]["t2.licensing.decisions"] += 10      # a second copy that reads one cell differently
    write(tmp_path, "a-2023-copy", other, "tabs")
    code, out, err = run("audit", tmp_path, "--format", "json")
    data = json.loads(out)
    rules = sorted((f["rule"], f["where"]) for f in data["findings"])
    assert ("X-CARRY", "natural") in rules and ("X-CARRY", "total") in rules
    same = [f for f in data["findings"] if f["rule"] == "X-SAME"]
    assert [f["keys"] for f in same] == [["t2.licensing.decisions"]]
    assert {Path(d["path"]).name for d in same[0]["documents"]} == {"a-2023.html", "a-2023-copy.txt"}


def test_audit_writes_series_findings_into_the_store(tmp_path):
    specs = series_specs(PINGTAN, {y: "平潭综合实验区" for y in PINGTAN})
    docs = tmp_path / "docs"
    docs.mkdir()
    for year, spec in specs.items():
        write(docs, f"pt-{year}", spec, "html")
    db = tmp_path / "r.sqlite"
    code, _, err = run("batch", docs, "--db", db, "--jobs", "1")
    assert code == 0, err
    for _ in range(2):                                   # twice: the store keeps one copy
        code, out, err = run("audit", "--db", db, "--format", "json")
        assert code == 0, err
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT d.year, f.rule, f.expected, f.actual FROM findings f JOIN documents d"
                        " ON d.id = f.document_id WHERE f.rule LIKE 'X-%' ORDER BY d.year").fetchall()
    assert rows == [(2023, "X-STOCK", 643, 470), (2024, "X-STOCK", 499, 440)]
    out_csv = tmp_path / "f.csv"
    code, _, err = run("export", "--db", db, "--table", "findings", "-o", out_csv)
    assert code == 0 and out_csv.read_text(encoding="utf-8-sig").count("X-STOCK") == 2


def test_real_pingtan_series_has_no_false_series_finding():
    corpus = shared_file("corpus")
    files = sorted(corpus.glob("fj-pingtan-20*.txt")) + sorted(corpus.glob("*.html"))
    code, out, err = run("audit", *files, "--format", "json")
    data = json.loads(out)
    assert code == 0, err
    [group] = data["groups"]
    assert sorted(group["years"]) == ["2019", "2022", "2024"]
    assert all(len(docs) == 2 for docs in group["years"].values())    # text and HTML copies, grouped
    assert data["findings"] == []          # copies agree; 2023 is not in the corpus, so no pair to check


# --- diagnosis -------------------------------------------------------------------------

FAST_KINDS = ("html", "gbk", "tabs", "spaces", "markdown", "docx")


def planted_spec() -> dict:
    base = S.generate_values(23, "2021", 60)
    assert base["t3.granted.natural"] == 14
    # one printed cell, digits transposed: 14 printed as 41
    return S.make_spec("planted", 23, "2021", "baihe-ziran", 2022, size=60,
                       changes={"t3.granted.natural": 41}, intent=("T3-ROW-SUM", "granted"))


def _check_planted(report):
    failing = [f for f in report.findings if f.rule.startswith("T3-")]
    assert sorted((f.rule, f.where) for f in failing) == [("T3-OUTCOMES", "natural"), ("T3-ROW-SUM", "granted")]
    for f in failing:
        d = f.diagnosis
        assert d is not None and d.cells == ["t3.granted.natural"] and d.corrections == {"t3.granted.natural": 14}
        assert d.kind == "digits-transposed" and d.alternatives == 0
        assert sorted(d.explains) == ["T3-OUTCOMES@natural", "T3-ROW-SUM@granted"]
    assert report.values["t3.granted.natural"] == 41            # values stay as printed


@pytest.mark.parametrize("kind", FAST_KINDS)
def test_a_planted_single_cell_error_is_named_in_every_format(tmp_path, kind):
    path = write(tmp_path, "planted", planted_spec(), kind)
    _check_planted(parse(path))


@pytest.mark.parametrize("kind", ("pdf",))
def test_a_planted_single_cell_error_is_named_in_a_pdf(tmp_path, kind):
    need_tool("soffice")
    path = write(tmp_path, "planted", planted_spec(), kind)
    _check_planted(parse(path))


def test_diagnosis_in_json_and_text_output(tmp_path):
    path = write(tmp_path, "planted", planted_spec(), "html")
    code, out, _ = run("validate", path, "--format", "json")
    assert code == 1
    [doc] = json.loads(out)
    f = next(f for f in doc["findings"] if f["rule"] == "T3-ROW-SUM")
    assert f["diagnosis"]["cells"] == ["t3.granted.natural"] and f["diagnosis"]["kind"] == "digits-transposed"
    assert f["documents"][0]["year"] == 2022 and f["documents"][0]["sha256"] == doc["sha256"]
    code, out, _ = run("validate", path)
    assert "diagnosis:" in out and "予以公开／自然人" in out and "若为 14" in out


def test_a_blank_total_column_is_one_diagnosis_for_many_row_sums(tmp_path):
    spec = S.make_spec("blanks", 23, "2021", "baihe-ziran", 2022, size=60)
    text = write(tmp_path, "blanks", spec, "markdown").read_text(encoding="utf-8")
    rows = ("予以公开", "部分公开", "不掌握", "本年新收")
    lines = []
    for line in text.splitlines():      # the 总计 column of four rows printed empty
        if line.startswith("|") and any(r in "".join(line.split("|")[1:4]) for r in rows):
            cells = line.split("|")
            cells[-2] = " "
            line = "|".join(cells)
        lines.append(line)
    path = tmp_path / "blanks.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = parse(path)
    failing = [f for f in report.findings if f.severity == "error"]
    assert len(failing) >= 4
    d = failing[0].diagnosis
    assert d is not None and d.kind == "blank-total-block"
    assert all(f.diagnosis == d for f in failing)
    assert all(k.endswith(".total") and report.cells[k].blank for k in d.cells)
    assert all(d.corrections[k] == spec["values"][k] for k in d.cells)


def test_real_hongzequ_totals_printed_zero():
    report = parse(shared_file("corpus/js-huaian-hongzequ-2023.pdf"))
    diag = {f.where: f.diagnosis for f in report.findings if f.rule == "T4-GROUP-SUM"}
    assert diag["review"].cells == ["t4.review.total"] and diag["review"].corrections == {"t4.review.total": 11}
    assert diag["review"].kind == "zero-printed"


# --- ids and baselines --------------------------------------------------------------------

def test_ids_are_stable_and_a_baseline_hides_accepted_findings(tmp_path):
    path = write(tmp_path, "planted", planted_spec(), "html")
    a, b = parse(path), parse(path)
    assert [f.id for f in a.findings] == [f.id for f in b.findings] and all(f.id for f in a.findings)
    assert len({f.id for f in a.findings}) == len(a.findings)
    other = parse(write(tmp_path, "planted2", planted_spec(), "tabs"))     # other bytes: other ids
    assert not {f.id for f in a.findings} & {f.id for f in other.findings}
    baseline = tmp_path / "accepted.json"
    code, out, _ = run("validate", path, "--format", "json")
    baseline.write_text(out, encoding="utf-8")
    code, out, _ = run("validate", path, "--baseline", baseline, "--format", "json")
    [doc] = json.loads(out)
    assert code == 0 and doc["findings"] == [] and doc["accepted"] == len(a.findings)
    # a new finding on a new file is still reported, with exit code 1
    code, out, _ = run("validate", path, other.source.path, "--baseline", baseline, "--format", "json")
    assert code == 1 and [len(d["findings"]) for d in json.loads(out)] == [0, 2]
    bad = tmp_path / "bad.txt"
    bad.write_text("not a baseline at all\n", encoding="utf-8")
    code, out, err = run("validate", path, "--baseline", bad)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
