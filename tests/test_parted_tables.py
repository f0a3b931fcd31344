"""Tables whose head and grid came apart (a page break between them, printed as text
and a grid): the rows are still the template's, read where they stand."""
import json
from pathlib import Path

from govreport import parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE = (FIXTURES / "jy-2021.md").read_text(encoding="utf-8")
SPEC = json.loads((FIXTURES / "specs/jy-2021.json").read_text(encoding="utf-8"))

T2_TAIL = """| 第二十条第（八）项 |  |  |  |
| 信息内容 | 本年收费金额（单位：万元） |  |  |
| 行政事业性收费 | 4978.81 |  |  |
"""
T4_HEAD = """| 行政复议 |  |  |  |  | 行政诉讼 |  |  |  |  |  |  |  |  |  |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 |  |  |  |  | 复议后起诉 |  |  |  |  |
|  |  |  |  |  | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
"""


def _parted() -> str:
    """The fixture with table 二's last block and table 四's header printed as text."""
    assert T2_TAIL in PAGE and T4_HEAD in PAGE
    page = PAGE.replace(T2_TAIL, "\n第二十条第（八）项\n\n信息内容 本年收费金额（单位：万元）\n\n行政事业性收费 4978.81\n")
    head = ("行政复议 行政诉讼\n\n结 结 其 尚 总 未经复议直接起诉 复议后起诉\n\n果 果 他 未 计\n\n"
            "| 维持 | 纠正 | 结果 | 审结 |  | 维持 | 纠正 | 结果 | 审结 |  | 维持 | 纠正 | 结果 | 审结 |  |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    return page.replace(T4_HEAD, head)


def test_whole_fixture_reads_exactly():
    assert parse(PAGE.encode("utf-8"), filename="r.md").values == SPEC["values"]


def test_rows_parted_from_their_grids_are_read():
    r = parse(_parted().encode("utf-8"), filename="r.md")
    assert r.values == SPEC["values"]
    assert not [f for f in r.findings if f.rule.endswith("UNREAD") or f.rule.startswith("MISSING")]


def test_table_4_grid_outside_part_4_is_not_taken_for_it():
    """A row of fifteen numbers is table 四 only inside part 四: moved into part 五, the
    table is unread and said so, not read from elsewhere."""
    page = _parted()
    start = page.index("行政复议 行政诉讼")
    end = page.index("## 五、存在的主要问题及改进情况")
    block = page[start:end]
    page = page[:start] + page[end:]
    five = page.index("\n", page.index("## 五、存在的主要问题及改进情况")) + 1
    page = page[:five] + "\n" + block + page[five:]
    r = parse(page.encode("utf-8"), filename="r.md")
    assert all(v is None for k, v in r.values.items() if k.startswith("t4."))
    assert any(f.rule == "TABLE-UNREAD" and f.where == "t4" for f in r.findings)
