"""CLM005: claim total charge differs from the sum of the line charges."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule

_ZERO = Decimal(0)


@rule(
    id="CLM005",
    name="total-charge-mismatch",
    category="charge_mismatch",
    severity="error",
    reference="837P 005010X222A1 CLM02: total claim charge must equal the sum of SV102 line charges",
    fix="Recompute CLM02 as the sum of the line charges.",
)
def total_charge_mismatch(ctx: ClaimContext) -> Iterator[Hit]:
    """Claim total (CLM02) not equal to the sum of its line charges (SV102).

    Front-end edits reject the claim before any payer sees it.

    Anti-pattern::

        dx M54.2
        line 99213 charge 120
        line 97140 charge 60
        total 200

    Best practice::

        dx M54.2
        line 99213 charge 120
        line 97140 charge 60
        total 180
    """
    if not ctx.lines:
        return
    lines_sum = _ZERO
    for lf in ctx.lines:
        if lf.line.charge:
            lines_sum += lf.line.charge
    total = ctx.claim.total_charge or _ZERO
    if lines_sum != total:
        yield Hit(
            f"Claim total {total:.2f} differs from the sum of the lines {lines_sum:.2f} "
            f"(by {total - lines_sum:+.2f}).",
            (),
            None,
            fix=f"Set the claim total (CLM02) to {lines_sum:.2f}, or correct the line charges.",
        )
