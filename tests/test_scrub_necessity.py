"""Medical necessity from payer-policy YAML: which payers get which policy, and what each policy covers."""

from __future__ import annotations

from datetime import date

import pytest

from cleanclaim.scrub import ScrubConfig
from cleanclaim.scrub.config import PayerPack
from cleanclaim.scrub.sketch import scrub_sketch
from cleanclaim.scrub.tables import load_policies

MEDICARE = "payer MB\npatient age 68 F\n"


def hits(text: str, config: ScrubConfig | None = None) -> list[str]:
    return [f.rule for f in scrub_sketch(text, select=["medical_necessity"], config=config)]


def test_policies_are_dated_and_sourced():
    policies = {p.id: p for p in load_policies()}
    assert set(policies) == {"lcd-cervical-esi", "lcd-facet-interventions", "policy-cervical-mri"}
    for p in policies.values():
        assert p.source and p.effective_date <= date(2025, 1, 1) and p.criteria and p.procedures
    assert policies["lcd-cervical-esi"].requires == {"conservative_care_weeks": 4, "radicular_signs": True}


@pytest.mark.parametrize("dx", ["M54.2", "M54.9", "M47.812", "M50.31"])
def test_cervical_esi_for_axial_pain_alone_is_not_covered(dx):
    findings = scrub_sketch(f"{MEDICARE}dx {dx}\nline 62321", select=["MN001"])
    assert [f.rule for f in findings] == ["MN001"]
    assert "alone does not support 62321" in findings[0].message and "L39015" in findings[0].message


@pytest.mark.parametrize("dx", ["M50.121", "M50.122", "M54.12", "M47.22", "M48.02", "M50.221"])
def test_cervical_esi_for_radicular_pain_is_covered(dx):
    assert hits(f"{MEDICARE}dx {dx}\nline 62321") == []


def test_the_line_pointer_decides_which_diagnosis_counts():
    # the radicular diagnosis is on the claim, but the injection line points at neck pain only
    assert hits(f"{MEDICARE}dx M54.2 M50.121\nline 62321 ptr 1") == ["MN001"]
    assert hits(f"{MEDICARE}dx M54.2 M50.121\nline 62321 ptr 2") == []


def test_esi_without_imaging_guidance():
    assert hits(f"{MEDICARE}dx M50.121\nline 62320") == ["MN002"]


def test_facet_and_mri_policies():
    assert hits(f"{MEDICARE}dx M47.812\nline 64490") == []
    assert hits(f"{MEDICARE}dx M54.12\nline 64490") == ["MN001"]  # radicular pain: not a facet indication
    assert hits(f"{MEDICARE}dx M54.2\nline 72141") == ["MN001"]
    assert hits(f"{MEDICARE}dx M54.12\nline 72141") == []
    assert hits(f"{MEDICARE}dx C79.51\nline 72156") == []


def test_policies_follow_the_payer_pack():
    claim = "dx M54.2\nline 62321"
    assert hits("payer CI\n" + claim) == []  # no policy for a commercial payer by default
    assert hits("payer MB\n" + claim) == ["MN001"]
    cfg = ScrubConfig()
    cfg.payers["CI"] = PayerPack("CI", policies=["lcd-cervical-esi"])
    assert hits("payer CI\n" + claim, config=cfg) == ["MN001"]
    cfg.payers["87726"] = PayerPack("87726", policies=[])  # payer id wins over the filing indicator
    assert hits("payer CI id 87726\n" + claim, config=cfg) == []


def test_policy_not_in_force_before_its_effective_date():
    assert hits(f"{MEDICARE}dos 2021-06-01\ndx M54.2\nline 62321") == []
    assert hits(f"{MEDICARE}dos 2021-12-05\ndx M54.2\nline 62321") == ["MN001"]
