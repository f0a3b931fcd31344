"""The hand-checked real reports in ../shared/truth and ../shared/truth-matrix (the same
reports as printed, converted and copied in other ordinary ways). Skipped when ../shared
is absent; a file whose reader needs a system tool that is not installed is skipped too.

Every value we output must equal the truth; a value we cannot be sure of must be null
and named by a finding. The error findings must be exactly the real inconsistencies:
nothing the reader failed to read may be blamed on the publisher.
"""
import json
from functools import cache

import pytest

from govreport import parse

from conftest import SHARED, need_tool, shared_file

FOLDERS = ("truth", "truth-matrix")
TRUTHS = [f"{d}/{p.stem}" for d in FOLDERS if (SHARED / d).is_dir() for p in sorted((SHARED / d).glob("*.json"))]
NEEDS_TOOL = {".doc": "soffice", ".odt": "soffice", ".wps": "soffice", ".rtf": "soffice"}

# Known reading gaps owned by issue 8's reader work: strict, so the fix must remove the mark.
WRONG_TODAY: dict[str, str] = {}
MISSED_TODAY: dict[str, str] = {}


def _known(table: dict, name: str):
    return [pytest.param(name, marks=pytest.mark.xfail(reason=table[name], strict=True))
            if name in table else name]


def _params(known: dict) -> list:
    return [p for n in TRUTHS for p in _known(known, n)] or ["(no ../shared)"]


@cache
def _read(name: str):
    truth = json.loads(shared_file(f"{name}.json").read_text(encoding="utf-8"))
    doc = shared_file(truth["document"])
    if doc.suffix in NEEDS_TOOL:
        need_tool(NEEDS_TOOL[doc.suffix])
    if doc.suffix == ".pdf":
        pytest.importorskip("govreport.readers.pdf")
    return truth, parse(doc)


@pytest.mark.parametrize("name", _params(WRONG_TODAY))
def test_no_wrong_number_and_every_null_named(name):
    truth, report = _read(name)
    assert (report.organization, report.year, report.edition) == (truth["organization"], truth["year"], truth["edition"])
    named = {k for f in report.findings for k in f.keys}
    wrong = {k: (v, report.values.get(k)) for k, v in truth["values"].items()
             if report.values.get(k) != v and report.values.get(k) is not None}
    assert not wrong, f"wrong cells: {wrong}"
    unnamed = [k for k, v in truth["values"].items() if report.values.get(k) is None and v is not None and k not in named]
    assert not unnamed, f"null cells no finding names: {unnamed}"
    if truth["edition"] != "pre2019":
        assert set(truth["values"]) <= set(report.values) | named


@pytest.mark.parametrize("name", _params(MISSED_TODAY))
def test_error_findings_are_exactly_the_real_inconsistencies(name):
    truth, report = _read(name)
    found = {(f.rule, f.where) for f in report.findings if f.severity == "error"}
    assert found == {(i["rule"], i["where"]) for i in truth["inconsistencies"]}


# PDFs printed without (all) ruling lines and LibreOffice PDFs: grids rebuilt from the
# words' geometry must read (almost) every cell (issue 8 items 1 and 2)
PDF_GRID_TARGETS = {
    "truth-matrix/fj-pingtan-2024-lo": 1.0,
    "truth-matrix/fj-pingtan-2024-noborder-lo": 0.98,
    "truth-matrix/fj-pingtan-2024-noborder-chromium": 0.98,
    "truth-matrix/fj-pingtan-2019-noborder-lo": 0.98,
    "truth-matrix/fj-pingtan-2019-noborder-chromium": 0.98,
}


@pytest.mark.parametrize("name", [n for n in PDF_GRID_TARGETS if n in TRUTHS] or ["(no ../shared)"])
def test_pdf_without_rulings_reads_its_cells(name):
    truth, report = _read(name)
    right = sum(report.values.get(k) == v for k, v in truth["values"].items())
    assert right >= PDF_GRID_TARGETS[name] * len(truth["values"]), f"{right}/{len(truth['values'])} cells right"
