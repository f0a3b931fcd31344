"""HTML and text readers: the document model they build from messy real-world input."""
from govreport.model import Paragraph
from govreport.readers import ReadOptions, detect_format, read_document

WORD_PASTE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某某县人民政府2024年政府信息公开工作年度报告_某某县</title></head><body>
<div class="nav">首页 &gt; 政务公开 &gt; 年报</div>
<div class="breadcrumb">当前位置：首页</div>
<div class="TRS_Editor">
<p class=MsoNormal><!--[if !supportLists]--><span>一、</span><!--[endif]-->总体情况<o:p></o:p></p>
<table class=MsoNormalTable border=1>
 <tr><td rowspan=2>信息<br>内容</td><td colspan=2>申请人情况</td></tr>
 <tr><td>自然人</td><td>商业<br/>企业</td></tr>
 <tr><td>予以公开</td><td><span>2</span><span>1</span></td><td>&nbsp;</td></tr>
 <tr><td>合计</td><td>２１</td><td>—</td></tr>
</table>
</div>
<div class="share">分享到：微信</div>
<div class="footer">版权所有</div>
<a href="/files/report.pdf">附件：年度报告.pdf</a>
</body></html>"""


def _read(data: bytes, name="page.html"):
    return read_document(data, ReadOptions(filename=name))


def test_html_merges_breaks_split_numbers_and_blank_cells():
    doc = _read(WORD_PASTE.encode("gb18030"))
    [t] = doc.tables
    grid = [[c.text for c in row] for row in t.rows]
    assert grid[0] == ["信息内容", "申请人情况", "申请人情况"]      # <br> inside a CJK label is layout
    assert grid[1][0] == "信息内容" and t.rows[1][0].merged_from == (0, 0)
    assert grid[1][2] == "商业企业"
    assert grid[2] == ["予以公开", "21", ""]                        # spans joined, &nbsp; blank
    assert grid[3] == ["合计", "21", "—"]                           # full-width digits
    assert t.rows[2][1].origin.as_dict() == {"format": "html", "page": None, "table": 0, "row": 2, "col": 1}


def test_html_drops_chrome_and_keeps_word_list_numbers():
    doc = _read(WORD_PASTE.encode("gb18030"))
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "一、总体情况" in texts
    assert not any("首页" in t or "分享" in t or "版权" in t for t in texts)
    assert doc.links == [("附件：年度报告.pdf", "/files/report.pdf")]


def test_gbk_only_character_in_a_gb2312_page_still_decodes():
    page = WORD_PASTE.replace("某某县", "堃县")     # 堃 is not in GB2312
    doc = _read(page.encode("gbk"))
    assert doc.title and doc.title.startswith("堃县人民政府")
    assert doc.tables


def test_format_detection_by_content_not_extension():
    assert detect_format(b"%PDF-1.7 ...", "x.txt") == "pdf"
    assert detect_format(WORD_PASTE.encode("utf-8"), "x.txt") == "html"
    assert detect_format("一、总体情况\n正文".encode(), None) == "text"
    assert detect_format(b"| a | b |\n|---|---|\n| 1 | 2 |\n", None) == "markdown"
    assert detect_format(b"", "x.pdf") == "empty"


def test_text_tabs_become_a_grid_and_crawler_header_the_title():
    text = ("标题: 某局2023年度政府信息公开工作年度报告\n原文链接: https://example.gov.cn/a/b.htm\n"
            "==================== 正文 ====================\n一、总体情况\n正文。\n"
            "信息内容\t本年制发件数\t本年废止件数\n规章\t0\t1\n附件：report.pdf\n")
    doc = _read(text.encode("utf-8"), "page.txt")
    assert doc.title == "某局2023年度政府信息公开工作年度报告"
    [t] = doc.tables
    assert [[c.text for c in r] for r in t.rows] == [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "0", "1"]]
    assert doc.links == [("附件", "https://example.gov.cn/a/report.pdf")]


def test_markdown_pipe_tables():
    md = "# 某局2024年政府信息公开工作年度报告\n\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 12 |\n"
    doc = _read(md.encode(), "r.md")
    assert doc.format == "markdown"
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "某局2024年政府信息公开工作年度报告"
    assert [[c.text for c in r] for r in doc.tables[0].rows] == [["信息内容", "本年处理决定数量"], ["行政许可", "12"]]


def test_utf16_and_gb18030_text():
    s = "一、总体情况\n本机关2024年收到申请3件。\n"
    for data in (s.encode("utf-16"), s.encode("gb18030")):
        doc = _read(data, "r.txt")
        assert doc.paragraphs[0].text == "一、总体情况"
