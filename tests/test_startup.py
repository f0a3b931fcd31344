"""Start-up (issue 7): `govreport extract` on a text report imports what reading text needs
and nothing else — no PDF, Word, HTML, OCR, spreadsheet or batch machinery, no rich, and
no other command's code. Asserted by the modules a fresh process ends with, not by time
(benchmarks/bench_startup.py prints the time against importing pdfplumber and pydantic)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

from govreport.grammar import load

# Run the CLI as `python -m govreport` does, then list what got imported.
PROBE = """
import importlib.metadata, json, runpy, sys
import govreport.rx
compiled, lookups = [], []
_compile, _entry_points = govreport.rx.compile, importlib.metadata.entry_points
govreport.rx.compile = lambda pattern, *a: (compiled.append(pattern), _compile(pattern, *a))[1]
importlib.metadata.entry_points = lambda **kw: (lookups.append(kw), _entry_points(**kw))[1]
sys.argv = ["govreport", *sys.argv[2:]]
try:
    runpy.run_module("govreport", run_name="__main__", alter_sys=True)
finally:
    ours = [m for name, m in list(sys.modules.items()) if name.startswith("govreport")]
    records = sorted(f"{c.__module__}.{c.__qualname__}" for m in ours for c in vars(m).values()
                     if isinstance(c, type) and c.__module__ == m.__name__ and "__dataclass_fields__" in vars(c))
    with open(OUT, "w") as f:
        json.dump({"modules": sorted(sys.modules), "dataclasses": records, "rx_compiled": compiled,
                   "entry_point_lookups": lookups}, f)
"""

NOT_FOR_TEXT = (
    "pdfplumber", "pdfminer", "pypdfium2", "PIL", "docx", "bs4", "lxml", "openpyxl", "sqlite3", "regex",
    "rich", "markdown_it", "pygments",
    "govreport.batch", "govreport.commands.batch", "govreport.commands.audit", "govreport.audit.series",
    "govreport.audit.html_report", "govreport.ocr_confirm", "govreport.readers.html", "govreport.readers.office",
    "govreport.readers.pdf", "govreport.readers.pdf_page", "govreport.readers.ocr_cells", "govreport.readers.docx",
)


def _probe(tmp_path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the CLI; what it imported, the dataclasses of ours it defined, the patterns it
    compiled through rx, and its look-ups of installed distributions' entry points."""
    out = tmp_path / "probe.json"
    probe = PROBE.replace("OUT", repr(str(out)))
    # the CLI's own setting, not one this test process may hold from a CLI run in it
    base = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    run = subprocess.run([sys.executable, "-c", probe, "-", *args], capture_output=True, text=True, timeout=120,
                         cwd=REPO, env=base | (env or {}))
    return run, json.loads(out.read_text(encoding="utf-8"))


def _imported_by(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    run, seen = _probe(tmp_path, *args)
    return run, set(seen["modules"])


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


TEXT_REPORT = str(REPO / "fixtures" / "zfj-2021-tabs.txt")


def test_a_text_extract_defines_no_dataclass_compiles_no_idle_pattern_and_reads_no_plugin_metadata(tmp_path):
    run, seen = _probe(tmp_path, "extract", "--format", "json", TEXT_REPORT)
    assert run.returncode == 0, run.stderr
    # the records it builds are plain classes: a dataclass execs its generated methods at import
    assert seen["dataclasses"] == []
    # each row of its table 二 reads one way: the grammar's prose patterns, which only choose
    # among a row's readings, stay uncompiled
    prose = {p for ps in load("2021").prose_sources.values() for p in ps}
    assert prose and not prose & set(seen["rx_compiled"])
    assert len(seen["rx_compiled"]) <= 14            # 14 today: headings, title, text lines, parts
    # pydantic's plugin look-up (the metadata of every installed distribution) is off in the CLI
    assert seen["entry_point_lookups"] == []


def test_a_plugin_setting_of_the_user_is_kept(tmp_path):
    run, seen = _probe(tmp_path, "extract", "--format", "json", TEXT_REPORT, env={"PYDANTIC_DISABLE_PLUGINS": ""})
    assert run.returncode == 0, run.stderr
    assert seen["entry_point_lookups"] == [{"group": "pydantic"}]


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
