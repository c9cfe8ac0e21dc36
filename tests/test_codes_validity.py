"""Code validity by date of service, normalisation, headers and 7th characters."""

from __future__ import annotations

from datetime import date

import pytest

from cleanclaim.codes import get_codeset, normalize_code


@pytest.fixture(scope="module")
def cs():
    return get_codeset()


@pytest.mark.parametrize("raw, expected", [
    ("M54.2", "M542"), ("m542", "M542"), (" m54.2 ", "M542"), ("M 54.2", "M542"),
    ("s129xxa", "S129XXA"), ("S12.9XXA", "S129XXA"), ("c78.31", "C7831"),
])
def test_normalize_accepts_the_ways_coders_type_codes(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "M5", "M54.2.1", "M54..2", "MM54", "M54.21234", "bad!",
                                 None, 42])
def test_normalize_rejects_what_cannot_be_a_code(raw):
    assert normalize_code(raw) is None


def test_fy2027_addition_valid_only_from_october_2026(cs):
    before, after = cs.lookup("C78.31", date(2026, 9, 30)), cs.lookup("C78.31", date(2026, 10, 1))
    assert not before.valid and "added 2026-10-01" in before.reason
    assert after.valid and after.billable
    assert after.effective_from == date(2026, 10, 1)
    # the April 2026 tabular has no description for it, and the lookup says so plainly
    assert "FY2027 addition" in after.description


def test_code_deleted_in_fy2027_is_invalid_after(cs):
    before, after = cs.lookup("M72.2", date(2026, 9, 30)), cs.lookup("M72.2", date(2026, 10, 1))
    assert before.billable
    assert not after.valid and after.reason.startswith("deleted 2026-10-01")
    assert after.effective_to == date(2026, 9, 30)
    # the replacements added that day are named
    assert "M72.2" in after.reason.split(":", 1)[1]


def test_m545_billable_until_2021_then_a_header(cs):
    old = cs.lookup("M54.5", date(2021, 9, 30))
    new = cs.lookup("M54.5", date(2021, 10, 1))
    assert old.valid and old.billable
    assert new.valid and not new.billable
    assert "billable until 2021-09-30" in new.reason
    assert "M54.50" in new.reason and "M54.59" in new.reason
    assert cs.is_billable("M54.50", date(2022, 1, 1)) and not cs.is_billable("M54.50", date(2021, 1, 1))


@pytest.mark.parametrize("code", ["S12.9XXA", "S13.4XXA", "S16.1XXD", "S12.100A", "S12.9XXS"])
def test_x_placeholder_codes_are_valid(cs, code):
    """Public validators keep rejecting these; they are complete, billable codes."""
    r = cs.lookup(code, date(2026, 1, 15))
    assert r.valid and r.billable, r.reason
    assert r.seventh_characters.get(code[-1])


def test_missing_seventh_character_is_detected_and_explained(cs):
    r = cs.lookup("S12.9", date(2026, 1, 15))
    assert r.valid and not r.billable and r.requires_seventh
    assert r.reason.startswith("requires a 7th character")
    assert "S12.9XXA" in r.reason and "S12.9XXD" in r.reason
    assert cs.requires_seventh("S13.4") and cs.requires_seventh("s161")
    assert not cs.requires_seventh("M54.2") and not cs.requires_seventh("S12")


def test_seventh_character_without_placeholders(cs):
    r = cs.lookup("S12.9A", date(2026, 1, 15))
    assert not r.valid and "X placeholders" in r.reason and "S12.9XXA" in r.reason


def test_seventh_characters_inherited_from_the_category(cs):
    sevenths = cs.seventh_characters("S12.000A")
    assert sevenths["A"] == "initial encounter for closed fracture"
    assert set(sevenths) >= {"A", "B", "D", "G", "K", "S"}
    assert cs.seventh_characters("S13.4XXA") == {"A": "initial encounter", "D": "subsequent encounter",
                                                 "S": "sequela"}


def test_header_lists_children_to_choose_from(cs):
    r = cs.lookup("M54.1", date(2026, 1, 15))
    assert r.valid and not r.billable
    assert r.reason == "subcategory header: choose one of M54.10–M54.18"
    assert "M5412" in r.children
    cat = cs.lookup("M50", date(2026, 1, 15))
    assert cat.reason.startswith("category header: choose one of M50.0")


@pytest.mark.parametrize("raw, fragment", [
    ("M54.99", "M54.9 is already complete"),
    ("Z99.999", "nearest is"),
    ("U99.9", "not an ICD-10-CM code"),
    ("12345", "malformed"),
])
def test_unknown_or_malformed_codes_explain_without_raising(cs, raw, fragment):
    r = cs.lookup(raw, date(2026, 1, 15))
    assert r.valid is False and r.billable is False
    assert fragment in r.reason


def test_dates_before_icd10(cs):
    r = cs.lookup("M54.2", date(2015, 9, 30))
    assert not r.valid and "ICD-9-CM" in r.reason


def test_validity_check_agrees_with_lookup_across_years(cs):
    for year in range(2016, 2027):
        on = date(year, 6, 1)
        for code in ("M54.5", "M54.50", "M54.2", "U07.1", "C78.31", "M72.2"):
            assert cs.is_billable(code, on) == cs.lookup(code, on).billable, (code, on)
    assert not cs.is_billable("U07.1", date(2020, 3, 31)) and cs.is_billable("U07.1", date(2020, 4, 1))


def test_lookup_json_shape_matches_contract(cs):
    d = cs.lookup("s129xxa", date(2026, 1, 15)).as_dict()
    for key in ("input", "code", "valid", "billable", "description", "reason", "effective", "excludes1",
                "excludes2", "code_first", "use_additional", "seventh_characters"):
        assert key in d
    assert d["input"] == "s129xxa" and d["code"] == "S12.9XXA"
    assert d["effective"] == {"from": "2015-10-01", "to": None}
    assert d["description"] == "Fracture of neck, unspecified, initial encounter"


def test_mce_attributes(cs):
    assert cs.mce("V00.01XA").external_cause
    assert cs.mce("G01").manifestation
    assert cs.mce("Z38.00").age_edit == "newborn" and cs.mce("Z38.00").age_conflict(40)
    o80 = cs.mce("O80")
    assert o80.sex == "F" and o80.age_edit == "maternity" and not o80.age_conflict(30)
    assert cs.mce("N40.0").sex == "M"
    # MCE is an inpatient editor: a routine exam is not an acceptable inpatient principal diagnosis
    assert cs.mce("Z00.00").unacceptable_principal and cs.mce("Z00.00").age_min == 15
    assert cs.mce("M54.2") == type(cs.mce("M54.2"))()
