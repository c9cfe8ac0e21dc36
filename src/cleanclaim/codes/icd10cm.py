"""ICD-10-CM knowledge by date of service, read from the compiled cache.

Start-up cost is one SQLite open; details are read per code on demand. The hot path
(`is_valid` / `is_billable` inside the scrubber) uses a dict of validity masks loaded once.
See `cleanclaim.codes.build` for the effective-date model.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleanclaim.codes.notes import note_matches, parse_refs
from cleanclaim.codes.spelling import dotted, normalize_code

ICD10_START = date(2015, 10, 1)
_NORMALIZED: dict[str, str] = {}  # raw spelling -> normalised code, for the scrubber's hot path


@dataclass(slots=True)
class MceAttributes:
    age_min: int | None = None
    age_max: int | None = None
    sex: str | None = None              # "M" / "F": the only sex the code fits (CMS edits to FY2024)
    manifestation: bool = False         # cannot be first-listed
    external_cause: bool = False        # V00-Y99: never first-listed
    unacceptable_principal: bool = False

    @property
    def age_edit(self) -> str | None:
        if self.age_min is None:
            return None
        if self.age_max == 0:
            return "newborn"
        if self.age_max is not None and self.age_max <= 17:
            return "pediatric"
        if self.age_min >= 9 and (self.age_max or 0) <= 64 and self.age_min <= 15:
            return "maternity" if self.age_min < 15 else "adult"
        return "adult" if self.age_min >= 15 else None

    def age_conflict(self, age: int) -> bool:
        if self.age_min is None:
            return False
        return age < self.age_min or (self.age_max is not None and age > self.age_max)

    def as_dict(self) -> dict[str, Any]:
        return {"age_min": self.age_min, "age_max": self.age_max, "age_edit": self.age_edit,
                "sex": self.sex, "manifestation": self.manifestation,
                "external_cause": self.external_cause,
                "unacceptable_principal": self.unacceptable_principal}


@dataclass(slots=True)
class ExcludesHit:
    owner: str   # the code (or block) whose note forbids the pair
    note: str
    other: str   # the code the note names

    def __str__(self) -> str:
        return f"{dotted(self.owner)} Excludes1: {self.note}"


@dataclass(slots=True)
class CodeEntry:
    """One tabular row, for search indexes."""

    code: str          # dotted
    description: str
    billable: bool
    inclusion_terms: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CodeLookup:
    input: str
    code: str | None
    valid: bool
    billable: bool
    description: str | None
    reason: str | None
    effective_from: date | None = None
    effective_to: date | None = None
    excludes1: list[str] = field(default_factory=list)
    excludes2: list[str] = field(default_factory=list)
    code_first: list[str] = field(default_factory=list)
    use_additional: list[str] = field(default_factory=list)
    seventh_characters: dict[str, str] = field(default_factory=dict)
    inclusion_terms: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    parent: str | None = None
    requires_seventh: bool = False
    mce: MceAttributes | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    excludes1_detail: list[dict[str, Any]] = field(default_factory=list)
    on: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "input": self.input, "code": self.code, "valid": self.valid, "billable": self.billable,
            "description": self.description, "reason": self.reason,
            "effective": {"from": self.effective_from.isoformat() if self.effective_from else None,
                          "to": self.effective_to.isoformat() if self.effective_to else None},
            "excludes1": self.excludes1, "excludes2": self.excludes2,
            "code_first": self.code_first, "use_additional": self.use_additional,
            "seventh_characters": self.seventh_characters,
            "inclusion_terms": self.inclusion_terms,
            "children": [dotted(c) for c in self.children],
            "parent": dotted(self.parent) if self.parent and not _is_group(self.parent) else self.parent,
            "requires_7th_character": self.requires_seventh,
            "mce": self.mce.as_dict() if self.mce else None,
            "history": self.history,
            "excludes1_detail": self.excludes1_detail,
            "date": self.on.isoformat() if self.on else None,
        }


def _is_group(code: str) -> bool:
    """Chapters ("13") and blocks ("M50-M54") are stored under their own names."""
    return code.isdigit() or "-" in code


@dataclass(slots=True)
class _Row:
    code: str
    dotted: str
    description: str | None
    parent: str | None
    kind: str
    leaf: bool
    mask: int
    notes: dict[str, Any]
    children: list[str]


class CodeSet:
    """Read-only ICD-10-CM knowledge (FY2016-FY2027) backed by the compiled SQLite cache."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        meta = dict(self._con.execute("SELECT key, value FROM meta"))
        self.periods: list[date] = [date.fromisoformat(d) for d in json.loads(meta["periods"])]
        self.last_date = date.fromisoformat(meta["last_date"])
        self.sources: dict[str, str] = json.loads(meta["sources"])
        self._masks: dict[str, int] | None = None
        self._rows: dict[str, _Row | None] = {}

    # ---- dates -------------------------------------------------------------------------------
    def period_index(self, on: date) -> int:
        """Index of the release in force on `on`; -1 before ICD-10-CM. Beyond the last known
        release, the newest one applies."""
        return bisect_right(self.periods, on) - 1

    def period_end(self, idx: int) -> date | None:
        return self.periods[idx + 1] - timedelta(days=1) if idx + 1 < len(self.periods) else None

    # ---- hot path ------------------------------------------------------------------------------
    def _load_masks(self) -> dict[str, int]:
        if self._masks is None:
            with self._lock:
                if self._masks is None:
                    self._masks = dict(self._con.execute("SELECT code, mask FROM code WHERE mask > 0"))
        return self._masks

    def is_billable(self, code: str, on: date) -> bool:
        """Valid on `on` and a complete code. `code` may be dotted or not, any case."""
        masks = self._masks if self._masks is not None else self._load_masks()
        m = masks.get(code)
        if m is None:
            n = _NORMALIZED.get(code)
            if n is None:
                n = normalize_code(code) or ""
                if len(_NORMALIZED) < 100_000:
                    _NORMALIZED[code] = n
            m = masks.get(n, 0)
        idx = _period_index_cached(self, on)
        return idx >= 0 and bool(m >> idx & 1)

    def is_valid(self, code: str, on: date) -> bool:
        """Exists in the code set in force on `on` (a complete code or a header)."""
        if self.is_billable(code, on):
            return True
        n = normalize_code(code)
        row = self._row(n) if n else None
        if row is None or row.leaf:
            return False
        idx = self.period_index(on)
        return idx >= 0 and bool(self._header_mask(n) >> idx & 1)

    # ---- rows ----------------------------------------------------------------------------------
    def _row(self, code: str) -> _Row | None:
        if code in self._rows:
            return self._rows[code]
        with self._lock:
            r = self._con.execute(
                "SELECT code, dotted, description, parent, kind, leaf, mask, notes, children "
                "FROM code WHERE code = ?", (code,)).fetchone()
        row = None
        if r:
            row = _Row(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6],
                       json.loads(r[7]) if r[7] else {}, json.loads(r[8]) if r[8] else [])
        if len(self._rows) < 200_000:
            self._rows[code] = row
        return row

    def _header_mask(self, code: str) -> int:
        """Periods in which any descendant of `code` was billable."""
        with self._lock:
            rows = self._con.execute(
                "SELECT mask FROM code WHERE code > ? AND code < ? AND mask > 0",
                (code, code + "\x7f")).fetchall()
        m = 0
        for (x,) in rows:
            m |= x
        return m

    def exists(self, code: str) -> bool:
        n = normalize_code(code) if not _is_group(code) else code
        if not n:
            return False
        row = self._row(n)
        return row is not None and (row.mask > 0 or not row.leaf)

    def description(self, code: str) -> str | None:
        n = normalize_code(code)
        row = self._row(n) if n else None
        return row.description if row else None

    def dotted(self, code: str) -> str:
        n = normalize_code(code)
        return dotted(n) if n else code

    def parent(self, code: str) -> str | None:
        n = normalize_code(code)
        row = self._row(n) if n else None
        if row is None:
            return self._nearest_ancestor(n) if n else None
        return row.parent

    def _nearest_ancestor(self, code: str) -> str | None:
        for cut in range(len(code) - 1, 2, -1):
            row = self._row(code[:cut])
            if row is not None and not row.leaf:
                return row.code
        row = self._row(code[:3])
        return row.code if row else None

    def ancestors(self, code: str) -> list[str]:
        """Parent, grandparent ... up to the block and chapter (names as stored)."""
        out: list[str] = []
        seen = {normalize_code(code) or code}
        cur = self.parent(code)
        while cur and cur not in seen:  # guard: the tabular is a tree, a cycle would be a data bug
            out.append(cur)
            seen.add(cur)
            row = self._row(cur)
            cur = row.parent if row else None
        return out

    def children(self, code: str) -> list[str]:
        n = normalize_code(code)
        row = self._row(n) if n else None
        return list(row.children) if row else []

    def is_header(self, code: str) -> bool:
        n = normalize_code(code)
        row = self._row(n) if n else None
        return bool(row and not row.leaf)

    def _chain(self, code: str) -> list[_Row]:
        """The code's own row (if any) then its ancestors' rows: notes are inherited downwards."""
        n = normalize_code(code)
        if not n:
            return []
        rows = []
        row = self._row(n)
        if row:
            rows.append(row)
        for a in self.ancestors(n):
            r = self._row(a)
            if r:
                rows.append(r)
        return rows

    def _notes(self, code: str, kind: str, inherited: bool = True) -> list[tuple[str, str]]:
        chain = self._chain(code)
        if not inherited:
            chain = chain[:1]
        return [(r.code, text) for r in chain for text in r.notes.get(kind, [])]

    def excludes1(self, code: str) -> list[str]:
        return [t for _, t in self._notes(code, "excludes1")]

    def excludes2(self, code: str) -> list[str]:
        return [t for _, t in self._notes(code, "excludes2")]

    def code_first(self, code: str) -> list[str]:
        return [t for _, t in self._notes(code, "code_first")]

    def use_additional(self, code: str) -> list[str]:
        return [t for _, t in self._notes(code, "use_additional")]

    def inclusion_terms(self, code: str) -> list[str]:
        n = normalize_code(code)
        row = self._row(n) if n else None
        if not row:
            return []
        return list(row.notes.get("inclusion_terms", [])) + list(row.notes.get("includes", []))

    def matches_note_refs(self, code: str, note_text: str) -> bool:
        n = normalize_code(code)
        return bool(n) and note_matches(note_text, n)

    def excludes1_conflict(self, a: str, b: str) -> ExcludesHit | None:
        """The Excludes1 note (on either code or an ancestor) that forbids reporting a with b."""
        na, nb = normalize_code(a), normalize_code(b)
        if not na or not nb or na == nb:
            return None
        return _excludes1_hit(self, na, nb) or _excludes1_hit(self, nb, na)

    def seventh_characters(self, code: str) -> dict[str, str]:
        for r in self._chain(code):
            d = r.notes.get("seven_chr_def")
            if d:
                return dict(d)
        return {}

    def requires_seventh(self, code: str) -> bool:
        """A code below a category with 7th-character definitions, short of the 7th character."""
        n = normalize_code(code)
        if not n or len(n) >= 7:
            return False
        defs = self.seventh_characters(n)
        # Only codes whose 7-character forms exist need one: a category header (S12) does not,
        # it needs a subcategory first.
        return any(self._row(n.ljust(6, "X") + ch) for ch in defs)

    def seventh_character_options(self, code: str) -> list[str]:
        """Complete codes for a code missing its 7th character: X placeholders + each 7th char."""
        n = normalize_code(code)
        if not n:
            return []
        base = n.ljust(6, "X")
        return [dotted(base + ch) for ch in self.seventh_characters(n) if self._row(base + ch)]

    def mce(self, code: str) -> MceAttributes:
        n = normalize_code(code)
        if not n:
            return MceAttributes()
        return _mce_cached(self, n)

    def iter_entries(self):
        """Every category, subcategory and complete code of the April 2026 tabular."""
        with self._lock:
            rows = self._con.execute(
                "SELECT dotted, description, leaf, mask, notes FROM code "
                "WHERE kind NOT IN ('chapter','block','mce-only')").fetchall()
        latest = len(self.periods) - 1
        for d, desc, leaf, mask, notes in rows:
            nd = json.loads(notes) if notes else {}
            yield CodeEntry(d, desc or "", bool(leaf and mask >> latest & 1),
                            list(nd.get("inclusion_terms", [])) + list(nd.get("includes", [])))

    # ---- lookup --------------------------------------------------------------------------------
    def lookup(self, raw: str, on: date | None = None) -> CodeLookup:
        from cleanclaim.codes.lookup import lookup

        return lookup(self, raw, on or date.today())


@lru_cache(maxsize=4096)
def _period_index_cached(cs: CodeSet, on: date) -> int:
    return cs.period_index(on)


@lru_cache(maxsize=65536)
def _excludes1_hit(cs: CodeSet, owner_code: str, other: str) -> ExcludesHit | None:
    for owner, note in cs._notes(owner_code, "excludes1"):
        if any(r.contains(other) for r in parse_refs(note)):
            return ExcludesHit(owner, note, other)
    return None


@lru_cache(maxsize=65536)
def _mce_cached(cs: CodeSet, code: str) -> MceAttributes:
    with cs._lock:
        r = cs._con.execute("SELECT attrs FROM mce WHERE code = ?", (code,)).fetchone()
    if not r:
        return MceAttributes()
    a = json.loads(r[0])
    return MceAttributes(a.get("age_min"), a.get("age_max"), a.get("sex"),
                         bool(a.get("manifestation")), bool(a.get("external_cause")),
                         bool(a.get("unacceptable_principal")))


_codeset: CodeSet | None = None
_codeset_lock = threading.Lock()


def get_codeset() -> CodeSet:
    """The process-wide code set, compiling the cache on first use (20-30 s, once)."""
    global _codeset
    if _codeset is None:
        with _codeset_lock:
            if _codeset is None:
                from cleanclaim.codes.cache import codeset_path

                path = codeset_path()
                if not path.exists():
                    from cleanclaim.codes.build import build

                    print("cleanclaim: compiling the ICD-10-CM code-set cache (first run only, "
                          "20-30 s) ...", file=sys.stderr)
                    build(path)
                _codeset = CodeSet(path)
    return _codeset
