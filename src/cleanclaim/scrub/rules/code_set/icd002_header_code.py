"""ICD002: a category or subcategory header billed as if it were a complete code."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="ICD002",
    name="header-code-billed",
    category="non_billable_code",
    severity="error",
    reference="ICD-10-CM Official Guidelines I.B.2 (level of detail in coding)",
    fix="Code to the highest level of detail: choose one of the header's complete child codes.",
)
def header_code_billed(ctx: ClaimContext) -> Iterator[Hit]:
    """Category or subcategory header on the claim instead of a complete (billable) code.

    ``M54.1`` (radiculopathy) is a header: the payer needs the site, e.g. ``M54.12`` for the
    cervical region. Headers are rejected by the clearinghouse front-end edits.

    Anti-pattern::

        dx M54.1
        line 99213

    Best practice::

        dx M54.12
        line 99213
    """
    cs = ctx.codes.cs
    for d in ctx.dx:
        f = d.f
        if f.valid and f.header and not f.billable:
            kids = [cs.dotted(c) or c for c in (cs.children(d.code) or [])][:6]
            choose = f" choose one of {', '.join(kids)}" if kids else ""
            yield Hit(
                f"{f.dotted} is a category header, not a complete code.",
                (f.dotted,),
                fix=f"Code to the highest level of detail:{choose}." if choose else None,
            )
