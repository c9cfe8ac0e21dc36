"""National Provider Identifier checks: 10 digits whose last is a Luhn check digit.

The check digit is computed over the 9 identifier digits prefixed with 80840 (the ISO health-industry
card issuer prefix for the US), as the CMS NPI standard specifies. A passing check digit says the
number is well formed, not that the NPI is enumerated or belongs to the provider on the claim.
"""

from __future__ import annotations

PREFIX = "80840"


def _luhn_check_digit(payload: str) -> int:
    """The digit that makes `payload` + digit pass the Luhn (mod 10) check."""
    total = 0
    # Doubling starts from the rightmost payload digit (the check digit will sit to its right).
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_check_digit(first_nine: str) -> int:
    """The check digit for the first nine digits of an NPI."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("an NPI check digit needs exactly nine digits")
    return _luhn_check_digit(PREFIX + first_nine)


def npi_problem(npi: str | None) -> str | None:
    """Why `npi` is not a well-formed NPI, in words a biller understands; None when it is."""
    if npi is None or not str(npi).strip():
        return "NPI is missing"
    text = str(npi).strip()
    if not text.isascii() or not text.isdigit():
        return f"NPI {text!r} must contain digits only"
    if len(text) != 10:
        return f"NPI {text} has {len(text)} digits; an NPI has exactly 10"
    expected = npi_check_digit(text[:9])
    if int(text[9]) != expected:
        return f"NPI {text} fails the check digit (last digit should be {expected}): likely a typo"
    return None


def npi_is_valid(npi: str | None) -> bool:
    """Ten digits with a correct Luhn check digit over the 80840 prefix.

    The first digit is not checked: NPIs issued so far start with 1 or 2, but the standard reserves
    other leading digits, and the check digit already catches typos."""
    return npi_problem(npi) is None
