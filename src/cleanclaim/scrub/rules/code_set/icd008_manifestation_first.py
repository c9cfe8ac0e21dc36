"""ICD008: a manifestation code in the first-listed position."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD008",
    name="manifestation-first-listed",
    category="manifestation_primary",
    severity="error",
    reference="ICD-10-CM Official Guidelines I.A.13 (etiology/manifestation convention, 'code first')",
    fix="List the underlying condition first, then the manifestation code.",
)
def manifestation_first_listed(ctx: ClaimContext) -> Iterator[Hit]:
    """Manifestation code ("in diseases classified elsewhere", MCE manifestation list) listed first.

    ``G55`` (nerve root compression in diseases classified elsewhere) carries a "code first" note:
    the metastasis compressing the root (``C79.51``) must precede it.

    Anti-pattern::

        dx G55 C79.51
        line 99214 ptr 1,2

    Best practice::

        dx C79.51 G55
        line 99214 ptr 1,2
    """
    first = ctx.first
    if first is not None and first.f.exists and first.f.manifestation:
        yield Hit(
            f"{first.f.dotted} is a manifestation code and cannot be the first-listed diagnosis.",
            (first.f.dotted,),
        )
