"""keyglob.matches reads a glob as fnmatch.fnmatchcase does, over the canonical keys."""
from __future__ import annotations

import fnmatch
import random

from govreport.grammar import all_keys
from govreport.keyglob import matches, select


def test_globs_match_the_keys_fnmatch_matches():
    rng = random.Random(11)
    keys = list(all_keys()) + ["".join(rng.choice("at3._bcx") for _ in range(rng.randint(0, 9))) for _ in range(200)]
    globs = ["t*", "t2.*.change", "t3.denied_*.total", "t3.other*.social", "*", "**", "t3.*.*", "a*b*c", "t3.?",
             "t[23].x", "", "t3.granted.total"]
    globs += ["".join(rng.choice("at3.*_bcx?") for _ in range(rng.randint(0, 7))) for _ in range(1000)]
    mismatched = [(k, g) for g in globs for k in keys if matches(k, g) != fnmatch.fnmatchcase(k, g)]
    assert mismatched == []
    for some in (globs[:3], globs[12:40], ["t3.?", "t*.total"]):
        assert select(tuple(keys), some) == [k for k in keys if any(fnmatch.fnmatchcase(k, g) for g in some)]
    assert sum(matches(k, "t3.denied_*.total") for k in all_keys()) >= 7      # the rules' globs do select keys
