"""Claim-level rules: pointers, NPIs, required fields, duplicate lines, totals, modifiers, procedure codes."""

from __future__ import annotations

import pytest

from cleanclaim.scrub.sketch import scrub_sketch


def hits(text: str, *select: str) -> list[str]:
    return [f.rule for f in scrub_sketch(text, select=list(select))]


def test_pointers():
    assert hits("dx M54.12\nline 99213 ptr 1", "CLM001") == []
    assert hits("dx M54.12\nline 99213 ptr -", "CLM001") == ["CLM001"]  # no pointer at all
    assert hits("dx M54.12 M47.812\nline 99213 ptr 1,3", "CLM001") == ["CLM001"]  # past the last diagnosis
    assert hits("dx M54.12 M47.812\nline 99213 ptr 2,2", "CLM001") == ["CLM001"]  # the same pointer twice
    five = "dx M54.12 M47.812 M62.838 G44.86 R51.9\nline 99214 ptr 1,2,3,4,5"
    assert hits(five, "CLM001") == ["CLM001"]
    findings = scrub_sketch("dx M54.12\nline 99213 ptr 1\nline 72141 ptr 2", select=["CLM001"])
    assert [f.line for f in findings] == [2]


@pytest.mark.parametrize(
    "npi,ok",
    [
        ("1234567893", True),
        ("1679576722", True),
        ("1234567890", False),
        ("123456789", False),
        ("12345678931", False),
        ("12345A7893", False),
    ],
)
def test_npi_check_digit(npi, ok):
    assert (hits(f"npi {npi}\ndx M54.2\nline 99213", "CLM002") == []) is ok
    assert (hits(f"rendering {npi}\ndx M54.2\nline 99213", "CLM002") == []) is ok


def test_required_fields_each_reported():
    for field, words in (
        ("npi", "billing provider NPI"),
        ("birth_date", "birth date"),
        ("sex", "sex"),
        ("member_id", "member id"),
        ("payer_id", "payer id"),
        ("pos", "place of service"),
    ):
        findings = scrub_sketch(f"unset {field}\ndx M54.2\nline 99213", select=["CLM003"])
        assert len(findings) == 1 and words in findings[0].message, field
    assert hits("dx M54.2\nline 99213 charge 0", "CLM003") == ["CLM003"]
    assert hits("line 99213", "CLM003") == ["CLM003"]  # no diagnosis
    assert hits("dx M54.2\nline 99213 pos 11\nunset pos", "CLM003") == []  # the line carries it


def test_duplicate_lines():
    assert hits("dx M54.2\nline 97110 units 2\nline 97110 units 1", "CLM004") == ["CLM004"]
    assert hits("dx M54.2\nline 97110 units 3", "CLM004") == []
    assert hits("dx M54.2\nline 97110 dos 2025-03-10\nline 97110 dos 2025-03-12", "CLM004") == []
    assert hits("dx M54.2\nline 72040\nline 72040 mod 76", "CLM004") == []  # repeat procedure, same day
    assert hits("dx M47.812\nline 64490 mod LT\nline 64490 mod RT", "CLM004") == []


def test_total_charge():
    assert hits("dx M54.2\nline 99213 charge 120.00\nline 97140 charge 45.50\ntotal 165.50", "CLM005") == []
    findings = scrub_sketch(
        "dx M54.2\nline 99213 charge 120\nline 97140 charge 45.50\ntotal 165.05", select=["CLM005"]
    )
    assert [f.rule for f in findings] == ["CLM005"] and "165.50" in findings[0].fix


@pytest.mark.parametrize(
    "mods,rule",
    [
        ("XX", "CLM006"),
        ("5", "CLM006"),
        ("LT,RT", "CLM007"),
        ("50,LT", "CLM007"),
        ("59,XS", "CLM007"),
        ("XS,XU", "CLM007"),
        ("59,59", "CLM007"),
    ],
)
def test_bad_modifiers(mods, rule):
    assert rule in hits(f"dx M47.812\nline 64490 mod {mods}", "modifier")


def test_modifier_25_belongs_on_the_em_line():
    assert hits("dx M47.812\nline 99214 mod 25\nline 64490", "modifier") == []
    assert hits("dx M47.812\nline 99214\nline 64490 mod 25", "modifier") == ["CLM007"]
    assert hits("dx M47.812\nline 99214 mod 59\nline 64490", "modifier") == ["CLM007"]


@pytest.mark.parametrize(
    "code,ok",
    [
        ("99213", True),
        ("J1040", True),
        ("0213T", True),
        ("9921", False),
        ("OV-EST", False),
        ("992134", False),
    ],
)
def test_procedure_shape(code, ok):
    assert (hits(f"dx M54.2\nline {code}", "CLM008") == []) is ok


def test_dependent_needs_own_birth_date():
    from datetime import date

    from cleanclaim.claims.model import Patient
    from cleanclaim.scrub import ScrubConfig, scrub_claims
    from cleanclaim.scrub.sketch import parse_sketch

    def missing(relationship: str) -> list[str]:
        claim, _ = parse_sketch("dx M54.2\nline 99213")
        claim.subscriber = Patient("PAT", "SUBSCRIBER", date(1960, 1, 1), "F", "W1", "18")
        claim.patient.birth_date, claim.patient.sex, claim.patient.relationship = None, None, relationship
        report = scrub_claims([claim], config=ScrubConfig(select=["CLM003", "ICD010"]))
        return [f.message for f in report.claims[0].findings]

    assert missing("18") == []                      # patient is the subscriber: 2010BA DMG covers it
    assert missing("19") == ["Missing patient birth date (DMG02).", "Missing patient sex (DMG03)."]
