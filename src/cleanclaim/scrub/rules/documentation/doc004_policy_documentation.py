"""DOC004: the note lacks documentation the payer policy requires for the billed service."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule
from cleanclaim.scrub.rules.documentation._note import fact

_WHAT = {
    "radicular_signs": "objective radicular findings (dermatomal sensory loss, myotomal weakness, "
    "reflex change, "
    "positive Spurling test)",
    "neuro_exam": "a neurologic examination",
    "imaging_findings": "imaging findings",
}


@rule(
    id="DOC004",
    name="policy-documentation-missing",
    category="documentation_gap",
    severity="warning",
    needs_notes=True,
    reference="Payer / LCD documentation requirements in scrub/data/policies (requires: ...)",
    fix="Add the missing documentation to the note (if it was done), or hold the claim until it is.",
)
def policy_documentation_missing(ctx: ClaimContext) -> Iterator[Hit]:
    """Note lacks what the applicable policy requires for the billed procedure.

    The Medicare epidural-injection LCDs require at least 4 weeks of documented conservative care
    and radicular findings; a note that says only "neck pain, wants injection" fails review even
    with a covered diagnosis on the claim.

    Anti-pattern::

        payer MB
        patient age 67 F
        dx M50.121
        line 62321
        note Neck and right arm pain for 2 weeks. Wants an injection. Assessment: cervical disc
        note herniation C5-C6 with radiculopathy. Plan: C6-C7 interlaminar epidural steroid injection.

    Best practice::

        payer MB
        patient age 67 F
        dx M50.121
        line 62321
        note Neck pain radiating to the right arm for 8 weeks despite 6 weeks of physical therapy and
        note NSAIDs. Exam: decreased sensation in the right C6 dermatome, biceps reflex 1+ on the right,
        note positive Spurling test on the right. MRI: right C5-C6 disc herniation compressing the C6
        note root. Assessment: cervical disc herniation C5-C6 with radiculopathy. Plan: C7-T1
        note interlaminar epidural steroid injection under fluoroscopy.
    """
    note = ctx.note
    if note is None or not ctx.policies:
        return
    for policy in ctx.policies:
        if not policy.requires or not policy.in_force(ctx.on):
            continue
        lines = [lf for lf in ctx.lines if lf.procedure in policy.procedures]
        if not lines:
            continue
        lf = lines[0]
        for key, want in policy.requires.items():
            have = fact(note, key)
            if key.endswith("_weeks"):
                need = 1 if want is True else int(want)  # type: ignore[call-overload]
                label = key.removesuffix("_weeks").replace("_", " ")
                if have is None or have < need:
                    got = "none documented" if not have else f"{have} weeks documented"
                    span = "documented" if want is True else f"at least {want} weeks of"
                    yield Hit(
                        f"{policy.reference} requires {span} {label} before {lf.procedure}; {got}.",
                        (lf.procedure,),
                        lf.number,
                    )
            elif want and not have:
                what = _WHAT.get(key, key.replace("_", " "))
                yield Hit(
                    f"{policy.reference} requires {what} for {lf.procedure}; the note has none.",
                    (lf.procedure,),
                    lf.number,
                )
