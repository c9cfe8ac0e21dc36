"""ICD010: a diagnosis the Medicare Code Editor restricts to another age range."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD010",
    name="diagnosis-age-conflict",
    category="age_conflict",
    severity="error",
    reference="CMS Medicare Code Editor (MCE) age edits: newborn, pediatric, maternity, adult",
    fix="Check the patient's date of birth and the code; use the code for the patient's age group.",
)
def diagnosis_age_conflict(ctx: ClaimContext) -> Iterator[Hit]:
    """Diagnosis inconsistent with the patient's age at the date of service (MCE age attributes).

    Adult osteochondrosis of the cervical spine (``M42.12``) is an adult code (15-124); a
    12-year-old's claim takes the juvenile code ``M42.02``. Age is computed once per claim from the
    birth date at the date of service.

    Anti-pattern::

        patient age 12 M
        dx M42.12
        line 99213

    Best practice::

        patient age 12 M
        dx M42.02
        line 99213
    """
    age = ctx.age
    if age is None:
        return
    for d in ctx.dx:
        f = d.f
        lo, hi = f.age_min, f.age_max
        if (lo is not None and age < lo) or (hi is not None and age > hi):
            span = f"{lo if lo is not None else 0}-{hi if hi is not None else 124}"
            yield Hit(f"{f.dotted} is for patients aged {span}; this patient is {age}.", (f.dotted,))
