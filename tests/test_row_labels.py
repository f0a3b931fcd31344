"""Row labels as printed, misprinted or misread, mapped onto the template's rows."""
import pytest

from govreport.grammar import load
from govreport.model import Cell, Origin, Table
from govreport.recognize.grid import match_row

T3 = load("2021").t3_rows


@pytest.mark.parametrize("label, row", [
    ("1.属于国家秘密", "denied_secret"),
    ("2.其他法律行政止公开", "denied_law"),                 # misprint in 洪泽区 2023/2024
    ("3. 危及“三安全一稳定”", "denied_safety"),
    ("7. 属于行政执法案郑", "denied_enforcement"),          # OCR misread of 案卷
    ("（七）总计", "total"),
    ("3.其他", "other_other"),
    ("四、结转下年度继续办理", "carried_forward"),
    ("1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
])
def test_labels_map_to_rows(label, row):
    assert match_row(label, T3).id == row


@pytest.mark.parametrize("label", ["申请人情况", "合计说明", "其他组织", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"])
def test_other_text_maps_to_no_row(label):
    assert match_row(label, T3) is None


def test_table3_columns_found_under_a_longer_header():
    """`其他组织` for the template's `其他` column: rows with blank cells still read in place."""
    import json
    from pathlib import Path

    from govreport import parse
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    page = (fixtures / "jt-2021.html").read_text(encoding="utf-8")
    values = json.loads((fixtures / "specs/jt-2021.json").read_text(encoding="utf-8"))["values"]
    header = page.index(">其他<")                     # table 三's column header (table 四 prints 其他<br>结果)
    assert header < page.index("本年新收")
    r = parse((page[:header] + ">其他组织<" + page[header + 4:]).encode("utf-8"), filename="r.html")
    assert r.values == values


def _grid(lines: list[list[str]]) -> Table:
    """A grid as the PDF readers give it: `^` repeats the cell above, `<` the cell to the
    left (merged cells)."""
    rows: list[list[Cell]] = []
    for i, line in enumerate(lines):
        row: list[Cell] = []
        for j, text in enumerate(line):
            if text in ("^", "<"):
                src = rows[i - 1][j] if text == "^" else row[j - 1]
                at = (i - 1, j) if text == "^" else (i, j - 1)
                row.append(Cell(src.raw, src.text, Origin("pdf", 5, 0, i, j), src.merged_from or at))
            else:
                row.append(Cell(text, text, Origin("pdf", 5, 0, i, j)))
        rows.append(row)
    return Table(0, rows, 5)


def test_label_wrapped_over_grid_rows_names_its_row():
    """LibreOffice prints a long label in a narrow column a line per grid row, the row's
    values merged over all the lines (seen on 平潭 2022 printed from its portal page): the
    lines make one label, and the row is read once, not once per line."""
    from govreport.recognize.grid import t3_lines
    g = load("2021")
    zeros = ["0"] * 7
    table = _grid([
        ["三、本年度办理结果", "（五）不予处理", "5.要求行政机", *zeros],
        ["^", "^", "关确认或重新", *["^"] * 7],
        ["^", "^", "出具已获取信", *["^"] * 7],
        ["^", "^", "息", *["^"] * 7],
        ["^", "（六）其他处理", "1.申请人无正", "2", "0", "0", "0", "0", "0", "2"],
        ["^", "^", "当理由逾期不", *["^"] * 7],
        ["^", "^", "补正、行政机关不再处理其政府信息公开申请", *["^"] * 7],
        ["^", "^", "", *["^"] * 7],
        ["^", "^", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", *zeros],
    ])
    lines = t3_lines([table], g.t3_rows_for(False), g)
    assert [(ln.raw.rule_id, ln.anchor, [t.raw for t in ln.raw.tokens]) for ln in lines] == [
        ("rejected_confirm", "rejected_confirm", zeros),
        ("other_no_correction", "other_no_correction", ["2", "0", "0", "0", "0", "0", "2"]),
        ("other_no_fee", "other_no_fee", zeros),
    ]
    assert lines[1].raw.label.endswith("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")


def test_label_line_beside_cells_merged_across_is_a_row_of_its_own():
    """A scan's grid whose value cells span two grid columns (`56 | <`): a label line with
    no values of its own, its cells merged across and not down, is not the row above's
    (joined, 4.无正当理由… + 5.要求行政机关确认… had named row 5 with row 4's values)."""
    from govreport.recognize.grid import t3_lines
    g = load("2021")
    table = _grid([
        ["（五）不予处理", "4.无正当理由大量反复申请", *["0", "<"] * 7],
        ["^", "5.要求行政机关确认或重新出具已获取信息", *["", "<"] * 7],
        ["^", "（六）其他处理", *["", "<"] * 7],
    ])
    lines = t3_lines([table], g.t3_rows_for(False), g)
    assert [(ln.raw.rule_id, ln.values) for ln in lines] == [("rejected_mass", True), ("rejected_confirm", False)]
