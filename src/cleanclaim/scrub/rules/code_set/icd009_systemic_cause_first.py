"""ICD009: a symptom listed before the systemic condition that causes it."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule
from cleanclaim.scrub.tables import matches_any


@rule(
    id="ICD009",
    name="symptom-before-systemic-cause",
    category="sequencing",
    severity="warning",
    reference="ICD-10-CM Official Guidelines I.B.5 and IV.D "
    "(first-listed: the condition chiefly responsible)",
    fix="Sequence the systemic condition first; keep the symptom code only if the payer requires it.",
)
def symptom_before_systemic_cause(ctx: ClaimContext) -> Iterator[Hit]:
    """Symptom code listed before a systemic condition that explains it.

    Neck pain from metastatic disease of the spine (``C79.51``), meningitis (``G00``-``G03``),
    ankylosing spondylitis (``M45.2``) or spinal infection is coded with the systemic condition
    first. Pairs live in ``scrub/data/symptom_integral.tsv`` (kind ``systemic``).

    Anti-pattern::

        dx M54.2 C79.51
        line 99214 ptr 1,2

    Best practice::

        dx C79.51 M54.2
        line 99214 ptr 1,2
    """
    if ctx.dx_codes.isdisjoint(ctx.tables.symptom_codes) or len(ctx.dx) < 2:
        return
    links = ctx.tables.symptoms
    for i, d in enumerate(ctx.dx):
        for link in links.get(d.code, ()):
            if link.kind != "systemic":
                continue
            for later in ctx.dx[i + 1 :]:
                if matches_any(later.code, (link.pattern,)):
                    yield Hit(
                        f"{d.f.dotted} (a symptom) is listed before {later.f.dotted}, the systemic "
                        f"condition that causes it.",
                        (d.f.dotted, later.f.dotted),
                    )
                    return
