"""Refuse RTF that would hold LibreOffice for minutes, before LibreOffice sees it.

LibreOffice's RTF import slows down far faster than the input grows on three shapes
(measured with soffice 7 on a shared 2-core machine; a real report converts in ~3 s):

- a long stretch of control words or escaped characters (`\\b\\b\\b…`, `\\u20307?…`,
  `\\'d2\\'bb…`) with no group brace or paragraph end between them: 2,000 escaped
  characters take ~5 s, 5,000 ~17 s, 10,000 ~47 s, 20,000 more than a minute;
- deep nesting of destination groups (`{\\fonttbl{\\fonttbl…` 20,000 deep: ~40 s);
- a `\\binN` claiming more bytes than the file holds (it waits for them).

One pass over the braces and paragraph ends (the text between them is counted, not
tokenized) measures the longest stretch and the depth; ignorable destinations
(`{\\*\\rsidtbl …}`), which LibreOffice skips quickly, are not counted. The limits sit
far above real reports (LibreOffice's own RTF of our fixtures: stretches of ~400, depth 5).
"""
from __future__ import annotations

import re

from ..errors import ReadError
from ..limits import Limits, refuse

# a group brace or a control word that ends a paragraph or a table cell
_BREAK = re.compile(rb"[{}]|\\(?:par|sect|page|cell|row|nestcell|nestrow)(?![a-zA-Z])")
_BIN = re.compile(rb"\\bin(\d{1,12})")


def check_rtf(data: bytes, limits: Limits) -> None:
    """ReadError for RTF that would stall LibreOffice (see module doc); else nothing."""
    for m in _BIN.finditer(data):
        if int(m.group(1)) > len(data) - m.end():
            raise ReadError(f"damaged RTF: a \\bin block claims {int(m.group(1)):,} bytes, more than the file holds",
                            "open it in Word/WPS and save it again")
    depth, stretch = rtf_shape(data)
    if depth > limits.rtf_depth:
        raise refuse(f"RTF groups nested {depth:,} deep", "rtf_depth", limits.rtf_depth)
    if stretch > limits.rtf_run:
        raise refuse(f"an RTF stretch of {stretch:,} control words and escaped characters without a "
                     "paragraph or group break (LibreOffice would take minutes)", "rtf_run", limits.rtf_run)


def rtf_shape(data: bytes) -> tuple[int, int]:
    """(deepest group nesting, longest stretch of control words and escaped characters
    between two breaks). A stretch counts its backslashes, a `\\'xx` pair (one
    double-byte character) as one: the cost follows characters, not bytes."""
    depth = deepest = longest = 0
    skipping = 0            # depth of the ignorable destination being skipped, 0: none
    start = 0
    for m in _BREAK.finditer(data):
        if not skipping:
            longest = max(longest, _stretch(data, start, m.start()))
        start = m.end()
        brace = m.group()
        if brace == b"{":
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
    return deepest, longest


def _stretch(data: bytes, start: int, end: int) -> int:
    return data.count(b"\\", start, end) - data.count(b"\\'", start, end) // 2
