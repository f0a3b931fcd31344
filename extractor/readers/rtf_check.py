"""Refuse RTF that would hold LibreOffice for minutes, before LibreOffice sees it.

LibreOffice's RTF import slows down far faster than the input grows on these shapes
(measured with soffice 7 on a shared 2-core machine; a real report converts in ~3 s):

- a long stretch of control words or escaped characters (`\\b\\b\\b…`, `\\u20307?…`,
  `\\'d2\\'bb…`) with no group brace or paragraph end between them: 2,000 escaped
  characters take ~5 s, 5,000 ~17 s, 10,000 ~47 s, 20,000 more than a minute;
- many escaped characters in one paragraph even when groups split them
  (`{\\u20307?}` 20,000 times: ~8 s; 80,000 between font tables: over 30 s);
- deep nesting of destination groups (`{\\fonttbl{\\fonttbl…` 20,000 deep: ~40 s);
- a `\\binN` claiming more bytes than the file holds (it waits for them).

One pass over the braces and paragraph ends (the text between them is counted, not
tokenized) measures the longest stretch, the fullest paragraph and the depth; ignorable destinations
(`{\\*\\rsidtbl …}`), which LibreOffice skips quickly, are not counted. The limits sit
far above real reports (LibreOffice's own RTF of our fixtures: stretches of ~400, depth 5,
paragraphs of a few hundred escaped characters).
"""
from __future__ import annotations

import re

from ..errors import ReadError
from ..limits import Limits, refuse

# a group brace or a control word that ends a paragraph or a table cell
_BREAK = re.compile(rb"[{}]|\\(?:par|sect|page|cell|row|nestcell|nestrow)(?![a-zA-Z])")
_UNICODE = re.compile(rb"\\u-?\d")       # \uN (not \ul, \uc, \up: other control words)
_BIN = re.compile(rb"\\bin(\d{1,12})")


def check_rtf(data: bytes, limits: Limits) -> None:
    """ReadError for RTF that would stall LibreOffice (see module doc); else nothing."""
    for m in _BIN.finditer(data):
        if int(m.group(1)) > len(data) - m.end():
            raise ReadError(f"damaged RTF: a \\bin block claims {int(m.group(1)):,} bytes, more than the file holds",
                            "open it in Word/WPS and save it again")
    depth, stretch, paragraph = rtf_shape(data)
    if depth > limits.rtf_depth:
        raise refuse(f"RTF groups nested {depth:,} deep", "rtf_depth", limits.rtf_depth)
    if stretch > limits.rtf_run:
        raise refuse(f"an RTF stretch of {stretch:,} control words and escaped characters without a "
                     "paragraph or group break (LibreOffice would take minutes)", "rtf_run", limits.rtf_run)
    if paragraph > limits.rtf_paragraph:
        raise refuse(f"an RTF paragraph of {paragraph:,} escaped characters (LibreOffice would take minutes)",
                     "rtf_paragraph", limits.rtf_paragraph)


def rtf_shape(data: bytes) -> tuple[int, int, int]:
    """(deepest group nesting, longest stretch of control words and escaped characters
    between two breaks, most escaped characters in one paragraph). A stretch counts its
    backslashes, a `\\'xx` pair (one double-byte character) as one: the cost follows
    characters, not bytes."""
    depth = deepest = longest = most = chars = 0
    skipping = 0            # depth of the ignorable destination being skipped, 0: none
    start = 0
    for m in _BREAK.finditer(data):
        if not skipping:
            longest = max(longest, _stretch(data, start, m.start()))
            chars += _escaped(data, start, m.start())
            most = max(most, chars)
        start = m.end()
        brace = m.group()
        if brace not in (b"{", b"}"):
            chars = 0                                   # a paragraph (or cell) ends
        elif brace == b"{":
            depth += 1
            deepest = max(deepest, depth)
            if not skipping and data.startswith(b"\\*", start):
                skipping = depth
        elif brace == b"}":
            if skipping == depth:
                skipping = 0
            depth = max(0, depth - 1)
    if not skipping:
        longest = max(longest, _stretch(data, start, len(data)))
        most = max(most, chars + _escaped(data, start, len(data)))
    return deepest, longest, most


def _stretch(data: bytes, start: int, end: int) -> int:
    return data.count(b"\\", start, end) - data.count(b"\\'", start, end) // 2


def _escaped(data: bytes, start: int, end: int) -> int:
    """Characters written as \\uN or as \\'xx pairs (one double-byte character each)."""
    return len(_UNICODE.findall(data, start, end)) + data.count(b"\\'", start, end) // 2
