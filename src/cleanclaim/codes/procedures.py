"""Procedure code knowledge used by scrub rules: CPT (numbers only) and HCPCS Level II.

CPT descriptors belong to the AMA and are never shipped: `data/cpt_codes.tsv` holds code numbers
with cleanclaim's own category, region and add-on flag. `data/hcpcs_level2.tsv` holds the public CMS
HCPCS Level II codes around neck-pain care with descriptions in our own words. Both tables carry
their source and effective date in the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# CPT: five digits (Category I), or four digits + F (Category II), T (Category III), U (PLA),
# M (administrative MAAA).
_CPT = re.compile(r"^\d{4}[0-9FTUM]$")
# HCPCS Level II: a letter A-V (no F, I, N, O; D codes are CDT dental codes carried in HCPCS) + 4 digits.
_HCPCS = re.compile(r"^[A-EG-HJ-MP-V]\d{4}$")


def load_tsv(name: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A reference table in `codes/data`: (`# key: value` header lines, rows keyed by column name)."""
    text = resources.files("cleanclaim.codes").joinpath("data", name).read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    columns: list[str] | None = None
    rows: list[dict[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep and key.strip() and " " not in key.strip():
                meta.setdefault(key.strip(), value.strip())
            continue
        cells = [c.strip() for c in line.split("\t")]
        if columns is None:
            columns = cells
            continue
        rows.append(dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True)))
    return meta, rows


@dataclass(frozen=True, slots=True)
class Procedure:
    code: str
    kind: str  # "CPT" or "HCPCS"
    category: str
    region: str = "-"  # CPT only: cervical, cervical_thoracic, lumbar_sacral, ...
    add_on: bool = False  # CPT add-on code: reported only with its primary procedure
    description: str = ""  # HCPCS only, our own words (never a CPT descriptor)


def _clean(code: str | None) -> str:
    return (code or "").strip().upper()


def is_cpt_shaped(code: str | None) -> bool:
    """Looks like a CPT code (any category); says nothing about whether it exists."""
    return bool(_CPT.match(_clean(code)))


def is_hcpcs_shaped(code: str | None) -> bool:
    """Looks like a HCPCS Level II code (letter + four digits)."""
    return bool(_HCPCS.match(_clean(code)))


@lru_cache(maxsize=1)
def _procedures() -> dict[str, Procedure]:
    out: dict[str, Procedure] = {}
    for row in load_tsv("cpt_codes.tsv")[1]:
        out[row["code"]] = Procedure(row["code"], "CPT", row["category"], row["region"] or "-",
                                     row["add_on"] == "yes")
    for row in load_tsv("hcpcs_level2.tsv")[1]:
        out[row["code"]] = Procedure(row["code"], "HCPCS", row["category"], description=row["description"])
    return out


def procedure_info(code: str | None) -> Procedure | None:
    return _procedures().get(_clean(code))


def procedure_category(code: str | None) -> str | None:
    """cleanclaim's category for a known procedure code (e.g. "facet_injection"), else None."""
    info = procedure_info(code)
    return info.category if info else None


def known_procedure(code: str | None) -> bool:
    """In cleanclaim's CPT or HCPCS tables (a curated subset: unknown does not mean invalid)."""
    return procedure_info(code) is not None


def is_add_on(code: str | None) -> bool:
    info = procedure_info(code)
    return bool(info and info.add_on)


def codes_in_category(category: str) -> list[str]:
    return sorted(c for c, p in _procedures().items() if p.category == category)
