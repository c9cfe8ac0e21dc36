"""ICD011: a diagnosis restricted to the other sex (configurable)."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule

_WORD = {"M": "male", "F": "female"}


@rule(
    id="ICD011",
    name="diagnosis-sex-conflict",
    category="sex_conflict",
    severity="warning",
    reference="MCE sex edits (CMS removed them from the MCE in FY2025; many payers still apply them)",
    fix="Check the patient's sex on the claim and the code; correct whichever is wrong.",
    config_keys=("sex-edits",),
)
def diagnosis_sex_conflict(ctx: ClaimContext) -> Iterator[Hit]:
    """Diagnosis that the MCE attributes to one sex, on a claim for a patient of the other.

    Off for Medicare Part B claims by default (the built-in ``MB`` payer pack) and configurable with
    ``sex-edits`` globally or per payer pack. Pregnancy codes on a male patient's claim are the
    classic case.

    Anti-pattern::

        patient age 34 M
        dx O99.891 M54.2
        line 99213 ptr 1,2

    Best practice::

        patient age 34 F
        dx O99.891 M54.2
        line 99213 ptr 1,2
    """
    if not ctx.sex_edits or ctx.sex not in _WORD:
        return
    for d in ctx.dx:
        want = (d.f.sex or "").upper()[:1]
        if want in _WORD and want != ctx.sex:
            yield Hit(
                f"{d.f.dotted} is a {_WORD[want]}-only diagnosis; the patient is {_WORD[ctx.sex]}.",
                (d.f.dotted,),
            )
