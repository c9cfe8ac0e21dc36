"""CLM008: a procedure code that is not shaped like a CPT or HCPCS Level II code."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.codes.procedures import is_cpt_shaped, is_hcpcs_shaped
from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="CLM008",
    name="procedure-not-a-code",
    category="invalid_code",
    severity="error",
    reference="837P SV101-2 (HC qualifier: CPT 5 characters, HCPCS Level II letter + 4 digits)",
    fix="Use the 5-character CPT or HCPCS Level II code from the charge master.",
)
def procedure_not_a_code(ctx: ClaimContext) -> Iterator[Hit]:
    """Procedure code that is neither CPT-shaped nor HCPCS Level II-shaped.

    A dropped digit (``9921``) or an internal charge code (``OV-EST``) reaches the payer only to
    be rejected.

    Anti-pattern::

        dx M54.2
        line 9921

    Best practice::

        dx M54.2
        line 99213
    """
    for lf in ctx.lines:
        code = lf.procedure
        if lf.line.qualifier not in (None, "", "HC"):
            continue
        if not code or not (is_cpt_shaped(code) or is_hcpcs_shaped(code)):
            yield Hit(f"Line {lf.number}: {code!r} is not a CPT or HCPCS Level II code.", (code,), lf.number)
