"""Table grids rebuilt from word boxes (govreport.readers.textgrid): the geometry of tables
printed without ruling lines, as a PDF text layer or OCR gives it. Boxes are laid out the
way LibreOffice prints a report's table 三 (12 pt glyphs, rows 30 pt apart, labels wrapped
and vertically centred); the PDF-level cases are in test_fixtures (generated PDFs) and
test_real_documents."""
from __future__ import annotations

from govreport.readers.textgrid import Box, build_grid, find_tables

CH = 12.0          # glyph size


def word(text: str, x0: float, top: float) -> Box:
    width = sum(6.0 if ch.isascii() else CH for ch in text)
    return Box(text, x0, x0 + width, top, top + CH)


def numbers(values: list[str], top: float, x0: float = 300.0, pitch: float = 40.0) -> list[Box]:
    """One row's values, each centred in its column; '' leaves the column blank."""
    out = []
    for k, v in enumerate(values):
        if v:
            w = 6.0 * len(v)
            mid = x0 + k * pitch + 15
            out.append(Box(v, mid - w / 2, mid + w / 2, top, top + CH))
    return out


def texts(table) -> list[list[str]]:
    return [[c.text or "" for c in row] for row in table.rows]


def value_row(table, label: str) -> list[str]:
    for row in table.rows:
        if any(c.text == label for c in row):
            return [c.text for c in row[-3:]]
    raise AssertionError(f"no row labelled {label}: {texts(table)}")


def test_label_wrapped_over_three_lines_is_one_row():
    lines = [
        [word("1.申请人无正当理由逾期", 160, 100)],
        [word("不补正、行政机关", 160, 116)],
        numbers(["1", "0", "1"], 124),
        [word("不再处理其政府信息公开", 160, 132)],
        [word("申请", 160, 148)],
        [word("2.重复申请", 160, 178)] + numbers(["3", "", "3"], 178),
    ]
    table = build_grid(lines, {2, 5})
    assert value_row(table, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请") == ["1", "0", "1"]
    # the empty column band is a blank cell, not a shift
    assert value_row(table, "2.重复申请") == ["3", "", "3"]
    assert len(table.rows) == 2


def test_merged_vertical_label_spans_its_rows_only():
    lines = [
        [word("1.属于国家秘密", 160, 100)] + numbers(["4", "0", "4"], 100),
        [word("（三）不", 110, 115)],
        [word("2.其他法律行政法规禁止公开", 160, 130)] + numbers(["0", "0", "0"], 130),
        [word("予公开", 110, 145)],
        [word("3.危及“三安全一稳定”", 160, 160)] + numbers(["0", "0", "0"], 160),
        [word("（四）无法提供", 110, 190), word("1.本机关不掌握相关政府信息", 160, 190)] + numbers(["7", "0", "7"], 190),
    ]
    table = build_grid(lines, {0, 2, 4, 5})
    group = [row[0] for row in table.rows]
    assert group[0].text == "（三）不予公开" or group[1].text == "（三）不予公开"
    owner = next(r for r, c in enumerate(group) if c.text == "（三）不予公开")
    spanned = [r for r, c in enumerate(group) if c.merged_from == (owner, 0)]
    assert sorted([owner] + spanned) == [0, 1, 2]          # the three sub-items, not （四）'s row
    assert group[3].text == "（四）无法提供" and group[3].merged_from is None


def test_two_numbers_in_one_column_are_unread_not_split():
    lines = [
        [word("规章", 100, 100)] + numbers(["1", "0", "11"], 100),
        [word("行政规范性文件", 100, 130)] + numbers(["8", "26", "66"], 130),
        # `5` and `7` both stand in the first column band: no single value, and the empty
        # bands of that row may be where one of them belongs
        [word("合计", 100, 160), Box("5", 302, 308, 160, 172), Box("7", 312, 318, 160, 172)],
    ]
    table = build_grid(lines, {0, 1, 2})
    row = table.rows[-1]
    assert [c.unread for c in row[-3:]] == [True, True, True]
    assert [c.unread for c in table.rows[0]] == [False] * len(table.rows[0])


def test_number_wrapped_in_a_narrow_column_is_joined():
    lines = [
        [Box("21", 389, 401, 94, 106)],
        [word("一、本年新收", 100, 99)] + numbers(["217", "1"], 99),
        [Box("8", 392, 398, 105, 117)],
        [word("二、上年结转", 100, 130)] + numbers(["0", "0", "0"], 130),
    ]
    table = build_grid(lines, {1, 3})
    assert value_row(table, "一、本年新收") == ["217", "1", "218"]


def test_header_names_a_column_no_number_stands_in():
    # a table's only row with a blank cell: the header says where the columns are
    head = [word("维持", 295, 80), word("纠正", 335, 80), word("其他", 375, 80), word("总计", 415, 80)]
    lines = [head, numbers(["2", "", "3", "5"], 100, x0=295)]
    table = build_grid(lines, {1})
    assert texts(table)[-1] == ["2", "", "3", "5"]


def test_tables_found_between_prose_and_headings():
    prose = [word("本年度共受理政府信息公开申请二十一件，办理情况如下表所示，全部按期答复。", 60, 40)]
    heading = [word("三、收到和处理政府信息公开申请情况", 60, 60)]
    rows = [[word(f"{k}.事项", 160, 90 + 30 * k)] + numbers([str(k), "0", str(k)], 90 + 30 * k) for k in range(1, 4)]
    lines = [prose, heading] + rows
    found = find_tables(lines, lambda i: i < 2)
    assert len(found) == 1
    assert found[0].lines == [2, 3, 4]
    assert texts(found[0])[0][-3:] == ["1", "0", "1"]


def test_unread_cells_are_null_with_a_finding_and_the_row_is_not_shifted():
    from govreport.model import Origin
    from govreport.recognize.rows import RawRow, ValueToken
    from govreport.recognize.values import RowSpec, emit, read_row

    keys = ["t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force"]
    spec = RowSpec("rules", keys, (False,) * 3, (False,) * 3)
    toks = [ValueToken("5 7", Origin("pdf"), True), ValueToken("", Origin("pdf"), True), ValueToken("12", Origin("pdf"))]
    res = read_row(spec, RawRow("rules", toks, False, "规章"))
    values, cells, findings = {}, {}, []
    emit([res], values, cells, findings)
    # never split `5 7` over the row's cells, never read the doubtful empty band as a blank 0
    assert values == {"t2.rules.issued": None, "t2.rules.repealed": None, "t2.rules.in_force": 12}
    assert [(f.rule, sorted(f.keys)) for f in findings] == [("CELL-UNREADABLE", ["t2.rules.issued", "t2.rules.repealed"])]


def test_wide_left_aligned_number_stays_in_the_column_it_starts():
    # a left-aligned table: 75394432.52 runs over the next column's band, but it starts
    # where its column's numbers start
    def left(values, top):
        return [Box(v, 300 + 60 * k, 300 + 60 * k + 6 * len(v), top, top + CH) for k, v in enumerate(values) if v]
    lines = [
        [word("行政许可", 100, 100)] + left(["396", "0", "181"], 100),
        [word("政府集中采购", 100, 130)] + left(["135", "75394432.52"], 130),
    ]
    table = build_grid(lines, {0, 1})
    assert texts(table)[-1][-3:] == ["135", "75394432.52", ""]


def _box_of(table, label: str, col: int) -> tuple[float, float, float, float]:
    r = next(r for r, row in enumerate(table.rows) if any(c.text == label for c in row))
    return table.boxes[(r, len(table.rows[r]) - 3 + col)]


def test_scan_word_over_several_columns_is_no_cells_and_each_column_is_read_alone():
    # OCR read a row of three `0`s as one glyph `和` over all three columns: it is placed
    # in none of them, and each column's crop is its band, not widened to the word
    lines = [
        [word("规章", 100, 100)] + numbers(["1", "0", "11"], 100),
        [word("行政规范性文件", 100, 130)] + numbers(["8", "26", "66"], 130),
        [word("合计", 100, 160), Box("和", 310, 390, 160, 172)],
    ]
    table = build_grid(lines, {0, 1}, ocr=True)     # a row of glyph-short words: values misread
    assert value_row(table, "合计") == ["", "", ""]
    lefts = [_box_of(table, "合计", k)[0] for k in range(3)]
    rights = [_box_of(table, "合计", k)[2] for k in range(3)]
    assert all(b <= a + 1 for a, b in zip(lefts[1:], rights[:-1], strict=True))      # three crops side by side
    assert rights[0] < 340 and lefts[2] > 360


def test_scan_crop_stops_before_a_neighbours_wide_number():
    # 18651.06 stands past its band into the next column's half: that column's crop
    # ends before its ink (else it reads `6` there)
    lines = [
        [word("规章", 100, 100)] + numbers(["1", "0", "11"], 100),
        [word("行政事业性收费", 100, 130), Box("18651.06", 310, 350, 130, 142)],
    ]
    table = build_grid(lines, {0, 1}, ocr=True)
    assert value_row(table, "行政事业性收费") == ["18651.06", "", ""]
    assert _box_of(table, "行政事业性收费", 0)[2] >= 350
    assert _box_of(table, "行政事业性收费", 1)[0] > 350


def test_scan_header_read_in_pieces_names_no_column():
    # OCR cut the spanning header 法人或其他组织 into `法人` (between two bands) and
    # `或其他组织`: one header, not an empty column of its own
    head = [Box("法人", 322, 338, 80, 92), Box("或其他组织", 340, 400, 80, 92)]
    lines = [head, [word("合计", 100, 100)] + numbers(["2", "7", "3", "12"], 100, x0=295)]
    table = build_grid(lines, {1}, ocr=True)
    assert texts(table)[-1][-4:] == ["2", "7", "3", "12"]
    assert len(table.rows[-1]) == 5


def test_a_number_glued_to_its_label_leaves_its_cell_unread_not_blank():
    # Chromium's print of 平潭 2022: `…只计这一情` ends against the first column and the row's
    # 8 stands in that column touching it, so the text layer joins them into one word
    glued = word("只计这一情", 240, 160)
    glued = Box(glued.text + "8", glued.x0, 300 + 15 + 3, glued.top, glued.bottom)
    lines = [
        [word("（一）予以公开", 160, 100)] + numbers(["21", "0", "21"], 100),
        [word("（二）部分公开", 160, 130)] + numbers(["3", "", "3"], 130),
        [glued] + numbers(["", "1", "9"], 160),
    ]
    table = build_grid(lines, {0, 1, 2})
    last = table.rows[-1]
    assert [(c.text, c.unread) for c in last[-3:]] == [("", True), ("1", False), ("9", False)]
    # a blank band that no word reaches into stays a printed blank
    assert [(c.text, c.unread) for c in table.rows[1][-3:]] == [("3", False), ("", False), ("3", False)]


def test_pieces_given_common_columns_keep_their_unread_cells():
    from govreport.readers.pdf_tables import GridCell, PageTable, unify_columns
    top = PageTable((0, 0, 100, 10), [[GridCell(0, 0, "a"), GridCell(0, 1, "", None, True)]], [0.0, 50.0], [10.0], set())
    below = PageTable((0, 0, 100, 10), [[GridCell(0, 0, "b"), GridCell(0, 1, "x"), GridCell(0, 2, "", None, True)]],
                      [0.0, 25.0, 50.0], [10.0], set())
    unify_columns([top, below])
    assert [c.unread for c in top.rows[0]] == [False, False, True]
    assert [c.unread for c in below.rows[0]] == [False, False, True]


def test_pieces_with_label_columns_a_few_points_apart_keep_their_values_aligned():
    # a scan's garbled label area can give a piece two label columns 3 points apart
    # (179, 182): both stay columns, and each piece's values stay under the same columns
    from govreport.readers.pdf_tables import GridCell, PageTable, unify_columns

    def piece(col_x, labels, values):
        row = [GridCell(0, c, t) for c, t in enumerate(labels + values)]
        boxes = {(0, len(labels) + k): (x, 0.0, x + 20, 10.0) for k, x in enumerate(col_x[len(labels):])}
        return PageTable((78, 0, 510, 10), [row], col_x, [10.0], set(), ocr=True, boxes=boxes)
    top = piece([83, 91, 179, 182, 319, 353], ["一", "", "", "（一）予以公开"], ["50", "0"])
    below = piece([109, 199, 319, 353], ["（五）不予处理", "2.重复申请"], ["0", "1"])
    unify_columns([top, below])
    assert len(top.rows[0]) == len(below.rows[0]) == len(top.col_x) == len(below.col_x)
    assert [c.text for c in top.rows[0][-2:]] == ["50", "0"] and [c.text for c in below.rows[0][-2:]] == ["0", "1"]
    n = len(top.col_x)
    assert set(top.boxes) == {(0, n - 2), (0, n - 1)} == set(below.boxes)


def test_rows_beside_two_numbered_items_keep_their_numbers_and_their_labels_are_unread():
    """`1.本机关不掌握相关政府信息` (the next group's first item, wrapped) stands beside
    `6.` to `8.`: which item the numbers belong to is not known, the numbers themselves are
    read (the recognizer may place them by the template's order)."""
    lines = [
        [word("6.属于四类过程性信息", 160, 100)] + numbers(["0", "0", "0"], 100),
        [word("1.本机关不掌握", 60, 115)],
        [word("7.属于行政执法案卷", 160, 130)] + numbers(["1", "0", "1"], 130),
        [word("相关政府信息", 60, 145)],
        [word("8.属于行政查询事项", 160, 175)] + numbers(["0", "0", "0"], 175),
    ]
    table = build_grid(lines, {0, 2, 4})
    assert [[c.text for c in row[-3:]] for row in table.rows] == [["0", "0", "0"], ["1", "0", "1"], ["0", "0", "0"]]
    assert not any(c.unread for row in table.rows for c in row[-3:])
    assert [row[1].text for row in table.rows] == ["6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
    assert table.rows[0][0].text == "1.本机关不掌握相关政府信息"
    assert all(c.unread for row in table.rows for c in row[:2])


def test_speck_among_a_rows_numbers_leaves_no_number_in_its_label():
    # OCR read a speck `，` before the total: dropped, it must not pull 217 into the label
    row = [word("（七）总计", 100, 130)] + numbers(["217", "1"], 130) + [Box("，", 378, 382, 130, 142)] + \
        numbers(["", "", "218"], 130)
    lines = [[word("规章", 100, 100)] + numbers(["0", "0", "0"], 100), row]
    table = build_grid(lines, {0, 1}, ocr=True)
    assert value_row(table, "（七）总计") == ["217", "1", "218"]
    assert not [c.text for c in table.rows[-1][:-3] if c.text and "217" in c.text]


def test_scan_row_of_counts_with_misread_glyphs_is_a_table_row():
    # table 四's only row, a count read as `汪`: still a row of values
    head = [word(t, 295 + 40 * k, 80) for k, t in enumerate(["维持", "纠正", "其他", "尚未", "总计"])]
    row = numbers(["0", "0", "1", "汪", "4"], 100, x0=295)
    for ocr, found in ((True, 1), (False, 0)):
        tables = find_tables([head, row], lambda i: False, ocr=ocr)
        assert len(tables) == found
    assert texts(find_tables([head, row], lambda i: False, ocr=True)[0])[-1] == ["0", "0", "1", "汪", "4"]


def _t3_line(top, label, values, x0=167):
    xs = [293, 328, 363, 398, 432, 467, 502]
    return [Box(label, x0, x0 + 9.0 * len(label), top, top + 9)] + \
        [Box(v, x, x + 5.0 * len(v), top, top + 9) for x, v in zip(xs, values, strict=True) if v]


def _labels_and_totals(table) -> list[tuple[str, str, bool]]:
    return [(" ".join(c.text or "" for c in row[:-7]), row[-1].text, any(c.unread for c in row[:-7]))
            for row in table.rows]


def test_scan_label_tail_joins_the_piece_beside_it_not_the_label_above():
    # OCR lines of a scanned table 三 (generated zj-2021 report, 200 dpi): the wrapped (二)
    # label's last line is read in two pieces, `一情形` and `，不计其他情形)`; the second
    # overlaps (一)'s label above more than its own first piece, but it goes on from the
    # piece beside it on its line: (二) keeps its whole label and its own 9
    lines = [
        _t3_line(407, "一、本年新收政府信息公开申请数量", ["54", "13", "3", "0", "0", "5", "75"], 104),
        _t3_line(428, "(一) 予以公开", ["14", "3", "0", "", "0", "0", "17"]),
        _t3_line(440, "(二) 部分公开 (区分处理 ，只计这", ["7", "2", "0", "0", "0", "0", "9"], 122),
        [Box("一情形", 144, 170, 452, 461), Box("， 不计 其 他情形)", 174, 237, 452, 461)],
        _t3_line(463, "1. 属于国家秘密", ["0"] * 7, 188),
    ]
    rows = _labels_and_totals(build_grid(lines, {0, 1, 2, 4}, ocr=True))
    assert rows[1] == ("(一) 予以公开", "17", False)
    assert rows[2][0].startswith("(二)") and rows[2][0].endswith("他情形)") and rows[2][1:] == ("9", False)


def test_scan_row_given_the_label_of_another_item_is_placed_by_no_label():
    # the tail `，只计这一情形，不计其他情形)` stands alone under (一)'s label and joins it:
    # the two rows' labels come out swapped; each row's own line says which item it is, so
    # neither row's numbers may go under the other's label (the swap keeps every sum:
    # nothing else would catch it)
    lines = [
        _t3_line(407, "一、本年新收政府信息公开申请数量", ["54", "13", "3", "0", "0", "5", "75"], 104),
        _t3_line(428, "(一) 予以公开", ["14", "3", "0", "", "0", "0", "17"]),
        _t3_line(440, "(二) 部分公开", ["7", "2", "0", "0", "0", "0", "9"], 122),
        [Box("，只计这一情形，不计其他情形)", 190, 280, 452, 461)],
        _t3_line(463, "1. 属于国家秘密", ["0"] * 7, 188),
    ]
    table = build_grid(lines, {0, 1, 2, 4}, ocr=True)
    mine = {"(一)": "17", "(二)": "9"}          # each item's total
    for labels, total, unread in _labels_and_totals(table):
        given = [m for m in mine if m in labels]
        if given and not unread:
            assert [mine[m] for m in given] == [total], (labels, total)
    # the row the joined label went to is placed by no label (the template's order may,
    # where the arithmetic confirms it); its numbers are still read
    assert [total for _, total, unread in _labels_and_totals(table) if unread] == ["9"]
    assert not any(c.unread for row in table.rows for c in row[-7:])


def test_scan_label_reaching_into_an_empty_band_is_read_from_a_crop_of_the_whole_band():
    # the glued `只计这一情8` on a scan: the first column's crop starts where its band does,
    # so the 8 is in it and its reads decide (a text layer has no second look: unread there)
    glued = word("只计这一情", 240, 160)
    glued = Box(glued.text + "8", glued.x0, 300 + 15 + 3, glued.top, glued.bottom)
    lines = [
        [word("（一）予以公开", 160, 100)] + numbers(["21", "0", "21"], 100),
        [glued] + numbers(["", "1", "9"], 160),
    ]
    table = build_grid(lines, {0, 1}, ocr=True)
    last = len(table.rows) - 1
    first = len(table.rows[last]) - 3
    assert not table.rows[last][first].unread
    band_left = min(b.x0 for b in lines[0][1:2])
    assert table.boxes[(last, first)][0] <= band_left


def test_a_label_piece_level_with_its_own_row_of_values_does_not_join_the_label_above():
    # OCR read 行政处罚 as `行政处昼`; `行政强制` below it would have been joined to it
    # (the line above is full), giving 行政强制 the 行政处罚 row's 2113
    lines = [
        [word("行政许可", 100, 100)] + numbers(["10690"], 100),
        [word("行政处昼", 100, 120)] + numbers(["2113"], 120),
        [word("行政强制", 100, 134)] + numbers(["0"], 134),
    ]
    table = build_grid(lines, {0, 1, 2}, ocr=True)
    assert [[c.text for c in row] for row in table.rows] == [["行政许可", "10690"], ["行政处昼", "2113"], ["行政强制", "0"]]


# ---- a clean unruled scan of a real report (淮安 洪泽区 2024, 200 dpi): OCR's words there

def _applicant_header(top: float) -> list[list[Box]]:
    """Table 三's column header as OCR read it: pieces of 商业企业 / 科研机构 between the
    bands, and a stray `1` read on the header's line among 企业 机构 会员."""
    return [
        [Box("申请人情况", 390, 437, top, top + 11)],
        [Box("测", 347, 365, top + 66, top + 77), Box("机", 375, 393, top + 66, top + 77)],
        [Box("业", 360, 368, top + 65, top + 76), Box("研公益服务其他", 386, 479, top + 65, top + 76)],
        [Box("企业", 347, 365, top + 74, top + 85), Box("机构", 375, 397, top + 74, top + 85),
         Box("会员", 404, 422, top + 74, top + 85), Box("1", 465, 468, top + 74, top + 85)],
    ]


def _row(label: str, x0: float, top: float, values: list[str]) -> list[Box]:
    xs = [(319, 332), (353, 359), (381, 387), (410, 415), (438, 444), (466, 472), (493, 506)]
    out = [Box(label, x0, x0 + 10.0 * len(label), top, top + 11)]
    for (a, b), v in zip(xs, values, strict=True):
        mid = (a + b) / 2
        out.append(Box(v, mid - 3.2 * len(v), mid + 3.2 * len(v), top, top + 11))
    return out


def test_scan_header_pieces_and_a_stray_digit_make_no_columns():
    # a header line holding a digit is no row of values: its words (企业 机构 会员) are no
    # label columns over the values, and a header piece (`业`) standing between two bands
    # less than two columns apart is no column of its own: seven value columns, as printed
    lines = _applicant_header(391) + [
        _row("一、本年新收政府信息公开申请数量", 78, 501, ["95", "0", "0", "0", "0", "0", "95"]),
        _row("二、上年结转政府信息公开申请数量", 78, 525, ["0"] * 7),
        _row("（一）予以公开", 109, 545, ["50", "0", "0", "0", "0", "0", "50"]),
    ]
    tables = find_tables(lines, lambda i: False, ocr=True)
    assert len(tables) == 1
    rows = texts(tables[0])
    assert [r[-7:] for r in rows[-3:]] == [["95", "0", "0", "0", "0", "0", "95"], ["0"] * 7,
                                          ["50", "0", "0", "0", "0", "0", "50"]]
    assert len(rows[-1]) == 7 + 1           # one label column
    assert rows[-1][0] == "（一）予以公开"


def test_scan_digits_fused_over_several_columns_are_read_column_by_column():
    # `0 0 0 0` read as one `0000` over four columns: placed in none, each column's crop
    # holds its own band only (never one crop over four columns, read `0 0 0 0`)
    lines = [
        _row("1.属于国家秘密", 181, 602, ["0"] * 7),
        _row("3.危及“三安全一稳定”", 181, 636, ["1", "0", "0", "0", "0", "0", "1"]),
    ]
    fused = [w for w in lines[1][2:6]]
    lines[1] = lines[1][:2] + [Box("0000", fused[0].x0, fused[-1].x1, 636, 647)] + lines[1][6:]
    table = build_grid(lines, {0, 1}, ocr=True)
    row = table.rows[-1]
    assert [c.text for c in row[-7:]] == ["1", "", "", "", "", "0", "1"]
    boxes = [table.boxes[(len(table.rows) - 1, len(row) - 7 + k)] for k in range(7)]
    assert all(b[2] - b[0] < 40 for b in boxes)      # a column's width, not four


def test_scan_label_cut_at_another_labels_column_start_is_one_label():
    # OCR cut `二、上年结转…` where the (一)/(二) labels start (`二、上` | `年结转政府信息`):
    # the piece reads on from the one beside it, not from 一、本年新收… above it
    lines = [
        [Box("一、本年新收政府信息", 78, 177, 501, 512), Box("公开申请数量", 182, 238, 501, 512)] +
        _row("x", 0, 501, ["95", "0", "0", "0", "0", "0", "95"])[1:],
        [Box("二、上", 78, 107, 525, 536), Box("年结转政府信息", 110, 177, 524, 535),
         Box("公开申请数量", 181, 238, 525, 536)] + _row("x", 0, 525, ["0"] * 7)[1:],
        _row("（一）予以公开", 109, 545, ["50", "0", "0", "0", "0", "0", "50"]),
    ]
    rows = texts(build_grid(lines, {0, 1, 2}, ocr=True))
    assert [[t for t in r[:-7] if t] for r in rows] == [
        ["一、本年新收政府信息公开申请数量"], ["二、上年结转政府信息公开申请数量"], ["（一）予以公开"]]


def test_scan_table_four_first_value_misread_as_a_mark_is_its_first_column():
    # table 四 has no label column; OCR read its first `1` as `]`: one column's pitch left
    # of the first band, it is that row's first value (read again alone), and the header
    # over it (结果维持) heads it rather than opening a label column
    head = [Box("结果", 78, 97, 376, 387), Box("结果", 110, 129, 376, 387), Box("其他", 147, 171, 376, 387),
            Box("尚未", 179, 196, 376, 387)]
    values = ["1", "0", "0", "2"]
    row = [Box("]", 91, 95, 446, 457)] + [Box(v, 123 + 30.5 * k, 127 + 30.5 * k, 446, 457) for k, v in enumerate(values)]
    table = build_grid([head, row], {1}, ocr=True)
    assert texts(table)[-1] == ["]", "1", "0", "0", "2"]
    assert (len(table.rows) - 1, 0) in table.boxes


def test_scan_item_label_spanning_two_rows_is_no_parent_of_its_sibling():
    # generated jy-2021 report printed without rulings, scanned (rows 10 pt apart): the
    # wrapped （二）部分公开（区分处理的… starts left of （一）予以公开 and reaches up to its
    # row; （二） is （一）'s sibling, not its parent: each row keeps its own item
    def vals(top, values):
        xs = [(293, 298), (328, 333), (363, 367), (398, 402), (432, 437), (467, 472), (502, 507)]
        return [Box(v, a, b, top, top + 9) for (a, b), v in zip(xs, values, strict=True)]
    lines = [
        [Box("二、上年结转政府信息公开申请数量", 104, 247, 420, 429)] + vals(420, ["0", "3", "0", "0", "0", "0", "3"]),
        [Box("(一) 予以公开", 167, 224, 429, 442)] + vals(430, ["4", "1", "0", "0", "1", "0", "6"]),
        [Box("(二) 部 分", 122, 161, 439, 448), Box("公开 (区分处理的", 165, 238, 439, 448),
         Box("计这", 255, 269, 441, 449)] + vals(440, ["1", "0", "0", "0", "0", "0", "1"]),
        [Box("一情形", 144, 170, 451, 460), Box("， 不计 其 他情形)", 174, 238, 451, 460)],
        [Box("(三) 不", 121, 150, 462, 470), Box("1. 属 于 国家 秘密", 188, 249, 462, 470)] + vals(462, ["0"] * 7),
        [Box("予公开", 120, 147, 471, 480), Box("2. 其他法律行政法规禁止公", 165, 277, 471, 480)] + vals(471, ["0"] * 7),
    ]
    table = build_grid(lines, {0, 1, 2, 4, 5}, ocr=True)
    labelled = {}
    for row in table.rows:
        own = [c.text for c in row[:-7] if c.text and c.merged_from is None]
        if row[-1].text:
            labelled[row[-1].text] = own
    assert any(t.startswith("(一)") for t in labelled["6"]) and not any(t.startswith("(二)") for t in labelled["6"])
    assert any(t.startswith("(二)") for t in labelled["1"]) and not any(t.startswith("(一)") for t in labelled["1"])


def test_scan_row_whose_other_values_the_page_ocr_missed_is_read_cell_by_cell():
    # 淮安 2024 without rulings: the page OCR saw only the last `1` of `1 0 0 0 0 0 1`, on
    # a line of its own between the two lines of its label; far from any other row of
    # values it is no piece of a wrapped number: a row, every column read from its crop
    lines = [
        [word("4.无正当理由大量反复申请", 143, 207)] + numbers(["0", "0", "0"], 207),
        [word("5.要求行政机关确认或重新出", 143, 232)],
        [Box("1", 392, 398, 243, 255)],
        [word("具已获取信息", 144, 247)],
        [word("（六）其他处理", 105, 290)] + numbers(["6", "0", "6"], 290),
    ]
    table = build_grid(lines, {0, 4}, ocr=True)
    row = next(r for r, cells in enumerate(table.rows) if cells[-1].text == "1")
    assert [c.text for c in table.rows[row][-3:]] == ["", "", "1"]
    assert all((row, len(table.rows[row]) - 3 + k) in table.boxes for k in range(3))
    assert any("5.要求行政机关" in (c.text or "") for c in table.rows[row][:-3])
    # a stray number with no label beside it is no row
    stray = lines[:2] + [[Box("1", 392, 398, 260, 272)]] + lines[4:]
    table = build_grid(stray, {0, 3}, ocr=True)
    assert not [r for r, cells in enumerate(table.rows) if cells[-1].text == "1" and (r, len(cells) - 1) in table.boxes]


def test_scan_row_with_a_number_misread_among_digits_keeps_all_its_values():
    # table 四's one row, 351 read `35$S1`: digits with a slip are a misread number, not
    # where the label ends (the row's first five values were lost with it)
    values = ["72", "64", "178", "37", "35$S1", "13", "4", "8", "1", "26"]
    row = [Box(v, 75 + 30 * k, 75 + 30 * k + 5 * len(v), 666, 678) for k, v in enumerate(values)]
    head = [word("行政复议", 75, 600), word("行政诉讼", 229, 600)]
    table = find_tables([head, row], lambda i: False, ocr=True)[0]
    last = len(table.rows) - 1
    assert texts(table)[-1] == values
    # every one a value cell, read again from its crop (label cells have none)
    assert all((last, c) in table.boxes for c in range(len(values)))


def test_scan_crop_stops_halfway_to_the_row_above_and_below():
    # table 二 of a generated report scanned at 200 dpi: rows 13 pt apart, digits 10 pt
    # tall; a third of a line above 62 reached into 749's ink (reads `5 62`)
    lines = [
        [word("规章", 100, 100)] + numbers(["1", "0", "11"], 100),
        [Box("行政处罚", 100, 148, 235, 245), Box("749", 351, 369, 235, 245)],
        [Box("行政强制", 100, 148, 248, 258), Box("62", 354, 366, 248, 258)],
        [Box("行政事业性收费", 100, 184, 261, 271), Box("5", 357, 363, 261, 271)],
    ]
    table = build_grid(lines, {0, 1, 2, 3}, ocr=True)
    r = next(r for r, row in enumerate(table.rows) if row[0].text == "行政强制")
    box = table.boxes[(r, len(table.rows[r]) - 2)]
    assert 245 <= box[1] < 248 and 258 < box[3] <= 261
