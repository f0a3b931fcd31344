"""Findings that say whose fault a gap is: the document's (error) or the reader's (warning).

Realistic reports are generated from the fixture specs (fixtures/render_text: a report as a
crawler saves it, tables tab-separated), then changed the way real documents differ.
"""
import json
import re

import pytest

from govreport import parse
from govreport.batch.worker import Options, run_task
from govreport.digest import digest
from govreport.validate import validate
from fixtures import render_text

from conftest import REPO, shared_file

SPEC = json.loads((REPO / "fixtures" / "specs" / "jt-2021.json").read_text(encoding="utf-8"))
REPORT = render_text.tabs(SPEC, 1).decode("utf-8")
DENIED_LAW = next(line for line in REPORT.splitlines() if "其他法律行政法规禁止公开" in line)


def _read(text: str):
    return parse(text.encode("utf-8"), filename="report.txt")


def _by_rule(report, rule):
    return {f.where: f for f in report.findings if f.rule == rule}


def _errors(report):
    return {(f.rule, f.where) for f in report.findings if f.severity == "error"}


def test_the_generated_report_reads_whole_without_findings():
    r = _read(REPORT)
    assert r.values == SPEC["values"]
    assert not r.findings


def test_a_row_the_document_leaves_out_is_its_error():
    r = _read(REPORT.replace(DENIED_LAW + "\n", ""))
    assert _errors(r) == {("MISSING-ROW", "denied_law")}
    f = _by_rule(r, "MISSING-ROW")["denied_law"]
    assert f.keys == [f"t3.denied_law.{c}" for c in ("natural", "commercial", "research", "social", "legal",
                                                     "org_other", "total")]
    assert all(r.values[k] is None for k in f.keys)
    assert r.values["t3.denied_safety.total"] == SPEC["values"]["t3.denied_safety.total"]


def test_the_same_row_lost_by_the_reader_is_a_reading_warning():
    # a copy-paste turned that row's tabs into spaces: the label is printed, the grid lost it
    r = _read(REPORT.replace(DENIED_LAW, DENIED_LAW.replace("\t", " ")))
    assert not _errors(r)
    f = _by_rule(r, "ROW-UNREAD")["denied_law"]
    assert f.severity == "warning" and len(f.keys) == 7
    assert all(r.values[k] is None for k in f.keys)


def test_a_row_label_cut_at_the_page_edge_is_no_proof_of_absence():
    # LibreOffice PDFs clip a wide table: 1.属于国家秘 is left of 属于国家秘密
    secret = next(line for line in REPORT.splitlines() if "属于国家秘密" in line)
    cut = secret.replace("1.属于国家秘密", "1.属于国家秘")
    lost = REPORT.replace(secret, cut.replace("\t", " "))
    r = _read(lost)
    assert not _errors(r)
    assert "denied_secret" in _by_rule(r, "ROW-UNREAD")


def test_a_table_with_no_label_anywhere_is_missing_but_an_unreadable_one_is_unread():
    start, end = REPORT.index("行政复议\t"), REPORT.index("五、存在的主要问题")
    r = _read(REPORT[:start] + "本年度无相关情况。\n\n" + REPORT[end:])
    assert ("MISSING-TABLE", "t4") in _errors(r)
    garbled = REPORT[:start] + "结果维持 结果纠正 其他结果 尚未审结 总计（表格为图片）\n\n" + REPORT[end:]
    r = _read(garbled)
    assert not _errors(r)
    f = _by_rule(r, "TABLE-UNREAD")["t4"]
    assert len(f.keys) == 15 and all(r.values[k] is None for k in f.keys)


def test_a_part_absent_in_heading_and_content_is_missing_but_a_renamed_one_is_not():
    start, end = REPORT.index("五、存在的主要问题"), REPORT.index("六、其他需要报告")
    r = _read(REPORT[:start] + REPORT[end:])
    assert _errors(r) == {("MISSING-SECTION", "5")}
    # the heading printed in a form we do not know, its content still there
    r = _read(REPORT.replace("五、存在的主要问题及改进情况", "五、工作中的不足"))
    assert not _errors(r)
    assert "5" in _by_rule(r, "SECTION-UNREAD")
    # listed among the parts, saying how it was found
    assert [(p.number, p.found) for p in r.parts] == [(1, "heading"), (2, "heading"), (3, "heading"),
                                                       (4, "heading"), (5, "content"), (6, "heading")]
    assert next(p.title for p in r.parts if p.number == 5) == "存在的主要问题及改进情况"
    assert "5 of 6" not in digest(r) and "6 of 6 (1 by content" in digest(r)


@pytest.mark.parametrize("old, new", [
    ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    ("五、存在的主要问题及改进情况", "五、存在的主要问题及改进措施"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开申请提起行政复议、提起行政诉讼的情况"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况"),
    ("六、其他需要报告的事项", "六、其他需报告的事项"),
])
def test_headings_as_printed(old, new):
    r = _read(REPORT.replace(old, new))
    assert [(p.number, p.title) for p in r.parts if p.title == new] == [(int("一二三四五六".index(new[0]) + 1), new)]
    assert [p.number for p in r.parts] == [1, 2, 3, 4, 5, 6]
    assert not [f for f in r.findings if f.rule in ("MISSING-SECTION", "SECTION-UNREAD", "SECTION-NUMBER")]
    assert r.values == SPEC["values"]


def _cut(a: str, b: str | None) -> str:
    return REPORT[REPORT.index(a):REPORT.index(b) if b else len(REPORT)]


def test_a_report_with_its_own_part_list_and_the_tables_as_appendix():
    """Shanghai style: the report's own 一、二、三… and then 附表 一/二/三 holding the tables."""
    title = REPORT[:REPORT.index("一、总体情况")]
    p1, t2 = _cut("一、总体情况", "二、主动公开"), _cut("二、主动公开", "三、收到和处理")
    t3, t4 = _cut("三、收到和处理", "四、政府信息公开行政复议"), _cut("四、政府信息公开行政复议", "五、存在的主要问题")
    p5, p6 = _cut("五、存在的主要问题", "六、其他需要报告"), _cut("六、其他需要报告", None)
    text = (title + p1 + "二、工作机制保障\n\n健全政务公开工作机制，明确专人负责，定期研究部署。\n\n"
            + p5.replace("五、", "三、", 1) + p6.replace("六、", "四、", 1) + "附表\n\n"
            + t2.replace("二、", "一、", 1) + t3.replace("三、", "二、", 1) + t4.replace("四、", "三、", 1))
    r = _read(text)
    assert r.values == SPEC["values"]
    assert [p.number for p in r.parts] == [1, 2, 3, 4, 5, 6]
    assert all(p.found == "heading" for p in r.parts)
    assert "不足" in next(p.text for p in r.parts if p.number == 5)
    assert [f.rule for f in r.findings] == ["OWN-STRUCTURE"]
    assert r.findings[0].severity == "info" and "二、工作机制保障" in r.findings[0].message


def test_a_stray_numbered_line_is_no_own_structure():
    r = _read(REPORT.replace("（二）依申请公开。", "三、依申请公开\n（二）依申请公开。", 1))
    assert not r.findings


def _blank(text: str) -> str:
    """Every value cell of the tab tables emptied: the template as downloaded."""
    def row(line):
        cells = line.split("\t")
        return "\t".join("" if re.fullmatch(r"[\d.,]+", c) else c for c in cells) if len(cells) > 1 else line
    return "\n".join(row(line) for line in text.splitlines())


def test_a_blank_template_is_not_a_report_of_zeros():
    r = _read(_blank(REPORT))
    assert set(r.values.values()) == {None}
    f = _by_rule(r, "BLANK-TEMPLATE")["document"]
    assert f.severity == "error" and set(f.keys) == set(r.values)
    assert run_task("blank.txt", Options(), _blank(REPORT).encode())["status"] != "ok"   # the batch's status too
    assert [x.rule for x in r.findings] == ["BLANK-TEMPLATE"]


def test_one_filled_cell_makes_it_a_report():
    text = _blank(REPORT).replace("规章\t\t\t", "规章\t1\t\t", 1)
    r = _read(text)
    assert "BLANK-TEMPLATE" not in {f.rule for f in r.findings}
    assert r.values["t2.rules.issued"] == 1 and r.values["t2.rules.repealed"] == 0


def test_the_real_blank_template_docx():
    r = parse(shared_file("corpus/govnianbao-template-2021.docx"))
    assert r.edition == "2021"
    assert set(r.values.values()) == {None}
    assert [f.rule for f in r.findings] == ["BLANK-TEMPLATE"]


def test_arithmetic_over_a_cell_the_reader_is_unsure_of_does_not_accuse_the_document():
    total = next(line for line in REPORT.splitlines() if line.startswith("一、本年新收"))
    cells = total.split("\t")
    cells[-1] = str(int(cells[-1]) + 1)              # the printed row total is off by one
    r = _read(REPORT.replace(total, "\t".join(cells)))
    assert _errors(r) >= {("T3-ROW-SUM", "received")}
    # the same cell read by OCR and not confirmed: the misreading is as likely as a misprint
    r.cells["t3.received.total"].uncertain = "ocr"
    found = {(f.rule, f.where): f for f in validate(r)}
    f = found[("T3-ROW-SUM", "received")]
    assert f.severity == "warning" and "表三「本年新收／总计」 的读数不确定" in f.message and "t3." not in f.message
    assert all(x.severity != "error" for x in found.values() if "t3.received.total" in x.keys)


def test_a_numbered_item_in_the_prose_that_names_a_part_is_no_heading():
    r = _read(REPORT.replace("（二）依申请公开。", "3、做好主动公开政府信息情况统计\n（二）依申请公开。", 1))
    assert next(p.title for p in r.parts if p.number == 2) == "二、主动公开政府信息情况"
    assert not r.findings
