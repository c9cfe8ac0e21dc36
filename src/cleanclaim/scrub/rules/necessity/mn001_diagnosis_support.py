"""MN001: the diagnoses a line points at do not support the procedure under the payer policy."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule
from cleanclaim.scrub.tables import matches_any


@rule(
    id="MN001",
    name="diagnosis-does-not-support-procedure",
    category="medical_necessity",
    severity="error",
    reference="Payer medical-necessity policy (Medicare LCDs and billing articles) in scrub/data/policies",
    fix="Point the line at the documented diagnosis the policy covers; if none is documented the service "
    "is not covered (for Medicare, obtain an ABN before the service).",
)
def diagnosis_does_not_support_procedure(ctx: ClaimContext) -> Iterator[Hit]:
    """Procedure billed under a payer policy with no covered diagnosis among the line's pointers.

    Runs only for the policies the claim's payer pack applies (Medicare Part B ``MB`` gets the
    LCD-style policies by default). A cervical epidural steroid injection for axial neck pain
    alone (``M54.2``) is not covered; radicular pain from a disc herniation is.

    Anti-pattern::

        payer MB
        patient age 67 F
        dx M54.2
        line 62321

    Best practice::

        payer MB
        patient age 67 F
        dx M50.121
        line 62321
    """
    if not ctx.policies:
        return
    for policy in ctx.policies:
        if not policy.in_force(ctx.on):
            continue
        for lf in ctx.lines:
            if lf.procedure not in policy.procedures or lf.procedure in policy.not_covered_procedures:
                continue
            dx = ctx.line_dx(lf)
            if any(policy.covers(d.code) for d in dx):
                continue
            shown = ", ".join(d.f.dotted for d in dx) or "no diagnosis"
            if dx and all(matches_any(d.code, policy.not_covered_alone) for d in dx):
                why = f"{shown} alone does not support {lf.procedure}"
            else:
                why = f"none of the diagnoses it points at ({shown}) is covered for {lf.procedure}"
            yield Hit(
                f"Line {lf.number}: {why} under {policy.reference} ({policy.title}).",
                (lf.procedure, *(d.f.dotted for d in dx)),
                lf.number,
            )
