"""The text path's patterns run on stdlib `re` (extractor/rx.py) and match exactly what they
matched under the `regex` module: every code point for the classes rx spells out, and every
pattern of the text path (the grammars' and the modules') over real and generated text."""
from __future__ import annotations

import re
import random
import sys

import pytest
import regex

from conftest import REPO, SHARED
from govreport import grammar, normalize, rx
from govreport.readers import text as text_reader
from govreport.recognize import fused, grid, layout, meta, structure

# every code point a str can hold, surrogates aside, once each
EVERY_CHAR = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def _matched(pattern: re.Pattern | regex.Pattern) -> list[str]:
    return pattern.findall(EVERY_CHAR)


@pytest.mark.parametrize("source", [r"\s", r"\S", r"[^\s，。]", r"[\s（）]", r"[^]\s]", r"a\s*b|\S+"])
def test_rx_reads_each_code_point_as_regex_does(source):
    assert _matched(rx.compile(source)) == _matched(regex.compile(source))


def test_re_alone_would_differ_on_the_information_separators():
    # the reason rx exists: without it, \x1c-\x1f would be spaces to the grammars' patterns
    assert set(_matched(re.compile(r"\s"))) - set(_matched(regex.compile(r"\s"))) == set("\x1c\x1d\x1e\x1f")


def test_a_class_rx_cannot_spell_is_refused_not_misread():
    with pytest.raises(ValueError):
        rx.compile(r"[\S，]")


def _grammar_sources() -> list[str]:
    out = []
    for edition in grammar.editions():
        g = grammar.load(edition)
        rows = [r for b in g.t2_blocks for r in b.rows] + list(g.t3_rows) + [g.t3_single_other]
        out += [r.pattern for r in rows] + [g.t2_block_start]
        out += [p["pattern"] for p in g.parts] + [p["content"] for p in g.parts if p.get("content")]
        out += [s for sources in g.prose_sources.values() for s in sources]
    return list(dict.fromkeys(out))


def _module_patterns() -> list[re.Pattern]:
    found = [v for m in (text_reader, meta, layout, fused, grid, structure) for v in vars(m).values()
             if isinstance(v, re.Pattern) or getattr(v, "__qualname__", "").startswith("lazy.")]
    patterns = [v if isinstance(v, re.Pattern) else v() for v in found]      # rx.lazy's: compiled when asked
    return [p for p in patterns if isinstance(p.pattern, str)]


def _texts() -> list[str]:
    files = sorted(REPO.glob("fixtures/*.txt")) + sorted(REPO.glob("fixtures/*.md"))
    for folder in ("corpus", "corpus/matrix", "seeds"):
        files += sorted((SHARED / folder).glob("*.txt"))
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    # what the separators and the other spaces do between a template's words
    spaces = " \t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2007\u2028\u202f\u3000"
    texts += [f"二{s}、{s}主动公开政府信息情况{s}\n{s}2021{s}年{s}12{s}月{s}31{s}日" for s in spaces]
    texts.append("".join(f"（{i}）本年新收{s}政府信息{s}公开申请数量{s}{i}" for i, s in enumerate(spaces)))
    return texts


def _matches(pattern, text: str) -> list:
    found = [(m.span(), m.groups()) for m in pattern.finditer(text)]
    found += [(i, m.span(), m.groups()) for i, line in enumerate(text.split("\n")) if (m := pattern.search(line))]
    return found


_FLAGS = {re.I: regex.I, re.M: regex.M, re.S: regex.S}


def test_every_text_path_pattern_matches_as_under_regex():
    texts = _texts()
    pairs = [(rx.compile(s), regex.compile(s)) for s in _grammar_sources()]
    for p in _module_patterns():
        flags = sum(r for f, r in _FLAGS.items() if p.flags & f)
        pairs.append((p, regex.compile(p.pattern, flags)))
    assert len(pairs) > 60                        # both editions' rows, parts, prose, and the modules'
    for ours, theirs in pairs:
        for text in texts:
            assert _matches(ours, text) == _matches(theirs, text), (ours.pattern, text[:60])


def test_cjk_gaps_are_the_runs_the_lookaround_pattern_removed():
    # normalize.drop_cjk_gaps compares code points instead of compiling this class (~2.5 ms in re)
    cjk = r"\u3400-\u9fff\uf900-\ufaff（）、，。：；“”《》〈〉"
    pattern = regex.compile(rf"(?<=[{cjk}])\s+(?=[{cjk}])")
    alphabet = list("中文总计（）、，。：；“”《》〈〉a1 \t\n\u3000\xa0") + list("\u33ff\u3400\u9fff\ua000\uf8ff\uf900\ufaff\ufb00")
    rng = random.Random(7)
    for _ in range(20_000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert normalize.drop_cjk_gaps(s) == pattern.sub("", s), repr(s)
