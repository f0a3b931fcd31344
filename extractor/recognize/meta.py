"""Issuing body and year, from the report's title."""
from __future__ import annotations

import regex as re

_TITLE = re.compile(
    r"(?P<org>[^\s，。：:；;、“”《》]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的\s*)?政\s*府\s*信\s*息\s*公\s*开"
    r"\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:工\s*作\s*)?报\s*告")
# "2023年度某某局政府信息公开工作年度报告": the year before the body's name
_TITLE_YEAR_FIRST = re.compile(
    r"^(?:标题[:：]\s*)?(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<org>[^\s，。：:；;、“”《》\d]{2,40}?)\s*政\s*府\s*信\s*息\s*公\s*开"
    r"\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:工\s*作\s*)?报\s*告")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|-|—)\s*\1\s*年\s*12\s*月\s*31\s*日")
_LEAD = re.compile(r"^(?:标题[:：]\s*)")
_ORG_JUNK = re.compile(r"^[\s\"'“”《〈（(]+|[\s\"'“”》〉)）]+$")


def _org(s: str) -> str | None:
    s = _ORG_JUNK.sub("", _LEAD.sub("", s))
    return s if 2 <= len(s) <= 40 else None


def title_meta(lines: list[str]) -> tuple[str | None, int | None]:
    """(organization, year) from the first lines that read like a report title."""
    prev = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        m = _TITLE_YEAR_FIRST.search(line)
        if m:
            return _org(m.group("org")), int(m.group("year"))
        m = _TITLE.search(line)
        if m:
            org = _org(m.group("org")) if m.group("org") else None
            if org is None and m.start() == 0 or org is None and not line[:m.start()].strip():
                org = _org(prev)
            return org, int(m.group("year"))
        prev = line
    return None, None


def period_year(text: str) -> int | None:
    m = _PERIOD.search(text)
    return int(m.group(1)) if m else None
