"""The text poppler's own `pdftotext` makes of our generated PDFs (LibreOffice prints of
the fixture reports, with and without ruling lines, zeros left blank as Word reports do,
the merged label 三、本年度办理结果 printed down the page, table 四's header in rows).

Plain pdftotext loses blank cells and lists cells by text blocks; -layout keeps the
columns by spaces. Whatever is read must be right, every null named by a finding, and
nothing blamed on the document that it does not have. Skipped without soffice or pdftotext.
"""
import subprocess

import pytest

from govreport import parse

from conftest import need_tool

pytest.importorskip("fixtures.make")
from fixtures import make, spec as S  # noqa: E402

SPECS = S.all_specs()
BY_FILE = {fx.file: fx for fx in make.FIXTURES}
# file -> least share of cells -layout text reads (blank cells vanish from plain text)
FILES = {"zj-2021-noborder.pdf": 0.6, "jy-2021-negative-noborder.pdf": 0.6}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    need_tool("soffice")
    need_tool("pdftotext")
    out = {}
    for file in FILES:
        fx = BY_FILE[file]
        path = tmp_path_factory.mktemp("pdftotext") / file
        path.write_bytes(make.render(fx, SPECS[fx.spec]))
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
