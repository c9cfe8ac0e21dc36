"""Facts computed once per claim, read by every rule (the ruff idea: share work across rules).

Code-set lookups are memoised per (code, date of service) across claims in ``CodeFactsCache``, so a
file of thousands of claims with the same few dozen codes pays for each lookup once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.scrub.tables import Policy, Tables, dotted

_CLEAN = re.compile(r"^[0-9A-Z]+$")  # already upper case, no dot, no spaces
_ICD_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$")
_SEVENTH_PHASE = {
    "A": "initial",
    "B": "initial",
    "C": "initial",
    "D": "subsequent",
    "E": "subsequent",
    "F": "subsequent",
    "G": "subsequent",
    "H": "subsequent",
    "J": "subsequent",
    "K": "subsequent",
    "M": "subsequent",
    "N": "subsequent",
    "P": "subsequent",
    "Q": "subsequent",
    "R": "subsequent",
    "S": "sequela",
}


def normalize(code: str | None) -> str:
    return (code or "").strip().upper().replace(".", "")


# Memoised normalisation: a file repeats the same few dozen codes and modifiers on every claim.
_NORM: dict[str, str] = {}
_MODS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _norm(code: str) -> str:
    hit = _NORM.get(code)
    if hit is None:
        if len(_NORM) > 100_000:
            _NORM.clear()
        hit = _NORM[code] = normalize(code)
    return hit


def _norm_mods(mods: tuple[str, ...]) -> tuple[str, ...]:
    hit = _MODS.get(mods)
    if hit is None:
        if len(_MODS) > 10_000:
            _MODS.clear()
        hit = _MODS[mods] = tuple(m.strip().upper() for m in mods if m and m.strip())
    return hit


def seventh_phase(code: str) -> str | None:
    """Encounter phase a 7th character states ("initial", "subsequent", "sequela")."""
    return _SEVENTH_PHASE.get(code[6]) if len(code) == 7 else None


@dataclass(slots=True)
class CodeFacts:
    """Everything the code-set rules ask about one diagnosis code on one date of service."""

    code: str
    dotted: str
    shaped: bool
    exists: bool
    valid: bool  # in the code set in force on the date of service
    billable: bool
    header: bool
    needs_seventh: bool  # the category requires a 7th character (present or not)
    missing_seventh: bool  # ... and this code does not have it
    mce: Any | None  # MceAttributes from the code set (age/sex/manifestation/external cause)
    external_cause: bool
    manifestation: bool
    age_min: int | None
    age_max: int | None
    sex: str | None
    description: str | None


class CodeFactsCache:
    """Memoised code-set questions; one per Scrubber (i.e. per run)."""

    def __init__(self, codeset: Any) -> None:
        self.cs = codeset
        self._facts: dict[tuple[str, object], CodeFacts] = {}
        self._periods: dict[date, object] = {}
        self._period_of = getattr(codeset, "period_index", None)
        self._excl: dict[tuple[str, str], Any] = {}

    def facts(self, code: str, on: date) -> CodeFacts:
        # Validity only changes at code-set release boundaries: key on the release period, not the day.
        period = self._periods.get(on)
        if period is None:
            period = self._periods[on] = self._period_of(on) if self._period_of else on
        key = (code, period)
        hit = self._facts.get(key)
        if hit is None:
            if len(self._facts) > 200_000:  # bounded: memory stays flat on huge files
                self._facts.clear()
            hit = self._facts[key] = self._compute(code, on)
        return hit

    def _compute(self, code: str, on: date) -> CodeFacts:
        cs = self.cs
        shaped = bool(_ICD_SHAPE.match(code))
        exists = shaped and bool(cs.exists(code))
        valid = exists and bool(cs.is_valid(code, on))
        billable = valid and bool(cs.is_billable(code, on))
        # requires_seventh answers for the stem: a complete code carries its 7th character already
        missing7 = shaped and len(code) < 7 and bool(cs.requires_seventh(code))
        needs7 = missing7 or (shaped and len(code) == 7 and bool(cs.requires_seventh(code[:6])))
        header = exists and not missing7 and bool(cs.is_header(code))
        mce = cs.mce(code) if exists else None
        return CodeFacts(
            code=code,
            dotted=(cs.dotted(code) or dotted(code)) if exists else dotted(code),
            shaped=shaped,
            exists=exists,
            valid=valid,
            billable=billable,
            header=header,
            needs_seventh=needs7,
            missing_seventh=missing7,
            mce=mce,
            external_cause=bool(getattr(mce, "external_cause", False)) or (shaped and code[0] in "VWXY"),
            manifestation=bool(getattr(mce, "manifestation", False)),
            age_min=getattr(mce, "age_min", None),
            age_max=getattr(mce, "age_max", None),
            sex=(getattr(mce, "sex", None) or None),
            description=cs.description(code) if exists else None,
        )

    def excludes1(self, a: str, b: str) -> Any:
        key = (a, b) if a <= b else (b, a)
        if key not in self._excl:
            self._excl[key] = self.cs.excludes1_conflict(a, b)
        return self._excl[key]


@dataclass(slots=True)
class DxFact:
    position: int
    code: str
    raw: str
    qualifier: str
    f: CodeFacts


@dataclass(slots=True)
class LineFact:
    number: int
    procedure: str
    modifiers: tuple[str, ...]
    units: float
    dos: date | None
    pointers: list[int]
    line: ServiceLine


def _is_em(code: str) -> bool:
    """Office / outpatient and other evaluation-and-management numbers (99202-99499)."""
    return len(code) == 5 and code.isdigit() and "99202" <= code <= "99499"


@dataclass(slots=True)
class ClaimContext:
    claim: Claim
    on: date  # date of service codes are judged on
    dx: list[DxFact]
    lines: list[LineFact]
    age: int | None
    sex: str | None
    tables: Tables
    codes: CodeFactsCache
    policies: list[Policy]
    sex_edits: bool = True
    _note_loader: Callable[[ClaimContext], Any] | None = None
    _note: Any = None
    _note_loaded: bool = False
    dx_codes: frozenset[str] = field(default_factory=frozenset)
    procedures: frozenset[str] = field(default_factory=frozenset)

    @property
    def first(self) -> DxFact | None:
        return self.dx[0] if self.dx else None

    def dx_at(self, position: int) -> DxFact | None:
        for d in self.dx:
            if d.position == position:
                return d
        return None

    def line_dx(self, lf: LineFact) -> list[DxFact]:
        """Diagnoses a service line points at (all claim diagnoses when it has no pointers)."""
        if not lf.pointers:
            return self.dx
        return [d for d in (self.dx_at(p) for p in lf.pointers) if d is not None]

    @staticmethod
    def is_em(code: str) -> bool:
        return _is_em(code)

    @property
    def note(self) -> Any:
        """The note coder's CodingResult for this claim's note, or None (no --notes / no note file)."""
        if not self._note_loaded:
            self._note_loaded = True
            self._note = self._note_loader(self) if self._note_loader else None
        return self._note


def build_context(
    claim: Claim,
    *,
    on: date | None,
    tables: Tables,
    codes: CodeFactsCache,
    policies: list[Policy],
    sex_edits: bool,
    note_loader: Callable[[ClaimContext], Any] | None = None,
) -> ClaimContext:
    # the claim's own date of service wins; `on` (--date) stands in for claims that carry none
    claim_dos = claim.date_of_service
    dos = claim_dos or on or date.today()
    facts = codes.facts
    diagnoses = claim.diagnoses
    if any(a.position > b.position for a, b in zip(diagnoses, diagnoses[1:], strict=False)):
        diagnoses = sorted(diagnoses, key=lambda d: d.position)
    dx = []
    for d in diagnoses:
        code = _norm(d.code)
        dx.append(DxFact(d.position, code, d.raw, d.qualifier, facts(code, dos)))
    lines = []
    for ln in claim.lines:
        try:
            units = float(ln.units)
        except (TypeError, ValueError):
            units = 1.0
        mods = ln.modifiers
        lines.append(LineFact(ln.number, _norm(ln.procedure), _norm_mods(tuple(mods)) if mods else (), units,
                              ln.date_of_service or claim_dos, ln.pointers, ln))
    born = claim.patient.birth_date
    sub = claim.subscriber
    if born is None and sub is not None and claim.patient.relationship in (None, "", "18"):
        born = sub.birth_date
    age = None
    if born is not None:
        age = dos.year - born.year - ((dos.month, dos.day) < (born.month, born.day))
    sex = (claim.patient.sex or (sub.sex if sub is not None and claim.patient.relationship in (None, "", "18")
                                 else None) or "").upper()[:1] or None
    return ClaimContext(
        claim=claim,
        on=dos,
        dx=dx,
        lines=lines,
        age=age,
        sex=sex,
        tables=tables,
        codes=codes,
        policies=policies,
        sex_edits=sex_edits,
        _note_loader=note_loader,
        dx_codes=frozenset(d.code for d in dx),
        procedures=frozenset(lf.procedure for lf in lines),
    )
