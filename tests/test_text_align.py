"""Tables in text made from PDFs: pdftotext -layout, plain pdftotext / copy-paste.

Generated renderings of the fixture reports (fixtures/render_text.pdftotext_*) and the
real ones in ../shared/truth-matrix (skipped when ../shared is absent). A value is right
or null with a finding naming its key; nothing is guessed, no row shifts.
"""
import json

import pytest

from govreport import parse
from govreport.recognize.align import Placement, Slot, place
from govreport.recognize.fused import CellSum

from conftest import SHARED, shared_file

pytest.importorskip("fixtures.render_text")
from fixtures import render_text, spec as S  # noqa: E402

SPECS = S.all_specs()
# the fused-crawler specs are made to be ambiguous when fused; printed over lines they are plain tables
NAMES = sorted(n for n in SPECS if not n.startswith("pt-"))


def _named(report) -> set[str]:
    return {k for f in report.findings for k in (f.keys or [])}


def _check(report, spec) -> tuple[int, dict, list]:
    """(right cells, wrong cells, nulls no finding names)"""
    want = spec["values"]
    right = sum(1 for k, v in report.values.items() if v is not None and want.get(k) == v)
    wrong = {k: (want.get(k), v) for k, v in report.values.items() if v is not None and want.get(k) != v}
    unnamed = [k for k, v in report.values.items() if v is None and k not in _named(report)]
    return right, wrong, unnamed


def _errors(report) -> set:
    return {(f.rule, f.where) for f in report.findings if f.severity == "error"}


@pytest.mark.parametrize("kind", ["layout", "plain"])
@pytest.mark.parametrize("name", NAMES)
def test_generated_pdftotext_reads_every_cell_and_finds_planted_errors(name, kind):
    spec = SPECS[name]
    render = render_text.pdftotext_layout if kind == "layout" else render_text.pdftotext_plain
    planted = {tuple(x) for x in spec["inconsistencies"]}
    for seed in (1, 2):
        report = parse(render(spec, seed), filename=f"{name}.txt")
        right, wrong, unnamed = _check(report, spec)
        assert not wrong and not unnamed
        nulls = {k for k, v in report.values.items() if v is None}
        if kind == "layout" or not planted:
            assert not nulls and _errors(report) == planted
            continue
        # one number a line, a row that breaks its own sum cannot be told from a row whose
        # numbers strayed: it is left null with a finding, not accused (and nothing else is lost)
        assert _errors(report) <= planted
        missed = planted - _errors(report)
        assert all(rule == "T3-ROW-SUM" for rule, _ in missed)
        assert nulls == {k for _, row in missed for k in spec["values"] if k.startswith(f"t3.{row}.")}


@pytest.mark.parametrize("name", NAMES)
def test_converter_markdown_cut_into_pieces_reads_every_cell(name):
    # pieces joined over the page footer; a row whose numbers opened the next piece gets them
    spec = SPECS[name]
    for seed in (1, 2, 3):
        report = parse(render_text.markdown_converter(spec, seed), filename=f"{name}.md")
        right, wrong, unnamed = _check(report, spec)
        assert not wrong and right == len(report.values)
        assert _errors(report) == {tuple(x) for x in spec["inconsistencies"]}


def test_converter_markdown_label_wrapped_over_the_page_break():
    spec = SPECS["jy-2021"]
    lines = render_text.markdown(spec, 112).decode("utf-8").split("\n")
    i = next(k for k, x in enumerate(lines) if "不掌握" in x)
    cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
    w = len(cells)
    label_end = w - 7
    first = [c.replace("（四）无法提供", "（四）无").replace("相关政府信息", "相关政府") if j < label_end else ""
             for j, c in enumerate(cells)]
    rest = [("法提供" if "无法提供" in c else "信息" if "不掌握" in c else "") if j < label_end else c
            for j, c in enumerate(cells)]
    row = lambda r: "| " + " | ".join(r) + " |"  # noqa: E731
    text = "\n".join(lines[:i] + [row(first), "", "第 3 页", "", row(rest), "|" + "---|" * w] + lines[i + 1:])
    report = parse(text.encode("utf-8"), filename="x.md")
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and right == len(report.values)
    assert _errors(report) == set()


@pytest.mark.parametrize("name", ["zfj-2021", "jt-2021", "wj-2019"])
def test_a_stray_number_leaves_its_rows_null_with_findings_never_shifted(name):
    # the first number of 属于国家秘密 printed after the next row's numbers: the two rows
    # cannot be placed; every other cell is still read, no false inconsistency
    spec = SPECS[name]
    report = parse(render_text.pdftotext_plain(spec, 3, stray="属于国家秘密"), filename="x.txt")
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and not unnamed
    nulls = {k for k, v in report.values.items() if v is None}
    assert nulls <= {k for k in spec["values"] if k.startswith(("t3.denied_secret.", "t3.denied_law."))}
    moved = spec["values"]["t3.denied_secret.natural"]
    if moved != spec["values"]["t3.denied_law.natural"]:
        assert "t3.denied_secret.natural" in nulls
    assert _errors(report) == set()


def test_chinese_numerals_in_a_text_table_are_read_or_left_null_never_shift_the_row():
    spec = SPECS["wj-2019"]
    text = render_text.spaces(spec, 108).decode("utf-8")
    v = spec["values"]
    row = [v[f"t3.received.{c}"] for c in ("natural", "commercial", "research", "social", "legal", "org_other", "total")]
    printed = " ".join(str(x) for x in row)
    assert printed in text
    spelled = {19: "十九", 23: "二十三", 32: "三十二", 36: "三十六", 4: "四"}
    cn = " ".join(spelled.get(x, str(x)) for x in row)
    report = parse(text.replace(printed, cn, 1).encode("utf-8"), filename="x.txt")
    assert [report.values[f"t3.received.{c}"] for c in ("natural", "commercial", "research", "social", "legal",
                                                           "org_other", "total")] == row
    # a cell that is no number at all: its row is left null with a finding, no split, no shift
    garbled = " ".join(["十玖"] + [str(x) for x in row[1:]])
    report = parse(text.replace(printed, garbled, 1).encode("utf-8"), filename="x.txt")
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and not unnamed
    assert report.values["t3.received.natural"] is None


def _spell(n: int) -> str:
    """A count below 10000 in Chinese numerals, as a person types it (118 -> 一百一十八)."""
    digits, out, zero = "零一二三四五六七八九", "", False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10)):
        d, n = divmod(n, size)
        if d:
            out += ("零" if zero else "") + digits[d] + unit
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + digits[n]
    return out or "零"


def test_chinese_numeral_cell_in_a_tab_table_keeps_its_column():
    spec = SPECS["zfj-2021"]
    text = render_text.tabs(spec, 106).decode("utf-8")
    line = next(x for x in text.splitlines() if "本年新收" in x)
    cells = line.split("\t")
    i = next(j for j, c in enumerate(cells) if c.strip().isdigit() and int(c) > 10)
    cells[i] = _spell(int(cells[i]))
    report = parse(text.replace(line, "\t".join(cells), 1).encode("utf-8"), filename="x.txt")
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and not unnamed and right == len(report.values)


def test_place_accepts_label_groups_then_order_confirmed_by_sums():
    rule = (CellSum((0, 1), 2),)
    # three rows of 3 cells; row b's label owns 2 numbers and row c's 4 (c's first cell strayed up)
    values = [1, 2, 3, 4, 5, 9, 0, 0, 0]
    slots = [Slot("a", 3, rule, (0, 3)), Slot("b", 3, rule, (3, 5)), Slot("c", 3, rule, (5, 9))]
    assert [p.span for p in place(slots, values)] == [(0, 3), (3, 6), (6, 9)]
    # the same counts, but the order breaks b's sum: b and c stay unplaced, with notes
    values = [1, 2, 3, 4, 5, 0, 9, 0, 0]
    out = place(slots, values)
    assert out[0] == Placement((0, 3), "label")
    assert out[1].span is None and out[2].span is None and out[1].note and out[2].note
    # a missing number (a blank that vanished): nothing between the placed rows is guessed
    out = place([Slot("a", 3, rule, (0, 3)), Slot("b", 3, rule, (3, 5)), Slot("c", 3, rule, (5, 8))],
                [1, 2, 3, 4, 5, 0, 0, 0])
    assert out[0].span == (0, 3) and out[1].span is None and out[2].span == (5, 8)
    assert "2 个数字" in out[1].note


def test_place_takes_a_lone_row_between_placed_rows_whatever_its_sum():
    rule = (CellSum((0, 1), 2),)
    values = [1, 2, 3, 7, 4, 5, 0, 0, 0]        # b: 7 printed above its label, sum wrong in the document
    slots = [Slot("a", 3, rule, (0, 4)), Slot("b", 3, rule, (4, 6)), Slot("c", 3, rule, (6, 9))]
    out = place(slots, values)
    assert [p.span for p in out] == [(0, 3), (3, 6), (6, 9)]


REAL = {  # truth file -> least share of cells right
    "fj-pingtan-2024-noborder-lo-pdftotext-layout": 0.98, "js-huaian-city-2024-pdftotext-layout": 0.98,
    "js-huaian-hongzequ-2023-pdftotext-layout": 0.98, "fj-pingtan-2024-noborder-lo-pdftotext": 0.98,
    # table 四's numbers come in five runs that several arrangements explain equally: null, named
    "js-huaian-city-2024-pdftotext": 0.90,
    # table 三 listed column by column in two blocks; table 四's sums are the publisher's
    "js-huaian-hongzequ-2023-pdftotext": 0.98,
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_pdftotext_texts(name):
    truth = json.loads(shared_file(f"truth-matrix/{name}.json").read_text(encoding="utf-8"))
    report = parse(SHARED / truth["document"])
    spec = {"values": truth["values"]}
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and not unnamed
    assert right >= REAL[name] * len(truth["values"])
    real = {(i["rule"], i["where"]) for i in truth["inconsistencies"]}
    assert _errors(report) <= real                     # no false inconsistency
    if right == len(truth["values"]):
        assert _errors(report) == real


@pytest.mark.parametrize("name", ["zfj-2021", "sj-hybrid"])
def test_a_vanished_blank_never_lends_a_row_its_neighbours_number(name):
    # plain pdftotext drops blank cells; one dropped number, wherever it was, leaves the
    # rows around it read right or null with findings, and accuses the document of nothing
    spec = SPECS[name]
    lines = render_text.pdftotext_plain(spec, 2).decode("utf-8").split("\n")
    start = next(i for i, x in enumerate(lines) if "三、收到和处理" in x)
    end = next(i for i, x in enumerate(lines) if i > start and "行政复议" in x)
    number_lines = [i for i in range(start, end) if lines[i].strip().isdigit()]
    assert len(number_lines) > 100
    for i in number_lines[::4]:
        text = "\n".join(lines[:i] + lines[i + 1:])
        report = parse(text.encode("utf-8"), filename="x.txt")
        right, wrong, unnamed = _check(report, spec)
        assert not wrong and not unnamed, (i, wrong)
        assert _errors(report) <= {tuple(x) for x in spec["inconsistencies"]}
        assert right >= 0.8 * len(report.values)     # the loss stays local


@pytest.mark.parametrize("kind", ["layout", "plain"])
def test_prose_around_a_table_printed_over_lines_lends_it_no_numbers(kind):
    spec = SPECS["zfj-2021"]
    render = render_text.pdftotext_layout if kind == "layout" else render_text.pdftotext_plain
    text = render(spec, 1).decode("utf-8")
    before = "本年度共收到政府信息公开申请 150 件，办结 146 件。\n"
    after = "\n上表中，结转下年度继续办理的申请 4 件，将于 2 月底前办结。\n"
    head = "三、收到和处理政府信息公开申请情况\n"
    tail = "四、政府信息公开行政复议、行政诉讼情况"
    assert head in text and tail in text
    text = text.replace(head, head + before, 1).replace(tail, after + tail, 1)
    report = parse(text.encode("utf-8"), filename="x.txt")
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and right == len(report.values)


@pytest.mark.parametrize("name", NAMES)
def test_layout_blank_cells_read_as_zero_where_the_column_bands_show_them(name):
    # Word reports leave zeros blank; -layout keeps the columns by spaces: a blank cell
    # whose column band the whole rows around it show is 0 (blank), as every grid reader
    # reads it; nothing else is guessed
    spec = SPECS[name]
    planted = {tuple(x) for x in spec["inconsistencies"]}
    for seed in (1, 2):
        report = parse(render_text.pdftotext_layout(spec, seed, blanks=0.3), filename=f"{name}.txt")
        right, wrong, unnamed = _check(report, spec)
        assert not wrong and not unnamed
        blank = [k for k, c in report.cells.items() if c.blank]
        assert blank and all(report.values[k] == 0 for k in blank)
        assert right >= 0.9 * len(report.values)        # a row with no whole row beside it stays null
        assert _errors(report) <= planted
        if right == len(report.values):
            assert _errors(report) == planted


def test_a_label_printed_down_the_page_lends_no_chinese_numeral():
    # -layout prints the merged label 三、本年度办理结果 one character a line, beside the
    # rows' labels: its 三 is no cell of the row (it read as 3 and shifted the row)
    spec = SPECS["zj-2021"]
    text = render_text.pdftotext_layout(spec, 1).decode("utf-8")
    lines = text.split("\n")
    i = next(k for k, x in enumerate(lines) if "没有现成信息" in x)
    lines[i] = " 三" + lines[i][3:] if lines[i].startswith("   ") else " 三 " + lines[i]
    report = parse("\n".join(lines).encode("utf-8"), filename="x.txt")
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and not unnamed and right == len(report.values)


@pytest.mark.parametrize("name", NAMES)
def test_a_number_wrapped_in_its_narrow_column_is_read_when_the_sums_confirm_it(name):
    # a Chromium print wraps 218 in a narrow total column: plain pdftotext then prints
    # `21` and `8` on two lines of one text block (../shared matrix fj-pingtan-2024-chromium.pdf)
    spec = SPECS[name]
    text = render_text.pdftotext_plain(spec, 1).decode("utf-8")
    total = spec["values"]["t3.received.total"]
    at = text.find(f"\n\n{total}\n\n", text.find("一、本年新收"))
    if total < 10 or at < 0:
        pytest.skip("no two-digit total printed alone")
    whole = parse(text.encode("utf-8"), filename=f"{name}.txt")
    wrapped_text = text[:at] + f"\n\n{str(total)[:-1]}\n{str(total)[-1]}\n\n" + text[at + len(f"\n\n{total}\n\n"):]
    wrapped = parse(wrapped_text.encode("utf-8"), filename=f"{name}.txt")
    right, wrong, unnamed = _check(wrapped, spec)
    assert not wrong and not unnamed
    assert wrapped.values == whole.values and _errors(wrapped) == _errors(whole)
    if _check(whole, spec)[0] == len(whole.values):
        assert wrapped.values["t3.received.total"] == total


@pytest.mark.parametrize("name", NAMES)
def test_a_number_wrapped_around_its_row_line_in_layout_text_is_read_when_the_sums_confirm_it(name):
    # -layout text of the same print: `21` on the line above the row's line, `8` below it,
    # in the total column's band (../shared matrix fj-pingtan-2024-chromium.pdf)
    spec = SPECS[name]
    total = str(spec["values"]["t3.received.total"])
    lines = render_text.pdftotext_layout(spec, 1).decode("utf-8").split("\n")
    first = next(i for i, ln in enumerate(lines) if "一、本年新收" in ln)
    row = next(i for i in range(first, first + 3) if lines[i].rstrip().endswith(" " + total))
    if len(total) < 2 or row == first:
        pytest.skip("no two-digit total on a line of its own below the label")
    col = len(lines[row].rstrip()) - len(total)
    wrapped_lines = lines[:row] + [" " * col + total[:-1]] + [lines[row].rstrip()[:col].rstrip()] + \
        [" " * (col + len(total) - 1) + total[-1]] + lines[row + 1:]
    whole = parse("\n".join(lines).encode("utf-8"), filename=f"{name}.txt")
    wrapped = parse("\n".join(wrapped_lines).encode("utf-8"), filename=f"{name}.txt")
    right, wrong, unnamed = _check(wrapped, spec)
    assert not wrong and not unnamed
    assert wrapped.values == whole.values and _errors(wrapped) == _errors(whole)


@pytest.mark.parametrize("name", NAMES)
def test_a_group_label_printed_down_the_page_into_the_row_labels_leaves_them_found(name):
    # LibreOffice's -layout text of 平潭 2019 (../shared matrix fj-pingtan-2019-noborder-lo.pdf)
    # prints （五）不予处理 two characters a line into the wrapped labels beside it
    spec = SPECS[name]
    lines = render_text.pdftotext_layout(spec, 1).decode("utf-8").split("\n")
    rows = {}
    for label in ("3.要求提供公开出版物", "4.无正当理由大量反复申请"):
        at = next((i for i, ln in enumerate(lines) if ln.strip().startswith(label)), None)
        if at is None:
            pytest.skip("no 不予处理 rows")
        rows[label] = (at, lines[at].split(label, 1)[1])
    (pub, pub_numbers), (mass, mass_numbers) = rows.values()
    wrapped = lines[:pub] + ["            3.要求提供公", "       （五  " + pub_numbers, "            开出版物",
                             "       ）不", "            4.无正当理由", "       予处  " + mass_numbers,
                             "            大量反复申请", "       理"] + lines[pub + 1:mass] + lines[mass + 1:]
    whole = parse("\n".join(lines).encode("utf-8"), filename=f"{name}.txt")
    report = parse("\n".join(wrapped).encode("utf-8"), filename=f"{name}.txt")
    right, wrong, unnamed = _check(report, spec)
    assert not wrong and not unnamed
    assert report.values == whole.values and _errors(report) == _errors(whole)
