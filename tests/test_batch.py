"""govreport batch / export: parallel, limits, resumable store, exports, Dask.

Documents are generated (test_batch_samples.make_report: known values), so each
test can check every stored value, not just counts.
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govreport import parse
from govreport.batch.export import DOC_COLUMNS
from govreport.batch.sandbox import Sandbox, SandboxFailure, _Forked
from govreport.batch.worker import Options
from govreport.grammar import all_keys
from govreport.lifetime import descendants as _descendants
from test_batch_samples import make_docx, make_report, write_reports

REPO = Path(__file__).resolve().parent.parent


def govreport(*args: str, stdin: str | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run the batch commands as a user would (a fresh process, output captured: not a terminal)."""
    return subprocess.run([sys.executable, "-m", "govreport", *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def stored(db: Path) -> dict[str, dict]:
    """path -> {status, error, sha256, values} for every path in the store."""
    conn = sqlite3.connect(db)
    out = {}
    for doc_id, status, error, sha in conn.execute("SELECT id, status, error, sha256 FROM documents"):
        values = dict(conn.execute("SELECT key, value FROM cells WHERE document_id = ?", (doc_id,)))
        for (path,) in conn.execute("SELECT path FROM paths WHERE document_id = ?", (doc_id,)):
            out[path] = {"id": doc_id, "status": status, "error": error, "sha256": sha, "values": values}
    conn.close()
    return out


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def check_values(row: dict, expected: dict) -> None:
    assert row["status"] == "ok", row["error"]
    assert len(row["values"]) == 200                      # every key of the 2021 edition
    assert {k: row["values"][k] for k in expected} == expected


# -- the sandbox: limits become reasons -------------------------------------------------

def _stored_values(rec: dict) -> dict:
    """key -> value of a worker record's cell rows (13 fields per cell: pos, key, value, ...)."""
    cells = rec["rows"]["cells"]
    return {cells[i + 1]: cells[i + 2] for i in range(0, len(cells), 13)}


@pytest.mark.parametrize("fork", [False, True], ids=["exec", "fork"])
def test_sandbox_turns_timeout_crash_and_memory_into_reasons(fork):
    sb = Sandbox(memory_mb=512, fork=fork)
    try:
        sb.call("os:getpid", (), 30)
        assert isinstance(sb.proc, _Forked) is fork
        with pytest.raises(SandboxFailure, match=r"^timeout after 0.5 s$"):
            sb.call("time:sleep", (30,), 0.5)
        with pytest.raises(SandboxFailure, match=r"crashed: SIGABRT"):
            sb.call("os:abort", (), 30)
        rec = sb.call("builtins:bytearray", (2 * 1024 ** 3,), 30)   # 2 GB under a 512 MB cap
        assert rec["status"] == "failed" and rec["error"].startswith("memory limit")
        # after each failure the next file gets a fresh, working child
        text, values = make_report(1)
        rec = sb.call("run_task", ("r.txt", Options(), text.encode()), 60)
        assert rec["status"] == "ok" and _stored_values(rec)["t3.total.total"] == values["t3.total.total"]
        # one worker process serves file after file: the extractor is imported once per worker
        pid = sb.proc.pid
        for i in range(5):
            text, values = make_report(i)
            rec = sb.call("run_task", (f"r{i}.txt", Options(), text.encode()), 60)
            assert _stored_values(rec)["t3.received.total"] == values["t3.received.total"]
        assert sb.proc.pid == pid
    finally:
        sb.close()


@pytest.mark.parametrize("fork", [False, True], ids=["exec", "fork"])
def test_the_worker_keeps_its_own_deadline(fork):
    """A worker whose parent does not enforce the deadline (stopped, stuck, or waiting
    without one) still ends a call that outlives it: its own timer kills it, inside C code too."""
    sb = Sandbox(fork=fork, seconds=0.5)
    try:
        assert sb.call("os:getpid", (), 30) == sb.proc.pid
        # no deadline on this side (the 60 s only stops a broken test): the child's own ends it
        sb.send("time:sleep", (300,))
        with pytest.raises(SandboxFailure, match=r"the worker's own deadline"):
            sb.receive(60)
        assert sb.proc is None
        # a busy loop in C that never returns to Python: the signal's default action ends it
        sb.send("re:fullmatch", (r"(a|aa)+b", "a" * 64))
        with pytest.raises(SandboxFailure, match=r"the worker's own deadline"):
            sb.receive(60)
        # calls shorter than the deadline, one after another, each get the whole deadline
        pid = sb.call("os:getpid", (), 30)
        assert [sb.call("subprocess:call", (["sleep", "0.3"],), 30) for _ in range(3)] == [0, 0, 0]
        assert sb.proc.pid == pid
    finally:
        sb.close()


@pytest.mark.parametrize("fork", [False, True], ids=["exec", "fork"])
def test_a_timeout_kills_what_the_worker_started(fork):
    sb = Sandbox(fork=fork)
    try:
        sb.call("subprocess:call", (["true"],), 30)            # start the child
        child = sb.proc.pid
        # the child starts a long sleeper in its own session, as LibreOffice conversions do
        with pytest.raises(SandboxFailure, match="timeout"):
            sb.call("subprocess:call", (["setsid", "sleep", "300"],), 1.0)
        time.sleep(0.2)
        assert not any(_alive(p) for p in _descendants(child))
        assert not _alive(child)
    finally:
        sb.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# -- resumable ------------------------------------------------------------------------------

def test_resume_after_kill_9(tmp_path):
    docs = write_reports(tmp_path / "docs", 60, pad=3000)   # ~0.7 MB each: a run lasts a while
    db = tmp_path / "r.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "govreport", "batch", str(tmp_path / "docs"),
                             "--db", str(db), "--jobs", "2"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        n, deadline = 0, time.monotonic() + 120
        while n < 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as c:
                        n = c.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:
                    pass                                     # schema not created yet
        workers = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    with sqlite3.connect(db) as c:
        at_kill = c.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 5 <= at_kill < 60, f"the kill did not land mid-batch ({at_kill} documents)"
    assert all(len(r["values"]) == 200 for r in stored(db).values())     # no half-written document

    again = govreport("batch", tmp_path / "docs", "--db", db, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert f"{at_kill} already stored" in again.stderr
    rows = stored(db)
    assert sorted(rows) == sorted(docs)                         # every document ...
    with sqlite3.connect(db) as c:                              # ... exactly once
        assert c.execute("SELECT count(*), count(DISTINCT sha256) FROM documents").fetchone() == (60, 60)
        assert c.execute("SELECT count(*) FROM cells").fetchone()[0] == 60 * 200
    for path, expected in docs.items():
        check_values(rows[path], expected)
    # the killed batch's workers saw their parent go and ended
    time.sleep(0.5)
    assert not any(_alive(p) for p in workers)


def test_a_rerun_reads_nothing_twice_and_new_files_only(tmp_path):
    docs = write_reports(tmp_path / "docs", 6)
    db = tmp_path / "r.sqlite"
    first = govreport("batch", tmp_path / "docs", "--db", db, "-j", "2")
    assert first.returncode == 0, first.stderr
    docs.update(write_reports(tmp_path / "docs", 2, start=6))
    second = govreport("batch", tmp_path / "docs", "--db", db, "-j", "2")
    assert second.returncode == 0, second.stderr
    assert "(2 read, 6 already stored" in second.stderr
    rows = stored(db)
    assert sorted(rows) == sorted(docs)
    for path, expected in docs.items():
        check_values(rows[path], expected)


# -- broken files, limits, exit codes ----------------------------------------------------------

def test_broken_files_among_good_ones(tmp_path):
    folder = tmp_path / "docs"
    docs = write_reports(folder, 5)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.pdf").write_bytes(os.urandom(5000))           # random bytes named like a PDF
    (folder / "cut.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>"
                                     b"\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Cou")
    db = tmp_path / "r.sqlite"
    r = govreport("batch", folder, "--db", db, "-j", "2")
    assert r.returncode == 2, r.stderr                                # some files failed
    rows = stored(db)
    for path, expected in docs.items():
        check_values(rows[path], expected)
    failed = {Path(p).name: row["error"] for p, row in rows.items() if row["status"] == "failed"}
    assert set(failed) == {"empty.txt", "garbage.pdf", "cut.pdf"}
    assert "empty" in failed["empty.txt"]
    assert all(reason for reason in failed.values())
    # the summary (on stderr: stdout is for data) lists the failures with their reasons,
    # one per line when piped
    lines = r.stderr.splitlines()
    assert r.stdout == ""
    assert ["documents", "8:", "ok", "5", "·", "failed", "3"] in [line.split() for line in lines]
    assert f"failed      {folder / 'empty.txt'}: {failed['empty.txt']}" in lines


def test_limit_reaches_the_workers_like_extract(tmp_path):
    """batch --limit has extract's names and meaning: a lowered limit refuses in the
    workers (the reason names it), a raised one reads the file, a bad one is a usage error."""
    docs = write_reports(tmp_path / "docs", 2)
    db = tmp_path / "r.sqlite"
    r = govreport("batch", *docs, "--db", db, "-j", "1", "--limit", "file-mb=1", "--limit", "table-rows=3")
    assert r.returncode == 2, r.stderr
    rows = stored(db)
    assert all(row["status"] == "failed" and "'table-rows'" in row["error"]
               and "--limit table-rows=N" in row["error"] for row in rows.values())
    r = govreport("batch", *docs, "--db", db, "-j", "1", "--retry-failed", "--limit", "table-rows=50")
    assert r.returncode == 0, r.stderr
    for path, expected in docs.items():
        check_values(stored(db)[path], expected)
    r = govreport("batch", *docs, "--db", db, "--limit", "cells=5")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "unknown limit 'cells'" in r.stderr


def test_batch_refuses_a_device_in_one_row(tmp_path):
    db = tmp_path / "r.sqlite"
    r = govreport("batch", "/dev/zero", "--db", db, "-j", "1")
    assert r.returncode == 2
    (row,) = stored(db).values()
    assert row["status"] == "failed" and "not a regular file" in row["error"]


def test_truncated_real_pdf_is_a_failure_row(tmp_path):
    from conftest import shared_file
    pdf = shared_file("corpus/js-huaian-city-2024.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(pdf[: len(pdf) // 3])
    text, expected = make_report(2)
    (tmp_path / "good.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "r.sqlite"
    r = govreport("batch", tmp_path / "cut.pdf", tmp_path / "good.txt", "--db", db, "-j", "2")
    rows = stored(db)
    check_values(rows[str(tmp_path / "good.txt")], expected)
    cut = rows[str(tmp_path / "cut.pdf")]
    assert cut["status"] == "failed" and "PDF" in cut["error"] and cut["sha256"]
    assert r.returncode == 2


def test_exit_code_0_all_ok_and_1_error_findings(tmp_path):
    write_reports(tmp_path / "ok", 3)
    r = govreport("batch", tmp_path / "ok", "--db", tmp_path / "ok.sqlite", "-j", "2")
    assert r.returncode == 0, r.stderr
    write_reports(tmp_path / "bad", 3, bad={1})
    r = govreport("batch", tmp_path / "bad", "--db", tmp_path / "bad.sqlite", "-j", "2")
    assert r.returncode == 1, r.stderr
    assert "T3-ROW-SUM" in r.stderr                                     # findings by rule
    rows = stored(tmp_path / "bad.sqlite")
    assert sorted(row["status"] for row in rows.values()) == ["findings", "ok", "ok"]


def test_a_slow_file_times_out_alone_and_can_be_retried(tmp_path):
    folder = tmp_path / "docs"
    docs = write_reports(folder, 4)
    # ~28 MB: several seconds of parsing, while a small report takes ~20 ms, so a 1.5 s
    # limit separates them with a wide margin either way, even on a loaded machine
    text, big_values = make_report(99, pad=120000)
    (folder / "big.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "r.sqlite"
    r = govreport("batch", folder, "--db", db, "-j", "2", "--timeout", "1.5")
    assert r.returncode == 2
    rows = stored(db)
    assert rows[str(folder / "big.txt")]["error"] == "timeout after 1.5 s"
    assert rows[str(folder / "big.txt")]["sha256"]                      # known, so a rerun skips it
    for path, expected in docs.items():
        check_values(rows[path], expected)
    again = govreport("batch", folder, "--db", db, "-j", "2")
    assert again.returncode == 2 and "(0 read, 5 already stored" in again.stderr
    retry = govreport("batch", folder, "--db", db, "-j", "2", "--retry-failed", "--timeout", "200")
    assert retry.returncode == 0, retry.stdout + retry.stderr
    rows = stored(db)
    check_values(rows[str(folder / "big.txt")], big_values)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM documents").fetchone()[0] == 5


# -- identity: content, not path ------------------------------------------------------------

def test_same_content_under_two_paths_is_one_document_and_a_replaced_file_moves(tmp_path):
    folder = tmp_path / "docs"
    docs = write_reports(folder, 3)
    first = next(iter(docs))
    (folder / "copy.txt").write_bytes(Path(first).read_bytes())
    (folder / "later.txt").write_bytes(b"")                              # a failed download
    db = tmp_path / "r.sqlite"
    govreport("batch", folder, "--db", db, "-j", "2")
    rows = stored(db)
    assert rows[first]["id"] == rows[str(folder / "copy.txt")]["id"]
    assert rows[str(folder / "later.txt")]["status"] == "failed"
    # the download is fetched again: the path now holds a report, the failed row goes
    text, expected = make_report(50)
    (folder / "later.txt").write_text(text, encoding="utf-8")
    r = govreport("batch", folder, "--db", db, "-j", "2")
    assert r.returncode == 0, r.stdout
    rows = stored(db)
    check_values(rows[str(folder / "later.txt")], expected)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
        assert c.execute("SELECT count(*) FROM documents WHERE status = 'failed'").fetchone()[0] == 0
    out = tmp_path / "out.csv"
    assert govreport("export", "--db", db, "-o", out).returncode == 0
    assert len(read_csv(out)) == 1 + 4


# -- inputs ---------------------------------------------------------------------------------

def test_inputs_folders_globs_lists_stdin_and_skipped_files(tmp_path):
    from govreport.batch.inputs import collect
    folder = tmp_path / "portal"
    docs = write_reports(folder / "a", 2)
    docs.update(write_reports(folder / "b" / "c", 2, start=2))
    (folder / "a" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(100))
    (folder / "a" / "meta.json").write_text("{}")
    (folder / "b" / "page").write_text("<html><body><p>附件</p></body></html>")   # no extension: sniffed
    (folder / "b" / "blob.dat").write_bytes(os.urandom(300) + b"\x00")            # binary: skipped
    db = folder / "r.sqlite"
    db.write_bytes(b"")
    found = collect([str(folder)], exclude=[db])
    assert sorted(found.files) == sorted(list(docs) + [str(folder / "b" / "page")])
    assert found.n_skipped == 4 and not found.missing
    # explicit files are read whatever they are; duplicates collapse; globs and lists expand
    listing = tmp_path / "list.txt"
    listing.write_text("# downloads\n" + "\n".join(list(docs)[:2]) + "\n\n", encoding="utf-8")
    found = collect([f"@{listing}", str(folder / "a" / "logo.png"), str(folder / "b") + "/**/*.txt",
                     list(docs)[0], str(tmp_path / "nope.pdf")])
    assert found.files == list(docs)[:2] + [str(folder / "a" / "logo.png")] + list(docs)[2:]
    assert found.missing == [str(tmp_path / "nope.pdf")]
    found = collect(["-"], stdin=io.StringIO("\n".join(docs) + "\n"))
    assert found.files == list(docs)


def test_paths_on_stdin(tmp_path):
    docs = write_reports(tmp_path / "docs", 3)
    db = tmp_path / "r.sqlite"
    r = govreport("batch", "-", "--db", db, "-j", "1", stdin="\n".join(docs) + "\n")
    assert r.returncode == 0, r.stderr
    assert sorted(stored(db)) == sorted(docs)


def test_missing_input_exits_2_and_reads_the_rest(tmp_path):
    docs = write_reports(tmp_path / "docs", 2)
    r = govreport("batch", *docs, tmp_path / "nope.pdf", "--db", tmp_path / "r.sqlite")
    assert r.returncode == 2
    assert f"{tmp_path / 'nope.pdf'}: no such file" in r.stderr
    assert sorted(stored(tmp_path / "r.sqlite")) == sorted(docs)


# -- portal notice pages ---------------------------------------------------------------------

NOTICE = """<html><head><meta charset="utf-8"><title>关于公布2023年政府信息公开工作年度报告的通知</title></head>
<body><div class="article"><h1>某某县人民政府2023年政府信息公开工作年度报告</h1>
<p>根据《中华人民共和国政府信息公开条例》规定，现将本机关2023年政府信息公开工作年度报告予以公布。</p>
<p>附件：<a href="/attach/2024/report2023.pdf">某某县人民政府2023年政府信息公开工作年度报告.pdf</a></p>
<p><a href="files/table.docx">附件2：统计表.docx</a></p></div></body></html>"""


def test_a_notice_page_lists_its_attachments_resolved_against_the_page_url(tmp_path):
    (tmp_path / "notice.html").write_text(NOTICE, encoding="utf-8")
    text, expected = make_report(3)
    (tmp_path / "report.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "r.sqlite"
    r = govreport("batch", tmp_path, "--db", db, "--base-url", "https://www.example.gov.cn/zwgk/nb/page.html")
    assert r.returncode == 0, r.stderr
    rows = stored(db)
    assert rows[str(tmp_path / "notice.html")]["status"] == "attachments"
    check_values(rows[str(tmp_path / "report.txt")], expected)
    assert "2 linked files on 1 pages" in r.stderr
    out = tmp_path / "links.csv"
    assert govreport("export", "--db", db, "--table", "attachments", "-o", out).returncode == 0
    links = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert [(x["path"], x["url"]) for x in links] == [
        (str(tmp_path / "notice.html"), "https://www.example.gov.cn/attach/2024/report2023.pdf"),
        (str(tmp_path / "notice.html"), "https://www.example.gov.cn/zwgk/nb/files/table.docx")]


def test_a_list_can_give_each_page_its_url(tmp_path):
    (tmp_path / "a.html").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "b.html").write_text(NOTICE + "<!-- another page -->", encoding="utf-8")
    listing = tmp_path / "pages.txt"
    listing.write_text(f"{tmp_path / 'a.html'}\thttps://gov.example.cn/a/index.html\n"
                       f"{tmp_path / 'b.html'}\n", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    r = govreport("batch", f"@{listing}", "--db", db, "--base-url", "http://fallback.example.cn/x/")
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db) as c:
        urls = c.execute("SELECT d.path, a.url FROM attachments a JOIN documents d ON d.id = a.document_id"
                         " ORDER BY d.path, a.pos").fetchall()
    assert urls == [(str(tmp_path / "a.html"), "https://gov.example.cn/attach/2024/report2023.pdf"),
                    (str(tmp_path / "a.html"), "https://gov.example.cn/a/files/table.docx"),
                    (str(tmp_path / "b.html"), "http://fallback.example.cn/attach/2024/report2023.pdf"),
                    (str(tmp_path / "b.html"), "http://fallback.example.cn/x/files/table.docx")]


# -- exports --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A store with 8 reports (one with error findings) and one failure."""
    tmp = tmp_path_factory.mktemp("filled")
    docs = write_reports(tmp / "docs", 8, bad={4})
    (tmp / "docs" / "empty.txt").write_bytes(b"")
    db = tmp / "r.sqlite"
    r = govreport("batch", tmp / "docs", "--db", db, "-j", "2")
    assert r.returncode == 2, r.stderr
    return tmp, db, docs


def test_csv_export_round_trip(filled):
    tmp, db, docs = filled
    out = tmp / "out.csv"
    r = govreport("export", "--db", db, "--format", "csv", "-o", out)
    assert r.returncode == 0, r.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                              # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    keys = list(all_keys())
    assert header == DOC_COLUMNS + keys and len(keys) == 226
    by_path = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert sorted(by_path) == sorted(list(docs) + [str(tmp / "docs" / "empty.txt")])
    store = stored(db)
    for path, expected in docs.items():
        row = by_path[path]
        assert row["edition"] == "2021" and row["status"] == store[path]["status"]
        for k in keys:                                 # every cell equals the store, blank for keys of 2019
            v = store[path]["values"].get(k)
            assert row[k] == ("" if v is None else str(v)), k
        assert {k: float(row[k]) for k in expected} == pytest.approx(expected)
        assert row["organization"] and int(row["year"]) in range(2021, 2025)
    assert by_path[str(tmp / "docs" / "empty.txt")]["status"] == "failed"
    assert sorted(r["status"] for r in by_path.values()) == ["failed", "findings"] + ["ok"] * 7


def test_csv_to_stdout(filled):
    tmp, db, docs = filled
    r = subprocess.run([sys.executable, "-m", "govreport", "export", "--db", str(db), "-o", "-",
                        "--status", "ok"], capture_output=True, cwd=REPO, timeout=120)
    assert r.returncode == 0
    assert not r.stdout.startswith(b"\xef\xbb\xbf")                      # no BOM on stdout: not a file for Excel
    rows = list(csv.reader(io.StringIO(r.stdout.decode("utf-8"), newline="")))
    assert len(rows) == 1 + 7 and rows[0][:6] == DOC_COLUMNS


def test_xlsx_export_round_trip(filled):
    from openpyxl import load_workbook
    tmp, db, docs = filled
    out = tmp / "out.xlsx"
    r = govreport("export", "--db", db, "-o", out)                      # format from the extension
    assert r.returncode == 0, r.stderr
    wb = load_workbook(out, read_only=True)
    rows = list(wb["documents"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header == DOC_COLUMNS + list(all_keys())
    labels = dict(zip(header, rows[1], strict=False))                                  # a row of Chinese labels under the keys
    assert labels["t2.rules.issued"] == "第二十条第（一）项 / 规章 / 本年制发件数"
    assert all(labels[k] for k in all_keys()) and labels["path"] is None
    by_path = {row[0]: dict(zip(header, row, strict=False)) for row in rows[2:]}
    store = stored(db)
    for path, expected in docs.items():
        row = by_path[path]
        assert isinstance(row["year"], int) and row["status"] == store[path]["status"]
        assert {k: row[k] for k in expected} == expected                # numbers stay numbers
        assert all(row[k] is None for k in all_keys() if k not in store[path]["values"])
    findings = list(wb["findings"].iter_rows(values_only=True))
    assert findings[0][:4] == ("path", "sha256", "rule", "severity")
    assert {f[2] for f in findings[1:] if f[3] == "error"} >= {"T3-ROW-SUM"}


def test_jsonl_export_is_the_full_report(filled):
    from govreport import Report
    tmp, db, docs = filled
    out = tmp / "out.jsonl"
    r = govreport("export", "--db", db, "--format", "jsonl", "-o", out)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 9
    by_path = {rec["path"]: rec for rec in recs}
    for path in list(docs)[:3] + [list(docs)[4]]:
        rec = by_path[path]
        direct = parse(path).model_dump(mode="json")
        fields = {k: rec[k] for k in Report.model_fields}
        assert Report.model_validate(fields).model_dump(mode="json") == direct     # nothing lost
        assert rec["status"] in ("ok", "findings") and rec["timings"]["total_ms"] > 0
    failed = by_path[str(tmp / "docs" / "empty.txt")]
    assert failed["status"] == "failed" and failed["error"]


def test_export_of_a_missing_database_is_one_line(tmp_path):
    r = govreport("export", "--db", tmp_path / "none.sqlite", "-o", tmp_path / "x.csv")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "no such database" in r.stderr


# -- the CLI ---------------------------------------------------------------------------------

def test_cli_has_batch_and_export(tmp_path):
    from typer.testing import CliRunner
    from govreport.cli import app
    docs = write_reports(tmp_path / "docs", 2)
    runner = CliRunner()
    r = runner.invoke(app, ["batch", str(tmp_path / "docs"), "--db", str(tmp_path / "r.sqlite"), "-j", "1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["export", "--db", str(tmp_path / "r.sqlite"), "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 0, r.output
    assert len(read_csv(tmp_path / "o.csv")) == 1 + len(docs)


# -- Dask -------------------------------------------------------------------------------------

def test_dask_local_cluster_stores_the_same_documents_as_the_local_engine(tmp_path):
    pytest.importorskip("dask.distributed")
    folder = tmp_path / "docs"
    write_reports(folder, 12, bad={5})
    (folder / "empty.txt").write_bytes(b"")
    local, dask = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    a = govreport("batch", folder, "--db", local, "-j", "2")
    b = govreport("batch", folder, "--db", dask, "-j", "2", "--engine", "dask")
    assert a.returncode == b.returncode == 2, b.stderr

    def content(db):
        with sqlite3.connect(db) as c:
            docs = {sha: (path, status, error) for path, sha, status, error in
                    c.execute("SELECT path, sha256, status, error FROM documents")}
            values = {(sha, k): v for sha, k, v in c.execute(
                "SELECT d.sha256, c.key, c.value FROM cells c JOIN documents d ON d.id = c.document_id")}
            findings = sorted(c.execute("SELECT d.sha256, f.rule, f.location FROM findings f"
                                        " JOIN documents d ON d.id = f.document_id"))
        return docs, values, findings

    docs_a, values_a, findings_a = content(local)
    docs_b, values_b, findings_b = content(dask)
    assert len(docs_a) == 13 and docs_a == docs_b
    assert len(values_a) == 12 * 200 and values_a == values_b
    assert findings_a == findings_b

    # with a remote scheduler the files' bytes travel to the workers: same documents again
    from govreport.batch.inputs import collect
    from govreport.batch.run import execute, plan
    from govreport.batch.store import Store
    from govreport.batch.worker import Options
    shipped = tmp_path / "shipped.sqlite"
    with Store(shipped) as store:
        out = execute(plan(collect([str(folder)]).files, store), store, Options(), engine="dask", jobs=2,
                      ship_bytes=True)
    assert out.processed == 13
    docs_c, values_c, findings_c = content(shipped)
    assert (docs_c, values_c, findings_c) == (docs_a, values_a, findings_a)


def test_dask_engine_without_dask_is_one_clear_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner
    from govreport.commands.batch import batch
    import typer
    write_reports(tmp_path / "docs", 1)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)          # as if the extra were not installed
    app = typer.Typer()
    app.command()(batch)
    app.command("noop")(lambda: None)
    r = CliRunner().invoke(app, ["batch", str(tmp_path / "docs"), "--db", str(tmp_path / "r.sqlite"),
                                 "--engine", "dask"])
    assert r.exit_code == 2
    assert r.output.strip() == ("batch: --engine dask needs Dask, an optional extra: "
                                "pip install 'govreport[dask]'")
    assert not (tmp_path / "r.sqlite").exists()


# -- the export's columns ------------------------------------------------------------------

def test_export_columns_are_the_template_keys_and_cover_the_grammars():
    from conftest import shared_file
    from govreport.grammar import all_grammars
    fields = shared_file("template/fields.tsv").read_text(encoding="utf-8").splitlines()[1:]
    official = list(dict.fromkeys(line.split("\t")[0] for line in fields if line.strip()))
    assert list(all_keys()) == official                       # same keys, same order as fields.tsv
    emitted = {k for g in all_grammars() for single in (False, True) for k in g.keys(single)}
    assert emitted == set(all_keys())                         # nothing the recognizer emits is dropped


def test_cells_keep_where_each_value_was_read(tmp_path):
    """Origins are plain columns (no JSON): the same as parse() gives, cell by cell."""
    data, _ = make_docx(3)
    (tmp_path / "r.docx").write_bytes(data)
    text, _ = make_report(4)
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "r.sqlite"
    r = govreport("batch", tmp_path, "--db", db, "-j", "2")
    assert r.returncode == 0, r.stderr
    for name in ("r.docx", "r.txt"):
        direct = parse(tmp_path / name)
        expected = {k: (c.origin.format, c.origin.page, c.origin.table, c.origin.row, c.origin.col, int(c.origin.ocr))
                    for k, c in direct.cells.items()}
        with sqlite3.connect(db) as c:
            got = {k: tuple(rest) for k, *rest in c.execute(
                "SELECT c.key, c.origin_format, c.page, c.table_no, c.row_no, c.col_no, c.ocr FROM cells c"
                " JOIN documents d ON d.id = c.document_id WHERE d.path = ? AND c.has_cell = 1",
                (str(tmp_path / name),))}
        assert len(got) == 200 and got == expected
        assert {t[0] for t in got.values()} == {direct.source.format}
    assert len({t[2:5] for t in got.values()}) > 1                   # real grid positions, not a constant


def test_file_names_that_are_not_utf8_are_stored_readably(tmp_path):
    text, expected = make_report(8)
    folder = os.fsencode(tmp_path / "gbk")
    os.mkdir(folder)
    with open(folder + b"/" + "平潭2023年报.txt".encode("gbk"), "wb") as f:   # a GBK zip unpacked on Linux
        f.write(text.encode("utf-8"))
    db = tmp_path / "r.sqlite"
    r = govreport("batch", tmp_path / "gbk", "--db", db)
    assert r.returncode == 0, r.stderr
    rows = stored(db)
    check_values(rows[str(tmp_path / "gbk" / "平潭2023年报.txt")], expected)


def test_dask_workers_with_another_govreport_version_are_refused(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    import govreport
    from govreport.batch.engine import EngineError
    from govreport.batch.run import execute, plan
    from govreport.batch.store import Store
    from govreport.batch.worker import Options
    docs = write_reports(tmp_path / "docs", 2)
    real = govreport.__version__
    monkeypatch.setattr(govreport, "__version__", "9.9.9")            # this machine upgraded, workers not
    with Store(tmp_path / "r.sqlite") as store:
        with pytest.raises(EngineError, match=rf"has govreport {real}, this machine 9.9.9 \(2 of 2 workers"):
            execute(plan(list(docs), store, parser_version="9.9.9"), store, Options(), engine="dask", jobs=2)
