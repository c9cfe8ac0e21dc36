"""ICD006: a symptom code beside the definitive diagnosis it is integral to."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule
from cleanclaim.scrub.tables import matches_any


@rule(
    id="ICD006",
    name="symptom-with-definitive-diagnosis",
    category="symptom_with_definitive_dx",
    severity="warning",
    reference="ICD-10-CM Official Guidelines I.B.5 (signs and symptoms integral to a disease)",
    fix="Remove the symptom code; the definitive diagnosis already accounts for it.",
)
def symptom_with_definitive_dx(ctx: ClaimContext) -> Iterator[Hit]:
    """Sign or symptom code reported beside a definitive diagnosis it is a routine part of.

    Neck pain (``M54.2``) is integral to cervical spondylosis, radiculopathy, disc disorders, cervical
    fractures and whiplash sprains; coding both signals unsupported specificity and invites
    denials. Pairs an Excludes1 note already forbids (``M54.2`` with ``M50.-``) are left to
    ICD005. Pairs live in ``scrub/data/symptom_integral.tsv`` (kind ``integral``); systemic causes
    (kind ``systemic``) are a sequencing question, see ICD009.

    Anti-pattern::

        dx M47.812 M54.2
        line 99213 ptr 1,2

    Best practice::

        dx M47.812
        line 99213
    """
    if ctx.dx_codes.isdisjoint(ctx.tables.symptom_codes) or len(ctx.dx) < 2:
        return
    links = ctx.tables.symptoms
    for d in ctx.dx:
        for link in links.get(d.code, ()):
            if link.kind != "integral":
                continue
            for other in ctx.dx:
                if (
                    other is not d
                    and matches_any(other.code, (link.pattern,))
                    and ctx.codes.excludes1(d.code, other.code) is None
                ):  # ICD005 reports those
                    yield Hit(
                        f"{d.f.dotted} is a symptom integral to {other.f.dotted}"
                        f"{' (' + link.note + ')' if link.note else ''}; do not code it separately.",
                        (d.f.dotted, other.f.dotted),
                    )
                    break
            else:
                continue
            break
