"""ICD003: a code from a category that requires a 7th character, sent without it."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD003",
    name="missing-seventh-character",
    category="missing_7th_character",
    severity="error",
    reference="ICD-10-CM Official Guidelines I.A.5 (placeholder X) and I.B.1; chapter 19 7th characters",
    fix="Add the 7th character for the encounter (A initial, D subsequent, S sequela), padding with X.",
)
def missing_seventh_character(ctx: ClaimContext) -> Iterator[Hit]:
    """Injury (and other) codes whose category requires a 7th character, billed without one.

    ``S13.4`` (sprain of ligaments of cervical spine, the whiplash code) needs the X placeholders
    and an encounter character: ``S13.4XXA`` for active treatment.

    Anti-pattern::

        dx S13.4
        line 99203

    Best practice::

        dx S13.4XXA
        line 99203
    """
    cs = ctx.codes.cs
    for d in ctx.dx:
        f = d.f
        if f.missing_seventh:
            stem = d.code.ljust(6, "X")
            suggestion = f"{cs.dotted(stem + 'A') or stem + 'A'}" if cs.exists(stem + "A") else None
            yield Hit(
                f"{f.dotted} requires a 7th character"
                + (f" (e.g. {suggestion} for an initial encounter)." if suggestion else "."),
                (f.dotted,),
            )
