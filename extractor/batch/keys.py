"""The canonical cell keys of the template, in export column order.

One place for the key list the CSV/XLSX exports use as columns: the union of the
2021 and 2019 editions in the order of the template's field table fields.tsv
(table 二 of 2021, then 二 of 2019, then 三 and 四, shared by both). The grammars
(grammars/*.json, read through extractor.grammar) are what the recognizer uses;
any key they define beyond this list is appended, so a new key never goes missing
from an export (tests check that today the two agree).
"""
from __future__ import annotations

from functools import lru_cache

_T2_2021 = [
    "t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force",
    "t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force",
    "t2.licensing.decisions", "t2.punishment.decisions", "t2.coercion.decisions",
    "t2.fees.amount",
]
_T2_2019 = [
    "t2.rules.made", "t2.rules.published", "t2.rules.total",
    "t2.normative.made", "t2.normative.published", "t2.normative.total",
    "t2.licensing.prev", "t2.licensing.change",                  # .decisions shared with 2021
    "t2.other_services.prev", "t2.other_services.change", "t2.other_services.decisions",
    "t2.punishment.prev", "t2.punishment.change",
    "t2.coercion.prev", "t2.coercion.change",
    "t2.fees.prev", "t2.fees.change",
    "t2.procurement.items", "t2.procurement.amount",
]
T3_COLUMNS = ["natural", "commercial", "research", "social", "legal", "org_other", "total"]
T3_ROWS = [
    "received", "carried_over", "granted", "partial",
    "denied_secret", "denied_law", "denied_safety", "denied_third_party", "denied_internal",
    "denied_process", "denied_enforcement", "denied_query",
    "unavailable_not_held", "unavailable_no_ready", "unavailable_unclear",
    "rejected_complaint", "rejected_duplicate", "rejected_publication", "rejected_mass",
    "rejected_confirm",
    "other",                                                      # 2019
    "other_no_correction", "other_no_fee", "other_other",         # 2021
    "total", "carried_forward",
]
T4_GROUPS = ["review", "suit_direct", "suit_after_review"]
T4_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]

TEMPLATE_KEYS: tuple[str, ...] = tuple(
    _T2_2021 + _T2_2019
    + [f"t3.{r}.{c}" for r in T3_ROWS for c in T3_COLUMNS]
    + [f"t4.{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS]
)

def grammar_keys() -> list[str]:
    """Every key the installed grammars define (both editions, 2021 with the 2019 single 其他 row too)."""
    from ..grammar import all_grammars
    out: list[str] = []
    for g in all_grammars():
        for single_other in (False, True):
            out += g.keys(single_other)
    return out


@lru_cache(maxsize=1)
def canonical_keys() -> tuple[str, ...]:
    """Every canonical key, template order first, then any extra key the grammars define."""
    keys = list(TEMPLATE_KEYS)
    seen = set(keys)
    for k in grammar_keys():
        if k not in seen:
            seen.add(k)
            keys.append(k)
    return tuple(keys)
