"""CLM004: the same service billed twice on one claim."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule

# Modifiers that say "this repeat is a distinct service", so a repeated code is not a duplicate.
_REPEAT_OK = frozenset({"76", "77", "91", "59", "XE", "XS", "XP", "XU", "LT", "RT", "50"})


@rule(
    id="CLM004",
    name="duplicate-service-line",
    category="duplicate_line",
    severity="error",
    reference="CARC 18 (exact duplicate claim/service); NCCI Policy Manual ch. I (units of service)",
    fix="Bill the service once with the total units, or add the modifier that explains the repeat "
    "(76, 91, 59/X).",
)
def duplicate_service_line(ctx: ClaimContext) -> Iterator[Hit]:
    """Two lines with the same procedure, modifiers and date of service.

    Timed therapy codes are billed once per day with the units summed; a second identical line is
    denied as a duplicate.

    Anti-pattern::

        dx M54.2
        line 97110 units 2
        line 97110 units 1

    Best practice::

        dx M54.2
        line 97110 units 3 charge 200
    """
    seen: dict[tuple[object, ...], int] = {}
    for lf in ctx.lines:
        if _REPEAT_OK.intersection(lf.modifiers):
            continue
        key = (lf.procedure, tuple(sorted(lf.modifiers)), lf.dos, lf.line.rendering_npi)
        first = seen.setdefault(key, lf.number)
        if first != lf.number:
            yield Hit(
                f"Line {lf.number} repeats line {first}: {lf.procedure} on "
                f"{lf.dos.isoformat() if lf.dos else 'the same day'}.",
                (lf.procedure,),
                lf.number,
            )
