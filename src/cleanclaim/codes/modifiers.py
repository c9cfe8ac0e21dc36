"""Procedure modifiers (CPT and HCPCS Level II) with short descriptions in our own words.

`ncci` marks the NCCI-associated modifiers: the ones that may bypass a procedure-to-procedure edit
whose modifier indicator is 1 (NCCI Policy Manual, chapter I). Data: `data/modifiers.tsv`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cleanclaim.codes.procedures import load_tsv

# Modifiers that state a side; 50 (bilateral) contradicts a single side on the same line.
LATERALITY = frozenset({"RT", "LT", "50"})
# The X{EPSU} modifiers are more specific forms of 59; payers expect one of them, not both.
X_MODIFIERS = frozenset({"XE", "XS", "XP", "XU"})


@dataclass(frozen=True, slots=True)
class ModifierInfo:
    modifier: str
    description: str
    ncci: bool  # NCCI-associated: can bypass a PTP edit with modifier indicator 1
    group: str  # evaluation, distinct, global_surgery, anatomic, therapy, liability, ...


@lru_cache(maxsize=1)
def _modifiers() -> dict[str, ModifierInfo]:
    return {row["modifier"]: ModifierInfo(row["modifier"], row["description"], row["ncci"] == "yes",
                                          row["group"])
            for row in load_tsv("modifiers.tsv")[1]}


def normalize_modifier(modifier: str | None) -> str:
    return (modifier or "").strip().upper()


def modifier_info(modifier: str | None) -> ModifierInfo | None:
    """What a modifier means, or None when cleanclaim does not know it."""
    return _modifiers().get(normalize_modifier(modifier))


def is_ncci_modifier(modifier: str | None) -> bool:
    info = modifier_info(modifier)
    return bool(info and info.ncci)


def is_modifier_shaped(modifier: str | None) -> bool:
    """Two characters, letters or digits: the shape every CPT / HCPCS modifier has."""
    m = normalize_modifier(modifier)
    return len(m) == 2 and m.isalnum()


def ncci_modifiers() -> list[str]:
    return sorted(m for m, info in _modifiers().items() if info.ncci)
