"""Parts, titles and editions: how the recognizer reads a report's structure."""
from govreport import parse
from govreport.recognize.meta import title_meta

BODY = """{title}
一、总体情况
本机关2023年收到申请5件。
{h2}
{h3}
{h4}
五、存在的主要问题及改进情况
问题。
六、其他需要报告的事项
无。
"""


def _report(**kw):
    parts = dict(title="某某市交通运输局2023年政府信息公开工作年度报告", h2="二、主动公开政府信息情况",
                 h3="三、收到和处理政府信息公开申请情况", h4="四、政府信息公开行政复议、行政诉讼情况")
    parts.update(kw)
    return parse(BODY.format(**parts).encode("utf-8"), filename="r.txt")


def _rules(report, rule):
    return [(f.where, f.expected, f.actual) for f in report.findings if f.rule == rule]


def test_title_gives_organization_and_year():
    assert title_meta(["某某市交通运输局2023年政府信息公开工作年度报告"]) == ("某某市交通运输局", 2023)
    assert title_meta(["淮安市人民政府", "2024 年政府信息公开工作年度报告"]) == ("淮安市人民政府", 2024)
    assert title_meta(["标题: 平潭综合实验区2019年度政府信息公开工作年度报告"]) == ("平潭综合实验区", 2019)
    assert title_meta(["新县人民政府办公室 2024 年政府信息公开工作年度 报告"]) == ("新县人民政府办公室", 2024)
    assert title_meta(["2023年度北京市财政局政府信息公开工作年度报告"]) == ("北京市财政局", 2023)
    assert title_meta(["东江市住房和城乡建设局 2023 年政府信息公开工", "作年度报告"]) == ("东江市住房和城乡建设局", 2023)
    assert title_meta(["当前位置：首页 > 政务公开 > 政府信息公开年报", "堃山县人民政府2023年政府信息公开工作年度报告"]) == (
        "堃山县人民政府", 2023)
    assert title_meta(["《某某镇人民政府2022年度政府信息公开工作年度报告》"]) == ("某某镇人民政府", 2022)
    # a scan's title whose last glyph OCR misread (报告 -> 报千) still ends the title
    assert title_meta(["淮安市人民政府", "2024 年政府信息公开工作年度报千"]) == ("淮安市人民政府", 2024)



def test_title_below_a_printed_portal_pages_menus():
    # a portal page printed whole (Chromium): twenty-odd menu lines, then the title
    menus = "\n".join(["首页", "政务公开", "解读回应", "办事服务", "互动交流", "走进平潭", "请输入搜索内容",
                       "政府信息公开 领导之窗 政府机构 要闻", "登录 注册", "网站支持IPV6", "移动版", "闽政通APP",
                       "当前位置：首页 > 政府信息公开年报", "字号：大 中 小", "打印本页", "关闭窗口"])
    r = _report(title=menus + "\n平潭综合实验区2022年度政府信息公开工作年度报告")
    assert (r.organization, r.year) == ("平潭综合实验区", 2022)

T3_LINE = "\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1"


def test_misnumbered_and_misspelled_headings_are_found_and_flagged():
    r = _report(h2="三、主动公开政府信息情况", h3="三、收到和处理政府信息公开申请情况" + T3_LINE,
                h4="四、政府信息公开行政法复议、行政诉讼情况")
    assert [p.number for p in r.parts] == [1, 2, 3, 4, 5, 6]
    assert _rules(r, "SECTION-NUMBER") == [("2", 2, "三")]
    assert not _rules(r, "MISSING-SECTION")


def test_heading_numbers_in_other_styles():
    r = _report(h2="二.主动公开政府信息情况", h3="（三）收到和处理政府信息公开申请情况")
    assert [p.number for p in r.parts] == [1, 2, 3, 4, 5, 6]
    assert not _rules(r, "SECTION-NUMBER")


def test_a_titled_report_without_template_tables_is_free_form():
    r = _report(h3="")
    # no template table at all: a report of the free-form kind, no template findings
    assert r.edition == "pre2019"
    assert [f.rule for f in r.findings] == ["FREE-FORM"]


def test_a_template_report_missing_a_part_and_a_table():
    text = BODY.format(title="某局2023年政府信息公开工作年度报告", h2="二、主动公开政府信息情况",
                       h3="三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1", h4="")
    r = parse(text.encode(), filename="r.txt")
    assert r.edition in ("2019", "2021")
    assert ("4", "政府信息公开行政复议、行政诉讼情况", None) in _rules(r, "MISSING-SECTION")
    assert {w for w, _, _ in _rules(r, "MISSING-TABLE")} == {"t2", "t4"}
    assert "granted" in {w for w, _, _ in _rules(r, "MISSING-ROW")}
    assert r.values["t3.received.natural"] == 1 and r.values["t3.granted.natural"] is None


def test_preface_listing_the_part_titles_is_not_taken_for_headings():
    text = ("某局2024年度政府信息公开工作年度报告\n本报告共分6个部分：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。一、总体情况 正文。")
    r = parse(text.encode(), filename="r.txt")
    assert [(p.number, p.title) for p in r.parts][:1] == [(1, "一、总体情况")]


def _parts_found(text: str, ocr: bool) -> dict:
    from govreport.grammar import all_grammars
    from govreport.model import Document, Paragraph
    from govreport.recognize.layout import find_parts, linearize
    doc = Document("pdf")
    doc.blocks = [Paragraph(line, 1) for line in text.splitlines() if line]
    return {h.number: h for h in find_parts(linearize(doc), all_grammars()[0], ocr=ocr)}


def test_a_heading_ocr_misread_is_still_its_part_and_no_misnumbering():
    # OCR read 六 as 入 and 告 as 吉: the document printed the heading; we misread it
    text = BODY.format(title="某某局2023年政府信息公开工作年度报告", h2="二、主动公开政府信息情况",
                       h3="三、收到和处理政府信息公开申请情况", h4="四、政府信息公开行政复议、行政诉讼情况")
    misread = text.replace("六、其他需要报告的事项", "入、其他需要报吉的事项")
    assert 6 not in _parts_found(misread, ocr=False)          # a text layer says what is printed
    found = _parts_found(misread, ocr=True)
    assert found[6].printed is None and found[6].title.startswith("入")
    # a line far from the title (more than a quarter of it edited) is no heading of the part
    assert 6 not in _parts_found(text.replace("六、其他需要报告的事项", "入、其他需要说明的情况"), ocr=True)
