"""CARC (+ group, + RARC) -> denial category, and whether an adjustment is a real denial.

CO-45 (fee schedule write-off) and PR-1/2/3 (deductible, coinsurance, copay) are expected adjustments,
never denials. Everything in a denial category (eligibility ... other) is a denial unless the mapping
table says otherwise (e.g. OA-23, the prior payer's share on a secondary claim).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cleanclaim.remits.reference import NOT_DENIAL, category_rules, preventable_rules

__all__ = ["Categorised", "categorise", "preventable_by"]


@dataclass(slots=True, frozen=True)
class Categorised:
    category: str
    denial: bool
    rarc: str | None  # the remark code that decided (or refined) the category, if any


def categorise(group: str, carc: str, remarks: Iterable[str] = ()) -> Categorised:
    """Category of one adjustment given its group, CARC and the remark codes that accompany it."""
    return _categorise(group.strip().upper(), carc.strip().upper(), tuple(remarks))


@lru_cache(maxsize=8192)
def _categorise(group: str, carc: str, remarks: tuple[str, ...]) -> Categorised:
    rules = category_rules()
    hit = None
    used_rarc = None
    for r in remarks:
        hit = rules.get((carc, group, r)) or rules.get((carc, "*", r))
        if hit:
            used_rarc = r
            break
    if hit is None:
        hit = rules.get((carc, group, "*")) or rules.get((carc, "*", "*"))
    if hit is None:
        category, override = "other", None
    else:
        category, override = hit
    denial = (category not in NOT_DENIAL) if override is None else override
    return Categorised(category, denial, used_rarc)


@lru_cache(maxsize=8192)
def _preventable(carc: str, remarks: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    rules = preventable_rules()
    for r in remarks:
        hit = rules.get((carc, r))
        if hit:
            return hit
    return rules.get((carc, "*"))


def preventable_by(carc: str, remarks: Iterable[str] = ()) -> tuple[tuple[str, ...], str] | None:
    """Scrub finding categories that cover the cause of this denial (and why), or None."""
    return _preventable(carc.strip().upper(), tuple(remarks))
