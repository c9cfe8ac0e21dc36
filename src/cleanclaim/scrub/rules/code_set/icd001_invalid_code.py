"""ICD001: a diagnosis that is not an ICD-10-CM code at all."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD001",
    name="diagnosis-not-a-code",
    category="invalid_code",
    severity="error",
    reference="ICD-10-CM Official Guidelines I.A; 837P HI segment",
    fix="Replace it with the ICD-10-CM code the documentation supports; look it up with `cleanclaim lookup`.",
)
def diagnosis_not_a_code(ctx: ClaimContext) -> Iterator[Hit]:
    """Diagnosis code that exists in no ICD-10-CM release (FY2016 onward).

    Usually a typo or an invented extension: ``M54.22`` does not exist because cervicalgia (M54.2)
    is already a complete code. ICD-9 codes (qualifier BK/BF) land here too.

    Anti-pattern::

        dx M54.22
        line 99213

    Best practice::

        dx M54.2
        line 99213
    """
    for d in ctx.dx:
        if not d.f.exists and not d.f.missing_seventh:
            if d.qualifier in ("BK", "BF"):
                yield Hit(
                    f"Diagnosis {d.position} {d.raw!r} is sent as ICD-9-CM (qualifier {d.qualifier}); "
                    f"claims for services since 2015-10-01 need ICD-10-CM (ABK/ABF).",
                    (d.raw,),
                    fix="Code the diagnosis in ICD-10-CM and send it with qualifier ABK (first) or ABF.",
                )
                continue
            what = "is not shaped like an ICD-10-CM code" if not d.f.shaped else "is not an ICD-10-CM code"
            yield Hit(f"Diagnosis {d.position} {d.raw!r} {what}.", (d.raw,))
