"""code_note: findings -> ICD-10-CM codes in reporting order, with evidence, rationale, rejections,
provider queries and the documentation checklist."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from cleanclaim.coding import codebook
from cleanclaim.coding.context import CodingContext
from cleanclaim.coding.model import CodingResult
from cleanclaim.coding.rules import (
    comorbidity,
    drug_status,
    injury,
    queries,
    review,
    soft_tissue,
    spine,
    symptom,
    systemic,
)
from cleanclaim.notes.reader import read_note

SETTINGS = {"outpatient": "outpatient", "office": "outpatient", "clinic": "outpatient", "ed": "ED",
            "er": "ED", "emergency": "ED", "inpatient": "inpatient", "ip": "inpatient",
            "hospital": "inpatient"}
# decision functions in the order they run; the neck-pain symptom decision runs after every cause
DECISIONS = (systemic.decide, injury.decide, spine.decide, soft_tissue.decide, symptom.decide,
             review.decide, comorbidity.decide, drug_status.decide,
             queries.decide)


def normalize_setting(setting: str | None) -> str:
    key = (setting or "outpatient").strip().lower()
    if key not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}: use outpatient, ED or inpatient")
    return SETTINGS[key]


def code_note(text: str, setting: str = "outpatient", on: date | None = None, age: int | None = None,
              sex: str | None = None, note_id: str | None = None) -> CodingResult:
    setting = normalize_setting(setting)
    if not text or not text.strip():
        return CodingResult(id=note_id, setting=setting, message="empty note: nothing to code",
                            facts=_empty_facts())
    reading = read_note(text)
    ctx = CodingContext(reading=reading, setting=setting, on=on, age=age, sex=sex)
    for decide in DECISIONS:
        decide(ctx)
    _sequence(ctx)
    _excludes1(ctx)
    _validate(ctx, on)
    result = CodingResult(id=note_id, codes=ctx.codes, rejected=ctx.rejected, queries=ctx.queries,
                          documentation=reading.documentation, facts=_facts(ctx), setting=setting)
    if not ctx.codes:
        result.message = "no reportable diagnosis found in the note"
    return result


def _sequence(ctx: CodingContext) -> None:
    """First-listed: the condition chiefly responsible (OCG IV.G) - systemic causes first, a sequela's
    residual before the injury, then the provider's order; external causes never first (I.C.20)."""
    sequela = any(c.code.startswith("S") and c.code.endswith("S") for c in ctx.codes)
    if sequela:
        for c in ctx.codes:
            if not c.code.startswith("S") and c.rank >= 30 and not c.needs_review:
                c.rank = 20
    ctx.codes.sort(key=lambda c: (c.rank, c.position))
    while ctx.codes and ctx.codes[0].code[:1] in {"V", "W", "X", "Y"} and len(ctx.codes) > 1:
        ctx.codes.append(ctx.codes.pop(0))


def _excludes1(ctx: CodingContext) -> None:
    """Excludes1 pairs never appear together (OCG I.A.12.a): the code owning the note - the less
    specific one - gives way to the condition its note names."""
    dropped: set[str] = set()
    codes = ctx.codes
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if a.code in dropped or b.code in dropped:
                continue
            hit = codebook.excludes1_owner(a.code, b.code)
            if hit is None:
                continue
            loser, note = hit
            keep = b.code if loser == a.code else a.code
            dropped.add(loser)
            ctx.reject(loser, f"Excludes1 with {keep} ({note}); the two are never reported together "
                       "(OCG I.A.12.a)")
    ctx.codes[:] = [c for c in codes if c.code not in dropped]


def _validate(ctx: CodingContext, on: date | None) -> None:
    for c in ctx.codes:
        if codebook.is_billable(c.code, on) is False:
            c.needs_review = True
            c.rationale += " Not a billable code on the date of service: review."


def _empty_facts() -> dict[str, Any]:
    return {"encounter_phase": None, "conservative_care_weeks": None, "radicular_signs": False,
            "neuro_exam": False, "imaging_findings": [], "laterality": None, "levels": [],
            "mechanism": None}


def _facts(ctx: CodingContext) -> dict[str, Any]:
    r = ctx.reading
    used = [m for m in r.mentions if id(m) in ctx.used]
    lats = Counter(m.laterality for m in used if m.laterality)
    lats.update(f.laterality for f in r.radicular_signs if f.laterality)
    levels: list[str] = []
    for m in used + r.imaging:
        for lv in m.levels:
            if lv not in levels:
                levels.append(lv)
    imaging = []
    for m in r.imaging:
        label = m.concept.lower().replace("_", " ")
        item = f"{label} {', '.join(m.levels)}".strip()
        if item not in imaging:
            imaging.append(item)
    return {
        "encounter_phase": r.encounter_phase,
        "conservative_care_weeks": r.conservative_care_weeks,
        "radicular_signs": bool(r.radicular_signs),
        "neuro_exam": r.neuro_exam,
        "imaging_findings": imaging,
        "laterality": lats.most_common(1)[0][0] if lats else None,
        "levels": levels,
        "mechanism": r.mechanism.text if r.mechanism else None,
    }
