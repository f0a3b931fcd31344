"""Map a Document onto the template: parts, edition, and every cell of tables 二/三/四."""
from __future__ import annotations

from ..budget import Budget
from ..grammar import FREE_FORM, Grammar, all_grammars, layout_name, load
from ..model import Document, Table
from ..normalize import MAX_DIGITS, is_value_text, label_key
from ..report import Finding, Link, Part, Report, Source
from ..sums import sums_failing, sums_hold
from . import grid, t3_order
from .fused import CellSum
from .layout import Layout, PartHit, find_parts, linearize, part_text
from .meta import period_year, title_meta
from .rows import RawRow
from .structure import blank_template, structure_findings
from .t3_order import COLUMN_RULES
from .values import RowSpec, emit, read_row, read_rows, settle


def _region(layout: Layout, parts: dict[int, PartHit], number: int) -> tuple[int, int]:
    """Offsets of a part's body, or of the whole text when the part was not found."""
    hit = parts.get(number)
    if hit:
        return hit.body_start, hit.end
    return 0, len(layout.text)


def _classify_tables(doc: Document) -> dict[str, list[Table]]:
    out: dict[str, list[Table]] = {"t2": [], "t3": [], "t4": []}
    tables: list[Table] = []
    between: list[list[str]] = []    # per table, the paragraphs since the table before it
    texts: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Table):
            pieces = grid.split(b)
            tables += pieces
            between += [texts] + [[] for _ in pieces[1:]]
            texts = []
        else:
            texts.append(b.text)
    kinds = [grid.classify(t) for t in tables]
    prev = None
    for k, t in enumerate(tables):
        kind = kinds[k]
        if kind is None and prev and grid.numeric_only(t):
            # a page-break continuation holding numbers only; or, after the next table's
            # header printed as text (a scan's unruled header lines), that table's numbers
            kind = grid.next_kind(prev, "".join(between[k])) or prev
        elif kind is None and prev and k + 1 < len(kinds) and kinds[k + 1] == prev:
            kind = prev          # a piece between two pieces of one table (rows whose labels name no table)
        if kind:
            out[kind].append(t)
        prev = kind
    return out


def _t4_in_its_part(doc: Document, layout: Layout, parts: dict[int, PartHit],
                    tables: dict[str, list[Table]]) -> list[Table]:
    """Table 四 whose header words came as text (a page break parted the header from its
    grid): a table no words tell, inside part 四, whose one row of numbers fills exactly
    the template's groups × columns."""
    hit = parts.get(4)
    if hit is None or tables["t4"]:
        return []
    told = {t.index for ts in tables.values() for t in ts}
    widths = {len(g.t4_groups) * len(g.t4_columns) for g in all_grammars()}
    for t in doc.tables:
        at = layout.table_offsets.get(t.index, -1)
        if t.index in told or not hit.body_start <= at < hit.end:
            continue
        counts = [sum(1 for c in r if c.text and (is_value_text(c.text) or grid.read_as_value(c))) for r in t.rows]
        if sum(1 for n in counts if n) == 1 and max(counts) in widths:
            return [t]
    return []


def _table_text(tables: list[Table]) -> str:
    return "|".join(label_key(c.text) for t in tables for r in t.rows for c in r if c.text)


def _sub_row_keywords(g: Grammar) -> tuple[str, ...]:
    """Keywords of the rows an edition prints in place of the single （六）其他处理 row."""
    single = set(g.t3_rows_for(single_other=True))
    return tuple(kw for r in g.t3_rows if r not in single for kw in r.keywords if len(kw) > 2)


def _first_edition_year() -> int:
    return min(int(g.edition) for g in all_grammars())


def _detect_edition(layout: Layout, parts, tables, year: int | None, other_tables: str = "") -> tuple[str | None, bool]:
    """(edition or None without template tables, table 三 keeps the single （六）其他处理 row).

    Table 二's column labels tell the edition; on a tie, whether table 三 prints the
    （六） sub-rows does."""
    if tables["t2"]:
        t2_text = _table_text(tables["t2"])
    else:
        s, e = _region(layout, parts, 2)
        t2_text = layout.text[s:e]
    # table 三 may be read in part as a grid and in part as text (PDFs without rulings):
    # whether it prints the （六） sub-rows is told from both
    s, e = _region(layout, parts, 3)
    # (and from tables no label classified: a scan's page-break piece holding only （六）'s rows)
    t3_text = _table_text(tables["t3"]) + "|" + label_key(layout.text[s:e]) + "|" + other_tables
    grammars = all_grammars()
    score = {g.edition: sum(m in t2_text for m in g.markers) for g in grammars}
    subs = {g.edition: _sub_row_keywords(g) for g in grammars}
    has_sub = {e: any(kw in t3_text for kw in kws) for e, kws in subs.items()}
    has_t3 = any(kw in t3_text.replace(" ", "") for r in grammars[0].t3_rows[:3] for kw in r.keywords)
    if not (has_t3 or any(score.values())):
        return None, False
    if year is not None and year < _first_edition_year() and not any(tables.values()):
        return None, False      # a free-form report from before the first template that uses its words
    best = max(score.values())
    tied = [g.edition for g in grammars if score[g.edition] == best]
    # on a tie: an edition whose sub-rows are printed, else one that has none
    edition = next((e for e in tied if has_sub[e]), None) or next((e for e in tied if not subs[e]), tied[0])
    return edition, bool(subs[edition]) and not has_sub[edition]


def _t3_specs(g: Grammar, single_other: bool) -> list[RowSpec]:
    n = len(g.t3_columns)
    rule = (CellSum(tuple(range(n - 1)), n - 1),)
    return [RowSpec(r.id, [f"t3.{r.id}.{c}" for c in g.t3_columns], (False,) * n, (False,) * n, rule)
            for r in g.t3_rows_for(single_other)]


def _t2_specs(g: Grammar) -> list[RowSpec]:
    return [RowSpec(r.id, [f"t2.{r.id}.{c['id']}" for c in b.columns],
                    tuple(bool(c.get("amount")) for c in b.columns), tuple(bool(c.get("signed")) for c in b.columns))
            for b in g.t2_blocks for r in b.rows]


def _t4_spec(g: Grammar) -> RowSpec:
    n = len(g.t4_columns)
    keys = [f"t4.{gr}.{c}" for gr in g.t4_groups for c in g.t4_columns]
    rules = tuple(CellSum(tuple(range(i * n, i * n + n - 1)), i * n + n - 1) for i in range(len(g.t4_groups)))
    return RowSpec("t4", keys, (False,) * len(keys), (False,) * len(keys), rules)


def _t3_columns_hold(edition: str, single_other: bool):
    """Table 三's column arithmetic, used to settle rows whose digits split several ways."""
    layout = layout_name(edition, single_other)
    return lambda values: sums_hold(values, layout, COLUMN_RULES)


def _t3_rows_failing(g: Grammar, edition: str, single_other: bool):
    """Table 三's column arithmetic over rows given as numbers (row id -> numbers): the
    rule instances that fail."""
    layout = layout_name(edition, single_other)
    return lambda rows: sums_failing({f"t3.{r}.{c}": v for r, nums in rows.items()
                                      for c, v in zip(g.t3_columns, nums, strict=True)}, layout, COLUMN_RULES)


def _first_by_rule(rows: list[RawRow]) -> dict[str, RawRow]:
    found: dict[str, RawRow] = {}
    for r in rows:
        if r.rule_id not in found or (not found[r.rule_id].tokens and r.tokens):
            found[r.rule_id] = r
    return found


def _prose_hints(g: Grammar, text: str) -> dict[str, float]:
    hints: dict[str, float] = {}
    for key, patterns in g.prose.items():
        for p in patterns:
            m = p.search(text)
            if m and len(m.group(1)) <= MAX_DIGITS:
                hints[key] = int(m.group(1))
                break
    return hints


def recognize(doc: Document, source: Source, version: str, budget: Budget | None = None) -> Report:
    layout = linearize(doc)
    # the six parts are the same in every edition: any grammar finds them before the edition is known
    part_hits = find_parts(layout, all_grammars()[0], ocr=any(n.rule == "OCR" for n in doc.notes))
    parts = {h.number: h for h in part_hits}
    lines = ([doc.title] if doc.title else []) + [p.text[:300] for p in doc.paragraphs[:12]]
    org, title_year = title_meta(lines)
    if title_year is None:
        # a portal page printed whole: its site's menus come first and the title, a short
        # paragraph of its own, further down
        org, title_year = title_meta([p.text for p in doc.paragraphs[12:60] if len(p.text) <= 60])
    year = title_year or period_year(layout.text[:5000])
    tables = _classify_tables(doc)
    tables["t4"] = tables["t4"] or _t4_in_its_part(doc, layout, parts, tables)
    classified = {t.index for ts in tables.values() for t in ts}
    edition, single_other = _detect_edition(layout, parts, tables, year,
                                            _table_text([t for t in doc.tables if t.index not in classified]))

    report = Report(source=source, organization=org, year=year, edition=edition, parser_version=version,
                    attachments=[Link(text=t, url=u) for t, u in doc.links])
    report.findings.extend(Finding(rule=n.rule, severity=n.severity, where=n.where, message=n.message) for n in doc.notes)
    report.parts = [Part(number=h.number, title=h.title, printed_number=h.printed, text=part_text(layout, h))
                    for h in sorted(part_hits, key=lambda h: h.number)]
    if edition is None:
        if doc.links and len(part_hits) < 3:
            # a portal notice: the report itself is an attachment for the scraper to fetch
            report.findings.append(Finding(
                rule="REPORT-IN-ATTACHMENT", severity="warning", where="document",
                message="本页没有报告表格，报告在附件中：" + "；".join(f"{t or '附件'} {u}" for t, u in doc.links[:10])))
        elif title_year or (year and year < _first_edition_year()):   # a report, without template tables
            report.edition = FREE_FORM
            report.findings.append(Finding(rule="FREE-FORM", severity="info", where="document",
                                           message="自由格式的报告（2019 年以前的格式），没有可对应模板的表格，不提取表格数值"))
        else:
            report.findings.append(Finding(rule="NOT-A-REPORT", severity="warning", where="document",
                                           message="未找到政府信息公开工作年度报告的结构（六个部分或三张表格）"))
        return report

    g = load(edition)
    fmt = doc.format
    budget = budget or Budget()
    if not all(tables[t] for t in ("t2", "t3", "t4")):
        from . import stream      # tables printed as text; a report whose tables are tables never loads it
    # --- table 二
    if tables["t2"]:
        t2_raw = grid.t2_rows(tables["t2"], g, budget)
        read_ids = {r.rule_id for r in t2_raw}
        if any(r.id not in read_ids for b in g.t2_blocks for r in b.rows):
            # a row printed as text beside the grid (a page break between a block's head and its row)
            from . import stream
            s, e = _region(layout, parts, 2)
            t2_raw += [r for r in stream.t2_rows(layout.text, s, e, g, fmt) if r.rule_id not in read_ids]
    else:
        s, e = _region(layout, parts, 2)
        t2_raw = stream.t2_rows(layout.text, s, e, g, fmt)
    # --- table 三
    t3_rules = g.t3_rows_for(single_other)
    t3_lines: list[grid.Line] = []
    if tables["t3"]:
        t3_lines = grid.t3_lines(tables["t3"], t3_rules, g, budget)
        t3_raw = [ln.raw for ln in t3_lines if ln.raw.rule_id]
    else:
        s, e = _region(layout, parts, 3)
        region = layout.spaced(s, e)          # blank lines kept: plain pdftotext's text blocks
        t3_raw = stream.t3_rows(region, 0, len(region), t3_rules, fmt, len(g.t3_columns),
                                _t3_rows_failing(g, edition, single_other), budget, g.names[("t3", 2, g.t3_columns[-1])])
    # --- table 四
    if tables["t4"]:
        t4_raw = grid.t4_row(tables["t4"], g)
    else:
        s, e = _region(layout, parts, 4)
        t4_raw = stream.t4_row(layout.text, s, e, g, fmt, budget)

    values: dict = {}
    cells: dict = {}
    findings = report.findings

    t2_found = _first_by_rule(t2_raw)
    t2_results = [read_row(spec, t2_found.get(spec.row_id), budget) for spec in _t2_specs(g)]
    hints = None
    if any(len(r.candidates) > 1 for r in t2_results):
        # the prose's figures only choose among a row's readings: their patterns compile when a row has several
        prose = "\n".join(p.text for p in report.parts if p.number in (1, 2)) or layout.text[:20000]
        hints = _prose_hints(g, prose)
    settle(t2_results, hints=hints, budget=budget)
    t3_found = _first_by_rule(t3_raw)
    t3_specs = _t3_specs(g, single_other)
    t3_check = _t3_columns_hold(edition, single_other)
    t3_results = read_rows(t3_specs, t3_found, t3_check, budget)
    if t3_lines:
        t3_results = t3_order.by_order(t3_lines, t3_specs, t3_found, t3_check, budget,
                                  layout_name(edition, single_other)) or t3_results
    t4_results = [read_row(_t4_spec(g), t4_raw, budget)]
    for results in (t2_results, t3_results, t4_results):
        emit(results, values, cells, findings)

    report.values = {k: values.get(k) for k in g.keys(single_other)}
    report.cells = {k: cells[k] for k in report.values if k in cells}
    blank = blank_template(report.cells, list(report.values))
    if blank is not None:
        # the blank template: no zeros presented as data
        report.values = dict.fromkeys(report.values)
        for c in report.cells.values():
            c.value = None
        findings.append(blank)
        return report
    labels_cut = grid.LABELS_SPENT in budget.spent_at
    if labels_cut:
        findings.append(Finding(
            rule="BUDGET-SPENT", severity="warning", where="labels",
            keys=[k for k, v in report.values.items() if v is None],
            message="本文档的表格行标签近似匹配搜索预算已用尽：此后标签有误的行未能识别，未读出的单元格留空，不作猜测"))
    used = {id(r.raw.tokens) for r in t3_results if r.raw is not None}      # order placement copies keep them
    orphans = sum(1 for ln in t3_lines if ln.values and id(ln.raw.tokens) not in used)
    gaps, by_content = structure_findings(g, doc, layout, part_hits, tables, (t2_results, t3_results, t4_results),
                                          labels_cut, orphans)
    findings.extend(gaps)
    titles = {p["number"]: p["title"] for p in g.parts}
    report.parts = sorted(report.parts + [Part(number=n, title=titles[n], text="", found="content") for n in by_content],
                          key=lambda p: p.number)
    return report

