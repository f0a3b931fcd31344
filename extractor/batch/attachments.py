"""Attachment links of portal pages: resolve them against the page's URL.

A scraped notice page often holds no report tables, only 附件：xxx.pdf. The reader
collects those links; here they are made absolute so a scraper can fetch them.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from ..readers.text import resolve_url


def is_absolute(url: str) -> bool:
    try:
        return bool(urlsplit(url).scheme)
    except ValueError:          # malformed (`http://[::1`): keep it as printed
        return True


def resolve_links(links: list[dict], base_url: str | None) -> list[dict]:
    """[{text, url}] with relative urls joined to base_url (absolute ones kept as they are)."""
    if not base_url:
        return list(links)
    out = []
    for link in links:
        url = link.get("url") or ""
        if url and not is_absolute(url):
            url = resolve_url(base_url, url)
        out.append({**link, "url": url})
    return out
