"""Text normalization shared by every reader and the recognizer."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Chromium-printed PDFs map CJK glyphs to Kangxi / supplement radicals. NFKC maps the
# Kangxi block to traditional forms (⼾ -> 戶), so simplified forms are listed here first.
_RADICAL_OVERRIDES = {
    "⼾": "户", "⾨": "门", "⾧": "长", "⾺": "马", "⾵": "风", "⾶": "飞", "⾙": "贝", "⾞": "车",
    "⾒": "见", "⾴": "页", "⿂": "鱼", "⿃": "鸟", "⿆": "麦", "⿈": "黄", "⿑": "齐", "⿒": "齿",
    "⿓": "龙", "⿔": "龟", "⾱": "韦", "⾓": "角", "⾔": "言", "⻓": "长", "⻔": "门", "⺠": "民",
    "⻆": "角", "⺟": "母", "⻄": "西", "⻅": "见", "⻋": "车", "⻉": "贝", "⻚": "页", "⻛": "风",
    "⻜": "飞", "⻢": "马", "⻥": "鱼", "⻦": "鸟", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿",
    "⻰": "龙", "⻳": "龟", "⺁": "厂", "⺇": "几", "⺌": "小", "⺕": "彐", "⺤": "爪", "⺮": "竹",
    "⺶": "羊", "⻊": "足", "⻌": "辶", "⻏": "阝", "⻖": "阝", "⻈": "讠", "⻐": "钅", "⻘": "青",
    "⻝": "食", "⺧": "牛", "⺩": "王", "⺫": "目", "⺬": "示", "⺯": "糸", "⺰": "纟", "⺻": "聿",
    "⻁": "虎", "⻂": "衤", "⻃": "覀", "⻍": "辶", "⻑": "長", "⻒": "镸", "⻗": "雨", "⻙": "韦",
    "⻤": "鬼", "⺀": "冫", "⺅": "亻", "⺉": "刂", "⺡": "氵", "⺘": "扌", "⺖": "忄",
    "⺗": "心", "⺝": "月", "⺊": "卜",
}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x2F00, 0x2FD6):                      # Kangxi radicals
        ch = chr(cp)
        table[cp] = _RADICAL_OVERRIDES.get(ch) or unicodedata.normalize("NFKC", ch)
    for ch, to in _RADICAL_OVERRIDES.items():
        table[ord(ch)] = to
    for cp in range(0xFF10, 0xFF1A):                      # full-width digits
        table[cp] = chr(cp - 0xFEE0)
    for cp in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):   # letters
        table[cp] = chr(cp - 0xFEE0)
    table.update({
        0xFF0E: ".", 0xFF05: "%", 0xFF0B: "+", 0xFF0D: "-", 0xFF0F: "/", 0xFF1D: "=",
        ord("("): "（", ord(")"): "）", 0xFF3B: "[", 0xFF3D: "]",
        0x00A0: " ", 0x3000: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x202F: " ",
        0x200B: "", 0x200C: "", 0x200D: "", 0xFEFF: "", 0x00AD: "", 0x3164: "",
        ord("\r"): "\n", ord("\t"): " ", ord("\x0b"): "\n", ord("\x0c"): "\n",
    })
    return table


_TABLE = _build_table()
_SPACES = re.compile(r"[ \u2000-\u200a]+")
_CJK_PUNCT = frozenset("（）、，。：；“”《》〈〉")
_WHITESPACE = re.compile(r"\s+")


def _cjk(ch: str) -> bool:
    # compared, not a [\u3400-\u9fff…] class: re spends ~2.5 ms filling such a class's bitmap
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch in _CJK_PUNCT


def han_count(text: str) -> int:
    """How many Chinese characters (CJK ideographs, extension A on) `text` holds."""
    return sum("\u3400" <= ch <= "\u9fff" for ch in text)


def drop_cjk_gaps(s: str) -> str:
    """Remove whitespace between two CJK characters (layout or OCR word gaps, not content):
    each whole run of whitespace with a CJK character on either side."""
    def gap(m: re.Match[str]) -> str:
        start, end = m.span()
        return "" if 0 < start and end < len(s) and _cjk(s[start - 1]) and _cjk(s[end]) else m.group()
    return _WHITESPACE.sub(gap, s)


def clean_text(s: str) -> str:
    """Map full-width forms and radicals, fold runs of spaces, keep line breaks."""
    s = s.translate(_TABLE)
    s = _SPACES.sub(" ", s)
    return s


def clean_spaced(s: str) -> str:
    """clean_text keeping runs of spaces: a `pdftotext -layout` table row keeps its columns."""
    return s.translate(_TABLE)


@lru_cache(maxsize=8192)   # cells repeat a lot ("0", labels of merged cells)
def clean_cell(s: str) -> str:
    """A table cell: clean_text, then drop whitespace inside CJK runs and at the ends."""
    s = clean_text(s).strip()
    if not s:
        return s
    s = drop_cjk_gaps(s)
    return re.sub(r"\s+", " ", s)


_PUNCT = re.compile(r"[\s（）()、，,。.．:：;；“”\"'《》〈〉\[\]【】\-—_/／·•]+")


@lru_cache(maxsize=8192)
def label_key(s: str) -> str:
    """A label reduced to its characters: what grammar aliases are matched against."""
    return _PUNCT.sub("", clean_text(s))


BLANK_MARKS = {"", "—", "——", "-", "--", "–", "/", "／", "无", "\\", "－", "一"}
_UNIT = re.compile(r"(万元|亿元|元|件|个|项|条|宗|次|人次|%)$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# a float holds 15 significant digits exactly, and no count or amount of a report comes near
# them: a longer number is a misread or a hostile cell (a 400-digit float is inf, a
# 4,300-digit int raises), read as unreadable instead
MAX_DIGITS = 15


class ParsedValue:
    """A cell's text read as a number. A plain class, not a dataclass (see grammar.py);
    not changed once built (parse_value caches them)."""
    __slots__ = ("value", "blank", "unit", "too_long")

    def __init__(self, value: int | float | None, blank: bool = False, unit: str | None = None,
                 too_long: bool = False):
        self.value = value             # None: the text is not a number
        self.blank = blank             # printed as blank / dash / 无: read as 0
        self.unit = unit
        self.too_long = too_long       # digits past MAX_DIGITS: a number, but not one we can hold


@lru_cache(maxsize=8192)
def parse_value(text: str) -> ParsedValue:
    """Read one count or amount cell. Blank marks read as 0 with blank=True."""
    s = clean_cell(text).replace(" ", "")
    if s in BLANK_MARKS:
        return ParsedValue(0, True)
    unit = None
    m = _UNIT.search(s)
    if m and m.start() > 0:
        unit, s = m.group(1), s[: m.start()]
    if THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        # a count in Chinese numerals (十九); a lone 一 stays a dash mark above
        count = chinese_count(s)
        return ParsedValue(count if count is None or count < 10 ** MAX_DIGITS else None, False, unit)
    if len(s.lstrip("+-").split(".")[0].lstrip("0")) > MAX_DIGITS:
        return ParsedValue(None, False, unit, too_long=True)
    if "." in s:
        return ParsedValue(float(s), False, unit)
    digits = s.lstrip("+-").lstrip("0") or "0"       # 20,000 leading zeros are still a small number
    return ParsedValue(-int(digits) if s.startswith("-") else int(digits), False, unit)


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"^[〇零一二两三四五六七八九十百千万]+$")


def chinese_count(s: str) -> int | None:
    """A count printed in Chinese numerals (十九, 二百零三), or None when `s` is not one.

    Only the counting form: a digit is followed by a unit or ends the number, so runs
    like 二二 or 二〇二四 (a year) are not counts."""
    if not _CN_NUMBER.match(s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None                       # two digits in a row: not a count
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:                                     # 万
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def is_value_text(text: str) -> bool:
    """True when a cell holds a number (however long: fused cells) or a blank mark (not a label)."""
    p = parse_value(text)
    return p.value is not None or p.too_long


# Running prose: a figure and its subject may be cut by a line break anywhere (a PDF
# wraps lines inside words, 受理政府信\n息公开申请; a paragraph may end mid-clause)
_BREAKS = re.compile(r"[ \t]*\n\s*")


def running_text(text: str) -> str:
    """Prose with its line breaks (and the spaces around them) removed, for matching phrases."""
    return _BREAKS.sub("", text)
