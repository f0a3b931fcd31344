"""A short human summary of one Report: what `govreport extract` prints on a terminal."""
from __future__ import annotations

from collections import Counter

from .report import Report


def digest(report: Report) -> str:
    if report.edition is None:
        what = "not a 政府信息公开工作年度报告"
        if report.attachments:
            what += f"; it links {len(report.attachments)} attachment(s): " + ", ".join(a.url for a in report.attachments[:3])
        return f"{report.source.path}: {what}\n"
    read = sum(v is not None for v in report.values.values())
    lines = [
        f"{report.source.path}",
        f"  organization  {report.organization or '(not found)'}",
        f"  year          {report.year or '(not found)'}",
        f"  edition       {report.edition}",
        f"  cells read    {read} of {len(report.values)}" + (f" ({len(report.values) - read} null)" if read < len(report.values) else ""),
        f"  parts         {len(report.parts)} of 6" + (f" ({by_content} by content, no template heading)"
                                                        if (by_content := sum(p.found == "content" for p in report.parts))
                                                        else ""),
    ]
    by_rule = Counter((f.severity, f.rule) for f in report.findings)
    if by_rule:
        lines.append("  findings      " + ", ".join(f"{rule} ×{n} ({sev})" for (sev, rule), n in
                                                   sorted(by_rule.items(), key=lambda x: ("error", "warning", "info").index(x[0][0]))))
    else:
        lines.append("  findings      none")
    lines.append("  (the full result: --format json; the findings: govreport validate)")
    return "\n".join(lines) + "\n"
