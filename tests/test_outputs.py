"""One output convention for every command, walked over the commands the CLI has:
`-o -` is stdout, an unknown extension is refused, a bad option value is one stderr line,
and a reader that closes the pipe early is not an error finding."""
from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from conftest import REPO, shared_file
from test_batch_samples import write_reports

from govreport.cli import app
from govreport.output import EXIT_PIPE

FIX = REPO / "fixtures"
REPORT = FIX / "jt-2021-t4sum.html"          # a report with an error finding: validate exits 1
_GROUP = typer.main.get_command(app)
_CTX = typer.Context(_GROUP)
COMMANDS = {name: _GROUP.get_command(_CTX, name) for name in _GROUP.list_commands(_CTX)}   # lazy ones built too


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outputs")
    write_reports(tmp / "docs", 2)
    (tmp / "docs" / "empty.txt").write_bytes(b"")
    path = tmp / "r.sqlite"
    r = subprocess.run([sys.executable, "-m", "govreport", "batch", str(tmp / "docs"), "--db", str(path), "-j", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr                  # the empty file failed
    return path


def required_args(name: str, db, scratch) -> list[str]:
    """The least a command needs to run: a report for its file arguments, the filled
    database as --db (a new one in `scratch` for batch, which writes it)."""
    args = []
    for p in COMMANDS[name].params:
        if p.param_type_name == "argument":
            args.append(str(REPORT))
        elif p.required and "--db" in p.opts:
            args += ["--db", str(scratch / "new.sqlite" if name == "batch" else db)]
    if name == "batch":
        args += ["-j", "1"]
    return args


def runnable(name: str) -> None:
    """`report` renders with govreport.audit.html_report: skip it while that is not there."""
    if name == "report":
        pytest.importorskip("govreport.audit.html_report")


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def has_output_option(name: str) -> bool:
    return any("--output" in p.opts for p in COMMANDS[name].params)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_dash_o_dash_is_stdout(name, db, tmp_path, monkeypatch):
    if not has_output_option(name):
        pytest.skip(f"{name} has no --output")
    runnable(name)
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(name, *required_args(name, db, tmp_path), "-o", "-")
    assert code in (0, 1), err
    assert out.strip() and not (tmp_path / "-").exists()
    same, out_default, _ = invoke(name, *required_args(name, db, tmp_path))
    assert out_default == out                       # no -o is the same stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_unknown_extension_is_refused_in_one_line(name, db, tmp_path):
    if not has_output_option(name):
        pytest.skip(f"{name} has no --output")
    target = tmp_path / "out.bogus"
    code, out, err = invoke(name, *required_args(name, db, tmp_path), "-o", str(target))
    assert code == 2 and not target.exists()
    assert len(err.strip().splitlines()) == 1 and ".bogus" in err and "--format" in err


@pytest.mark.parametrize("name,option", [(n, next(o for o in p.opts if o.startswith("--")))
                                         for n in sorted(COMMANDS) for p in COMMANDS[n].params
                                         if p.param_type_name == "option" and hasattr(getattr(p, "type", None), "choices")])
def test_a_bad_option_value_is_one_line(name, option, db, tmp_path):
    code, out, err = invoke(name, *required_args(name, db, tmp_path), option, "bogus")
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(f"govreport {name}: ") and "bogus" in line and "--help" in line


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_unknown_option_is_one_line(name, db, tmp_path):
    code, out, err = invoke(name, *required_args(name, db, tmp_path), "--no-such-option")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "--no-such-option" in line


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_closed_pipe_is_not_an_error(name, db, tmp_path):
    """The reader goes away before the command writes: data commands end with 141 (what a
    process killed by SIGPIPE returns), silently; batch writes no data to stdout, so it ends
    as it would anyway: 1, the report has an error finding."""
    runnable(name)
    proc = subprocess.Popen([sys.executable, "-m", "govreport", name, *required_args(name, db, tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=300)
    assert "Traceback" not in err and "Broken pipe" not in err and "Exception ignored" not in err, err
    assert code == (1 if name == "batch" else EXIT_PIPE), err


def test_batch_refuses_a_scheduler_without_dask_and_quiet_keeps_failures(tmp_path):
    write_reports(tmp_path / "docs", 1)
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    code, out, err = invoke("batch", str(tmp_path / "docs"), "--db", str(tmp_path / "r.sqlite"),
                            "--scheduler", "tcp://localhost:1")
    assert code == 2 and err.strip() == "batch: --scheduler needs --engine dask"
    code, out, err = invoke("batch", str(tmp_path / "docs"), "--db", str(tmp_path / "r.sqlite"), "-q", "-j", "1")
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()                # one line per failure, nothing else
    assert line.startswith(str(tmp_path / "docs" / "empty.txt") + ": ") and "empty" in line


def test_exports_say_why_a_document_failed(db, tmp_path):
    code, out, err = invoke("export", "--db", str(db), "--status", "failed", "--labels")
    assert code == 0, err
    header, labels, *rows = list(csv.reader(io.StringIO(out)))
    assert header[:6] == ["path", "organization", "year", "edition", "status", "reason"]
    assert labels[header.index("t3.received.total")] == "一、本年新收政府信息公开申请数量 / 总计"
    (row,) = rows
    assert row[0].endswith("empty.txt") and row[4] == "failed" and "empty" in row[5]
    target = tmp_path / "docs.xlsx"
    assert invoke("export", "--db", str(db), "-o", str(target))[0] == 0
    from openpyxl import load_workbook
    ws = load_workbook(target)["documents"]
    assert ws.auto_filter.ref == f"A2:{ws.cell(1, ws.max_column).column_letter}5"   # header, labels, 3 documents
    assert ws.freeze_panes == "B3"
    assert ws.column_dimensions["A"].width == 40 and ws.column_dimensions["F"].width == 40


def test_json_is_one_object_per_file_whatever_the_count():
    code, one, _ = invoke("extract", str(FIX / "jt-2021.html"), "--format", "json")
    assert code == 0 and json.loads(one)["organization"] == "青溪市交通运输局"
    code, two, _ = invoke("extract", str(FIX / "jt-2021.html"), str(REPORT), "--format", "json")
    first, second = (json.loads(line) for line in two.splitlines())
    assert first == json.loads(one) and second["source"]["path"] == str(REPORT)


def test_a_terminal_gets_a_summary_and_a_pipe_gets_json():
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "govreport", "extract", str(REPORT)], stdout=follower,
                            stderr=subprocess.PIPE)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:                                  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    shown = b"".join(chunks).decode().replace("\r\n", "\n")
    assert "青溪市交通运输局" in shown and "edition       2021" in shown
    assert "cells read    200 of 200" in shown and "T4-GROUP-SUM ×1 (error)" in shown
    piped = subprocess.run([sys.executable, "-m", "govreport", "extract", str(REPORT)], capture_output=True,
                           timeout=120)
    assert json.loads(piped.stdout)["edition"] == "2021"


def test_fields_cover_the_template_contract():
    rows = list(csv.DictReader(shared_file("template/fields.tsv").open(encoding="utf-8"), delimiter="\t"))
    code, out, _ = invoke("fields", "--format", "json")
    ours = {(f["key"], edition) for f in json.loads(out) for edition in
            (("2019", "2021") if f["edition"] == "both" else (f["edition"],))}
    theirs = {(r["key"], edition) for r in rows for edition in
              (("2019", "2021") if r["edition"] == "both" else (r["edition"],))}
    assert ours == theirs
    by_key = {f["key"]: f for f in json.loads(out)}
    for r in rows:
        assert by_key[r["key"]]["table"] == r["table"]


def test_fields_tsv_lists_every_key_with_a_chinese_label():
    code, out, _ = invoke("fields")
    header, *rows = [line.split("\t") for line in out.splitlines()]
    assert header == ["key", "edition", "table", "row", "column", "label"]
    assert len({r[0] for r in rows}) == 226
    assert ["t2.fees.amount", "2021", "二", "第二十条第（八）项 / 行政事业性收费", "本年收费金额（单位：万元）",
            "第二十条第（八）项 / 行政事业性收费 / 本年收费金额（单位：万元）"] in rows
    assert all(r[5] and not r[5].isascii() for r in rows)


def test_schema_has_an_identity_and_describes_every_field():
    code, out, _ = invoke("schema")
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/") and schema["$id"].startswith("urn:govreport:")
    undescribed = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if "description" not in prop:
                    undescribed.append(f"{path}.{name}")
            for k, v in node.items():
                walk(v, f"{path}.{k}")
    walk(schema, "")
    assert undescribed == []
    assert schema["properties"]["values"]["properties"]["t4.review.total"]["description"] == "行政复议 / 总计"
    assert ".tsv" not in out and ".md" not in out          # no pointer to files that are not shipped
