"""From raw rows to numbers: read aligned cells, split fused runs, keep only what is certain."""
from __future__ import annotations

import itertools

from ..budget import Budget, Spent, unlimited
from ..normalize import THOUSANDS, clean_text, is_value_text, parse_value
from ..report import CellOrigin, CellValue, Finding
from .fused import CellSum, TooMany, agreed, split_run
from .rows import RawRow

MAX_COMBINATIONS = 100_000
SPENT = "本文档的拆分搜索预算已用尽"                # RowResult.note when the document's search budget ran out
UNPLACED = "读取时无法确定该行的数字各在哪一列"   # RowResult.note: numbers whose columns are in doubt


# Plain classes, not dataclasses: a dataclass execs its generated methods at import (see grammar.py).

class RowSpec:
    """What one template row holds: its keys in order and the arithmetic inside it."""
    __slots__ = ("row_id", "keys", "decimals", "signed", "rules")

    def __init__(self, row_id: str, keys: list[str], decimals: tuple[bool, ...], signed: tuple[bool, ...],
                 rules: tuple[CellSum, ...] = ()):
        self.row_id = row_id
        self.keys = keys
        self.decimals = decimals
        self.signed = signed
        self.rules = rules


class RowResult:
    """What reading one template row gave."""
    __slots__ = ("spec", "raw", "candidates", "direct", "split", "note")

    def __init__(self, spec: RowSpec, raw: RawRow | None, candidates: list[tuple] | None = None,
                 direct: list[CellValue] | None = None, split: str | None = None, note: str | None = None):
        self.spec = spec
        self.raw = raw
        self.candidates: list[tuple] = [] if candidates is None else candidates   # possible readings of the row
        self.direct = direct             # cells read one to one
        self.split = split
        self.note = note


def _row_name(r: RowResult) -> str:
    """The row as printed, else its template label (the grammar's); a run over several
    template rows (table 四 read as one line) is named by its table."""
    if r.raw is not None and r.raw.label:
        return r.raw.label
    from ..fields import row_label, table_of        # the data dictionary: only for a message
    rows = list(dict.fromkeys(row_label(k) or "" for k in r.spec.keys))
    if len(rows) == 1 and rows[0]:
        return rows[0]
    return f"表{table_of(r.spec.keys[0]) or ''}"


def _origin(tok) -> CellOrigin | None:
    return CellOrigin(**tok.origin.as_dict()) if tok and tok.origin else None


def _doubt(toks) -> str | None:
    """The reader's doubt about any of the tokens a cell was read from."""
    return next((t.origin.uncertain for t in toks if t.origin and t.origin.uncertain), None)


def cell_pieces(raw: str) -> list[str]:
    """A cell's printed text as value tokens: several when spaces on one line separate
    numbers (`1 0`: two cells whose boundary was lost), else the text itself ([] when
    blank). A line break is not a boundary: a long number wraps in a narrow column."""
    text = raw.strip()
    pieces = clean_text(text).split(" ")
    if len(pieces) > 1 and all(any(ch.isdigit() for ch in p) and parse_value(p).value is not None
                               for p in pieces):
        return pieces
    return [text] if text else []


def read_row(spec: RowSpec, raw: RawRow | None, budget: Budget | None = None) -> RowResult:
    res = RowResult(spec, raw)
    if raw is None:
        return res
    if raw.note:         # the reader could not place the row's cells: never split or guess them
        res.note = raw.note
        return res
    toks = raw.tokens
    n = len(spec.keys)
    if any(t.unread for t in toks):
        return _with_unread(res, toks, n)
    pieces = [cell_pieces(t.raw) for t in toks]
    one_each = all(len(p) <= 1 for p in pieces)    # no cell holds several numbers
    if one_each and (len(toks) == n or raw.aligned):
        parsed = [parse_value(t.raw) for t in toks]
        res.direct = [CellValue(value=p.value, raw=t.raw.strip(), blank=p.blank, origin=_origin(t),
                                uncertain=_doubt((t,)))
                      for p, t in zip(parsed, toks, strict=True)]
        bad = [k for k, p in zip(spec.keys, parsed, strict=True) if p.value is None]
        if bad:      # one cell per column, but some hold text that is not a number
            res.note = "有单元格不是数字"
        return res
    # the splitter cuts digit runs: a thousands separator is not a cut (`1,234`)
    texts = [p.replace(",", "") if THOUSANDS.match(p) else p for ps in pieces for p in ps]
    if not texts or len(texts) > n:
        res.note = f"该行应有 {n} 个数值，读到 {len(texts)} 个"
        return res
    if not all(is_value_text(t) for t in texts):     # a long run is fine: it is split below
        res.note = "有单元格不是数字"
        return res
    try:
        cands = split_run(texts, n, decimals=spec.decimals, signed=spec.signed, rules=spec.rules, budget=budget)
        res.split = "arithmetic" if spec.rules else "unique"
        if not cands and spec.rules:
            # the published row may break its own arithmetic: accept a split that is unique anyway
            cands = split_run(texts, n, decimals=spec.decimals, signed=spec.signed, budget=budget)
            res.split = "unique"
    except TooMany:
        cands = []
        res.note = "拆分方式过多"
    except Spent:
        cands = []
        res.note = SPENT
    res.candidates = cands
    if not cands and not res.note:
        res.note = "这串数字无法拆分成该行的各个单元格"
    return res


def read_rows(specs: list[RowSpec], found: dict[str, RawRow], check, budget: Budget) -> list[RowResult]:
    """Each template row read from the raw row found for it, then settled together."""
    results = [read_row(spec, found.get(spec.row_id), budget) for spec in specs]
    settle(results, check=check, budget=budget)
    return results


def _with_unread(res: RowResult, toks, n: int) -> RowResult:
    """A row with cells the reader could not place: read the others one to one (when the
    row has its n cells) and leave those unknown; never split or shift around them."""
    if len(toks) != n and not (res.raw and res.raw.aligned):
        res.note = UNPLACED
        return res
    res.direct = []
    for t in toks:
        p = parse_value(t.raw)
        res.direct.append(CellValue(value=None if t.unread else p.value, raw=t.raw.strip(),
                                    blank=False if t.unread else p.blank, origin=_origin(t)))
    res.note = UNPLACED
    return res


def settle(results: list[RowResult], check=None, hints: dict[str, float] | None = None,
           budget: Budget | None = None) -> None:
    """Narrow rows with several readings: by prose figures, then by the table's arithmetic."""
    budget = budget or unlimited()
    for r in results:
        if len(r.candidates) > 1 and hints:
            keep = [c for c in r.candidates
                    if all(c[i] == hints[k] for i, k in enumerate(r.spec.keys) if k in hints)]
            if keep and len(keep) < len(r.candidates):
                r.candidates, r.split = keep, "prose"
    open_rows = [r for r in results if len(r.candidates) > 1]
    if not open_rows or check is None:
        return
    sizes = 1
    for r in open_rows:
        sizes *= len(r.candidates)
    if sizes > MAX_COMBINATIONS:
        return
    fixed = {}
    for r in results:
        if r.direct:
            fixed.update({k: c.value for k, c in zip(r.spec.keys, r.direct, strict=True)})
        elif len(r.candidates) == 1:
            fixed.update(dict(zip(r.spec.keys, r.candidates[0], strict=True)))
    # indices of the readings that hold in some combination: sets, so each test is O(1)
    survivors: list[set[int]] = [set() for _ in open_rows]
    try:
        for combo in itertools.product(*(range(len(r.candidates)) for r in open_rows)):
            budget.spend(len(open_rows))
            vals = dict(fixed)
            for r, i in zip(open_rows, combo, strict=True):
                vals.update(zip(r.spec.keys, r.candidates[i], strict=True))
            if check(vals):
                for s, i in zip(survivors, combo, strict=True):
                    s.add(i)
    except Spent:
        for r in open_rows:
            r.note = SPENT            # left ambiguous: the finding says the search stopped
        return
    for r, s in zip(open_rows, survivors, strict=True):
        if s and len(s) < len(r.candidates):
            r.candidates, r.split = [c for i, c in enumerate(r.candidates) if i in s], "arithmetic"


def known(r: RowResult) -> list:
    """The row's values as read (None where a cell is unknown)."""
    if r.direct is not None:
        return [c.value for c in r.direct]
    return agreed(r.candidates) or [None] * len(r.spec.keys)


def emit(results: list[RowResult], values: dict, cells: dict, findings: list[Finding]) -> None:
    for r in results:
        keys = r.spec.keys
        if r.direct is not None:
            for k, c in zip(keys, r.direct, strict=True):
                values[k] = c.value
                cells[k] = c
            if r.note:
                from ..fields import column_label
                bad = [k for k, c in zip(keys, r.direct, strict=True) if c.value is None]
                what = "的数字无法确定属于哪一列（原文表格的行列结构丢失，位置有歧义），不作猜测：" \
                    if r.note == UNPLACED else "有单元格不是数字："
                findings.append(Finding(
                    rule="CELL-UNREADABLE", severity="warning", where=r.spec.row_id,
                    message=f"「{_row_name(r)}」行{what}" + "、".join(
                        f"{column_label(k) or '第 %d 列' % (i + 1)}「{c.raw}」"
                        for i, (k, c) in enumerate(zip(keys, r.direct, strict=False)) if c.value is None),
                    keys=bad))
            continue
        if r.raw is None:
            for k in keys:
                values[k] = None
            continue
        raw_text = " ".join(t.raw.strip() for t in r.raw.tokens)
        origin = _origin(r.raw.tokens[0]) if r.raw.tokens else None
        doubt = _doubt(r.raw.tokens)
        # a scan's run split from cells OCR could not confirm (`431 | 16?` of `431 -16`): the
        # split is over digits that may be misread, and the cells it yields have no reads of
        # their own for the arithmetic to confirm: none is printed
        picked = agreed(r.candidates) if doubt is None else None
        for i, k in enumerate(keys):
            v = picked[i] if picked else None
            values[k] = v
            cells[k] = CellValue(value=v, raw=raw_text, blank=False, origin=origin,
                                 split=(r.split if v is not None else None), uncertain=doubt)
        unknown = [k for k, v in zip(keys, picked or [None] * len(keys), strict=True) if v is None]
        if unknown:
            options = "；".join(" | ".join(str(x) for x in c) for c in r.candidates[:6])
            if len(r.candidates) > 1:
                why = "都符合表格的勾稽关系" if r.spec.rules else "都是合法的数字（该行没有可校验的勾稽关系）"
                if r.split == "prose":
                    why += "，正文提到的数字也无法确定"
                if r.note == SPENT:
                    why += "（本文档的搜索预算已用尽，未能用勾稽关系排除）"
                msg = (f"「{_row_name(r)}」行的数字连在一起（{raw_text}），有 {len(r.candidates)} 种拆分{why}"
                       f"：{options}{'…' if len(r.candidates) > 6 else ''}。无法确定的单元格留空，不作猜测")
                rule = "FUSED-AMBIGUOUS"
            elif r.note == SPENT:
                msg = (f"「{_row_name(r)}」行的数字连在一起（{raw_text}），本文档的拆分搜索预算已用尽，"
                       "未能拆分；相关单元格留空，不作猜测")
                rule = "BUDGET-SPENT"
            elif doubt is not None and r.candidates:
                msg = (f"「{_row_name(r)}」行的数值无法读取（{raw_text}）：扫描件上这些数字未能分到各列，"
                       "且有 OCR 未能确认的读数，不作拆分，相关单元格留空，请核对原件")
                rule = "CELL-UNREADABLE"
            else:
                msg = f"「{_row_name(r)}」行的数值无法读取（{raw_text or '空'}）：{r.note or '无法拆分'}，相关单元格留空"
                rule = "CELL-UNREADABLE"
            findings.append(Finding(rule=rule, severity="warning", where=r.spec.row_id, message=msg,
                                    actual=raw_text or None, keys=unknown))
