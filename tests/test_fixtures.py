"""Generated reports (fixtures/make.py) read back exactly: every cell, the metadata, the
unknown cells of an ambiguous fused run, and the planted inconsistencies.

Committed fixtures are read as shipped; the LibreOffice / Chromium / OCR ones are generated
into tmp_path and skip cleanly when the tool is missing.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, need_tool, shared_file

sys.path.insert(0, str(REPO))

from fixtures import make  # noqa: E402
from fixtures import spec as S  # noqa: E402
from fixtures import template as T  # noqa: E402

import govreport  # noqa: E402

FIXDIR = REPO / "fixtures"
MANIFEST = json.loads((FIXDIR / "manifest.json").read_text(encoding="utf-8"))
SPECS = S.all_specs()
BY_FILE = {fx.file: fx for fx in make.FIXTURES}
COMMITTED = [fx.file for fx in make.FIXTURES if fx.committed]
GENERATED = [fx.file for fx in make.FIXTURES if not fx.committed or fx.kind == "pdf"]
TEXT_KINDS = ("html", "gbk", "tabs", "spaces", "fused", "markdown")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def check_report(report, file: str) -> None:
    """Assert a Report equals its fixture's spec: meta, 100 % of the cells, unknowns, inconsistencies."""
    m = MANIFEST[file]
    spec = SPECS[m["spec"]]
    assert (report.edition, report.organization, report.year) == (m["edition"], m["organization"], m["year"])
    want = dict(spec["values"])
    for k in m["unknown"]:
        want[k] = None
    assert set(report.values) == set(want), (
        f"keys differ: missing {sorted(set(want) - set(report.values))[:5]}, extra {sorted(set(report.values) - set(want))[:5]}")
    wrong = [(k, v, report.values[k]) for k, v in want.items() if not _same(v, report.values[k])]
    assert not wrong, f"{len(wrong)} of {len(want)} cells wrong (key, want, got): {wrong[:12]}"
    for k in m["unknown"]:
        assert any(k in f.keys for f in report.findings), f"no finding names the unknown cell {k}"
    errors = {(f.rule, f.where) for f in report.findings if f.severity == "error"}
    assert errors == {tuple(x) for x in m["inconsistencies"]}


# ---------------------------------------------------------------- the specs themselves

def test_key_lists_match_fields_tsv():
    rows = [line.split("\t") for line in shared_file("template/fields.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    for edition in ("2019", "2021"):
        assert T.keys(edition) == [r[0] for r in rows if r[1] in (edition, "both")]
    hybrid = [k for k in T.keys("2021") if not k.startswith("t3.other_")]
    assert set(T.keys("hybrid")) == set(hybrid) | {f"t3.other.{c}" for c in T.T3_COL_IDS}
    assert [len(T.keys(e)) for e in ("2021", "2019", "hybrid")] == [200, 198, 186]


def test_key_lists_match_grammars():
    """The fixtures' labels are their own (not read from the grammars); the keys must agree."""
    for edition in ("2019", "2021"):
        g = json.loads((REPO / "grammars" / f"{edition}.json").read_text(encoding="utf-8"))
        keys = [f"t2.{r['id']}.{c['id']}" for b in g["t2"]["blocks"] for r in b["rows"] for c in b["columns"]]
        keys += [f"t3.{r['id']}.{c['id']}" for r in g["t3"]["rows"] for c in g["t3"]["columns"]]
        keys += [f"t4.{gr['id']}.{c['id']}" for gr in g["t4"]["groups"] for c in g["t4"]["columns"]]
        assert set(keys) == set(T.keys(edition))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_arithmetic(name):
    spec = SPECS[name]
    assert list(spec["values"]) == T.keys(spec["edition"])
    found = S.inconsistencies(spec["values"], spec["edition"])
    assert [list(x) for x in found] == spec["inconsistencies"]
    if spec["planted"] is None:
        assert found == []
    else:
        assert tuple(spec["planted"]["intent"]) in found
        for k, (old, new) in spec["planted"]["changes"].items():
            assert spec["values"][k] == new != old


def test_planting_breaks_only_what_it_names():
    """A clean value set plus one typo gives exactly the findings the rules predict."""
    v = S.generate_values(5, "2021")
    assert S.inconsistencies(v, "2021") == []
    v["t3.denied_secret.commercial"] += 1
    assert S.inconsistencies(v, "2021") == [("T3-OUTCOMES", "commercial"), ("T3-ROW-SUM", "denied_secret")]


def test_fused_runs_split_one_way_except_the_planted_ambiguity():
    assert S.ambiguous_keys(SPECS["pt-fused-2021"]["values"], "2021") == []
    amb = S.ambiguous_keys(SPECS["pt-fused-ambiguous"]["values"], "2021")
    assert amb == ["t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"]
    assert S.splits("12345", 3).__len__() == 6
    assert S.splits("21710000218", 7, S.t3_row_check) == [[217, 1, 0, 0, 0, 0, 218]]
    text = (FIXDIR / "pt-fused-ambiguous.txt").read_text(encoding="utf-8")
    assert "行政规范性文件12345" in text and "规范性文件12件" not in text


def test_gbk_page_is_the_hard_case():
    data = (FIXDIR / "kunshan-2021-gbk.html").read_bytes()
    assert b'charset=gb2312"' in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    assert "堃山县人民政府" in data.decode("gbk")


# ---------------------------------------------------------------- the generator

def test_make_is_deterministic_and_matches_the_committed_files(tmp_path):
    make.main(["--out", str(tmp_path / "a"), "--only", ",".join(make.FAST)])
    make.main(["--out", str(tmp_path / "b"), "--only", ",".join(make.FAST)])
    for fx in make.FIXTURES:
        if fx.kind in make.FAST:
            a = (tmp_path / "a" / fx.file).read_bytes()
            assert a == (tmp_path / "b" / fx.file).read_bytes(), fx.file
            if fx.kind in TEXT_KINDS:      # DOCX bytes depend on the python-docx version's template
                assert a == (FIXDIR / fx.file).read_bytes(), f"{fx.file} is stale: run python fixtures/make.py"
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (FIXDIR / "manifest.json").read_bytes()
    for p in (tmp_path / "a" / "specs").iterdir():
        assert p.read_bytes() == (FIXDIR / "specs" / p.name).read_bytes(), p.name


def test_fixtures_are_small():
    for file in COMMITTED:
        assert (FIXDIR / file).stat().st_size < 110_000, file


# ---------------------------------------------------------------- reading them back

@pytest.mark.parametrize("file", COMMITTED)
def test_committed_fixture_reads_exactly(file):
    report = govreport.parse(FIXDIR / file, ocr=BY_FILE[file].ocr)
    check_report(report, file)


def test_committed_fixture_from_bytes_and_cli():
    """The README's command: `govreport extract fixtures/<x>.html` prints the same values."""
    file = "jt-2021.html"
    by_bytes = govreport.parse((FIXDIR / file).read_bytes(), filename=file)
    check_report(by_bytes, file)
    cmd = [sys.executable, "-m", "govreport"]
    out = subprocess.run(cmd + ["extract", "--format", "json", str(FIXDIR / file)], capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-500:]
    got = json.loads(out.stdout)
    assert got["values"] == by_bytes.values


def _generate(file: str, tmp_path):
    fx = BY_FILE[file]
    if fx.kind in ("pdf", "doc", "ocr"):
        need_tool("soffice")
    if fx.kind == "chromium":
        if not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")):
            pytest.skip("chromium is not installed")
    if fx.kind == "ocr":
        need_tool("tesseract")
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
        if "chi_sim" not in langs.split():
            pytest.skip("tesseract has no chi_sim data")
    path = tmp_path / file
    path.write_bytes(make.render(fx, SPECS[fx.spec]))
    return path


@pytest.mark.parametrize("file", GENERATED)
def test_generated_fixture_reads_exactly(file, tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    path = _generate(file, tmp_path)
    report = govreport.parse(path, ocr=BY_FILE[file].ocr)
    check_report(report, file)
    if BY_FILE[file].ocr:
        assert any(c.origin and c.origin.ocr for c in report.cells.values()), "OCR-read cells must say so in their origin"


def test_chromium_pdf_has_type3_fonts(tmp_path):
    from fixtures import render_office
    need_tool("pdffonts")
    path = _generate("kunshan-2021-chromium.pdf", tmp_path)
    assert "Type 3" in render_office.pdf_fonts(path.read_bytes())


def test_scanned_pdf_has_no_text_layer(tmp_path):
    import pypdfium2 as pdfium
    path = _generate("jy-2021-scan.pdf", tmp_path)
    doc = pdfium.PdfDocument(str(path))
    assert all(doc[i].get_textpage().count_chars() == 0 for i in range(len(doc)))
    doc.close()
