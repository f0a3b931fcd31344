"""Patterns compiled by the standard library's `re`, meaning what they meant under `regex`.

A text report's extract reads the grammars' patterns and a few of its own; importing the
third-party `regex` module for them cost ~10 ms of a ~300 ms run, and its compiler is
slower than `re`'s. The engines read `\\s` differently: `re`'s also takes the separators
\\x1c-\\x1f, so `compile` writes `\\s` and `\\S` out as `regex` reads them
(tests/test_rx.py compares every code point, and every pattern of the text path on the
real reports). `\\d` stays `re`'s: `regex` also takes the digits of scripts encoded after
Python 3.11's Unicode (Kawi, Garay, ...), which int() cannot read, so they were no
numbers to us either way. Modules that need what only `regex` has (\\p{Han},
variable-width lookbehind) keep importing it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import AnyStr

# Unicode White_Space, regex's \s: str.isspace() without the separators \x1c-\x1f
_SPACE = "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
# outside [...]: re's class minus (plus) the separators; compiles nearly as fast as \s
_OUTSIDE = {"s": "[^\\S\\x1c-\\x1f]", "S": "[\\S\\x1c-\\x1f]"}
_INSIDE = {"s": _SPACE}


# an escape, or a whole [...] (a `]` right after `[` or `[^` is a literal, as `[` is inside)
_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\\\]])*\]", re.DOTALL)
_ESCAPE = re.compile(r"\\.", re.DOTALL)


def _inside(m: re.Match[str]) -> str:
    esc = m.group()
    if esc == "\\S":
        raise ValueError(f"\\S inside [...] has no spelling in re: {m.string!r}")
    return _SPACE if esc == "\\s" else esc


def _token(m: re.Match[str]) -> str:
    tok = m.group()
    if tok[0] == "[":
        return _ESCAPE.sub(_inside, tok)
    return _OUTSIDE.get(tok[1], tok)


def translate(pattern: str) -> str:
    """`pattern` with \\s and \\S written out as `regex` reads them (\\s inside [...] too)."""
    if "\\s" not in pattern and "\\S" not in pattern:
        return pattern
    return _TOKEN.sub(_token, pattern)


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile with `regex`'s meaning of \\s (see above)."""
    return re.compile(translate(pattern), flags)


def lazy(pattern: AnyStr, flags: int = 0) -> Callable[[], re.Pattern[AnyStr]]:
    """The pattern, compiled when first asked for: a module's patterns for what only some
    documents hold (crawler headers, Markdown rules, page footers) cost the others nothing."""
    @cache
    def compiled() -> re.Pattern[AnyStr]:
        if isinstance(pattern, str):
            return compile(pattern, flags)
        return re.compile(pattern, flags)
    return compiled
