"""Rows as the recognizer sees them, whatever the format: a label and its value tokens."""
from __future__ import annotations

from ..model import Origin

# Plain classes, not dataclasses: a dataclass execs its generated methods at import (see grammar.py).


class ValueToken:
    """A printed value with where it was read."""
    __slots__ = ("raw", "origin", "unread")

    def __init__(self, raw: str, origin: Origin | None, unread: bool = False):
        self.raw = raw               # printed text of the cell or token (may hold several fused cells)
        self.origin = origin
        self.unread = unread         # the reader could not place this cell's text: its value is unknown


class RawRow:
    """One template row found in the document, before its values are read."""
    __slots__ = ("rule_id", "tokens", "aligned", "label", "origin", "note")

    def __init__(self, rule_id: str, tokens: list[ValueToken], aligned: bool, label: str = "",
                 origin: Origin | None = None, note: str | None = None):
        self.rule_id = rule_id
        self.tokens = tokens
        self.aligned = aligned       # True: tokens are exactly the row's cells in template order
        self.label = label
        self.origin = origin
        self.note = note             # why the reader could not place the row's values (they are not split or guessed)

    def replace(self, **changes) -> RawRow:
        """A copy with `changes` (dataclasses.replace, as this was a dataclass)."""
        fields = {name: getattr(self, name) for name in RawRow.__slots__}
        return RawRow(**(fields | changes))
