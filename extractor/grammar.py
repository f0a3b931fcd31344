"""Load the template editions (grammars/*.json) and derive what the recognizer needs."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import regex as re

EDITIONS = ("2021", "2019")
_ITEM_SEP = r"\s*[.．、，,]?\s*"


@dataclass(frozen=True, slots=True)
class RowRule:
    id: str
    label: str
    keywords: tuple[str, ...]
    exact: bool
    text: re.Pattern          # how the label reads in flattened text, item number included


@dataclass(frozen=True, slots=True)
class Block:
    name: str
    columns: tuple[dict, ...]
    rows: tuple[RowRule, ...]


@dataclass(frozen=True, slots=True)
class Grammar:
    edition: str
    markers: tuple[str, ...]
    parts: tuple[dict, ...]
    part_patterns: tuple[re.Pattern, ...]
    t2_blocks: tuple[Block, ...]
    t3_columns: tuple[str, ...]
    t3_column_labels: tuple[str, ...]
    t3_rows: tuple[RowRule, ...]
    t3_single_other: RowRule
    t4_groups: tuple[str, ...]
    t4_columns: tuple[str, ...]
    t4_header_words: tuple[str, ...]
    prose: dict = field(default_factory=dict)

    def t3_rows_for(self, single_other: bool) -> tuple[RowRule, ...]:
        """Table 三's rows; a 2021 report may keep the 2019 single （六）其他处理 row (hybrid)."""
        if not single_other or any(r.id == "other" for r in self.t3_rows):
            return self.t3_rows
        out, done = [], False
        for r in self.t3_rows:
            if r.id.startswith("other_"):
                if not done:
                    out.append(self.t3_single_other)
                    done = True
                continue
            out.append(r)
        return tuple(out)

    def keys(self, single_other: bool = False) -> list[str]:
        """Every canonical key of the edition, in template order."""
        ks = [f"t2.{r.id}.{c['id']}" for b in self.t2_blocks for r in b.rows for c in b.columns]
        ks += [f"t3.{r.id}.{c}" for r in self.t3_rows_for(single_other) for c in self.t3_columns]
        ks += [f"t4.{g}.{c}" for g in self.t4_groups for c in self.t4_columns]
        return ks


def _item_prefix(item: str | None) -> str:
    if not item:
        return ""
    core = item.strip("（）()")
    if item.startswith("（"):
        return rf"(?:[（(]\s*{core}\s*[）)]\s*)?"
    return rf"(?:{re.escape(core)}{_ITEM_SEP})?"


def _row(d: dict) -> RowRule:
    prefix = _item_prefix(d.get("item"))
    if d.get("exact"):     # bare words like 其他 / 总计 need their item number in running text
        prefix = prefix[3:-2] if prefix.startswith("(?:") else prefix
    pattern = re.compile(f"{prefix}(?:{d['text']})")
    return RowRule(d["id"], d["label"], tuple(d["keywords"]), bool(d.get("exact")), pattern)


def grammar_dir():
    """govreport/grammars/ when installed; the repo's grammars/ next to extractor/ in a working tree."""
    installed = resources.files(__package__).joinpath("grammars")
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "grammars"


@cache
def load(edition: str) -> Grammar:
    raw = json.loads(grammar_dir().joinpath(f"{edition}.json").read_text(encoding="utf-8"))
    t2 = tuple(Block(b["block"], tuple(b["columns"]), tuple(_row(r) for r in b["rows"])) for b in raw["t2"]["blocks"])
    return Grammar(
        edition=raw["edition"],
        markers=tuple(raw["markers"]),
        parts=tuple(raw["parts"]),
        part_patterns=tuple(re.compile(p["pattern"]) for p in raw["parts"]),
        t2_blocks=t2,
        t3_columns=tuple(c["id"] for c in raw["t3"]["columns"]),
        t3_column_labels=tuple(c["label"] for c in raw["t3"]["columns"]),
        t3_rows=tuple(_row(r) for r in raw["t3"]["rows"]),
        t3_single_other=_row(raw["t3"]["single_other"]),
        t4_groups=tuple(g["id"] for g in raw["t4"]["groups"]),
        t4_columns=tuple(c["id"] for c in raw["t4"]["columns"]),
        t4_header_words=tuple(raw["t4"]["header_words"]),
        prose={k: tuple(re.compile(p) for p in v) for k, v in raw.get("prose", {}).items()},
    )


def all_grammars() -> list[Grammar]:
    return [load(e) for e in EDITIONS]
