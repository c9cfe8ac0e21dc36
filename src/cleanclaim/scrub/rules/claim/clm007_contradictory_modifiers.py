"""CLM007: modifiers that contradict each other or the code they are on."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule

_X = frozenset({"XE", "XS", "XP", "XU"})


def _problems(procedure: str, mods: tuple[str, ...], is_em: bool) -> list[str]:
    out = []
    s = set(mods)
    if len(s) != len(mods):
        out.append("the same modifier twice")
    if {"LT", "RT"} <= s:
        out.append("LT with RT (a bilateral service takes 50, or two lines LT and RT)")
    if "50" in s and s & {"LT", "RT"}:
        out.append("50 (bilateral) with LT/RT")
    if "59" in s and s & _X:
        out.append("59 with an X{EPSU} modifier (use one: the X modifier is the more specific)")
    if len(s & _X) > 1:
        out.append("more than one X{EPSU} modifier")
    if "25" in s and not is_em:
        out.append("25 on a code that is not an E/M service (25 belongs on the E/M line)")
    if is_em and s & (_X | {"59"}):
        out.append("59/X{EPSU} on an E/M service (NCCI: use 25 or 57 on E/M codes)")
    return out


@rule(
    id="CLM007",
    name="modifier-contradiction",
    category="modifier",
    severity="error",
    reference="NCCI Policy Manual ch. I.E (modifiers 25, 59, X{EPSU}); "
    "CMS bilateral indicator rules (50, LT, RT)",
    fix="Keep the one modifier that describes the service; put 25 on the E/M line and 59/X on the procedure.",
)
def modifier_contradiction(ctx: ClaimContext) -> Iterator[Hit]:
    """Modifiers on one line that contradict each other or the kind of code they are on.

    Examples: ``LT`` with ``RT``; ``50`` with ``LT``; ``59`` with ``XS``; ``25`` on a procedure
    rather than the E/M; ``59`` on an E/M service.

    Anti-pattern::

        dx M47.812
        line 99214 ptr 1
        line 64490 mod 25 ptr 1

    Best practice::

        dx M47.812
        line 99214 mod 25 ptr 1
        line 64490 ptr 1
    """
    for lf in ctx.lines:
        if not lf.modifiers:
            continue
        for problem in _problems(lf.procedure, lf.modifiers, ctx.is_em(lf.procedure)):
            yield Hit(
                f"Line {lf.number} ({lf.procedure} {'-'.join(lf.modifiers)}): {problem}.",
                (lf.procedure, *lf.modifiers),
                lf.number,
            )
