"""Table 三's rows placed by the template's order where their labels were misread.

The table is built the way a scan of a table printed without rulings reaches the
recognizer (a grid of cells, labels garbled, missing or attached one row off, every
number read right) from the values of a generated report (fixtures/specs/jy-2021.json).
A row the order places is printed only when the arithmetic confirms the placement;
else it stays null with a finding naming its cells."""
from __future__ import annotations

import json

import pytest

from conftest import REPO
from govreport.grammar import load
from govreport.model import Document, Paragraph, grid_from_rows
from govreport.recognize import in_order, recognize
from govreport.report import Source
from govreport.validate import validate

SPEC = json.loads((REPO / "fixtures" / "specs" / "jy-2021.json").read_text(encoding="utf-8"))
G = load("2021")
T3 = {k: v for k, v in SPEC["values"].items() if k.startswith("t3.")}


def _read(labels: dict[str, str], values: dict, reads: dict[str, tuple[str, ...]] | None = None,
          skip: frozenset[str] | set[str] = frozenset()):
    """Recognize a report whose table 三 prints `values` (a key -> its text, or a number),
    each row's label as the template prints it unless `labels` says how it was read (row
    id -> text), without the rows in `skip`. With `reads` (key -> OCR's differing reads of
    that cell), the table is a scan's: every cell OCR'd, those cells unconfirmed, and OCR
    confirmation runs."""
    at: dict[str, tuple[int, int]] = {}
    table = grid_from_rows(0, _t3_rows(labels, values, skip, at), "pdf", page=2)
    if reads is not None:
        for row in table.rows:
            for cell in row:
                cell.origin.ocr = True
        for key, texts in reads.items():
            origin = table.rows[at[key][0]][at[key][1]].origin
            origin.uncertain, origin.reads = "ocr", texts
    return _recognize(Document("pdf", [Paragraph("三、收到和处理政府信息公开申请情况"), table]), reads is not None)


def _t3_rows(labels: dict[str, str], values: dict, skip: frozenset[str] | set[str] = frozenset(),
             at: dict | None = None) -> list[list[str]]:
    """Table 三's grid as text; `at` gets each key's (row, column)."""
    rows = [["", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    for r in G.t3_rows:
        if r.id in skip:
            continue
        if at is not None:
            at.update({f"t3.{r.id}.{c}": (len(rows), 2 + j) for j, c in enumerate(G.t3_columns)})
        rows.append([r.group or "", labels.get(r.id, r.label)]
                    + [str(values[f"t3.{r.id}.{c}"]) for c in G.t3_columns])
    return rows


def _recognize(doc: Document, ocr: bool = False):
    report = recognize(doc, Source(path="t3.pdf", format="pdf", sha256="0"), "test")
    if ocr:
        from govreport.ocr_confirm import confirm_ocr
        confirm_ocr(doc, report)
    report.findings.extend(validate(report))
    return report


def _t3(report) -> dict:
    return {k: report.values.get(k) for k in T3}


# labels as OCR reads them from a narrow label column of a scan
MISREAD = {"granted": "于以公开", "denied_secret": "", "unavailable_not_held": "全用全玫朵",
           "rejected_mass": "人", "other_no_correction": "逾期不"}


def test_rows_whose_labels_were_misread_are_placed_by_order():
    report = _read(MISREAD, T3)
    assert _t3(report) == T3
    assert not [f for f in report.errors if f.rule.startswith("T3")], [(f.rule, f.where) for f in report.errors]


def test_a_label_one_row_off_is_settled_by_order_and_arithmetic():
    # `1.信访举报投诉类申请` read beside the next row (重复申请, all zeros): by its label alone
    # that row's zeros would be printed as 信访举报 (3 in the report)
    labels = {"rejected_complaint": "乞", "rejected_duplicate": "1.信访举报投诉类申请"}
    report = _read(labels, T3)
    assert _t3(report) == T3


def test_a_label_the_order_contradicts_prints_nothing_when_the_arithmetic_cannot_settle_it():
    # as above, and a row unreadable (two cells garbled): the column sums cannot be checked,
    # so neither the label nor the order is taken for 信访举报 and 重复申请
    labels = {"rejected_complaint": "乞", "rejected_duplicate": "1.信访举报投诉类申请"}
    garbled = dict(T3) | {"t3.denied_process.natural": "昌", "t3.denied_process.commercial": "岂"}
    report = _read(labels, garbled)
    both = [k for k in T3 if k.split(".")[1] in ("rejected_complaint", "rejected_duplicate")]
    assert all(report.values[k] is None for k in both)
    assert set(both) <= {k for f in report.findings for k in f.keys}
    assert not [k for k in T3 if report.values[k] is not None and report.values[k] != T3[k]]


def test_placement_the_arithmetic_does_not_confirm_leaves_the_rows_null_with_findings():
    planted = dict(T3)
    planted["t3.granted.natural"] += 1          # the row's own sum holds, table 三's column sums do not
    planted["t3.granted.total"] += 1
    report = _read(MISREAD, planted)
    moved = [k for k in T3 if k.split(".")[1] in MISREAD]
    assert all(report.values[k] is None for k in moved)
    named = {k for f in report.findings for k in f.keys}
    assert set(moved) <= named
    # the rows their labels place are read as before
    assert all(report.values[k] == T3[k] for k in T3 if k not in moved)


def test_a_placed_row_whose_own_sum_fails_places_nothing_by_order():
    planted = dict(T3)
    planted["t3.unavailable_not_held.total"] = 4   # 3 + 0 + … != 4: a misread, or the document's error
    report = _read(MISREAD, planted)
    assert all(report.values[k] is None for k in T3 if k.split(".")[1] in MISREAD)


def test_a_cell_ocr_misread_counts_as_the_read_the_row_sum_admits():
    # 本机关不掌握 (3 0 0 0 0 0 3), its label misread, its 3 read as 8 once: the order places
    # the row, the read the row's sum admits confirms it, OCR confirmation prints that read
    misread = dict(T3) | {"t3.unavailable_not_held.natural": "8"}
    report = _read(MISREAD, misread, reads={"t3.unavailable_not_held.natural": ("8", "3")})
    assert _t3(report) == T3
    # with no read that fits, the row's sum fails: nothing is placed by order
    report = _read(MISREAD, misread, reads={"t3.unavailable_not_held.natural": ("8", "5")})
    assert all(report.values[k] is None for k in T3 if k.split(".")[1] in MISREAD)


def test_an_unreadable_total_row_is_given_by_the_balance_for_the_check_only():
    # （七）总计 unreadable (a number wrapped into the next column): T3-BALANCE gives it, so
    # the sum of the outcome rows can still be checked; the total itself stays null
    garbled = dict(T3) | {"t3.total.commercial": "2 417"}
    report = _read(MISREAD, garbled)
    assert {k: v for k, v in _t3(report).items() if not k.startswith("t3.total.")} == \
        {k: v for k, v in T3.items() if not k.startswith("t3.total.")}
    assert all(report.values[k] is None for k in T3 if k.startswith("t3.total."))
    # the same with the outcome rows summing to one more than the balance says: not confirmed
    planted = garbled | {"t3.granted.natural": 5, "t3.granted.total": 7}
    report = _read(MISREAD, planted)
    assert all(report.values[k] is None for k in T3 if k.split(".")[1] in MISREAD)


@pytest.mark.parametrize("anchors, want", [
    ([0, None, None, 3], [0, 1, 2, 3]),                      # the rows between two anchors fit
    ([0, None, None, None, 3], [0, None, None, None, 3]),    # one row too many: nothing placed
    ([None, None, 4, None], [0, 1, 2, 3]),                   # an anchor one row off: the stretches round it fit together
    ([0, None, 2, None, None], [0, 1, 2, None, None]),       # a stretch that does not fit is left alone
    ([2, 1, None, None, None], [None] * 5),                  # anchors out of order are both dropped
    ([None, None, None, None], [0, 1, 2, 3]),                # no anchor: the whole table fits
])
def test_forced_order(anchors, want):
    assert in_order.forced(anchors, 4) == want


def test_an_unread_first_cell_is_kept_not_taken_for_an_empty_label_column():
    # 平潭 2022 printed by LibreOffice without rulings: the row's 8 is glued to its label,
    # so its cell is unread, and the table has one empty band more than the template's
    # columns. Dropping the unread cell as if it were an empty label column shifted the row
    # left (自然人 1, 商业企业 0: wrong numbers)
    from govreport.model import Origin
    from govreport.recognize.grid import _tokens_after
    row = grid_from_rows(0, [["（二）部分公开", "", "1", "0", "0", "", "0", "0", "9"]], "pdf").rows[0]
    row[1].unread = True
    toks = _tokens_after(row, 0, len(G.t3_columns))
    assert [(t.raw, t.unread) for t in toks][:2] == [("", True), ("1", False)]
    assert isinstance(toks[0].origin, Origin)


def test_a_row_whose_label_was_lost_is_unread_not_missing_while_values_stand_unplaced():
    # the reader lost two rows' labels (LibreOffice print of 平潭 2022 without rulings:
    # `5. 属 于 三 类 内` went nowhere) and the order cannot place their values (one row's
    # own sum fails): the document is not accused of lacking rows whose values it prints
    planted = dict(T3)
    planted["t3.denied_process.total"] += 1
    report = _read({"denied_internal": "", "denied_process": ""}, planted)
    rules = {f.where: f.rule for f in report.findings if f.where in ("denied_internal", "denied_process")}
    assert rules == {"denied_internal": "ROW-UNREAD", "denied_process": "ROW-UNREAD"}
    assert not [f for f in report.errors if f.rule == "MISSING-ROW"]


def test_a_row_the_table_does_not_print_is_still_missing():
    report = _read({}, T3, skip={"denied_internal"})
    assert [(f.rule, f.severity) for f in report.findings if f.where == "denied_internal"] == [("MISSING-ROW", "error")]


def test_table_three_run_on_below_table_two_is_read_as_table_three():
    # a scan whose heading 三、收到和处理… between the tables was misread: one grid holds
    # table 二 and then table 三 (its labels garbled as OCR leaves them, so that as one table
    # it reads as table 二); cut where table 三's words start, table 三 is read
    t2 = [["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
          ["规章", "0", "0", "0"], ["规范性文件", "89", "0", "89"], ["第二十条第（五）项", "", "", ""],
          ["信息内容", "本年处理决定数量", "", ""], ["行政许可", "396", "", ""], ["行政处罚", "2648", "", ""],
          ["行政强制", "126", "", ""], ["行政事业性收费", "35", "", ""], ["政府集中采购", "135", "", ""]]
    garbled = {"received": "一、本请数量", "carried_over": "请数量", "granted": "于以公开", "partial": "部分公",
               "denied_secret": "1. 属干国家秘", "unavailable_not_held": "1.本机关不党相关政府信握"}
    rows = [r + [""] * 5 for r in t2] + _t3_rows(garbled, T3)
    report = _recognize(Document("pdf", [Paragraph("三、收到和处理政府信息公开申请情况"), grid_from_rows(0, rows, "pdf", page=2)]))
    assert _t3(report) == T3


def test_a_value_cell_ocr_misread_as_text_beside_the_label_does_not_shift_the_row():
    # 平潭 2022 printed by Chromium, scanned at 150 dpi: the first value of `5. 属于三类内部
    # 事务信息` read `”1` (its reads kept: a value cell read alone). Taken for the end of
    # the label, it shifted the row left (自然人 0: a wrong number); as a misread value
    # the row stays in place and the arithmetic confirms the read it admits
    key = "t3.denied_internal.natural"
    garbled = dict(T3) | {key: f"”{T3[key]}"}
    report = _read({}, garbled, reads={key: (f"”{T3[key]}", str(T3[key]))})
    assert _t3(report) == T3
    # with no read that fits, the cell is null with its finding, and the row is not shifted
    report = _read({}, garbled, reads={key: (f"”{T3[key]}", "冯")})
    assert report.values[key] is None and key in {k for f in report.findings for k in f.keys}
    assert {k: v for k, v in _t3(report).items() if k != key} == {k: v for k, v in T3.items() if k != key}


def test_a_misprinted_total_is_the_documents_error_when_its_reads_say_one_value():
    # 淮安 洪泽区 2023 printed a total wrong (10 1 0 0 | 0); on its scan that 0 was read `0`
    # three times and `00` once: one value however it is read, so the failing sums accuse
    # the document, not a read in doubt (the total stays printed, the error is raised)
    planted = dict(T3) | {"t3.granted.total": 0}
    key = "t3.granted.total"
    at: dict = {}
    table = grid_from_rows(0, _t3_rows({}, planted, at=at), "pdf", page=2)
    for row in table.rows:
        for cell in row:
            cell.origin.ocr = True
    origin = table.rows[at[key][0]][at[key][1]].origin

    def read(reads):
        origin.reads = reads            # confirmed by its reads (not `uncertain`), reads kept
        return _recognize(Document("pdf", [Paragraph("三、收到和处理政府信息公开申请情况"), table]), True)
    report = read(("0", "00"))
    assert report.values[key] == 0
    assert ("T3-ROW-SUM", "granted") in {(f.rule, f.where) for f in report.errors}
    # reads that say two values are in doubt when a sum fails: null with its finding, and
    # no error accuses the document over it
    report = read(("0", "8"))
    assert report.values[key] is None and key in {k for f in report.findings if f.rule == "OCR-UNCONFIRMED" for k in f.keys}
    assert ("T3-ROW-SUM", "granted") not in {(f.rule, f.where) for f in report.errors}
