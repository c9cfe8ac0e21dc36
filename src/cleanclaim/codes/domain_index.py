"""The curated domain index: neck and cervical-spine terms a coder (or a patient) would say -> code.

Stands in for the Alphabetic Index in the domain cleanclaim knows best: main terms, subterms, lay
terms and synonyms. The table is data (`data/domain_index.tsv`, with its source and effective date in
the header); this module only reads it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DATA_FILE = "domain_index.tsv"


@dataclass(frozen=True, slots=True)
class DomainTerm:
    term: str  # as a coder would type it: "pinched nerve in the neck"
    code: str  # dotted ICD-10-CM code, with its 7th character where one is needed
    note: str  # where the term sits in the Index, or when to choose another code


def _text() -> str:
    return resources.files("cleanclaim.codes").joinpath("data", DATA_FILE).read_text(encoding="utf-8")


def header() -> dict[str, str]:
    """The `# key: value` lines at the top of the table (source, effective, version, ...)."""
    out: dict[str, str] = {}
    for line in _text().splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        if sep and key.strip() and " " not in key.strip():
            out[key.strip()] = value.strip()
    return out


@lru_cache(maxsize=1)
def domain_terms() -> tuple[DomainTerm, ...]:
    rows: list[DomainTerm] = []
    seen_header = False
    for line in _text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not seen_header:  # the column-name row
            seen_header = True
            continue
        parts = line.split("\t")
        term, code = parts[0].strip(), parts[1].strip()
        note = parts[2].strip() if len(parts) > 2 else ""
        rows.append(DomainTerm(term, code, note))
    return tuple(rows)


def terms_for(code: str) -> list[DomainTerm]:
    """Every domain term that leads to `code` (dotted or not, any case)."""
    want = code.strip().upper().replace(".", "")
    return [t for t in domain_terms() if t.code.replace(".", "") == want]


def fingerprint() -> str:
    """Changes whenever the table does: part of search's cache key."""
    return hashlib.sha1(_text().encode()).hexdigest()[:16]
