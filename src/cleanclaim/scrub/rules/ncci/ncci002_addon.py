"""NCCI002: an add-on code billed without its primary procedure."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="NCCI002",
    name="add-on-without-primary",
    category="ncci_ptp",
    severity="error",
    reference="NCCI add-on code edits (type I: primary codes listed); "
    "curated subset in scrub/data/addon_codes.tsv",
    fix="Bill the primary procedure on the same date, or report the service with the primary code.",
)
def add_on_without_primary(ctx: ClaimContext) -> Iterator[Hit]:
    """Add-on code (e.g. a second facet level) on a date with none of its primary codes.

    ``64491`` (second cervical facet level) only pays with ``64490`` (first level) the same day.

    Anti-pattern::

        dx M47.812
        line 64491

    Best practice::

        dx M47.812
        line 64490
        line 64491
    """
    if ctx.procedures.isdisjoint(ctx.tables.addon_codes):
        return
    addons = ctx.tables.addon_primaries
    for lf in ctx.lines:
        primaries = addons.get(lf.procedure)
        if primaries is None:
            continue
        if not any(
            o.procedure in primaries and (o.dos == lf.dos or not o.dos or not lf.dos)
            for o in ctx.lines
            if o is not lf
        ):
            want = ", ".join(sorted(primaries)[:6])
            yield Hit(
                f"Add-on {lf.procedure} (line {lf.number}) has no primary procedure on the same date "
                f"(expected one of {want}).",
                (lf.procedure,),
                lf.number,
            )
