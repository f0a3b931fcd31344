"""The auditor's HTML page, rendered by headless Chromium: self-contained, the finding's
cells highlighted, the culprit outlined, a screenshot taken."""
from __future__ import annotations

import subprocess

from lxml import html as lhtml

from conftest import REPO, need_tool, shared_file
from govreport import parse
from test_audit import planted_spec, run, write

CHROMIUM = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--hide-scrollbars", "--window-size=1400,2400")


def chromium(*args, timeout=120):
    exe = need_tool("chromium")
    return subprocess.run([exe, *CHROMIUM, *args], capture_output=True, timeout=timeout)


def test_report_page_highlights_the_findings_cells(tmp_path):
    planted = write(tmp_path, "planted", planted_spec(), "html")
    t4sum = REPO / "fixtures" / "jt-2021-t4sum.html"
    page = tmp_path / "audit.html"
    code, _, err = run("report", planted, t4sum, "-o", page)
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and "<script" not in text and "src=" not in text
    dom = chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0
    tree = lhtml.fromstring(dom.stdout.decode("utf-8"))
    for n, path in enumerate((planted, t4sum)):
        report = parse(path)
        section = tree.get_element_by_id(f"doc-{n}")
        shown = [f for f in report.findings if f.severity in ("error", "warning")]
        marked = {td.get("data-key"): td for td in section.xpath(".//td[@data-findings]")}
        assert set(marked) == {k for f in shown for k in f.keys}
        for f in shown:
            for k in f.keys:
                assert f.id in marked[k].get("data-findings").split()
                assert f"hl-{f.severity}" in marked[k].get("class") or "hl-error" in marked[k].get("class")
        culprits = {td.get("data-key") for td in section.xpath(".//td[contains(@class,'culprit')]")}
        assert culprits == {k for f in shown if f.diagnosis for k in f.diagnosis.cells}
        # every printed value is drawn, with its raw text and origin in the cell's tip
        cells = {td.get("data-key"): td for td in section.xpath(".//td[@data-key]")}
        assert set(cells) == set(report.values)
        cell = report.cells["t3.granted.natural"]
        tip = cells["t3.granted.natural"].xpath("string(.//div[@class='tip'])")
        assert f"「{cell.raw}」" in tip and f"行{cell.origin.row}" in tip
    assert {td.get("data-key") for td in tree.get_element_by_id("doc-0").xpath(".//td[contains(@class,'culprit')]")} \
        == {"t3.granted.natural"}
    shot = tmp_path / "audit.png"
    assert chromium(f"--screenshot={shot}", page.as_uri()).returncode == 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_report_page_of_a_real_series_lists_copies_and_summary(tmp_path):
    corpus = shared_file("corpus")
    page = tmp_path / "audit.html"
    code, _, err = run("report", corpus / "fj-pingtan-2024.html", corpus / "fj-pingtan-2024.txt",
                       corpus / "js-huaian-hongzequ-2023.pdf", "-o", page)
    assert code == 0, err
    tree = lhtml.fromstring(page.read_text(encoding="utf-8"))
    rules = tree.xpath("//table[contains(@class,'by-rule')]//td[1]/text()")
    assert "T4-GROUP-SUM" in rules
    bodies = tree.xpath("//table[contains(@class,'by-body')]//tr/td[1]/text()")
    assert "平潭综合实验区" in bodies and "洪泽区人民政府" in bodies
    culprits = {td.get("data-key") for td in tree.get_element_by_id("doc-2").xpath(".//td[contains(@class,'culprit')]")}
    assert "t4.review.total" in culprits
