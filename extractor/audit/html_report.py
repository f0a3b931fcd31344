"""One self-contained HTML page for auditors (no script, no network, no external asset).

First a summary of every document (findings by rule, documents by body), the series
findings, then per document its three tables drawn as the template prints them, each
value as printed. A cell some finding names is highlighted by the finding's severity
(`hl-error`, `hl-warning`) and carries `data-findings` (the ids); the likely culprit of a
diagnosis is outlined (`culprit`). Hovering or focusing a cell (every value cell is
focusable) shows its raw text, where it was read (page, row, column) and its findings.
"""
from __future__ import annotations

from collections import Counter
from html import escape

from ..report import Finding, Report
from ..sums import layout_of
from ..validate import _num as printed
from ..validate import key_label

_SHOWN = ("error", "warning")           # severities highlighted in the tables
_RANK = {"error": 2, "warning": 1, "info": 0}

_CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:2px solid #444;margin-top:2em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #777;padding:2px 6px;font-size:13px}
th{background:#eee;font-weight:normal}td.v{text-align:right;min-width:3em;position:relative}
td.v:focus{outline:2px solid #06c}
.hl-error{background:#f8b4b4}.hl-warning{background:#fde68a}.culprit{outline:3px solid #b00;outline-offset:-3px}
td.null{color:#999;font-style:italic}
.tip{display:none;position:absolute;z-index:5;left:0;top:100%;width:26em;background:#fffbe6;border:1px solid #999;
text-align:left;padding:4px;font-size:12px;white-space:normal;box-shadow:2px 2px 6px #aaa}
td.v:hover .tip,td.v:focus .tip,td.v:focus-within .tip{display:block}
.sev-error{color:#b00;font-weight:bold}.sev-warning{color:#a60}.sev-info{color:#666}
ul.findings li{margin:.3em 0}.sentence{background:#eef;padding:0 3px}.muted{color:#666;font-size:12px}
.summary td,.summary th{font-size:14px}
"""


def _num(v) -> str:
    return "—" if v is None else str(printed(v))


def _origin(report: Report, key: str) -> str:
    cell = report.cells.get(key)
    if cell is None or cell.origin is None:
        return "未读到该格" if report.values.get(key) is None else ""
    o = cell.origin
    where = [f"第{o.page}页" if o.page else "", f"表{o.table}" if o.table is not None else "",
             f"行{o.row}" if o.row is not None else "", f"列{o.col}" if o.col is not None else ""]
    return f"{o.format} " + " ".join(w for w in where if w) + ("（OCR）" if o.ocr else "")


def _marks(findings: list[Finding]) -> tuple[dict[str, list[Finding]], set[str]]:
    """key -> the shown findings naming it; keys a diagnosis names as culprit."""
    by_key: dict[str, list[Finding]] = {}
    culprits: set[str] = set()
    for f in findings:
        if f.severity not in _SHOWN:
            continue
        for k in f.keys:
            by_key.setdefault(k, []).append(f)
        if f.diagnosis is not None:
            culprits.update(f.diagnosis.cells)
    return by_key, culprits


def _cell(report: Report, key: str, by_key, culprits) -> str:
    v = report.values.get(key)
    cell = report.cells.get(key)
    found = by_key.get(key, [])
    cls = ["v"] + (["null"] if v is None else [])
    if found:
        cls.append("hl-" + max((f.severity for f in found), key=_RANK.__getitem__))
    if key in culprits:
        cls.append("culprit")
    tip = [f"<b>{escape(key_label(key))}</b> <code>{escape(key)}</code>"]
    if cell is not None and cell.raw is not None:
        tip.append(f"印为：「{escape(cell.raw)}」" + ("（空白，按 0 计）" if cell.blank else ""))
    tip.append(escape(_origin(report, key)))
    tip += [f"<span class='sev-{f.severity}'>{escape(f.rule)}</span> {escape(f.message)}" for f in found]
    attrs = f" data-findings='{' '.join(f.id or '' for f in found)}'" if found else ""
    return (f"<td class='{' '.join(cls)}' tabindex='0' data-key='{escape(key)}'{attrs}>{_num(v)}"
            f"<div class='tip'>{'<br>'.join(t for t in tip if t)}</div></td>")


def _seg(key: str, i: int) -> str:
    return key.split(".")[i]


def _t2(report: Report, keys: list[str], by_key, culprits) -> str:
    """Table 二 by blocks: consecutive rows with the same columns share a header row."""
    rows: dict[str, list[str]] = {}
    for k in keys:
        rows.setdefault(_seg(k, 1), []).append(k)
    out, last_cols = [], None
    for ks in rows.values():
        cols = [_seg(k, 2) for k in ks]
        if cols != last_cols:
            out.append("<tr><th>信息内容</th>" + "".join(f"<th>{escape(key_label(k, 1))}</th>" for k in ks) + "</tr>")
            last_cols = cols
        out.append(f"<tr><th>{escape(key_label(ks[0], 2))}</th>"
                   + "".join(_cell(report, k, by_key, culprits) for k in ks) + "</tr>")
    return "<table class='t2'>" + "".join(out) + "</table>"


def _t3(report: Report, keys: list[str], by_key, culprits) -> str:
    rows = list(dict.fromkeys(_seg(k, 1) for k in keys))
    cols = list(dict.fromkeys(_seg(k, 2) for k in keys))
    present = set(keys)
    head = "<tr><th></th>" + "".join(f"<th>{escape(key_label(f't3.{rows[0]}.{c}', 1))}</th>" for c in cols) + "</tr>"
    body = []
    for r in rows:
        cells = "".join(_cell(report, f"t3.{r}.{c}", by_key, culprits) if f"t3.{r}.{c}" in present else "<td></td>"
                        for c in cols)
        body.append(f"<tr><th>{escape(key_label(f't3.{r}.{cols[0]}', 2))}</th>{cells}</tr>")
    return "<table class='t3'>" + head + "".join(body) + "</table>"


def _t4(report: Report, keys: list[str], by_key, culprits) -> str:
    """As the template: 行政复议 | 行政诉讼 (未经复议直接起诉, 复议后起诉) over one row of values."""
    groups = list(dict.fromkeys(_seg(k, 1) for k in keys))
    by_group = {g: [k for k in keys if _seg(k, 1) == g] for g in groups}
    suits = [g for g in groups if g.startswith("suit")]
    top = "".join(f"<th colspan='{len(by_group[g])}' rowspan='2'>{escape(key_label(by_group[g][0], 2))}</th>"
                  for g in groups if g not in suits)
    if suits:
        top += f"<th colspan='{sum(len(by_group[g]) for g in suits)}'>行政诉讼</th>"
    mid = "".join(f"<th colspan='{len(by_group[g])}'>{escape(key_label(by_group[g][0], 2))}</th>" for g in suits)
    cols = "".join(f"<th>{escape(key_label(k, 1))}</th>" for k in keys)
    vals = "".join(_cell(report, k, by_key, culprits) for k in keys)
    return f"<table class='t4'><tr>{top}</tr><tr>{mid}</tr><tr>{cols}</tr><tr>{vals}</tr></table>"


_TABLES = (("t2", "二、主动公开政府信息情况", _t2), ("t3", "三、收到和处理政府信息公开申请情况", _t3),
           ("t4", "四、政府信息公开行政复议、行政诉讼情况", _t4))


def _finding_item(f: Finding) -> str:
    parts = [f"<span class='sev-{f.severity}'>{escape(f.severity)} {escape(f.rule)}</span> "
             f"<code>{escape(f.where)}</code> {escape(f.message)}"]
    if f.expected is not None or f.actual is not None:
        parts.append(f"<span class='muted'>（应为 {escape(_num(f.expected))}，实为 {escape(_num(f.actual))}）</span>")
    if f.sentence:
        parts.append(f"<br>第{f.part or '?'}部分原文：<span class='sentence'>{escape(f.sentence)}</span>")
    if f.diagnosis is not None:
        parts.append(f"<br>诊断：{escape(f.diagnosis.message)}")
    if f.documents:
        parts.append("<br><span class='muted'>" + "；".join(
            escape(f"{d.year or '?'}: {d.path or d.sha256[:12]}") for d in f.documents) + "</span>")
    parts.append(f" <span class='muted'>id {escape(f.id or '')}</span>")
    return f"<li id='f-{escape(f.id or '')}'>{''.join(parts)}</li>"


def _document(n: int, report: Report) -> str:
    by_key, culprits = _marks(report.findings)
    title = f"{report.organization or '（未读到机关）'} {report.year or '?'} 年度报告"
    out = [f"<section class='doc' id='doc-{n}'><h2>{escape(title)}</h2>",
           f"<p class='muted'>{escape(report.source.path or '（stdin）')} · {escape(report.source.format)} · "
           f"版本 {escape(str(report.edition))} · sha256 {escape(report.source.sha256[:16])}</p>"]
    layout = layout_of(report.edition, report.values)
    if layout is not None:
        for table, name, draw in _TABLES:
            keys = [k for k in report.values if k.startswith(table + ".")]
            if keys:
                out.append(f"<h3>{escape(name)}</h3>" + draw(report, keys, by_key, culprits))
    shown = [f for f in report.findings if f.severity != "info"]
    prose = [f for f in shown if f.sentence]
    if prose:
        out.append("<h3>正文与表格不符</h3><ul class='findings prose'>"
                   + "".join(_finding_item(f) for f in prose) + "</ul>")
    rest = [f for f in shown if not f.sentence]
    out.append(f"<h3>问题（{len(shown)}）</h3>")
    out.append("<ul class='findings'>" + "".join(_finding_item(f) for f in rest) + "</ul>" if rest
               else "<p>未发现问题。</p>")
    return "".join(out) + "</section>"


def _summary(reports: list[Report], groups, series: list[Finding]) -> str:
    by_rule: Counter = Counter()
    sev: dict[str, str] = {}
    for r in reports:
        for f in r.findings:
            if f.severity != "info":
                by_rule[f.rule] += 1
                sev[f.rule] = max(sev.get(f.rule, "info"), f.severity, key=_RANK.__getitem__)
    for f in series:
        by_rule[f.rule] += 1
        sev[f.rule] = f.severity
    rule_rows = "".join(f"<tr><td class='sev-{sev[r]}'>{escape(r)}</td><td>{n}</td></tr>"
                        for r, n in sorted(by_rule.items(), key=lambda x: (-_RANK[sev[x[0]]], -x[1], x[0])))
    index = {id(r): i for i, r in enumerate(reports)}
    body_rows = []
    for g in groups:
        docs = [r for rs in g.years.values() for r in rs]
        links = " ".join(f"<a href='#doc-{index[id(r)]}'>{r.year}</a>" for r in docs)
        errs = sum(f.severity == "error" for r in docs for f in r.findings)
        warns = sum(f.severity == "warning" for r in docs for f in r.findings)
        warns += sum(1 for f in series if any(d.sha256 in {r.source.sha256 for r in docs} for d in f.documents))
        body_rows.append(f"<tr><td>{escape(g.body)}</td><td>{escape('、'.join(g.names))}</td><td>{links}</td>"
                         f"<td>{errs}</td><td>{warns}</td></tr>")
    grouped = {id(r) for g in groups for rs in g.years.values() for r in rs}
    loose = [r for r in reports if id(r) not in grouped]
    for r in loose:
        body_rows.append(f"<tr><td>{escape(r.organization or '—')}</td><td></td><td><a href='#doc-{index[id(r)]}'>"
                         f"{escape(r.source.path or '?')}</a></td><td>{len(r.errors)}</td>"
                         f"<td>{sum(f.severity == 'warning' for f in r.findings)}</td></tr>")
    return (f"<section id='summary'><h1>政府信息公开工作年度报告审核</h1>"
            f"<p>{len(reports)} 份文档，{len(groups)} 个机关。</p>"
            "<h2>问题（按规则）</h2><table class='summary by-rule'><tr><th>规则</th><th>数量</th></tr>"
            f"{rule_rows}</table>"
            "<h2>文档（按机关）</h2><table class='summary by-body'><tr><th>机关</th><th>报告所印名称</th><th>年度</th>"
            f"<th>错误</th><th>警告</th></tr>{''.join(body_rows)}</table>"
            "<h2>跨年度与多份文档的核对</h2>"
            + ("<ul class='findings series'>" + "".join(_finding_item(f) for f in series) + "</ul>" if series
               else "<p>未发现跨年度问题（只核对相邻年度）。</p>")
            + "</section>")


def render(reports: list[Report], groups, series: list[Finding]) -> str:
    # the documents with the most to check first; ids keep the input order
    order = sorted(range(len(reports)), key=lambda i: (-len(reports[i].errors),
                                                       -sum(f.severity == "warning" for f in reports[i].findings), i))
    docs = "".join(_document(i, reports[i]) for i in order)
    return ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width'><title>政府信息公开工作年度报告审核</title>"
            f"<style>{_CSS}</style></head><body>{_summary(reports, groups, series)}{docs}</body></html>\n")
