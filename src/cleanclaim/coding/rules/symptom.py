"""Cervicalgia M54.2: the code for documented neck pain without a more specific cause (new onset,
chronic under conservative care, symptom-control visits, work-up pending, or a cause stated only as
uncertain in an outpatient / ED setting, OCG IV.H). Dropped when a definitive diagnosis it is integral
to is coded (OCG I.B.5), kept as the residual of an injury sequela (OCG I.C.19.a)."""

from __future__ import annotations

from cleanclaim.coding.codebook import domain
from cleanclaim.coding.context import CodingContext
from cleanclaim.notes.model import NON_CURRENT_SECTIONS, Mention

RANK = 40
SEQUELA_RESIDUAL_RANK = 20


def neck_pain_mentions(ctx: CodingContext) -> list[Mention]:
    out = []
    for m in ctx.mentions("NECK_PAIN"):
        if not m.current or m.section in NON_CURRENT_SECTIONS:
            continue
        if m.uncertain and not ctx.inpatient:
            continue
        out.append(m)
    return out


def decide(ctx: CodingContext) -> None:
    code = domain()["simple_codes"]["NECK_PAIN"]
    pain = neck_pain_mentions(ctx)
    sequela = [c for c in ctx.codes if c.code.startswith("S") and c.code.endswith("S")]
    keeps_pain = set(domain().get("pain_not_integral", ())) | ctx.coexisting
    definitive = [c for c in ctx.codes
                  if not c.needs_review and c not in sequela and c.code not in keeps_pain]
    if not pain:
        return
    if sequela and not definitive:
        ctx.add(code, pain, "Neck pain is documented as the residual of an old injury: the residual "
                "condition "
                "is reported first, then the injury with 7th character S.", "ICD-10-CM OCG I.C.19.a; I.B.10",
                rank=SEQUELA_RESIDUAL_RANK, confidence=0.85)
        return
    if definitive:
        names = ", ".join(c.code for c in definitive)
        for concept, other in domain()["symptom_codes"].items():
            if any(m.current for m in ctx.mentions(concept)) and any(c.rank <= 10 for c in definitive):
                ctx.reject(other, f"symptom integral to {names} (OCG I.B.5)")
        ctx.reject(code, f"symptom integral to {names} (OCG I.B.5): neck pain is a routine sign of the "
                   "documented condition, so it is not coded separately")
        return
    if ctx.uncertain:
        names = ", ".join(sorted({m.text for m in ctx.uncertain}))
        why = (f"Neck pain is coded because the cause is documented only as uncertain ({names}); in the "
               f"{ctx.setting} setting uncertain diagnoses are not coded, the symptoms are (OCG IV.H).")
        guideline = "ICD-10-CM OCG IV.H; I.B.4"
    else:
        why = ("Neck pain (cervicalgia) is documented without a more specific structural or neurologic "
               "cause; "
               "a symptom code is reported when no related definitive diagnosis is established (OCG I.B.4, "
               "IV.D).")
        if ctx.reading.conservative_care_weeks:
            why += " Managed conservatively."
        guideline = "ICD-10-CM OCG I.B.4; IV.D"
    ctx.add(code, pain, why, guideline, rank=RANK, confidence=0.9)
    _other_symptoms(ctx)


def _other_symptoms(ctx: CodingContext) -> None:
    """Fever and headache the provider lists in the assessment beside the neck pain, when no definitive
    diagnosis explains them (OCG I.B.4; IV.H for an uncertain cause)."""
    table = domain()["symptom_codes"]
    for concept, code in table.items():
        found = [m for m in ctx.established(concept) if m.diagnostic or not ctx.assessment_scope]
        if found:
            ctx.add(code, found, f"{concept.capitalize()} is documented in the assessment without an "
                    "established cause; signs and symptoms are reported when no definitive diagnosis is "
                    "established (OCG I.B.4, IV.H).", "ICD-10-CM OCG I.B.4; IV.H", rank=RANK, confidence=0.85)
