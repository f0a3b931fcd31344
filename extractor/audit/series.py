"""Reports of one body across years: group them, then run the cross-year rules.

- Grouping: by a normalized body name (平潭综合实验区 / 平潭综合实验区管委会 are one body;
  洪泽区人民政府 / 淮安市洪泽区人民政府 too: a parent prefix), then by year.
- Copies: two documents claiming the same body and year (the same report scraped as HTML
  and as text) must give the same cells: X-SAME names each cell they read differently (a
  cell one copy leaves null is no disagreement). The copies are then merged into one set
  of values (a cell the copies disagree on is left out), and
- the series rules of rules.py (X-CARRY, X-STOCK: `prev:` terms) run on consecutive years.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..grammar import load, table_names
from ..report import DocumentRef, Finding, Report
from ..sums import instances, layout_of
from ..validate import _check_sums, _num, key_label, same_body

# suffixes that name the same body: the zone's 管委会 is the zone's government
_SAME_BODY_SUFFIX = re.compile(r"(?:管理委员会|管委会)$")
_NOISE = re.compile(r"[\s\u3000·•（）()《》“”\"']")


def normalize_body(name: str) -> str:
    """The name reports of one body share: spaces, brackets and a trailing 管委会 dropped."""
    return _SAME_BODY_SUFFIX.sub("", _NOISE.sub("", name))


@dataclass
class Group:
    body: str                                   # the normalized name the group is known by
    names: dict[str, int] = field(default_factory=dict)        # name as printed -> documents
    years: dict[int, list[Report]] = field(default_factory=dict)


def group_reports(reports: list[Report]) -> tuple[list[Group], list[Report]]:
    """Template reports grouped by body then year; the reports that cannot be placed
    (no body or year read, free-form or not a report) come back apart."""
    groups: list[Group] = []
    loose = []
    for r in reports:
        if not r.organization or not r.year or layout_of(r.edition, r.values) is None:
            loose.append(r)
            continue
        norm = normalize_body(r.organization)
        g = next((g for g in groups if same_body(g.body, norm)), None)
        if g is None:
            g = Group(norm)
            groups.append(g)
        elif len(norm) < len(g.body):           # the shortest spelling names the group
            g.body = norm
        g.names[r.organization] = g.names.get(r.organization, 0) + 1
        g.years.setdefault(r.year, []).append(r)
    for g in groups:
        g.years = dict(sorted(g.years.items()))
    return groups, loose


def doc_ref(r: Report) -> DocumentRef:
    return DocumentRef(path=r.source.path, sha256=r.source.sha256, organization=r.organization, year=r.year)


def _distinct(copies: list[Report]) -> list[Report]:
    """Copies with distinct content (the same bytes under two names are one document)."""
    seen, out = set(), []
    for r in copies:
        if r.source.sha256 not in seen:
            seen.add(r.source.sha256)
            out.append(r)
    return out


def _cell_text(key: str) -> str:
    table = key.split(".")[0]
    return f"{table_names().get(table, table)}「{key_label(key)}」"


def disagreements(copies: list[Report]) -> list[Finding]:
    """X-SAME: per cell the copies of one body's report for one year read differently,
    which copies read which value (the value most copies read comes first, as `expected`)."""
    out: list[Finding] = []
    if len(copies) < 2:
        return out
    for key in dict.fromkeys(k for r in copies for k in r.values):
        readings: dict = {}
        for r in copies:
            v = r.values.get(key)
            if v is not None:
                readings.setdefault(_num(v), []).append(r)
        if len(readings) < 2:
            continue
        ranked = sorted(readings.items(), key=lambda kv: -len(kv[1]))
        said = "；".join(f"{'、'.join(_name(r) for r in rs)} 读为 {v}" for v, rs in ranked)
        out.append(Finding(
            rule="X-SAME", severity="warning", where=key, keys=[key], expected=ranked[0][0], actual=ranked[1][0],
            documents=[doc_ref(r) for _, rs in ranked for r in rs],
            message=f"同一机关{copies[0].year}年度报告的{len(copies)}份文档中，{_cell_text(key)}数值不同：{said}"))
    return out


def _name(r: Report) -> str:
    return r.source.path.rsplit("/", 1)[-1] if r.source.path else r.source.sha256[:12]


def merged(copies: list[Report]) -> Report:
    """One report standing for all copies of a year: each cell read by at least one copy,
    none where the copies disagree (X-SAME already said so)."""
    first = copies[0]
    if len(copies) == 1:
        return first
    values = {}
    for key in dict.fromkeys(k for r in copies for k in r.values):
        seen = {r.values.get(key) for r in copies} - {None}
        values[key] = seen.pop() if len(seen) == 1 else None
    return first.model_copy(update={"values": values})


def series_findings(group: Group) -> list[Finding]:
    """X-SAME for copies of a year, X-CARRY / X-STOCK for each pair of consecutive years."""
    out: list[Finding] = []
    years: dict[int, tuple[Report, list[Report]]] = {}
    for year, reports in group.years.items():
        copies = _distinct(reports)
        out += disagreements(copies)
        years[year] = (merged(copies), copies)
    for year, (cur, cur_copies) in years.items():
        if year - 1 not in years:
            continue
        prev, prev_copies = years[year - 1]
        layout = layout_of(cur.edition, cur.values)
        if layout is None or layout_of(prev.edition, prev.values) is None:
            continue
        assert prev.edition is not None                  # layout_of found its layout
        prev_rules = load(prev.edition).rules
        pair = [i for i in instances(layout, True) if i.rule.id in prev_rules]
        refs = [doc_ref(r) for r in prev_copies + cur_copies]
        for f in _check_sums(pair, cur, prev):
            f.documents = refs
            out.append(f)
    return out


def audit(reports: list[Report]) -> tuple[list[Group], list[Finding], list[Report]]:
    """Groups, their series findings, and the reports no group could take."""
    from .fingerprint import fingerprint
    groups, loose = group_reports(reports)
    findings = [f for g in groups for f in series_findings(g)]
    for f in findings:
        f.id = fingerprint([d.sha256 for d in f.documents], f)
    return groups, findings, loose
