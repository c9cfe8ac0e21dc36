"""ICD004: a real code that is not in the code set in force on the date of service."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD004",
    name="code-not-valid-on-date-of-service",
    category="code_not_valid_on_dos",
    severity="error",
    reference="HIPAA code-set rule (45 CFR 162.1002): the code set in force on the date of service",
    fix="Use the code that was valid on the date of service (codes change every 1 October and 1 April).",
)
def code_not_valid_on_dos(ctx: ClaimContext) -> Iterator[Hit]:
    """Diagnosis that exists in some ICD-10-CM release, but not in the one in force on the date of service.

    Cervicogenic headache got its own code, ``G44.86``, on 2021-10-01 (FY2022); a visit on 2021-06-01
    must use the code of that year (``G44.89``, other headache syndrome).

    Anti-pattern::

        dos 2021-06-01
        dx G44.86
        line 99213

    Best practice::

        dos 2021-06-01
        dx G44.89
        line 99213
    """
    for d in ctx.dx:
        f = d.f
        if f.exists and not f.valid and not f.missing_seventh:
            yield Hit(
                f"{f.dotted} is not in the ICD-10-CM code set in force on {ctx.on.isoformat()}.", (f.dotted,)
            )
