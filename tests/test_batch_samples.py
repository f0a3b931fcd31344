"""Generated reports for the batch tests and benchmark, and a check that they parse.

`make_report(i)` writes a 2021-edition report as crawler text (the layout of the
project's seed report: tab-flattened tables), with numbers drawn from `i` and kept
consistent (row totals, T3 balance and outcomes, T4 group totals), so every value
the parser should find is known. `bad=True` breaks one row total on purpose.
"""
from __future__ import annotations

import random

from govreport.grammar import load

COUNTIES = ["新县", "光山县", "罗山县", "商城县", "固始县", "潢川县", "淮滨县", "息县", "平桥区", "浉河区",
            "洪泽区", "淮阴区", "清江浦区", "涟水县", "盱眙县", "金湖县"]
OFFICES = ["人民政府办公室", "发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局",
           "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局"]

# table 三 rows of the 2021 edition: (key row id, label text as in the seed, line prefix)
T3_LINES = [
    ("received", "一、本年新收政府信息公开申请数量", "", "\t"),
    ("carried_over", "二、上年结转政府信息公开申请数量", "", "\t"),
    ("granted", "三、本年度办理结果\t(一) 予以公开", "", ""),
    ("partial", "(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)", "\t", ""),
    ("denied_secret", "(三) 不予公开\t1. 属于国家秘密", "\t", ""),
    ("denied_law", "2. 其他法律行政法规禁止公开", "\t\t", ""),
    ("denied_safety", "3. 危及“三安全一稳定”", "\t\t", ""),
    ("denied_third_party", "4. 保护第三方合法权益", "\t\t", ""),
    ("denied_internal", "5. 属于三类内部事务信息", "\t\t", ""),
    ("denied_process", "6. 属于四类过程性信息", "\t\t", ""),
    ("denied_enforcement", "7. 属于行政执法案卷", "\t\t", ""),
    ("denied_query", "8. 属于行政查询事项", "\t\t", ""),
    ("unavailable_not_held", "(四) 无法提供\t1. 本机关不掌握相关政府信息", "\t", ""),
    ("unavailable_no_ready", "2. 没有现成信息需要另行制作", "\t\t", ""),
    ("unavailable_unclear", "3. 补正后申请内容仍不明确", "\t\t", ""),
    ("rejected_complaint", "(五) 不予处理\t1. 信访举报投诉类申请", "\t", ""),
    ("rejected_duplicate", "2. 重复申请", "\t\t", ""),
    ("rejected_publication", "3. 要求提供公开出版物", "\t\t", ""),
    ("rejected_mass", "4. 无正当理由大量反复申请", "\t\t", ""),
    ("rejected_confirm", "5. 要求行政机关确认或重新出具已获取信息", "\t\t", ""),
    ("other_no_correction", "(六) 其他处理\t1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "\t", ""),
    ("other_no_fee", "2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "", "\t"),
    ("other_other", "3. 其他", "", "\t"),
    ("total", "(七) 总计", "", ""),
    ("carried_forward", "四、结转下年度继续办理", "", "\t"),
]
OUTCOMES = [r for r, *_ in T3_LINES[2:23]]
T3_COLUMNS = load("2021").t3_columns
T4_GROUPS = load("2021").t4_groups
T4_COLUMNS = load("2021").t4_columns


def _row(rng: random.Random, hi: int) -> list[int]:
    """Six applicant columns (natural dominates, like real reports) and their total."""
    cols = [rng.randint(0, hi)] + [rng.randint(0, max(1, hi // 6)) if rng.random() < 0.3 else 0 for _ in range(5)]
    return cols + [sum(cols)]


def make_values(i: int, bad: bool = False) -> dict[str, int | float]:
    """Consistent values of one generated report (2021 edition)."""
    rng = random.Random(i)
    v: dict[str, int | float] = {}
    for row in ("rules", "normative"):
        issued, repealed = rng.randint(0, 20), rng.randint(0, 10)
        v[f"t2.{row}.issued"], v[f"t2.{row}.repealed"] = issued, repealed
        v[f"t2.{row}.in_force"] = rng.randint(repealed, 80)
    v["t2.licensing.decisions"] = rng.randint(0, 5000)
    v["t2.punishment.decisions"] = rng.randint(0, 900)
    v["t2.coercion.decisions"] = rng.randint(0, 60)
    v["t2.fees.amount"] = rng.choice([0, 0, round(rng.uniform(0.5, 300.0), 2)])
    rows = {r: [0] * 7 for r, *_ in T3_LINES}
    for r in ("granted", "partial", "unavailable_not_held", "rejected_duplicate", "other_no_correction",
              "denied_third_party"):
        rows[r] = _row(rng, 40 if r == "granted" else 6)
    total = [sum(rows[r][c] for r in OUTCOMES) for c in range(7)]
    rows["total"] = total
    forward = [rng.randint(0, 2) if c == 0 else 0 for c in range(6)]
    rows["carried_forward"] = forward + [sum(forward)]
    over = [rng.randint(0, 3) if c == 0 else 0 for c in range(6)]
    rows["carried_over"] = over + [sum(over)]
    rows["received"] = [total[c] + rows["carried_forward"][c] - over[c] if c < 6 else 0 for c in range(7)]
    if rows["received"][0] < 0:                       # keep counts non-negative
        rows["carried_over"][0] += -rows["received"][0]
        rows["carried_over"][6] = sum(rows["carried_over"][:6])
        rows["received"][0] = 0
    rows["received"][6] = sum(rows["received"][:6])
    for r, cols in rows.items():
        for c, name in enumerate(T3_COLUMNS):
            v[f"t3.{r}.{name}"] = cols[c]
    for g in T4_GROUPS:
        parts = [rng.randint(0, 4) if rng.random() < 0.4 else 0 for _ in range(4)]
        for name, x in zip(T4_COLUMNS, parts + [sum(parts)], strict=True):
            v[f"t4.{g}.{name}"] = x
    if bad:                                           # a wrong row total: T3-ROW-SUM must fire
        v["t3.granted.total"] += 1
    return v


PADDING = ("围绕中心工作深化政务公开，持续完善政策解读和回应关切机制，推动公开内容标准化规范化，"
           "加强政府信息管理和平台建设，切实保障人民群众的知情权、参与权、表达权和监督权。")


def make_report(i: int, bad: bool = False, pad: int = 0) -> tuple[str, dict]:
    """(text of report number i, its values). `pad` adds prose paragraphs (slower, bigger files)."""
    rng = random.Random(10_000 + i)
    org = rng.choice(COUNTIES) + rng.choice(OFFICES)
    year = 2021 + i % 4
    v = make_values(i, bad)
    n = lambda k: str(v[k])                            # noqa: E731
    t3 = lambda r: "\t".join(n(f"t3.{r}.{c}") for c in T3_COLUMNS)   # noqa: E731
    lines = [
        "", f"{org} {year} 年政府信息公开工作年度报告", "", "一、总体情况", "",
        f"本报告所列数据统计期限从 {year} 年 1 月 1 日至 {year} 年 12 月 31 日止。",
        "", f"（一）主动公开。{year} 年，本机关累计发布政务信息 {rng.randint(100, 5000)} 余条。",
        "", "（二）依申请公开。严格执行《中华人民共和国政府信息公开条例》规定，依法答复。",
        "", "（三）政府信息管理。严格落实“三审三校”审核制度。",
        "", "（四）政府信息公开平台建设。持续完善门户网站建设。",
        "", "（五）监督保障。常态化开展专项检查。",
        *(x for _ in range(pad) for x in ("", PADDING)),
        "", "二、主动公开政府信息情况", "",
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        f"规章\t{n('t2.rules.issued')}\t{n('t2.rules.repealed')}\t{n('t2.rules.in_force')}",
        f"行政规范性文件\t{n('t2.normative.issued')}\t{n('t2.normative.repealed')}\t{n('t2.normative.in_force')}",
        "第二十条第（五）项\t\t\t", "信息内容\t本年处理决定数量\t\t",
        f"行政许可\t{n('t2.licensing.decisions')}\t\t",
        "第二十条第（六）项\t\t\t", "信息内容\t本年处理决定数量\t\t",
        f"行政处罚\t{n('t2.punishment.decisions')}\t\t",
        f"行政强制\t{n('t2.coercion.decisions')}\t\t",
        "第二十条第（八）项\t\t\t", "信息内容\t本年收费金额（单位：万元）\t\t",
        f"行政事业性收费\t{n('t2.fees.amount')}\t\t",
        "", "三、收到和处理政府信息公开申请情况", "",
        "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\t\t\t\t\t\t总计\t",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t\t",
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t",
    ]
    for row, label, prefix, suffix in T3_LINES:
        sep = "\t\t" if suffix else "\t"
        if row == "total":
            lines.append(f"{label}\t{t3(row)}\t\t")
        else:
            lines.append(f"{prefix}{label}{sep}{t3(row)}{suffix}")
    t4 = "\t".join(n(f"t4.{g}.{c}") for g in T4_GROUPS for c in T4_COLUMNS)
    lines += [
        "", "四、政府信息公开行政复议、行政诉讼情况", "",
        "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t",
        "结果 维持\t结果 纠正\t其他 结果\t尚未 审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
        "\t\t\t\t\t" + "\t".join(["结果 维持", "结果 纠正", "其他 结果", "尚未 审结", "总计"] * 2),
        t4, "", "五、存在的主要问题及改进情况", "",
        f"{year}年，政府信息公开工作虽然取得一定成效，但仍存在一些问题和不足。", "",
        "六、其他需要报告的事项", "",
        f"本机关{year}年度未收取政府信息公开处理费用。",
    ]
    return "\n".join(lines) + "\n", v


def write_reports(folder, n: int, *, start: int = 0, bad: set[int] = frozenset(), pad: int = 0) -> dict:
    """Write n reports as folder/report-NNNN.txt; returns {path: values}."""
    from pathlib import Path
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i in range(start, start + n):
        text, values = make_report(i, bad=i in bad, pad=pad)
        p = folder / f"report-{i:04d}.txt"
        p.write_text(text, encoding="utf-8")
        out[str(p)] = values
    return out


def make_docx(i: int, bad: bool = False) -> tuple[bytes, dict]:
    """The same report as a Word file: prose as paragraphs, each tab-separated block as a
    bordered table (what python-docx writes; LibreOffice turns it into a ruled PDF)."""
    import io
    from docx import Document
    text, values = make_report(i, bad=bad)
    doc = Document()
    lines = text.split("\n")
    k = 0
    while k < len(lines):
        if "\t" not in lines[k]:
            if lines[k].strip():
                doc.add_paragraph(lines[k])
            k += 1
            continue
        block = []
        while k < len(lines) and "\t" in lines[k]:
            block.append(lines[k].split("\t"))
            k += 1
        table = doc.add_table(rows=len(block), cols=max(len(r) for r in block))
        table.style = "Table Grid"
        for row, trow in zip(block, table.rows, strict=True):
            cells = trow.cells                       # once per row: python-docx rebuilds it per call
            for c, cell in enumerate(row):
                if cell:
                    cells[c].text = cell
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue(), values


# -- the generator's own check: what we generate is what the parser reads --------------

def test_generated_reports_parse_to_their_values():
    from govreport import parse
    for i in (0, 7, 23):
        text, values = make_report(i)
        report = parse(text.encode("utf-8"), filename=f"gen-{i}.txt")
        assert report.edition == "2021"
        got = {k: report.values.get(k) for k in values}
        assert got == values
        assert not report.errors, [f.rule for f in report.errors]


def test_a_bad_generated_report_has_a_row_sum_finding():
    from govreport import parse
    text, values = make_report(5, bad=True)
    report = parse(text.encode("utf-8"), filename="gen-bad.txt")
    assert report.values["t3.granted.total"] == values["t3.granted.total"]
    assert any(f.rule == "T3-ROW-SUM" and f.where == "granted" for f in report.errors)


def test_a_generated_word_report_parses_to_its_values():
    from govreport import parse
    data, values = make_docx(11)
    report = parse(data, filename="gen-11.docx")
    assert report.edition == "2021" and report.source.format == "docx"
    assert {k: report.values.get(k) for k in values} == values
    assert not report.errors
