"""CARC (+ group, + RARC) -> denial category: one test per category, several real codes each."""

from __future__ import annotations

import pytest

from cleanclaim.remits.categorize import categorise, preventable_by
from cleanclaim.remits.reference import (
    DENIAL_CATEGORIES,
    SCRUB_CATEGORIES,
    carc,
    category_rules,
    group_code,
    load_table,
    preventable_rules,
    rarc,
    table_header,
)

# (group, carc, remarks) that a coder would file under each category.
CASES = {
    "eligibility": [
        ("CO", "27", ()),
        ("CO", "31", ()),
        ("PR", "26", ()),
        ("CO", "109", ()),
        ("CO", "96", ("N30",)),
        ("CO", "A1", ("N30",)),
    ],
    "authorization": [
        ("CO", "197", ()),
        ("CO", "198", ()),
        ("CO", "288", ()),
        ("CO", "16", ("M62",)),
        ("CO", "15", ()),
    ],
    "medical_necessity": [
        ("CO", "50", ()),
        ("CO", "50", ("N115",)),
        ("CO", "11", ()),
        ("CO", "167", ()),
        ("CO", "96", ("N386",)),
        ("PR", "50", ()),
    ],
    "coding": [
        ("CO", "4", ()),
        ("CO", "146", ()),
        ("CO", "181", ()),
        ("CO", "16", ("M81",)),
        ("CO", "16", ("M51",)),
        ("CO", "189", ()),
    ],
    "bundling": [
        ("CO", "97", ()),
        ("CO", "97", ("M15",)),
        ("CO", "236", ()),
        ("CO", "231", ()),
        ("CO", "B15", ()),
        ("CO", "A1", ("M80",)),
    ],
    "missing_information": [
        ("CO", "16", ()),
        ("CO", "16", ("M76",)),
        ("CO", "252", ()),
        ("CO", "206", ()),
        ("PR", "16", ("MA130",)),
        ("CO", "125", ()),
    ],
    "duplicate": [("OA", "18", ()), ("CO", "18", ()), ("CO", "B13", ())],
    "timely_filing": [("CO", "29", ()), ("PR", "29", ()), ("CO", "B4", ())],
    "coordination_of_benefits": [
        ("CO", "22", ()),
        ("OA", "22", ("MA04",)),
        ("CO", "16", ("MA04",)),
        ("CO", "19", ()),
        ("OA", "23", ()),
    ],
    "non_covered": [
        ("CO", "96", ()),
        ("PR", "204", ()),
        ("CO", "119", ()),
        ("PR", "96", ("N130",)),
        ("CO", "B7", ()),
    ],
    "contractual": [
        ("CO", "45", ()),
        ("CO", "42", ()),
        ("CO", "253", ()),
        ("PI", "104", ()),
        ("CO", "A2", ()),
        ("CO", "59", ()),
    ],
    "patient_responsibility": [("PR", "1", ()), ("PR", "2", ()), ("PR", "3", ()), ("PR", "66", ())],
    "other": [("OA", "147", ()), ("CO", "A1", ()), ("CO", "ZZ9", ()), ("CO", "193", ())],
}


def test_every_contract_category_has_cases():
    assert set(CASES) == set(DENIAL_CATEGORIES)


@pytest.mark.parametrize("category", DENIAL_CATEGORIES)
def test_category(category):
    for group, code, remarks in CASES[category]:
        got = categorise(group, code, remarks)
        assert got.category == category, (group, code, remarks, got)


@pytest.mark.parametrize(
    "group,code", [("CO", "45"), ("PR", "1"), ("PR", "2"), ("PR", "3"), ("OA", "23"), ("CO", "253")]
)
def test_expected_adjustments_are_not_denials(group, code):
    assert categorise(group, code).denial is False


@pytest.mark.parametrize(
    "group,code,remarks",
    [
        ("CO", "50", ()),
        ("CO", "197", ()),
        ("OA", "18", ()),
        ("PR", "204", ()),
        ("CO", "16", ("M76",)),
        ("OA", "147", ()),
    ],
)
def test_real_denials_are_denials(group, code, remarks):
    assert categorise(group, code, remarks).denial is True


def test_input_is_normalised_and_remark_that_decides_is_reported():
    got = categorise(" co ", " 96 ", ["N20", "N115"])
    assert got.category == "medical_necessity" and got.rarc == "N115"


def test_mapping_uses_only_the_contract_vocabulary_and_known_codes():
    for (code, _group, remark), (category, _flag) in category_rules().items():
        assert category in DENIAL_CATEGORIES, (code, category)
        assert carc(code) is not None, f"CARC {code} mapped but not in the catalogue"
        assert remark == "*" or rarc(remark) is not None, f"RARC {remark} mapped but not in the catalogue"


def test_preventable_mapping_names_scrub_categories_only():
    for key, (cats, _note) in preventable_rules().items():
        assert cats and set(cats) <= SCRUB_CATEGORIES, key


@pytest.mark.parametrize(
    "code,remarks,expect",
    [
        ("11", (), "medical_necessity"),
        ("16", ("M76",), "missing_required_field"),
        ("97", (), "ncci_ptp"),
        ("B15", (), "ncci_ptp"),
        ("4", (), "modifier"),
        ("146", (), "code_not_valid_on_dos"),
        ("50", ("N115",), "medical_necessity"),
    ],
)
def test_preventable_by_scrub_category(code, remarks, expect):
    hit = preventable_by(code, remarks)
    assert hit is not None and expect in hit[0]


@pytest.mark.parametrize("code,remarks", [("27", ()), ("29", ()), ("197", ()), ("45", ()), ("22", ("MA04",))])
def test_not_preventable_by_scrubbing(code, remarks):
    assert preventable_by(code, remarks) is None


@pytest.mark.parametrize(
    "name", ["carc.tsv", "rarc.tsv", "group_codes.tsv", "denial_categories.tsv", "preventable.tsv"]
)
def test_tables_are_dated_and_sourced(name):
    head = table_header(name)
    assert head.get("source") and head.get("effective_date")
    _, rows = load_table(name)
    assert rows


def test_catalogues():
    assert carc("45").status == "active" and "fee schedule" in carc("45").description
    assert carc("42").status == "retired"
    assert rarc("M76").description.lower().startswith("missing")
    assert {g: group_code(g).status for g in ("CO", "PR", "OA", "PI", "CR")}["PR"] == "patient"
    assert carc("nope") is None
