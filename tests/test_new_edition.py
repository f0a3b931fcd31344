"""A new template edition is a new grammar file: no code names an edition.

A made-up edition "2025" (the 2021 grammar with a row renamed, a row added and a
column label changed) is put next to copies of the shipped grammars in a temporary
folder, and the tool is pointed at it with GOVREPORT_GRAMMARS. A report printed in
that edition is detected as such, its keys come out in JSON and CSV, every rule
instantiates, and an error planted in each table is found.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govreport.grammar import grammar_dir

REPO = Path(__file__).resolve().parent.parent
SHIPPED = Path(str(grammar_dir()))


def _made_up_grammar() -> dict:
    g = json.loads((SHIPPED / "2021.json").read_text(encoding="utf-8"))
    g["edition"] = "2025"
    g["markers"] = ["本年印发件数", "本年废止件数", "现行有效件数", "本年收费金额"]
    issued = g["t2"]["blocks"][0]["columns"][0]
    assert issued["id"] == "issued"
    issued["label"] = "本年印发件数"                                   # a changed label
    block6 = next(b for b in g["t2"]["blocks"] if any(r["id"] == "coercion" for r in b["rows"]))
    coercion = next(r for r in block6["rows"] if r["id"] == "coercion")
    coercion.update(id="compulsion", label="行政强制措施", keywords=["行政强制措施"], text="行政强制措施")  # renamed
    block6["rows"].append({"id": "inspection", "label": "行政检查", "keywords": ["行政检查"],   # added
                           "text": "行政检查"})
    return g


@pytest.fixture
def grammar_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "grammars"
    folder.mkdir()
    for f in SHIPPED.glob("*.json"):
        shutil.copy(f, folder / f.name)
    (folder / "2025.json").write_text(json.dumps(_made_up_grammar(), ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_GRAMMARS", str(folder))
    return folder


def _report_2025(tmp_path: Path) -> Path:
    """The shipped 2021 text fixture printed in the 2025 edition, one error planted per table."""
    text = (REPO / "fixtures" / "zfj-2021-tabs.txt").read_text(encoding="utf-8")
    edits = [
        ("本年制发件数", "本年印发件数"),
        ("行政强制\t110", "行政强制措施\t110\n行政检查\t42"),
        ("行政规范性文件\t3\t5\t125", "行政规范性文件\t4\t5\t125"),     # prose says 制发…3件
        ("（一）予以公开\t\t35\t5\t0\t1\t1\t1\t43", "（一）予以公开\t\t35\t5\t0\t1\t1\t1\t44"),   # row sum 43
        ("0\t3\t0\t0\t3\t0\t0\t0\t0\t0", "0\t3\t0\t0\t4\t0\t0\t0\t0\t0"),                   # 复议 total 3
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "zfj-2025.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *map(str, args)], capture_output=True, text=True)


def test_made_up_edition_is_detected_and_its_keys_come_out(grammar_folder, tmp_path):
    path = _report_2025(tmp_path)
    out = _cli("extract", "--format", "json", path)
    assert out.returncode in (0, 1), out.stderr
    report = json.loads(out.stdout)
    assert report["edition"] == "2025"
    values = report["values"]
    assert values["t2.compulsion.decisions"] == 110
    assert values["t2.inspection.decisions"] == 42
    assert values["t2.normative.issued"] == 4
    assert "t2.coercion.decisions" not in values
    assert values["t3.granted.total"] == 44 and values["t4.review.total"] == 4

    found = {(f["rule"], f["where"]) for f in report["findings"]}
    assert ("PROSE-TABLE", "t2.normative.issued") in found      # table 二 against its prose
    assert ("T3-ROW-SUM", "granted") in found                     # table 三
    assert ("T4-GROUP-SUM", "review") in found                    # table 四
    assert not any(f["rule"].startswith("MISSING") for f in report["findings"]), report["findings"]

    rows = list(csv.DictReader(io.StringIO(_cli("extract", "--format", "csv", path).stdout)))
    assert rows[0]["edition"] == "2025"
    assert rows[0]["t2.inspection.decisions"] == "42" and rows[0]["t2.compulsion.decisions"] == "110"


def test_every_rule_instantiates_for_the_made_up_edition(grammar_folder):
    from govreport import rules
    from govreport.grammar import editions, layouts
    from govreport.sums import instances
    from govreport.audit.prose import reading, sentences
    from govreport.validate import _key_checks

    assert editions() == ("2025", "2021", "2019")
    assert "t2.inspection.decisions" in layouts()["2025"]
    single = {i.rule.id for i in instances("2025", False)}
    series = {i.rule.id for i in instances("2025", True)}
    assert single | series == {r.id for r in rules.SUM_RULES}
    assert {r.id for r, keys in _key_checks("2025") if keys} == {r.id for r in rules.KEY_RULES}
    # every prose sentence whose cells the made-up edition kept still reads them
    layout = dict.fromkeys(layouts()["2025"], 1)
    assert all(reading(e, layout)[0] is not None for s in sentences() for e in s.readings)
    # the added row is checked like every other count
    assert any("t2.inspection.decisions" in keys for _, keys in _key_checks("2025"))
