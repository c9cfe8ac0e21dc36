"""CLM001: service-line diagnosis pointers that point nowhere."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="CLM001",
    name="diagnosis-pointer-invalid",
    category="pointer_invalid",
    severity="error",
    reference="837P 005010X222A1 loop 2400 SV107 (diagnosis code pointers, 1-4 into HI)",
    fix="Point each service line at 1-4 diagnoses that exist on the claim, the one that justifies it first.",
)
def diagnosis_pointer_invalid(ctx: ClaimContext) -> Iterator[Hit]:
    """Service line with no diagnosis pointer, a pointer past the last diagnosis, or more than four.

    The pointer ties the procedure to the diagnosis that justifies it; payers reject a line that
    points at nothing.

    Anti-pattern::

        dx M54.12
        line 99213 ptr 1
        line 72141 ptr 2

    Best practice::

        dx M54.12
        line 99213 ptr 1
        line 72141 ptr 1
    """
    n = len(ctx.dx)
    for lf in ctx.lines:
        if not lf.pointers:
            yield Hit(
                f"Line {lf.number} ({lf.procedure}) has no diagnosis pointer.", (lf.procedure,), lf.number
            )
            continue
        bad = [p for p in lf.pointers if p < 1 or p > n]
        if bad:
            yield Hit(
                f"Line {lf.number} ({lf.procedure}) points at diagnosis "
                f"{', '.join(map(str, bad))}, but the claim has {n}.",
                (lf.procedure,),
                lf.number,
            )
        elif len(lf.pointers) > 4:
            yield Hit(
                f"Line {lf.number} ({lf.procedure}) has {len(lf.pointers)} pointers; the 837P allows 4.",
                (lf.procedure,),
                lf.number,
            )
        elif len(set(lf.pointers)) != len(lf.pointers):
            yield Hit(
                f"Line {lf.number} ({lf.procedure}) repeats a diagnosis pointer.", (lf.procedure,), lf.number
            )
