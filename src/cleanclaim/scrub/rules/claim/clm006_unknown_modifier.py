"""CLM006: a modifier that is not a CPT or HCPCS Level II modifier."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.codes.modifiers import modifier_info
from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(id="CLM006", name="modifier-unknown", category="modifier", severity="error",
      reference="837P SV101-3..6 procedure modifiers: CPT Appendix A / HCPCS Level II modifier list",
      fix="Use a valid two-character modifier, or remove it.")
def modifier_unknown(ctx: ClaimContext) -> Iterator[Hit]:
    """Modifier that is malformed or not in the CPT / HCPCS Level II modifier lists.

    ``95`` is telehealth, ``59`` distinct service; ``5`` or ``XX`` mean nothing and the line is
    rejected.

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
                yield Hit(f"Line {lf.number} ({lf.procedure}): {mod!r} is not a known modifier.",
                          (lf.procedure, mod), lf.number)
