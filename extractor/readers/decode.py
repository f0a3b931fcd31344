"""Bytes to str for text-like formats: BOM, declared charset, then detection."""
from __future__ import annotations

import codecs
import logging
import warnings

import re

from .. import rx

# UnicodeDammit logs "Some characters could not be decoded" through logging's last-resort
# handler, i.e. straight to stderr; the replacement characters are judged by the readers
logging.getLogger("bs4.dammit").setLevel(logging.CRITICAL)

_META = rx.lazy(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML = rx.lazy(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
# gb2312/gbk pages routinely hold characters only GBK or GB18030 define
_WIDEN = {"gb2312": "gb18030", "gb_2312-80": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
          "big5": "big5hkscs", "iso-8859-1": "cp1252", "latin-1": "cp1252"}


def codec_name(name: str) -> str:
    """A declared charset as the Python codec to decode with ('' when unknown)."""
    name = name.strip().lower()
    if name in _WIDEN:
        return _WIDEN[name]
    try:
        info = codecs.lookup(name)
    except LookupError:
        return ""
    # `undefined` always raises, `rot13`/`zlib` are no text encodings: a page naming them is wrong
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        return ""
    name = info.name
    return _WIDEN.get(name, _WIDEN.get(name.replace("_", "-"), name))


def decode(data: bytes, *, declared: bool = False) -> tuple[str, str]:
    """(text, encoding used). `declared`: look for an HTML/XML charset declaration."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace"), enc
    tried = []
    if declared:
        m = _META().search(data[:4096]) or _XML().search(data[:512])
        if m:
            enc = codec_name(m.group(1).decode("ascii", "ignore"))
            if enc:
                tried.append(enc)
    for enc in tried + ["utf-8", "gb18030"]:
        try:
            return data.decode(enc), enc
        except (UnicodeError, LookupError):
            continue
    from bs4.dammit import UnicodeDammit   # detection is the slow path; only when the rest failed
    with warnings.catch_warnings():       # "Some characters could not be decoded": never on stderr
        warnings.simplefilter("ignore")
        dammit = UnicodeDammit(data, ["utf-8", "gb18030", "big5"])
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup, dammit.original_encoding or "unknown"
    return data.decode("utf-8", "replace"), "utf-8"
