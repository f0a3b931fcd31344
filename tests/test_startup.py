"""Start-up (issue 7): `govreport extract` on a text report imports what reading text needs
and nothing else — no PDF, Word, HTML, OCR, spreadsheet or batch machinery, no rich, and
no other command's code. Asserted by the modules a fresh process ends with, not by time
(benchmarks/bench_startup.py prints the time against importing pdfplumber and pydantic)."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

# Run the CLI as `python -m govreport` does, then list what got imported.
PROBE = """
import runpy, sys
sys.argv = ["govreport", *sys.argv[2:]]
try:
    runpy.run_module("govreport", run_name="__main__", alter_sys=True)
finally:
    with open(OUT, "w") as f:
        f.write("\\n".join(sorted(sys.modules)))
"""

NOT_FOR_TEXT = (
    "pdfplumber", "pdfminer", "pypdfium2", "PIL", "docx", "bs4", "lxml", "openpyxl", "sqlite3", "regex",
    "rich", "markdown_it", "pygments",
    "govreport.batch", "govreport.commands.batch", "govreport.commands.audit", "govreport.audit.series",
    "govreport.audit.html_report", "govreport.ocr_confirm", "govreport.readers.html", "govreport.readers.office",
    "govreport.readers.pdf", "govreport.readers.pdf_page", "govreport.readers.ocr_cells", "govreport.readers.docx",
)


def _imported_by(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    out = tmp_path / "modules.txt"
    probe = PROBE.replace("OUT", repr(str(out)))
    run = subprocess.run([sys.executable, "-c", probe, "-", *args], capture_output=True, text=True, timeout=120,
                         cwd=REPO)
    return run, set(out.read_text(encoding="utf-8").split("\n"))


def _loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_extracting_a_text_report_imports_no_other_format_command_or_rich(tmp_path):
    run, modules = _imported_by(tmp_path, "extract", "--format", "json", str(REPO / "fixtures" / "zfj-2021-tabs.txt"))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["edition"] == "2021" and report["values"]["t3.received.total"] is not None
    assert "govreport.readers.text" in modules                    # the probe saw the run
    loaded = [name for name in NOT_FOR_TEXT if _loaded(modules, name)]
    assert loaded == []
    # a clean report (no finding) needs no row labels for messages, no diagnosis, no finding ids
    assert report["findings"] == []
    assert [m for m in ("govreport.fields", "govreport.audit.diagnosis", "govreport.audit.fingerprint",
                        "govreport.digest", "govreport.schema") if m in modules] == []
    # its tables are tab-separated, read as grids: the reading of tables printed as running text stays unloaded
    assert "govreport.recognize.grid" in modules
    assert [m for m in ("govreport.recognize.stream", "govreport.recognize.align") if m in modules] == []


def test_help_still_lists_every_command_with_rich(tmp_path):
    run, modules = _imported_by(tmp_path, "--help")
    assert run.returncode == 0, run.stderr
    for name in ("extract", "validate", "schema", "fields", "batch", "export", "audit", "report"):
        assert f" {name} " in run.stdout
    assert _loaded(modules, "rich")                               # the help is still rich's


def test_a_mistyped_command_is_matched_against_the_commands_not_yet_built():
    run = subprocess.run([sys.executable, "-m", "govreport", "valdate", "x.txt"], capture_output=True, text=True,
                         timeout=120, cwd=REPO)
    assert run.returncode == 2
    assert run.stderr == "govreport: No such command 'valdate'. Did you mean 'validate'? (see 'govreport --help')\n"


def _python(code: str) -> str:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_package_loads_the_pipeline_on_first_use():
    # cli.py runs its start-up before the pipeline and pydantic load (see the next test)
    out = _python("import sys, govreport; print('govreport.pipeline' in sys.modules, 'pydantic' in sys.modules); "
                  "from govreport import parse, Report; print(parse.__module__, Report.__module__)")
    assert out.split("\n") == ["False False", "govreport.pipeline govreport.report"]


def test_importing_the_cli_leaves_its_objects_to_no_collector_pass():
    # without the pause, importing cli.py ran the collector ~60 times over objects that all stay
    # alive. The stdlib modules cli.py imports before its pause are loaded first: how often they
    # set the collector off depends on what the interpreter's site already loaded (an editable
    # install's finder loads some), which is not what this test is about
    out = _python("import csv, io, json, logging, pathlib, typing, warnings, enum, contextlib, gc; "
                  "before = sum(s['collections'] for s in gc.get_stats()); import govreport.cli; "
                  "print(sum(s['collections'] for s in gc.get_stats()) - before, gc.isenabled(), gc.get_freeze_count() > 20_000)")
    passes, enabled, frozen = out.split()
    assert int(passes) <= 2 and enabled == "True" and frozen == "True"
