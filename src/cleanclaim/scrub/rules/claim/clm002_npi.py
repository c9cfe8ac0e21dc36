"""CLM002: an NPI that fails the check digit or is malformed."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.codes.npi import npi_is_valid as _npi_is_valid
from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule

_SEEN: dict[str, bool] = {}


def npi_is_valid(npi: str) -> bool:
    """Memoised: a file repeats the same few provider NPIs on every claim."""
    ok = _SEEN.get(npi)
    if ok is None:
        if len(_SEEN) > 100_000:
            _SEEN.clear()
        ok = _SEEN[npi] = _npi_is_valid(npi)
    return ok


@rule(
    id="CLM002",
    name="npi-check-digit",
    category="npi_invalid",
    severity="error",
    reference="45 CFR 162.406; NPI check digit: Luhn formula over the prefix 80840 + first 9 digits",
    fix="Correct the NPI from NPPES; a single transposed digit fails the check digit.",
)
def npi_check_digit(ctx: ClaimContext) -> Iterator[Hit]:
    """Billing, rendering or referring NPI that is not 10 digits or fails the Luhn check digit.

    ``1234567890`` has the right length but the wrong check digit; ``1234567893`` passes.

    Anti-pattern::

        npi 1234567890
        dx M54.2
        line 99213

    Best practice::

        npi 1234567893
        dx M54.2
        line 99213
    """
    claim = ctx.claim
    seen: set[str] = set()
    for role, party in (
        ("billing", claim.billing_provider),
        ("rendering", claim.rendering_provider),
        ("referring", claim.referring_provider),
    ):
        npi = party.identifier if party is not None else None
        if npi and (party.id_qualifier in (None, "", "XX")) and not npi_is_valid(npi):
            seen.add(npi)
            yield Hit(f"The {role} provider NPI {npi!r} is not a valid NPI.", (npi,))
    for lf in ctx.lines:
        npi = lf.line.rendering_npi
        if npi and npi not in seen and not npi_is_valid(npi):
            seen.add(npi)
            yield Hit(f"Line {lf.number} rendering NPI {npi!r} is not a valid NPI.", (npi,), lf.number)
