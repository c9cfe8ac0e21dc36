"""DOC001: the note supports a more specific code than the one billed."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule
from cleanclaim.scrub.rules.documentation._note import more_specific_documented, note_codes


@rule(
    id="DOC001",
    name="more-specific-code-documented",
    category="more_specific_code_documented",
    severity="warning",
    needs_notes=True,
    reference="ICD-10-CM Official Guidelines I.B.2, I.B.5 and IV.B "
    "(code to the highest specificity documented)",
    fix="Bill the more specific code the note documents (and drop the symptom it explains).",
)
def more_specific_code_documented(ctx: ClaimContext) -> Iterator[Hit]:
    """Claim bills a symptom or unspecified code while the note documents a more specific diagnosis.

    Runs with ``--notes DIR``: the note coder reads ``DIR/<claim id>.txt``. A claim for
    cervicalgia (``M54.2``) whose note documents right C6 radiculopathy with a dermatomal sensory
    deficit should bill ``M54.12``.

    Anti-pattern::

        dx M54.2
        line 99214
        note Assessment: right C6 cervical radiculopathy. Exam: decreased sensation in the right C6
        note dermatome, biceps reflex 1+ on the right. Neck pain radiating to the right thumb for 6 weeks.

    Best practice::

        dx M54.12
        line 99214
        note Assessment: right C6 cervical radiculopathy. Exam: decreased sensation in the right C6
        note dermatome, biceps reflex 1+ on the right. Neck pain radiating to the right thumb for 6 weeks.
    """
    note = ctx.note
    if note is None:
        return
    documented = note_codes(note)
    if not documented:
        return
    cs = ctx.codes.cs
    for d in ctx.dx:
        better = more_specific_documented(ctx, d, documented)
        if better:
            shown = cs.dotted(better) or better
            yield Hit(
                f"The note documents {shown}, more specific than the billed {d.f.dotted}.",
                (d.f.dotted, shown),
                fix=f"Bill {shown} in place of {d.f.dotted}.",
            )
