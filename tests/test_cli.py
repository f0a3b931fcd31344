"""The command line: outputs, exit codes, and one clear line per bad file."""
import csv
import io
import json
import subprocess
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parent.parent
FIX = REPO / "fixtures"


def run(*args, stdin: bytes | None = None):
    p = subprocess.run([sys.executable, str(REPO / "cli.py"), *map(str, args)], input=stdin,
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def test_extract_json_one_object_for_one_file():
    code, out, err = run("extract", FIX / "jt-2021.html")
    assert code == 0 and not err
    data = json.loads(out)
    assert data["edition"] == "2021" and data["organization"] == "青溪市交通运输局"
    assert len(data["values"]) == 200


def test_bad_inputs_cost_one_line_each_and_not_the_other_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes(range(256)) * 20)
    code, out, err = run("extract", "-f", "jsonl", empty, noise, tmp_path / "missing.pdf", FIX / "jt-2021.html")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3 and "Traceback" not in err
    assert lines[0].startswith(str(empty)) and "empty" in lines[0]
    assert lines[1].startswith(str(noise)) and "not a document" in lines[1]
    assert lines[2].startswith(str(tmp_path / "missing.pdf")) and "no such file" in lines[2]
    assert [json.loads(x)["organization"] for x in out.splitlines()] == ["青溪市交通运输局"]


def test_a_page_that_is_not_a_report(tmp_path):
    page = tmp_path / "news.html"
    page.write_text("<html><body><h1>新闻</h1><p>今天天气很好。</p></body></html>", encoding="utf-8")
    code, out, err = run("extract", page)
    assert code == 0 and json.loads(out)["edition"] is None
    code, out, err = run("validate", page)
    assert code == 2 and "not a 政府信息公开工作年度报告" in err


def test_a_notice_page_that_links_the_report(tmp_path):
    page = tmp_path / "notice.html"
    page.write_text("<html><head><title>关于公布某局2023年政府信息公开工作年度报告的通知</title></head><body>"
                    "<p>现予公布。</p><p>附件：<a href='/files/r2023.pdf'>某局2023年政府信息公开工作年度报告.pdf</a></p>"
                    "</body></html>", encoding="utf-8")
    code, out, err = run("extract", page)
    data = json.loads(out)
    assert code == 0 and data["edition"] is None
    assert data["attachments"] == [{"text": "某局2023年政府信息公开工作年度报告.pdf", "url": "/files/r2023.pdf"}]
    assert [f["rule"] for f in data["findings"]] == ["REPORT-IN-ATTACHMENT"]
    code, out, err = run("validate", page)
    assert code == 2 and "/files/r2023.pdf" in err


def test_validate_exit_codes():
    assert run("validate", FIX / "jt-2021.html")[0] == 0
    code, out, _ = run("validate", FIX / "jt-2021-t4sum.html")
    assert code == 1 and "T4-GROUP-SUM" in out and "review" in out


def test_stdin_and_csv(tmp_path):
    data = (FIX / "zfj-2021-tabs.txt").read_bytes()
    code, out, _ = run("extract", "-", "-f", "csv", stdin=data)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["organization"] == "白鹤市自然资源和规划局" and rows[0]["path"] == "<stdin>"
    from govreport import parse
    values = parse(data, filename="x.txt").values
    assert {k: rows[0][k] for k in values} == {k: "" if v is None else str(v) for k, v in values.items()}
    target = tmp_path / "out.csv"
    run("extract", FIX / "jt-2021.html", "-f", "csv", "-o", target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")     # Excel opens UTF-8 with a BOM


def test_schema_is_generated_from_the_model():
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "Report"
    assert {"values", "cells", "findings", "edition"} <= set(schema["properties"])
