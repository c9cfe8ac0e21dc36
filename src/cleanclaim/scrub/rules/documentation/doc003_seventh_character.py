"""DOC003: the 7th character contradicts the encounter the note describes."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext, seventh_phase
from cleanclaim.scrub.registry import Hit, rule
from cleanclaim.scrub.rules.documentation._note import fact

_CHAR = {"initial": "A", "subsequent": "D", "sequela": "S"}
_A = {"initial": "an initial", "subsequent": "a subsequent", "sequela": "a sequela"}


@rule(
    id="DOC003",
    name="seventh-character-contradicts-note",
    category="seventh_character_mismatch",
    severity="warning",
    needs_notes=True,
    reference="ICD-10-CM Official Guidelines I.C.19.a "
    "(7th characters: active treatment vs healing phase vs sequela)",
    fix="Use the 7th character for the encounter the note describes (A active treatment, D healing/recovery, "
    "S sequela).",
)
def seventh_character_contradicts_note(ctx: ClaimContext) -> Iterator[Hit]:
    """Injury code whose 7th character says one encounter phase while the note describes another.

    ``A`` is for active treatment; a follow-up visit in the healing phase (routine care, therapy
    progress, medication adjustment) takes ``D``.

    Anti-pattern::

        dx S13.4XXA
        line 99213
        note Follow-up visit for whiplash sprain from the car accident 5 weeks ago. Neck pain improving
        note with physical therapy; range of motion better. Plan: continue home exercises. Routine
        note healing, recheck in 4 weeks.

    Best practice::

        dx S13.4XXD
        line 99213
        note Follow-up visit for whiplash sprain from the car accident 5 weeks ago. Neck pain improving
        note with physical therapy; range of motion better. Plan: continue home exercises. Routine
        note healing, recheck in 4 weeks.
    """
    note = ctx.note
    if note is None:
        return
    phase = fact(note, "encounter_phase")
    if phase not in _CHAR:
        return
    for d in ctx.dx:
        billed = seventh_phase(d.code) if d.f.needs_seventh else None
        if billed and billed != phase:
            want = d.code[:6] + _CHAR[phase]
            shown = ctx.codes.cs.dotted(want) or want
            yield Hit(
                f"{d.f.dotted} states {_A[billed]} encounter; the note describes {_A[phase]} encounter.",
                (d.f.dotted,),
                fix=f"Bill {shown} if the documentation stands.",
            )
