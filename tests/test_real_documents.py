"""The hand-checked real reports in ../shared/truth (skipped when ../shared is absent).

Every value we output must equal the truth; a value we cannot be sure of must be null
and named by a finding. The inconsistencies found must be exactly the real ones.
"""
import json

import pytest

from govreport import parse

from conftest import SHARED, shared_file

TRUTHS = sorted(p.stem for p in (SHARED / "truth").glob("*.json")) if (SHARED / "truth").is_dir() else []


@pytest.mark.parametrize("name", TRUTHS or ["(no ../shared)"])
def test_real_report_matches_truth(name):
    truth = json.loads(shared_file(f"truth/{name}.json").read_text(encoding="utf-8"))
    doc = shared_file(truth["document"])
    if doc.suffix == ".pdf":
        pytest.importorskip("govreport.readers.pdf")
    report = parse(doc)
    assert (report.organization, report.year, report.edition) == (truth["organization"], truth["year"], truth["edition"])
    flagged = {k for f in report.findings if f.rule in ("FUSED-AMBIGUOUS", "CELL-UNREADABLE") for k in f.keys}
    wrong = {k: (v, report.values.get(k)) for k, v in truth["values"].items()
             if report.values.get(k) != v and not (report.values.get(k) is None and k in flagged)}
    assert not wrong, f"wrong cells: {wrong}"
    assert set(report.values) == set(truth["values"]) or truth["edition"] == "pre2019"
    found = {(f.rule, f.where) for f in report.findings if f.severity == "error"}
    assert found == {(i["rule"], i["where"]) for i in truth["inconsistencies"]}
