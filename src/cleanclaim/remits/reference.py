"""Reference tables for remittances: CARC, RARC, group codes, the denial-category mapping and the
preventable mapping. All are curated TSV files in ``data/`` whose ``#`` header names SOURCE and
EFFECTIVE DATE; they are read once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from cleanclaim.scrub.registry import CATEGORIES

__all__ = [
    "DENIAL_CATEGORIES",
    "NOT_DENIAL",
    "SCRUB_CATEGORIES",
    "CodeEntry",
    "carc",
    "rarc",
    "group_code",
    "table_header",
    "load_table",
    "category_rules",
    "preventable_rules",
]

# The fixed vocabulary of shared/docs/contracts.md.
DENIAL_CATEGORIES = (
    "eligibility",
    "authorization",
    "medical_necessity",
    "coding",
    "bundling",
    "missing_information",
    "duplicate",
    "timely_filing",
    "coordination_of_benefits",
    "non_covered",
    "contractual",
    "patient_responsibility",
    "other",
)
NOT_DENIAL = frozenset({"contractual", "patient_responsibility"})

# The scrub finding vocabulary (docs/contracts.md) lives with the rules; a denial is preventable
# when one of these categories covers its cause.
SCRUB_CATEGORIES = CATEGORIES


@dataclass(slots=True, frozen=True)
class CodeEntry:
    code: str
    description: str
    status: str = "active"  # active | retired (CARC); alert | remark (RARC); bearer (group codes)


def _read(name: str) -> tuple[list[str], list[str], list[list[str]]]:
    """(comment lines, column names, rows) of a data table."""
    text = resources.files("cleanclaim.remits").joinpath("data", name).read_text(encoding="utf-8")
    comments: list[str] = []
    columns: list[str] = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            comments.append(line[1:].strip())
        elif not columns:
            columns = line.split("\t")
        else:
            rows.append(line.split("\t"))
    return comments, columns, rows


@cache
def load_table(name: str) -> tuple[list[str], tuple[dict[str, str], ...]]:
    comments, columns, rows = _read(name)
    return comments, tuple(dict(zip(columns, r, strict=False)) for r in rows)


def table_header(name: str) -> dict[str, str]:
    """SOURCE / EFFECTIVE DATE of a data table, for reports and tests."""
    comments, _ = load_table(name)
    out: dict[str, str] = {}
    for c in comments:
        for key in ("SOURCE", "EFFECTIVE DATE"):
            if c.startswith(key + ":"):
                out[key.lower().replace(" ", "_")] = c.split(":", 1)[1].strip()
    return out


@cache
def _catalogue(name: str, status_col: str) -> dict[str, CodeEntry]:
    _, rows = load_table(name)
    return {r["code"]: CodeEntry(r["code"], r["description"], r.get(status_col, "")) for r in rows}


def carc(code: str) -> CodeEntry | None:
    return _catalogue("carc.tsv", "status").get(code.strip().upper())


def rarc(code: str) -> CodeEntry | None:
    return _catalogue("rarc.tsv", "kind").get(code.strip().upper())


def group_code(code: str) -> CodeEntry | None:
    return _catalogue("group_codes.tsv", "who_bears_it").get(code.strip().upper())


@cache
def category_rules() -> dict[tuple[str, str, str], tuple[str, bool | None]]:
    """(carc, group, rarc) -> (category, denial override); '*' is a wildcard."""
    _, rows = load_table("denial_categories.tsv")
    out: dict[tuple[str, str, str], tuple[str, bool | None]] = {}
    for r in rows:
        flag = r.get("denial", "-")
        out[(r["carc"], r["group"], r["rarc"])] = (
            r["category"],
            True if flag == "yes" else False if flag == "no" else None,
        )
    return out


@cache
def preventable_rules() -> dict[tuple[str, str], tuple[tuple[str, ...], str]]:
    """(carc, rarc) -> (scrub categories, note); rarc '*' is a wildcard."""
    _, rows = load_table("preventable.tsv")
    return {
        (r["carc"], r["rarc"]): (tuple(c.strip() for c in r["scrub_categories"].split(",")), r["note"])
        for r in rows
    }
