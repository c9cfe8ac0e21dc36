"""ICD005: two diagnoses that an Excludes1 note says are never coded together."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD005",
    name="excludes1-pair",
    category="excludes1_conflict",
    severity="error",
    reference="ICD-10-CM Official Guidelines I.A.12.a (Excludes1)",
    fix="Keep the code that describes the condition; drop the excluded one. Excludes1 allows both only "
    "when the two conditions are unrelated, and the note must say so.",
)
def excludes1_pair(ctx: ClaimContext) -> Iterator[Hit]:
    """Two diagnoses on one claim that an Excludes1 note (inherited from the category) forbids together.

    ``M54.1`` radiculopathy excludes radiculopathy with a cervical disc disorder (``M50.1-``): the
    disc code already says "with radiculopathy", so ``M54.12`` beside ``M50.121`` is a contradiction.

    Anti-pattern::

        dx M50.121 M54.12
        line 99214

    Best practice::

        dx M50.121
        line 99214
    """
    dx = [d for d in ctx.dx if d.f.exists]
    for i, a in enumerate(dx):
        for b in dx[i + 1 :]:
            if a.code == b.code:
                continue
            hit = ctx.codes.excludes1(a.code, b.code)
            if hit is not None:
                owner = getattr(hit, "owner", "") or ""
                note = getattr(hit, "note", "") or ""
                where = f" (Excludes1 at {ctx.codes.cs.dotted(owner) or owner}: {note})" if owner else ""
                yield Hit(
                    f"{a.f.dotted} and {b.f.dotted} are never coded together{where}.",
                    (a.f.dotted, b.f.dotted),
                )
