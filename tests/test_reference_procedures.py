"""CPT (numbers only) and HCPCS Level II reference tables used by the scrub rules."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from cleanclaim.codes.procedures import (
    codes_in_category,
    is_add_on,
    is_cpt_shaped,
    is_hcpcs_shaped,
    known_procedure,
    load_tsv,
    procedure_category,
    procedure_info,
)

REQUIRED_CPT = (
    [str(c) for c in range(99202, 99206)] + [str(c) for c in range(99211, 99216)]
    + [str(c) for c in range(99281, 99286)] + ["72020", "72040", "72050", "72052"]
    + [str(c) for c in range(72125, 72129)]
    + ["72141", "72142", "72146", "72147", "72148", "72149", "72156", "72157", "72158"]
    + [str(c) for c in range(62320, 62324)] + ["64479", "64480"] + [str(c) for c in range(64490, 64496)]
    + [str(c) for c in range(64633, 64637)] + ["20552", "20553", "20560", "20561"]
    + ["97010", "97012", "97014", "97016", "97018", "97022", "97024", "97026", "97028", "97032", "97033",
       "97034", "97035", "97110", "97112", "97140", "97530"]
    + [str(c) for c in range(97161, 97165)] + [str(c) for c in range(98940, 98944)]
    + ["22551", "22552", "22600", "22856", "63045", "63048", "95886"]
    + [str(c) for c in range(95907, 95914)] + ["76000", "77003"]
)


@pytest.mark.parametrize("code", REQUIRED_CPT)
def test_required_cpt_codes_are_known_and_categorised(code: str) -> None:
    assert known_procedure(code)
    assert procedure_category(code)
    assert procedure_info(code).kind == "CPT"


@pytest.mark.parametrize("code, category", [
    ("99213", "em_office"), ("99284", "em_ed"), ("72141", "imaging_cervical"), ("72040", "imaging_cervical"),
    ("72148", "imaging_lumbar"), ("62321", "epidural_injection"), ("64479", "epidural_injection"),
    ("64490", "facet_injection"), ("64633", "facet_rf"), ("20553", "trigger_point"),
    ("20560", "dry_needling"),
    ("97110", "therapy_procedure"), ("97014", "therapy_modality"), ("97161", "therapy_evaluation"),
    ("98941", "chiropractic"), ("22551", "spine_surgery"), ("95886", "electrodiagnostic"),
    ("77003", "imaging_guidance"), ("J1030", "drug_steroid"), ("L0180", "orthosis_cervical"),
    ("E0730", "dme_tens"), ("G2211", "em_addon"), ("j3301", "drug_steroid"),
])
def test_categories(code: str, category: str) -> None:
    assert procedure_category(code) == category


def test_regions_and_add_on_codes() -> None:
    assert procedure_info("62321").region == "cervical_thoracic"
    assert procedure_info("62323").region == "lumbar_sacral"
    assert procedure_info("64490").region == "cervical_thoracic"
    for add_on in ("64480", "64491", "64492", "64634", "22552", "63048"):
        assert is_add_on(add_on), add_on
    for primary in ("64479", "64490", "64633", "22551", "63045", "99213"):
        assert not is_add_on(primary), primary
    assert set(codes_in_category("facet_rf")) == {"64633", "64634", "64635", "64636"}


def test_cpt_table_holds_numbers_and_our_tags_only() -> None:
    meta, rows = load_tsv("cpt_codes.tsv")
    assert "no AMA descriptors" in meta["source"] or "numbers only" in meta["source"]
    assert meta["effective"]
    assert set(rows[0]) == {"code", "category", "region", "add_on"}
    for row in rows:
        assert re.fullmatch(r"\d{5}", row["code"]), row
        assert re.fullmatch(r"[a-z_]+", row["category"]), row
    assert len({r["code"] for r in rows}) == len(rows)


def test_hcpcs_table_has_own_descriptions_and_real_shapes() -> None:
    meta, rows = load_tsv("hcpcs_level2.tsv")
    assert "CMS" in meta["source"] and meta["effective"]
    for row in rows:
        assert is_hcpcs_shaped(row["code"]), row
        assert row["description"] and row["category"]
    assert procedure_info("J1030").description.startswith("methylprednisolone")


@pytest.mark.parametrize("code, cpt, hcpcs", [
    ("99213", True, False), ("0213T", True, False), ("1036F", True, False), ("0001U", True, False),
    ("J1030", False, True), ("g0283", False, True), (" 64490 ", True, False),
    ("9921", False, False), ("992134", False, False), ("M54.2", False, False), ("", False, False),
    (None, False, False), ("ABCDE", False, False), ("N1234", False, False),
])
def test_shapes(code, cpt: bool, hcpcs: bool) -> None:
    assert is_cpt_shaped(code) is cpt
    assert is_hcpcs_shaped(code) is hcpcs


def test_unknown_codes() -> None:
    assert procedure_category("99999") is None
    assert not known_procedure("J9999")
    assert not known_procedure(None)


def test_no_ama_descriptor_text_in_the_cpt_file() -> None:
    text = resources.files("cleanclaim.codes").joinpath("data", "cpt_codes.tsv").read_text()
    body = [line for line in text.splitlines() if not line.startswith("#")]
    # every data line is four short tab-separated tags: nothing descriptive to copy
    assert all(len(line.split("\t")) == 4 and len(line) < 60 for line in body)
