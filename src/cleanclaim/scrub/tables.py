"""Reference tables the rules read: NCCI PTP pairs, MUEs, symptom-integral pairs, payer policies.

Each file in ``scrub/data`` starts with ``# source:`` and ``# effective:`` header lines; the tables are
parsed once per process and indexed for the per-claim lookups the rules make.
"""

from __future__ import annotations

import csv
import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True, slots=True)
class TableInfo:
    name: str
    source: str
    effective: str
    note: str = ""


def _read_tsv(name: str) -> tuple[TableInfo, list[dict[str, str]]]:
    path = DATA / name
    meta: dict[str, str] = {}
    body: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            if raw.startswith("#"):
                key, _, value = raw[1:].partition(":")
                key = key.strip().lower()
                if key and value:
                    meta[key] = (meta.get(key, "") + " " + value.strip()).strip()
            elif raw.strip():
                body.append(raw)
    rows = list(csv.DictReader(body, delimiter="\t"))
    info = TableInfo(
        name=name,
        source=meta.get("source", ""),
        effective=meta.get("effective", ""),
        note=meta.get("note", ""),
    )
    if not info.source or not info.effective:
        raise ValueError(f"scrub/data/{name} lacks its '# source:' / '# effective:' header")
    return info, [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in rows]


def _day(text: str) -> date | None:
    text = text.strip()
    return date.fromisoformat(text) if text and text not in ("-", "*") else None


def expand_codes(spec: str) -> list[str]:
    """``99212-99215`` -> the five numbers; ``97140`` -> itself. CPT ranges are numeric only."""
    spec = spec.strip()
    if "-" in spec:
        lo, hi = spec.split("-", 1)
        if lo.isdigit() and hi.isdigit():
            return [str(n).zfill(len(lo)) for n in range(int(lo), int(hi) + 1)]
    return [spec]


# --- NCCI procedure-to-procedure pairs -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PtpEdit:
    column1: str
    column2: str
    effective: date
    deleted: date | None
    modifier_indicator: str  # "0" never bypassed, "1" bypass with an NCCI modifier, "9" not applicable
    rationale: str
    confidence: str

    def in_force(self, on: date) -> bool:
        return self.effective <= on and (self.deleted is None or on < self.deleted)


@dataclass(frozen=True, slots=True)
class MueEdit:
    code: str
    units: int
    mai: str  # 1 line edit, 2 date-of-service policy, 3 date-of-service clinical
    effective: date
    confidence: str
    rationale: str


@dataclass(frozen=True, slots=True)
class SymptomLink:
    symptom: str  # normalised code, e.g. M542
    pattern: str  # normalised glob, e.g. M47*
    kind: str  # "integral" (drop the symptom) or "systemic" (sequence the cause first)
    note: str


@dataclass(slots=True)
class Policy:
    id: str
    title: str
    payer: str
    source: str
    effective_date: date
    procedures: frozenset[str]
    covered_diagnoses: tuple[str, ...]
    not_covered_alone: tuple[str, ...]
    not_covered_procedures: dict[str, str]
    requires: dict[str, object]
    criteria: list[str]
    reference: str = ""
    _cache: dict[str, bool] = field(default_factory=dict)

    def covers(self, code: str) -> bool:
        hit = self._cache.get(code)
        if hit is None:
            hit = self._cache[code] = matches_any(code, self.covered_diagnoses)
        return hit

    def in_force(self, on: date) -> bool:
        return self.effective_date <= on


def norm_glob(pattern: str) -> str:
    return pattern.strip().upper().replace(".", "")


def matches_any(code: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Shell-style globs over normalised codes; ``G00-G03`` style ranges compare on the prefix."""
    for pat in patterns:
        if "-" in pat:
            lo, hi = pat.split("-", 1)
            if lo <= code[: len(lo)] <= hi:
                return True
        elif fnmatch.fnmatchcase(code, pat):
            return True
    return False


@dataclass(slots=True)
class Tables:
    ptp: dict[tuple[str, str], list[PtpEdit]]
    ptp_by_code: dict[str, list[PtpEdit]]
    mue: dict[str, MueEdit]
    symptoms: dict[str, list[SymptomLink]]
    policies: list[Policy]
    addon_primaries: dict[str, frozenset[str]]
    info: list[TableInfo]
    mue_codes: frozenset[str] = frozenset()  # fast "does this claim touch the table at all" checks
    ptp_codes: frozenset[str] = frozenset()
    symptom_codes: frozenset[str] = frozenset()
    addon_codes: frozenset[str] = frozenset()


@cache
def load_tables() -> Tables:
    infos: list[TableInfo] = []

    info, rows = _read_tsv("ncci_ptp.tsv")
    infos.append(info)
    ptp: dict[tuple[str, str], list[PtpEdit]] = {}
    by_code: dict[str, list[PtpEdit]] = {}
    for row in rows:
        for c1 in expand_codes(row["column1"]):
            for c2 in expand_codes(row["column2"]):
                edit = PtpEdit(
                    c1,
                    c2,
                    _day(row["effective"]) or date(1996, 1, 1),
                    _day(row["deleted"]),
                    row["modifier_indicator"],
                    row["rationale"],
                    row.get("confidence", ""),
                )
                ptp.setdefault((c1, c2), []).append(edit)
                by_code.setdefault(c1, []).append(edit)

    info, rows = _read_tsv("mue.tsv")
    infos.append(info)
    mue: dict[str, MueEdit] = {}  # enforced by MUE001
    for row in rows:
        for code in expand_codes(row["code"]):
            edit = MueEdit(
                code,
                int(row["mue"]),
                row["mai"],
                _day(row["effective"]) or date(2007, 1, 1),
                row.get("confidence", ""),
                row.get("rationale", ""),
            )
            if edit.confidence != "unverified":  # recorded, not enforced, until checked (see header)
                mue[code] = edit

    info, rows = _read_tsv("symptom_integral.tsv")
    infos.append(info)
    symptoms: dict[str, list[SymptomLink]] = {}
    for row in rows:
        sym = norm_glob(row["symptom"])
        for pat in row["definitive"].split(","):
            if pat.strip():
                symptoms.setdefault(sym, []).append(
                    SymptomLink(sym, norm_glob(pat), row["kind"], row["note"])
                )

    info, rows = _read_tsv("addon_codes.tsv")
    infos.append(info)
    addons: dict[str, frozenset[str]] = {}
    for row in rows:
        prim = frozenset(c for spec in row["primary"].split(",") for c in expand_codes(spec))
        for code in expand_codes(row["addon"]):
            addons[code] = prim

    return Tables(
        ptp,
        by_code,
        mue,
        symptoms,
        load_policies(),
        addons,
        infos,
        frozenset(mue),
        frozenset(by_code),
        frozenset(symptoms),
        frozenset(addons),
    )


def load_policies(folder: Path | None = None) -> list[Policy]:
    import yaml  # only when policies are first needed

    policies: list[Policy] = []
    for path in sorted((folder or DATA / "policies").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("id", "title", "source", "effective_date", "procedures"):
            if not doc.get(key):
                raise ValueError(f"policy {path.name} lacks {key!r}")
        eff = doc["effective_date"]
        policies.append(
            Policy(
                id=str(doc["id"]),
                title=str(doc["title"]),
                payer=str(doc.get("payer", "")),
                source=str(doc["source"]),
                effective_date=eff if isinstance(eff, date) else date.fromisoformat(str(eff)),
                procedures=frozenset(c for spec in doc["procedures"] for c in expand_codes(str(spec))),
                covered_diagnoses=tuple(norm_glob(p) for p in doc.get("covered_diagnoses") or ()),
                not_covered_alone=tuple(norm_glob(p) for p in doc.get("not_covered_alone") or ()),
                not_covered_procedures={
                    str(k): str(v) for k, v in (doc.get("not_covered_procedures") or {}).items()
                },
                requires=dict(doc.get("requires") or {}),
                criteria=[str(c) for c in doc.get("criteria") or ()],
                reference=str(doc.get("reference") or doc["title"]),
            )
        )
    return policies


_DOTTED = re.compile(r"^([A-Z][0-9][0-9A-Z])([0-9A-Z]{1,4})$")


def dotted(code: str) -> str:
    """Display form of a normalised ICD-10-CM code without a code-set lookup (M5412 -> M54.12)."""
    m = _DOTTED.match(code)
    return f"{m.group(1)}.{m.group(2)}" if m else code
