"""CLM006: a modifier that is not a CPT or HCPCS Level II modifier."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.codes.modifiers import modifier_info
from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="CLM006",
    name="modifier-unknown",
    category="modifier",
    severity="warning",
    reference="837P SV101-3..6 procedure modifiers: CPT Appendix A / HCPCS Level II modifier list",
    fix="Use a valid two-character modifier, or remove it.",
)
def modifier_unknown(ctx: ClaimContext) -> Iterator[Hit]:
    """Modifier that is malformed or not in cleanclaim's CPT / HCPCS Level II modifier table.

    ``95`` is telehealth, ``59`` distinct service; ``5`` or ``XX`` mean nothing and the line is
    rejected. A warning, not an error: the modifier table (``codes/data/modifiers.tsv``) is a
    curated subset, so a rare real modifier may be missing from it.

    Anti-pattern::

        dx M54.2
        line 97140 mod XX

    Best practice::

        dx M54.2
        line 97140 mod GP
    """
    for lf in ctx.lines:
        for mod in lf.modifiers:
            if len(mod) != 2 or modifier_info(mod) is None:
                what = (
                    "is not a modifier" if len(mod) != 2 or not mod.isalnum() else "is not a known modifier"
                )
                yield Hit(
                    f"Line {lf.number} ({lf.procedure}): {mod!r} {what}.", (lf.procedure, mod), lf.number
                )
