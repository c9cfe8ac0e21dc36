"""Place-of-service codes and modifiers."""

from __future__ import annotations

import pytest

from cleanclaim.codes.modifiers import (
    is_modifier_shaped,
    is_ncci_modifier,
    modifier_info,
    ncci_modifiers,
)
from cleanclaim.codes.places import all_places, is_valid_pos, normalize_pos, place_of_service
from cleanclaim.codes.procedures import load_tsv


def test_every_pos_number_01_to_99_is_listed() -> None:
    codes = [p.code for p in all_places()]
    assert codes == [f"{i:02d}" for i in range(1, 100)]
    meta, _ = load_tsv("place_of_service.tsv")
    assert "CMS" in meta["source"] and meta["effective"]


@pytest.mark.parametrize("code, name", [
    ("11", "Office"), ("21", "Inpatient hospital"), ("22", "On campus outpatient hospital"),
    ("23", "Emergency room - hospital"), ("02", "Telehealth provided other than in the patient's home"),
    ("10", "Telehealth provided in the patient's home"), ("20", "Urgent care facility"),
    ("24", "Ambulatory surgical center"), ("99", "Other place of service"), (12, "Home"), (" 1 ", "Pharmacy"),
])
def test_active_places(code, name: str) -> None:
    entry = place_of_service(code)
    assert entry is not None and entry.active and entry.name == name
    assert is_valid_pos(code)


@pytest.mark.parametrize("code", ["30", "28", "59", "98", "00", "100", "ab", "", None, "1.1"])
def test_unassigned_or_malformed_places_are_not_valid(code) -> None:
    assert not is_valid_pos(code)


def test_unassigned_numbers_are_known_but_inactive() -> None:
    entry = place_of_service("30")
    assert entry is not None and not entry.active
    assert place_of_service("100") is None
    assert normalize_pos("5") == "05" and normalize_pos("011") is None


@pytest.mark.parametrize("modifier", ["25", "59", "XE", "XS", "XP", "XU", "RT", "LT", "24", "57", "58",
                                      "78", "79", "91", "F1", "TA"])
def test_ncci_associated_modifiers(modifier: str) -> None:
    assert is_ncci_modifier(modifier)
    assert modifier in ncci_modifiers()


@pytest.mark.parametrize("modifier", ["26", "TC", "GP", "GO", "GN", "KX", "GA", "GY", "GZ", "AT", "50", "51",
                                      "52", "53", "76", "77", "95"])
def test_modifiers_that_do_not_bypass_ncci(modifier: str) -> None:
    info = modifier_info(modifier)
    assert info is not None and info.description
    assert not info.ncci


def test_modifier_lookup_normalises_and_rejects() -> None:
    assert modifier_info(" xs ").modifier == "XS"
    assert modifier_info("ZZ") is None and modifier_info(None) is None
    assert is_modifier_shaped("25") and is_modifier_shaped("gp")
    assert not is_modifier_shaped("251") and not is_modifier_shaped("") and not is_modifier_shaped("-5")
