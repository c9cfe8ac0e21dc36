"""MN002: a procedure variant the payer policy does not cover at all."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="MN002",
    name="procedure-not-covered-by-policy",
    category="medical_necessity",
    severity="error",
    reference="Payer medical-necessity policy (Medicare LCDs and billing articles) in scrub/data/policies",
    fix="Bill the covered form of the service (e.g. the image-guided code) or do not bill it; for "
    "Medicare obtain an ABN before a non-covered service.",
)
def procedure_not_covered_by_policy(ctx: ClaimContext) -> Iterator[Hit]:
    """Procedure the applicable policy names as not covered, whatever the diagnosis.

    The Medicare epidural-injection LCDs cover only image-guided injections: ``62320`` (cervical
    or thoracic interlaminar epidural without imaging guidance) is not covered; ``62321`` is the
    image-guided code.

    Anti-pattern::

        payer MB
        patient age 67 F
        dx M50.121
        line 62320

    Best practice::

        payer MB
        patient age 67 F
        dx M50.121
        line 62321
    """
    for policy in ctx.policies:
        if not policy.not_covered_procedures or not policy.in_force(ctx.on):
            continue
        for lf in ctx.lines:
            why = policy.not_covered_procedures.get(lf.procedure)
            if why:
                yield Hit(
                    f"Line {lf.number}: {lf.procedure} is not covered under {policy.reference}: {why}.",
                    (lf.procedure,),
                    lf.number,
                )
