"""Load the template editions (grammars/*.json) and derive what the recognizer needs.

Every edition the grammar folder holds is an edition of the tool: nothing here or in
later layers names one. GOVREPORT_GRAMMARS=<folder> reads another folder (a new edition
under test). Grammars load lazily, once per folder and edition.
"""
from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import re

from . import rx

FREE_FORM = "pre2019"          # the edition of a titled report without template tables
_ITEM_SEP = r"\s*[.．、，,]?\s*"


# Patterns compile on first use: a run reads one edition, and only the labels its text
# path searches (compiling every edition's ~80 patterns up front cost a text report's
# extract a fifth of its start-up).
_compile = cache(rx.compile)


# The classes a text report's extract builds are plain classes with __slots__, not
# dataclasses: a dataclass execs its generated methods at import (~0.5 ms a class).
# They are not changed once built.

class RowRule:
    """A template row: its id, labels and the pattern that finds it in text."""
    __slots__ = ("id", "label", "name", "keywords", "exact", "pattern", "group")

    def __init__(self, id: str, label: str, name: str, keywords: tuple[str, ...], exact: bool, pattern: str,
                 group: str | None = None):
        self.id = id
        self.label = label
        self.name = name                  # short label for messages
        self.keywords = keywords
        self.exact = exact
        self.pattern = pattern            # how the label reads in flattened text, item number included
        self.group = group                # the merged label over this row and its siblings (（三）不予公开)

    def _fields(self) -> tuple:
        return (self.id, self.label, self.name, self.keywords, self.exact, self.pattern, self.group)

    def __eq__(self, other: object) -> bool:       # equal by value, as the dataclass it was
        if not isinstance(other, RowRule):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    @property
    def text(self) -> re.Pattern:
        return _compile(self.pattern)


class Block:
    """A block of table 二: its rows and columns."""
    __slots__ = ("name", "columns", "rows")

    def __init__(self, name: str, columns: tuple[dict, ...], rows: tuple[RowRule, ...]):
        self.name = name
        self.columns = columns
        self.rows = rows


class Grammar:
    """A template edition as its grammar file describes it."""
    __slots__ = ("edition", "markers", "parts", "t2_blocks", "t3_columns", "t3_column_labels", "t3_rows",
                 "t3_single_other", "t3_numbered_labels", "t2_block_start", "t4_groups", "t4_columns",
                 "t4_header_words", "t4_header_row_words", "tables", "names", "rules", "prose_sources")

    def __init__(self, *, edition: str, markers: tuple[str, ...], parts: tuple[dict, ...],
                 t2_blocks: tuple[Block, ...], t3_columns: tuple[str, ...], t3_column_labels: tuple[str, ...],
                 t3_rows: tuple[RowRule, ...], t3_single_other: RowRule, t3_numbered_labels: tuple[str, ...],
                 t2_block_start: str, t4_groups: tuple[str, ...], t4_columns: tuple[str, ...],
                 t4_header_words: tuple[str, ...], t4_header_row_words: tuple[str, ...],
                 tables: dict[str, dict], names: dict[tuple[str, int, str], str], rules: frozenset[str],
                 prose_sources: dict[str, tuple[str, ...]]):
        self.edition = edition
        self.markers = markers
        self.parts = parts
        self.t2_blocks = t2_blocks
        self.t3_columns = t3_columns
        self.t3_column_labels = t3_column_labels
        self.t3_rows = t3_rows
        self.t3_single_other = t3_single_other
        self.t3_numbered_labels = t3_numbered_labels    # labels of 三 printed like part headings (一、本年新收…)
        self.t2_block_start = t2_block_start            # pattern: table 二's first block label in flattened text
        self.t4_groups = t4_groups
        self.t4_columns = t4_columns
        self.t4_header_words = t4_header_words
        self.t4_header_row_words = t4_header_row_words
        self.tables = tables                            # t2/t3/t4 -> name, title, find_words
        self.names = names                  # (table, key segment, id) -> short label for messages
        self.rules = rules                  # ids of the rules (extractor/rules.py) that apply
        self.prose_sources = prose_sources

    @property
    def part_patterns(self) -> tuple[re.Pattern, ...]:
        return _compile_all(tuple(p["pattern"] for p in self.parts))

    def part_content(self, number: int) -> re.Pattern | None:
        """What part `number` says when its heading is not printed as the template's, if the grammar knows."""
        source = next((p.get("content") for p in self.parts if p["number"] == number), None)
        return _compile(source) if source else None

    @property
    def t2_block_pattern(self) -> re.Pattern:
        return _compile(self.t2_block_start)

    @property
    def prose(self) -> dict[str, tuple[re.Pattern, ...]]:
        """Key -> the patterns that read its figure from the prose."""
        return {k: _compile_all(v) for k, v in self.prose_sources.items()}

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
    return RowRule(d["id"], d["label"], _name(d), tuple(d["keywords"]), bool(d.get("exact")),
                   f"{prefix}(?:{d['text']})", d.get("group"))


@cache
def _compile_all(sources: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(_compile(s) for s in sources)


def _name(d: dict) -> str:
    return d.get("name", d["label"])


def _names(raw: dict) -> dict[tuple[str, int, str], str]:
    t2, t3, t4 = raw["t2"], raw["t3"], raw["t4"]
    pairs = ([("t2", 1, r) for b in t2["blocks"] for r in b["rows"]]
             + [("t2", 2, c) for b in t2["blocks"] for c in b["columns"]]
             + [("t3", 1, r) for r in t3["rows"] + [t3["single_other"]]] + [("t3", 2, c) for c in t3["columns"]]
             + [("t4", 1, g) for g in t4["groups"]] + [("t4", 2, c) for c in t4["columns"]])
    return {(t, pos, d["id"]): _name(d) for t, pos, d in pairs}


def folder() -> str:
    """The grammar folder in use: GOVREPORT_GRAMMARS, else the shipped grammars."""
    return os.environ.get("GOVREPORT_GRAMMARS") or str(grammar_dir())


@cache                                  # resolved once: folder() is asked on every look-up
def grammar_dir() -> Path:
    """govreport/grammars/ when installed; the repo's grammars/ next to extractor/ in a working tree."""
    installed = Path(__file__).parent / "grammars"          # the package folder (importlib.resources
    if installed.is_dir():                                   # would cost every run its import)
        return installed
    return Path(__file__).resolve().parent.parent / "grammars"


@cache
def _editions(path: str) -> tuple[str, ...]:
    # newest first: on a tie in detection the newer edition wins
    return tuple(sorted((p.stem for p in Path(path).glob("*.json")), reverse=True))


def editions() -> tuple[str, ...]:
    """Ids of every edition the grammar folder defines."""
    return _editions(folder())


def load(edition: str) -> Grammar:
    return _load(folder(), edition)


@cache
def _load(path: str, edition: str) -> Grammar:
    raw = json.loads((Path(path) / f"{edition}.json").read_text(encoding="utf-8"))
    if raw["edition"] != edition:
        raise ValueError(f"{path}/{edition}.json says edition {raw['edition']!r}: name the file after its edition")
    t2 = tuple(Block(b["block"], tuple(b["columns"]), tuple(_row(r) for r in b["rows"])) for b in raw["t2"]["blocks"])
    return Grammar(
        edition=raw["edition"],
        markers=tuple(raw["markers"]),
        parts=tuple(raw["parts"]),
        t2_blocks=t2,
        t3_columns=tuple(c["id"] for c in raw["t3"]["columns"]),
        t3_column_labels=tuple(c["label"] for c in raw["t3"]["columns"]),
        t3_rows=tuple(_row(r) for r in raw["t3"]["rows"]),
        t3_single_other=_row(raw["t3"]["single_other"]),
        t3_numbered_labels=tuple(raw["t3"]["numbered_labels"]),
        t2_block_start=raw["t2"]["block_start"],
        t4_groups=tuple(g["id"] for g in raw["t4"]["groups"]),
        t4_columns=tuple(c["id"] for c in raw["t4"]["columns"]),
        t4_header_words=tuple(raw["t4"]["header_words"]),
        t4_header_row_words=tuple(raw["t4"]["header_row_words"]),
        tables={t: {k: raw[t][k] for k in ("name", "title", "find_words")} for t in ("t2", "t3", "t4")},
        names=_names(raw),
        rules=frozenset(raw["rules"]),
        prose_sources={k: tuple(v) for k, v in raw.get("prose", {}).items()},
    )


def all_grammars() -> list[Grammar]:
    return [load(e) for e in editions()]


def is_edition(edition: str | None) -> bool:
    """An edition the tool can report: a grammar's, the free-form one, or None (not a report)."""
    return edition is None or edition == FREE_FORM or edition in editions()


# --- what the editions define together ---------------------------------------------------

def layouts() -> dict[str, tuple[str, ...]]:
    """Layout name -> the canonical keys of one edition in template order: each edition,
    and '<edition>-hybrid' when a report may keep the single （六）其他处理 row."""
    return _layouts(folder())


@cache
def _layouts(path: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for g in (_load(path, e) for e in _editions(path)):
        out[g.edition] = tuple(g.keys())
        if g.keys(single_other=True) != g.keys():
            out[f"{g.edition}-hybrid"] = tuple(g.keys(single_other=True))
    return out


def layout_name(edition: str, single_other: bool) -> str:
    """The layout of an edition, or of its hybrid (single （六）其他处理 row) when it has one."""
    hybrid = f"{edition}-hybrid"
    return hybrid if single_other and hybrid in layouts() else edition


def edition_of(layout: str) -> str:
    return layout.removesuffix("-hybrid")


def names() -> dict[tuple[str, int, str], str]:
    """(table, key segment, id) -> the short label messages use, over every edition."""
    return _all_names(folder())


@cache
def _all_names(path: str) -> dict[tuple[str, int, str], str]:
    out: dict[tuple[str, int, str], str] = {}
    for e in reversed(_editions(path)):        # the newest edition's wording wins
        out |= _load(path, e).names
    return out


def table_names() -> dict[str, str]:
    """t2/t3/t4 -> 表二/表三/表四."""
    return {t: d["name"] for t, d in all_grammars()[0].tables.items()}


def find_words() -> dict[str, tuple[str, ...]]:
    """t2/t3/t4 -> the words that tell that table apart, over every edition."""
    return _find_words(folder())


@cache
def _find_words(path: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, dict[str, None]] = {}
    for e in _editions(path):
        for t, d in _load(path, e).tables.items():
            out.setdefault(t, {}).update(dict.fromkeys(d["find_words"]))
    return {t: tuple(ws) for t, ws in out.items()}


def all_keys() -> tuple[str, ...]:
    """Every canonical key of every layout: the export's columns.

    Table by table, the first layout's keys in template order; each later layout's new
    keys of a table stay together, in its order, right after the key that precedes the
    first of them (at the table's end when none does): 2019's table 二 follows 2021's, the single
    （六）其他处理 row sits where the template prints it."""
    return _all_keys(folder())


@cache
def _all_keys(path: str) -> tuple[str, ...]:
    merged: list[str] = []
    for keys in _layouts(path).values():
        seen = set(merged)
        at: int | None = None                    # where this layout's next new key of the table goes
        table = ""
        for i, k in enumerate(keys):
            if k.split(".")[0] != table:
                table, at = k.split(".")[0], None
            if k in seen:
                continue
            if at is None:
                prev = keys[i - 1] if i and keys[i - 1].split(".")[0] == table else None
                ends = [j for j, m in enumerate(merged) if m.split(".")[0] == table]
                at = merged.index(prev) + 1 if prev in seen else (ends[-1] + 1 if ends else len(merged))
            merged.insert(at, k)
            seen.add(k)
            at += 1
    return tuple(merged)
