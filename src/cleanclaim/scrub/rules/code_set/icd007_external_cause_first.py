"""ICD007: an external-cause code in the first-listed position."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD007",
    name="external-cause-first-listed",
    category="external_cause_primary",
    severity="error",
    reference="ICD-10-CM Official Guidelines I.C.20 (external cause codes are never first-listed)",
    fix="List the injury or condition first; keep the external-cause code as a secondary diagnosis.",
)
def external_cause_first_listed(ctx: ClaimContext) -> Iterator[Hit]:
    """External-cause code (V00-Y99) as the first-listed diagnosis.

    External-cause codes say how an injury happened; they never stand as the reason for the
    encounter. After a car crash the whiplash sprain comes first, the collision code after it.

    Anti-pattern::

        dx V43.52XA S13.4XXA
        line 99203 ptr 1,2

    Best practice::

        dx S13.4XXA V43.52XA
        line 99203 ptr 1
    """
    first = ctx.first
    if first is not None and first.f.exists and first.f.external_cause:
        yield Hit(
            f"{first.f.dotted} is an external-cause code and cannot be the first-listed diagnosis.",
            (first.f.dotted,),
        )
