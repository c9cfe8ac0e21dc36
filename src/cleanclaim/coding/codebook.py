"""Code-set access for the coder: official titles, validity and Excludes1 from `cleanclaim.codes` when
it is available, with the domain tables in data/domain_codes.yaml as the fallback."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def domain() -> dict[str, Any]:
    text = resources.files("cleanclaim.coding").joinpath("data", "domain_codes.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    if "source" not in data or "effective_date" not in data:
        raise ValueError("coding/data/domain_codes.yaml: missing source / effective_date header")
    return data


@cache
def _codeset() -> Any:
    try:
        from cleanclaim.codes import get_codeset

        return get_codeset()
    except Exception:  # noqa: BLE001 - the coder still works from its own tables
        return None


def description(code: str) -> str:
    cs = _codeset()
    if cs is not None:
        text = cs.description(code)
        if text:
            return str(text)
    return str(domain()["descriptions"].get(code, ""))


def is_billable(code: str, on: date | None) -> bool | None:
    cs = _codeset()
    if cs is None:
        return None
    try:
        return bool(cs.is_billable(code, on or date.today()))
    except Exception:  # noqa: BLE001
        return None


def excludes1_conflict(a: str, b: str) -> str | None:
    """The Excludes1 note text when a and b may never be reported together."""
    hit = excludes1_owner(a, b)
    return hit[1] if hit else None


def excludes1_owner(a: str, b: str) -> tuple[str, str] | None:
    """(the code whose Excludes1 note names the other, the note) or None. The owner is the less specific
    of the pair (M54.2 excludes M50.-; M43.6 excludes G24.3), so it is the one to drop."""
    cs = _codeset()
    if cs is not None:
        hit = cs.excludes1_conflict(a, b)
        if hit is None:
            return None
        owner = str(getattr(hit, "owner", "") or "").replace(".", "").upper()
        na, nb = a.replace(".", "").upper(), b.replace(".", "").upper()
        owned = a if na.startswith(owner) and owner else b if nb.startswith(owner) and owner else a
        shown = cs.dotted(owner) if owner else ""
        return owned, f"{shown} Excludes1: {getattr(hit, 'note', '')}".strip()
    for x, y in domain()["excludes1_fallback"]:
        for p, q in ((a, b), (b, a)):
            if p.startswith(x) and q.startswith(y):
                return p, f"{x} Excludes1: {y}"
    return None
