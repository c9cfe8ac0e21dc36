"""CMS place-of-service codes (two digits, 01-99) for professional claims.

The table (`data/place_of_service.tsv`) lists every code 01-99, each active with its name or
unassigned, with source and effective date in its header.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cleanclaim.codes.procedures import load_tsv


@dataclass(frozen=True, slots=True)
class PlaceOfService:
    code: str
    name: str
    active: bool  # False: a number CMS has not assigned


@lru_cache(maxsize=1)
def _places() -> dict[str, PlaceOfService]:
    return {row["code"]: PlaceOfService(row["code"], row["name"], row["status"] == "active")
            for row in load_tsv("place_of_service.tsv")[1]}


def normalize_pos(code: str | int | None) -> str | None:
    """Two-digit form: " 11 " and 11 give "11", "1" gives "01"; None when not one or two digits."""
    text = str(code).strip() if code is not None else ""
    if not text.isdigit() or not 1 <= len(text) <= 2:
        return None
    return text.zfill(2)


def place_of_service(code: str | int | None) -> PlaceOfService | None:
    """The POS entry for `code` (active or unassigned), or None when it is not a POS code at all."""
    norm = normalize_pos(code)
    return _places().get(norm) if norm else None


def is_valid_pos(code: str | int | None) -> bool:
    """An active (assigned) CMS place-of-service code."""
    entry = place_of_service(code)
    return bool(entry and entry.active)


def all_places() -> list[PlaceOfService]:
    return list(_places().values())
