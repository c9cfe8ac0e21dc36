"""NPI check digit (Luhn over the 80840 prefix)."""

from __future__ import annotations

import random

import pytest

from cleanclaim.codes.npi import npi_check_digit, npi_is_valid, npi_problem

# 1234567893 is the worked example in the CMS NPI check-digit specification; the others were
# computed by hand with the same method (double every other digit from the right of 80840 + 9 digits).
VALID = ["1234567893", "1245319599", "1003000126", "2000000002", "1000000004"]


@pytest.mark.parametrize("npi", VALID)
def test_known_valid_npis(npi: str) -> None:
    assert npi_is_valid(npi)
    assert npi_problem(npi) is None
    assert npi_problem(f" {npi} ") is None


def test_the_cms_worked_example_by_hand() -> None:
    # 80840 + 123456789: doubled digits 9,7,5,3,1 -> 18,14,10,6,2 -> digit sum 23; others 8,6,4,2 + prefix
    # constant 24 -> 67; next multiple of 10 is 70 -> check digit 3.
    assert npi_check_digit("123456789") == 3


@pytest.mark.parametrize("npi, words", [
    ("1234567890", "check digit"), ("123456789", "9 digits"), ("12345678931", "11 digits"),
    ("12345A7893", "digits only"), ("", "missing"), (None, "missing"),
    ("１２３４５６７８９３", "digits only"),
])
def test_broken_npis_say_why(npi, words: str) -> None:
    problem = npi_problem(npi)
    assert problem is not None and words in problem
    assert not npi_is_valid(npi)


def test_every_single_digit_typo_is_caught() -> None:
    rng = random.Random(7)
    for _ in range(200):
        base = "".join(rng.choice("0123456789") for _ in range(9))
        npi = base + str(npi_check_digit(base))
        assert npi_is_valid(npi)
        pos = rng.randrange(10)
        wrong = str((int(npi[pos]) + rng.randrange(1, 10)) % 10)
        typo = npi[:pos] + wrong + npi[pos + 1:]
        assert not npi_is_valid(typo), (npi, typo)


def test_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError):
        npi_check_digit("12345")
