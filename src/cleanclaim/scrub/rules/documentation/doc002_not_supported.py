"""DOC002: a billed diagnosis the note does not support."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule
from cleanclaim.scrub.rules.documentation._note import more_specific_documented, note_codes, rejected_reason
from cleanclaim.scrub.tables import matches_any


def _related(documented: str, billed: str) -> bool:
    """Same code, ancestor/descendant, same subcategory, or differing only in the 7th character (DOC003)."""
    return (
        documented.startswith(billed)
        or billed.startswith(documented)
        or documented[:4] == billed[:4]
        or (len(documented) == len(billed) == 7 and documented[:6] == billed[:6])
    )


@rule(
    id="DOC002",
    name="diagnosis-not-supported-by-note",
    category="code_not_supported_by_documentation",
    severity="warning",
    needs_notes=True,
    reference="ICD-10-CM Official Guidelines IV (outpatient): code what the documentation supports",
    fix="Remove the diagnosis, or query the provider to document it.",
)
def diagnosis_not_supported_by_note(ctx: ClaimContext) -> Iterator[Hit]:
    """Billed diagnosis that nothing in the note supports (same code, subcategory, ancestor or descendant).

    External-cause, status (``Z``) codes are skipped: notes rarely state them in words the coder
    reads. Radiculopathy billed on a note that documents neck pain without radiating symptoms or
    neurologic findings is the common case.

    Anti-pattern::

        dx M54.12
        line 99213
        note Neck pain for 3 days after sleeping awkwardly. No radiation, no numbness or weakness.
        note Exam: paraspinal tenderness, full strength, normal reflexes. Assessment: neck pain.

    Best practice::

        dx M54.2
        line 99213
        note Neck pain for 3 days after sleeping awkwardly. No radiation, no numbness or weakness.
        note Exam: paraspinal tenderness, full strength, normal reflexes. Assessment: neck pain.
    """
    note = ctx.note
    if note is None:
        return
    documented = note_codes(note)
    if not documented:
        return
    for d in ctx.dx:
        code = d.code
        if not d.f.exists or code[0] in "VWXYZ" or code in documented:
            continue
        if any(_related(n, code) for n in documented):
            continue
        if any(
            matches_any(o.code, (link.pattern,))
            for link in ctx.tables.symptoms.get(code, ())
            if link.kind == "integral"
            for o in ctx.dx
            if o is not d
        ):
            continue  # ICD006 already reports a symptom beside its definitive diagnosis
        if more_specific_documented(ctx, d, documented):
            continue  # DOC001 reports it as the more specific code
        reason = rejected_reason(note, code)
        extra = f" ({reason})" if reason else ""
        yield Hit(
            f"The note does not support {d.f.dotted}{extra}; it documents "
            f"{', '.join(ctx.codes.cs.dotted(n) or n for n in documented[:4])}.",
            (d.f.dotted,),
        )
