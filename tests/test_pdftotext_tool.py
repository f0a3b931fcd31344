"""The text poppler's own `pdftotext` makes of our generated PDFs (LibreOffice and Chromium
prints of the fixture reports, with and without ruling lines, zeros left blank as Word reports do,
the merged label 三、本年度办理结果 printed down the page, table 四's header in rows).

Plain pdftotext loses blank cells and lists cells by text blocks; -layout keeps the
columns by spaces. Whatever is read must be right, every null named by a finding, and
nothing blamed on the document that it does not have. Skipped without soffice or pdftotext.
"""
import json
import subprocess
from pathlib import Path

import pytest

from govreport import parse

from conftest import need_tool, shared_file

pytest.importorskip("fixtures.make")
from fixtures import make, render_office, spec as S  # noqa: E402

SPECS = S.all_specs()
BY_FILE = {fx.file: fx for fx in make.FIXTURES}
# file -> least share of cells -layout text reads (blank cells vanish from plain text)
FILES = {"zj-2021-noborder.pdf": 0.95, "zj-2021-noborder-blanks.pdf": 0.9, "jy-2021-negative-noborder.pdf": 0.9,
         # Chromium's print: the table goes on on a page whose columns stand elsewhere
         "kunshan-2021-chromium.pdf": 0.9}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    need_tool("soffice")
    need_tool("pdftotext")
    out = {}
    for file in FILES:
        fx = BY_FILE[file]
        path = tmp_path_factory.mktemp("pdftotext") / file
        try:
            path.write_bytes(make.render(fx, SPECS[fx.spec]))
        except render_office.ToolMissing as e:
            pytest.skip(str(e))
        out[file] = path
    return out


@pytest.mark.parametrize("layout", [False, True], ids=["plain", "layout"])
@pytest.mark.parametrize("file", sorted(FILES))
def test_pdftotext_of_a_generated_pdf_is_read_right_or_named(pdfs, file, layout):
    spec = SPECS[BY_FILE[file].spec]
    txt = pdfs[file].with_suffix(".layout.txt" if layout else ".txt")
    subprocess.run(["pdftotext"] + (["-layout"] if layout else []) + [str(pdfs[file]), str(txt)],
                   check=True, timeout=60)
    report = parse(txt)
    want = spec["values"]
    named = {k for f in report.findings for k in (f.keys or [])}
    wrong = {k: (want[k], v) for k, v in report.values.items() if v is not None and want[k] != v}
    assert not wrong
    assert all(k in named for k, v in report.values.items() if v is None)
    errors = {(f.rule, f.where) for f in report.findings if f.severity == "error"}
    assert errors <= {tuple(x) for x in spec["inconsistencies"]}
    right = sum(1 for k, v in report.values.items() if v is not None)
    if layout:
        assert right >= FILES[file] * len(report.values)


# the real PDFs in ../shared, made into text by pdftotext here: the document, its truth
# (../shared truth of the PDF: the same values), and the least share of cells each text
# reads (plain, -layout). Plain text loses blank cells and lists cells by text blocks
# (平潭 2019's 本年新收 row as `0 0 0 0`, the label, `23 0`, 总计, `23`); a Chromium print
# of 平潭 2024 wraps 218 in its narrow column (`21`, `8`: one number where the sums say so).
REAL = {
    "corpus/matrix/fj-pingtan-2019-noborder-chromium.pdf": ("truth-matrix/fj-pingtan-2019-noborder-chromium.json", 1, 1),
    "corpus/matrix/fj-pingtan-2019-noborder-lo.pdf": ("truth-matrix/fj-pingtan-2019-noborder-lo.json", 1, 1),
    "corpus/matrix/fj-pingtan-2024-chromium.pdf": ("truth-matrix/fj-pingtan-2024-chromium.json", 0.92, 1),
    "corpus/matrix/fj-pingtan-2024-noborder-chromium.pdf": ("truth-matrix/fj-pingtan-2024-noborder-chromium.json", 0.92, 1),
    "corpus/matrix/fj-pingtan-2024-lo.pdf": ("truth-matrix/fj-pingtan-2024-lo.json", 0.92, 1),
    "corpus/js-huaian-hongzequ-2024.pdf": ("truth/js-huaian-hongzequ-2024.json", 1, 1),
}


@pytest.mark.parametrize("layout", [False, True], ids=["plain", "layout"])
@pytest.mark.parametrize("pdf", sorted(REAL))
def test_pdftotext_of_a_real_pdf_is_read_right_or_named(pdf, layout, tmp_path):
    need_tool("pdftotext")
    truth_file, plain_share, layout_share = REAL[pdf]
    truth = json.loads(shared_file(truth_file).read_text(encoding="utf-8"))
    txt = tmp_path / (Path(pdf).stem + ".txt")
    subprocess.run(["pdftotext"] + (["-layout"] if layout else []) + [str(shared_file(pdf)), str(txt)],
                   check=True, timeout=60)
    report = parse(txt)
    want = truth["values"]
    named = {k for f in report.findings for k in (f.keys or [])}
    wrong = {k: (want[k], v) for k, v in report.values.items() if v is not None and k in want and want[k] != v}
    assert not wrong
    assert all(k in named for k, v in report.values.items() if v is None)
    real = {(i["rule"], i["where"]) for i in truth["inconsistencies"]}
    errors = {(f.rule, f.where) for f in report.findings if f.severity == "error"}
    assert errors <= real                          # never blamed on the document for our reading
    right = sum(1 for k, v in want.items() if report.values.get(k) == v)
    assert right >= (layout_share if layout else plain_share) * len(want)
