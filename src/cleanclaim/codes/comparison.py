"""The neck-pain comparison table: when M54.2 is right, and what to code instead.

Data lives in `data/neck_comparison.yaml` (source and effective date in its header). A row stands
for one code or, with `match`, a code family ("M50.1*": every level of disc disorder with
radiculopathy). `comparison_for(code)` returns the whole table for any code in it, the asked-for
row first, so a coder looking at one code sees its neighbours.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

DATA_FILE = "neck_comparison.yaml"


def _bare(code: str) -> str:
    return code.strip().upper().replace(".", "")


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    text = resources.files("cleanclaim.codes").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    # libyaml's loader when present: the table is read on every `lookup` start-up
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _pattern(row: dict[str, Any]) -> str:
    return _bare(row.get("match") or row["code"].rstrip("-"))


def _row_matches(row: dict[str, Any], bare: str) -> bool:
    pattern = _pattern(row)
    return fnmatchcase(bare, pattern) if "*" in pattern else bare == pattern


def table_info() -> dict[str, str]:
    """Source, effective date and version of the table."""
    t = _table()
    return {k: str(t.get(k, "")) for k in ("source", "effective_date", "version")}


def _as_dict(row: dict[str, Any], selected: bool) -> dict[str, Any]:
    return {"code": row["code"], "condition": row["condition"], "when_used": row["when_used"].strip(),
            "when_not_used": row["when_not_used"].strip(), "selected": selected}


def comparison_for(code: str) -> list[dict[str, Any]] | None:
    """The comparison rows when `code` (dotted or not, any case) is in the table, else None.

    Each row: code, condition, when_used, when_not_used, selected (True for the asked-for row,
    which comes first; the others follow in table order)."""
    if not code or not code.strip():
        return None
    bare = _bare(code)
    rows = _table()["rows"]
    hit = next((i for i, row in enumerate(rows) if _row_matches(row, bare)), None)
    if hit is None:
        return None
    ordered = [rows[hit]] + [row for i, row in enumerate(rows) if i != hit]
    return [_as_dict(row, i == 0) for i, row in enumerate(ordered)]


def compared_codes() -> list[str]:
    """The codes (or code families, ending in "-") the table covers, in table order."""
    return [row["code"] for row in _table()["rows"]]
