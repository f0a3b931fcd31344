"""Rows as the recognizer sees them, whatever the format: a label and its value tokens."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Origin


@dataclass(slots=True, eq=False, repr=False)
class ValueToken:
    """A printed value with where it was read."""
    raw: str                 # printed text of the cell or token (may hold several fused cells)
    origin: Origin | None
    unread: bool = False     # the reader could not place this cell's text: its value is unknown


@dataclass(slots=True, eq=False, repr=False)
class RawRow:
    """One template row found in the document, before its values are read."""
    rule_id: str
    tokens: list[ValueToken]
    aligned: bool            # True: tokens are exactly the row's cells in template order
    label: str = ""
    origin: Origin | None = None
    note: str | None = None  # why the reader could not place the row's values (they are not split or guessed)
