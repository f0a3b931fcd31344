"""Word's styles and automatic numbering: the 一、 that numbering.xml adds to a heading.

The displayed number is recomputed from numFmt, lvlText and running counters per list
and level, so the recognizer sees the heading as a reader sees it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_VAL = W + "val"


@dataclass(slots=True)
class _Style:
    name: str = ""
    based_on: str | None = None
    num: tuple[str, int | None] | None = None     # (numId, ilvl or None)


class _Styles:
    def __init__(self, root):
        self.by_id: dict[str, _Style] = {}
        self.default_para: str | None = None
        if root is None:
            return
        for st in root.iterfind(W + "style"):
            sid = st.get(W + "styleId")
            if not sid:
                continue
            s = _Style()
            name = st.find(W + "name")
            s.name = name.get(W_VAL, "") if name is not None else ""
            based = st.find(W + "basedOn")
            s.based_on = based.get(W_VAL) if based is not None else None
            ppr = st.find(W + "pPr")
            if ppr is not None:
                s.num = _num_pr(ppr)
            self.by_id[sid] = s
            if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true", "on"):
                self.default_para = sid

    def chain(self, sid: str | None):
        seen = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            yield self.by_id[sid]
            sid = self.by_id[sid].based_on

    def numbering(self, sid):
        for s in self.chain(sid):
            if s.num is not None:
                return s.num
        return None


def _num_pr(ppr):
    npr = ppr.find(W + "numPr")
    if npr is None:
        return None
    num_id = npr.find(W + "numId")
    ilvl = npr.find(W + "ilvl")
    nid = num_id.get(W_VAL) if num_id is not None else None
    lvl = _int(ilvl.get(W_VAL)) if ilvl is not None else None
    return (nid, lvl) if nid is not None or lvl is not None else None


def _int(v, default=None):
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False
    style: str | None = None        # w:pStyle: the paragraph style this level is linked to


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)     # ilvl -> startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # ilvl -> lvl override


class _Numbering:
    """numbering.xml plus the running counters Word keeps while laying out the text."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}        # abstractNumId -> style id (numStyleLink)
        self.nums: dict[str, _Num] = {}
        self.counters: dict[object, list[int | None]] = {}
        self.styles: _Styles | None = None
        if root is None:
            return
        for an in root.iterfind(W + "abstractNum"):
            aid = an.get(W + "abstractNumId")
            self.abstract[aid] = {_int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in an.iterfind(W + "lvl")}
            link = an.find(W + "numStyleLink")
            if link is not None:
                self.style_link[aid] = link.get(W_VAL)
        for num in root.iterfind(W + "num"):
            nid = num.get(W + "numId")
            aref = num.find(W + "abstractNumId")
            n = _Num(aref.get(W_VAL) if aref is not None else "")
            for ov in num.iterfind(W + "lvlOverride"):
                ilvl = _int(ov.get(W + "ilvl"), 0)
                so = ov.find(W + "startOverride")
                if so is not None:
                    n.starts[ilvl] = _start(so.get(W_VAL))
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    n.levels[ilvl] = _level(lvl)
            self.nums[nid] = n

    def _levels(self, num: _Num) -> dict[int, _Level]:
        aid = num.abstract
        # numStyleLink: the list is defined through a numbering style pointing at another num
        if aid in self.style_link and self.styles is not None:
            linked = self.styles.numbering(self.style_link[aid])
            if linked and linked[0] in self.nums and self.nums[linked[0]].abstract != aid:
                aid = self.nums[linked[0]].abstract
        levels = dict(self.abstract.get(aid, {}))
        levels.update(num.levels)
        return levels

    def level_of_style(self, num_id: str, style_id: str | None) -> int | None:
        """The list level linked to a paragraph style (Heading 2 -> level 1 of an outline list).

        ECMA-376 17.9.23: for numbering that comes from a style, the level whose w:pStyle
        names the style wins over the style's own w:ilvl.
        """
        num = self.nums.get(num_id)
        if num is None or not style_id:
            return None
        for ilvl, lvl in self._levels(num).items():
            if lvl.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter for (list, level) and return the displayed label ('' if none)."""
        num = self.nums.get(num_id)
        if num is None or num_id == "0" or not 0 <= ilvl <= 8:
            return ""
        levels = self._levels(num)
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        # lists sharing an abstract definition continue one another, unless restarted
        key = ("num", num_id) if num.starts else ("abs", num.abstract)
        counts = self.counters.setdefault(key, [None] * 10)

        def start(i):
            return num.starts.get(i, levels[i].start if i in levels else 1)

        for i in range(ilvl):
            if counts[i] is None:
                counts[i] = start(i)
        current = counts[ilvl]
        counts[ilvl] = start(ilvl) if current is None else current + 1
        for i in range(ilvl + 1, len(counts)):
            counts[i] = None
        if lvl.fmt == "bullet":
            return ""

        def sub(m):
            i = int(m.group(1)) - 1
            li = levels.get(i, _Level())
            fmt = "decimal" if (lvl.legal and i != ilvl) else li.fmt
            return format_number(counts[i] if counts[i] is not None else start(i), fmt)
        return re.sub(r"%([1-9])", sub, lvl.text)


def _start(v) -> int:
    return max(0, min(_int(v, 1), 32767))        # Word's own range for list starts


def _level(el) -> _Level:
    lv = _Level()
    st = el.find(W + "start")
    if st is not None:
        lv.start = _start(st.get(W_VAL))
    fmt = el.find(W + "numFmt")
    if fmt is not None:
        lv.fmt = fmt.get(W_VAL) or "decimal"
    txt = el.find(W + "lvlText")
    if txt is not None:
        lv.text = txt.get(W_VAL) or ""
    lv.legal = el.find(W + "isLgl") is not None
    ps = el.find(W + "pStyle")
    lv.style = ps.get(W_VAL) if ps is not None else None
    return lv


_ZH_DIGITS = "〇一二三四五六七八九"
_ZH_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _zh_counting(n: int, digits: str = _ZH_DIGITS, units=("", "十", "百", "千"), big="万") -> str:
    """Chinese counting numerals: 1 一, 10 十, 11 十一, 20 二十, 105 一百〇五."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return _zh_counting(n // 10000, digits, units, big) + big + (
            (digits[0] if n % 10000 < 1000 else "") + _zh_counting(n % 10000, digits, units, big) if n % 10000 else "")
    out: list[str] = []
    zero = False
    for pos in range(3, -1, -1):
        d = n // 10 ** pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + units[pos])
    s = "".join(out)
    if units[1] == "十" and s.startswith("一十"):
        s = s[1:]
    return s


def _letters(n: int, base: str) -> str:
    # Word repeats the letter: 27 -> AA, 28 -> BB
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _enclosed(n: int, first: int, count: int = 20) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def format_number(n: int, fmt: str) -> str:
    """Render counter `n` in Word numFmt `fmt` (unknown formats fall back to decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "koreanCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _zh_counting(n)
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"):
        return "".join(_ZH_DIGITS[int(d)] for d in str(n))
    if fmt in ("chineseLegalSimplified", "japaneseLegal", "ideographLegalTraditional"):
        return _zh_counting(n, _ZH_LEGAL, ("", "拾", "佰", "仟"))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[n - 1] if 1 <= n <= 10 else str(n)
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1] if 1 <= n <= 12 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _enclosed(n, 0x2460)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)                   # decimal, decimalFullWidth, ordinal, cardinalText, ...
