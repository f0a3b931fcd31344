"""Issuing body and year, from the report's title."""
from __future__ import annotations

from .. import rx

# The report's title (…政府信息公开工作年度报告) reads the same under every edition: reading
# vocabulary, not template data, so it stays here rather than in the grammars.
_TITLE = rx.compile(
    r"(?P<org>[^\s，。：:；;、“”《》]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的\s*)?政\s*府\s*信\s*息\s*公\s*开"
    r"\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:工\s*作\s*)?报\s*(?:告|[\u4e00-\u9fff]$)")
# (a title line's last glyph misread by OCR, `报千`, still ends the title)
# "2023年度某某局政府信息公开工作年度报告": the year before the body's name
_TITLE_YEAR_FIRST = rx.compile(
    r"^(?:标题[:：]\s*)?(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<org>[^\s，。：:；;、“”《》\d]{2,40}?)\s*政\s*府\s*信\s*息\s*公\s*开"
    r"\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:工\s*作\s*)?报\s*告")
_PERIOD = rx.lazy(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|-|—)\s*\1\s*年\s*12\s*月\s*31\s*日")
_LEAD = rx.compile(r"^(?:标题[:：]\s*)")
_ORG_JUNK = rx.compile(r"^[\s\"'“”《〈（(]+|[\s\"'“”》〉)）]+$")


def _org(s: str) -> str | None:
    s = _ORG_JUNK.sub("", _LEAD.sub("", s))
    return s if 2 <= len(s) <= 40 else None


def _match_title(line: str, prev: str) -> tuple[str | None, int] | None:
    m = _TITLE_YEAR_FIRST.search(line)
    if m:
        return _org(m.group("org")), int(m.group("year"))
    m = _TITLE.search(line)
    if not m:
        return None
    org = _org(m.group("org")) if m.group("org") else None
    if org is None and not line[:m.start()].strip():
        org = _org(prev)          # the body's name on the line above the year
    return org, int(m.group("year"))


def title_meta(lines: list[str]) -> tuple[str | None, int | None]:
    """(organization, year) from the first lines that read like a report title.

    A large title often wraps (…年政府信息公开工 / 作年度报告): a line is tried alone,
    then joined with the next one."""
    lines = [ln.strip() for ln in lines if ln and ln.strip()]
    prev = ""
    for i, line in enumerate(lines):
        hit = _match_title(line, prev)
        if hit is None and i + 1 < len(lines) and _match_title(lines[i + 1], line) is None:
            hit = _match_title(line + lines[i + 1], prev)
        if hit:
            return hit
        prev = line
    return None, None


def period_year(text: str) -> int | None:
    m = _PERIOD().search(text)
    return int(m.group(1)) if m else None
