"""The data dictionary: every canonical key of every template edition with its table and
the Chinese labels printed in the template, read from the grammars (grammars/*.json).

Used by `govreport fields`, the label row of XLSX/CSV exports and the JSON Schema."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from pathlib import Path

from .grammar import editions, folder

SEP = " / "


@dataclass(frozen=True, eq=False, repr=False)
class Field:
    """A canonical cell key with its editions and Chinese labels (a row of `govreport fields`)."""
    key: str
    editions: tuple[str, ...]      # the template editions that print this cell
    table: str                     # 二, 三 or 四: the part whose table holds it
    row: str                       # the row as printed, with its block or group
    column: str                    # the column as printed

    @property
    def label(self) -> str:
        return f"{self.row}{SEP}{self.column}"

    @property
    def edition(self) -> str:
        """'both' when every edition prints the cell, else the one edition."""
        return "both" if set(self.editions) == set(editions()) else ",".join(self.editions)


def _t3_row_label(row: dict) -> str:
    label = f"{row['item']}.{row['label']}" if row.get("item", "").isdigit() else row["label"]
    group = row.get("group")
    if not group:
        return label
    if group.startswith("（"):                       # a sub-row of （三）/（四）/（五）/（六） under 三
        return f"三{SEP}{group}{SEP}{label}"
    return f"{group}{SEP}{label}"


def _edition_fields(raw: dict) -> list[tuple[str, str, str, str]]:
    """(key, table, row label, column label) of one grammar, template order."""
    out = []
    for block in raw["t2"]["blocks"]:
        for row in block["rows"]:
            for col in block["columns"]:
                out.append((f"t2.{row['id']}.{col['id']}", "二", f"{block['block']}{SEP}{row['label']}", col["label"]))
    for row in raw["t3"]["rows"]:
        for col in raw["t3"]["columns"]:
            out.append((f"t3.{row['id']}.{col['id']}", "三", _t3_row_label(row), col["label"]))
    for group in raw["t4"]["groups"]:
        for col in raw["t4"]["columns"]:
            out.append((f"t4.{group['id']}.{col['id']}", "四", group["label"], col["label"]))
    return out


def fields() -> tuple[Field, ...]:
    """One entry per key and wording: a key printed alike by every edition is one entry, a
    key whose labels differ between editions one per edition. Newest edition's order first."""
    return _fields(folder())


@cache
def _fields(path: str) -> tuple[Field, ...]:
    seen: dict[tuple[str, str, str, str], list[str]] = {}
    for edition in editions():
        raw = json.loads((Path(path) / f"{edition}.json").read_text(encoding="utf-8"))
        for entry in _edition_fields(raw):
            seen.setdefault(entry, []).append(raw["edition"])
    return tuple(Field(key, tuple(eds), table, row, column) for (key, table, row, column), eds in seen.items())


def _by_key() -> dict[str, Field]:
    return {f.key: f for f in reversed(fields())}          # the newest edition's wording wins


def row_label(key: str) -> str | None:
    f = _by_key().get(key)
    return f.row if f else None


def table_of(key: str) -> str | None:
    f = _by_key().get(key)
    return f.table if f else None


def column_label(key: str) -> str | None:
    f = _by_key().get(key)
    return f.column if f else None


def labels() -> dict[str, str]:
    """key -> Chinese label (the newest edition's wording), for a header row under the keys."""
    out: dict[str, str] = {}
    for f in fields():
        out.setdefault(f.key, f.label)
    return out
