"""Appeal drafts: per-category templates, policy criteria, only verified note evidence."""

from __future__ import annotations

import sys
import types

import pytest

from cleanclaim.remits.appeals import AppealCase, draft_appeal, matching_policies
from cleanclaim.remits.reference import DENIAL_CATEGORIES, NOT_DENIAL

POLICY = """
id: test-mri
title: Cervical MRI test policy
payer: acme
reference: TEST-001
effective_date: 2025-01-01
procedures: [72141, 72156]
covered_diagnoses: [M54.1*, M50.1*]
not_covered_alone: [M54.2]
criteria:
  - Radicular signs on examination.
  - Six weeks of failed conservative care.
"""

NOTE = "Exam: positive Spurling test on the right. Assessment: right C6 radiculopathy."


def _case(category="medical_necessity", carc="50", dx=("M5412",)):
    return AppealCase(
        claim_id="C9",
        payer="ACME HEALTH PLAN",
        category=category,
        group="CO",
        carc=carc,
        rarc="N115",
        payer_claim_control="PCC9",
        patient="DOE, JANE",
        member_id="M1",
        service_date="2025-03-02",
        billed=1200.0,
        denied_amount=1200.0,
        provider="NECK CLINIC",
        procedures=["72141"],
        diagnoses=list(dx),
        lines=[
            {
                "line": 1,
                "procedure": "72141",
                "modifiers": [],
                "charge": 1200.0,
                "denied": 1200.0,
                "codes": ["CO-50"],
            }
        ],
    )


@pytest.fixture
def policy_dir(tmp_path):
    (tmp_path / "mri.yaml").write_text(POLICY)
    return tmp_path


@pytest.fixture
def fake_coder(monkeypatch):
    """A note coder that returns one true span and one span that is not in the note."""

    def code_note(text, **_):
        start = text.index("positive Spurling test")
        res = {
            "codes": [
                {
                    "code": "M54.12",
                    "evidence": [
                        {"start": start, "end": start + 22, "text": "positive Spurling test"},
                        {"start": 0, "end": 30, "text": "failed six weeks of physical therapy"},
                    ],
                }
            ]
        }
        return types.SimpleNamespace(as_dict=lambda: res)

    mod = types.ModuleType("cleanclaim.coding")
    mod.code_note = code_note
    monkeypatch.setitem(sys.modules, "cleanclaim.coding", mod)


def test_medical_necessity_cites_policy_criteria(policy_dir):
    d = draft_appeal(_case(), policy_dir=policy_dir)
    assert "Cervical MRI test policy" in d.text and "TEST-001" in d.text
    assert "1. Radicular signs on examination." in d.text and "2. Six weeks" in d.text
    assert "M54.12 is among the diagnoses this policy covers" in d.text
    assert d.policies[0]["id"] == "test-mri" and d.category == "medical_necessity"


def test_only_verified_note_spans_are_quoted(policy_dir, fake_coder):
    d = draft_appeal(_case(), note_text=NOTE, policy_dir=policy_dir)
    assert '"positive Spurling test"' in d.text
    assert "physical therapy" not in d.text  # not in the note: never quoted
    assert [e["text"] for e in d.evidence] == ["positive Spurling test"]
    assert any("does not match the note" in n for n in d.notes)


def test_without_a_coder_the_letter_degrades_to_placeholders(policy_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "cleanclaim.coding", None)  # import fails
    d = draft_appeal(_case(), note_text=NOTE, policy_dir=policy_dir)
    assert d.evidence == [] and any("not installed" in n for n in d.notes)
    assert "[Quote the passages" in d.text and "Spurling" not in d.text


def test_no_policy_means_a_placeholder_not_invented_criteria(tmp_path):
    d = draft_appeal(_case(), policy_dir=tmp_path / "none")
    assert "[Cite the payer's coverage policy" in d.text and d.policies == []


def test_payer_policy_preferred_over_neutral(policy_dir):
    (policy_dir / "neutral.yaml").write_text(
        POLICY.replace("payer: acme", "payer: any").replace("test-mri", "n")
    )
    from cleanclaim.remits.appeals import load_policies

    pols = matching_policies(_case(), load_policies(policy_dir))
    assert [p["id"] for p in pols] == ["test-mri"]
    other = _case()
    other.payer = "OTHER PAYER"
    assert [p["id"] for p in matching_policies(other, load_policies(policy_dir))] == ["n"]


def test_uncovered_billed_diagnosis_is_flagged(policy_dir):
    d = draft_appeal(_case(dx=("M542",)), policy_dir=policy_dir)
    assert any("none of the billed diagnoses" in n for n in d.notes)


@pytest.mark.parametrize("category", [c for c in DENIAL_CATEGORIES if c not in NOT_DENIAL])
def test_every_denial_category_has_a_letter(category, tmp_path):
    d = draft_appeal(_case(category=category), policy_dir=tmp_path)
    assert d.category == category
    assert "Claim (patient control number): C9" in d.text and "PCC9" in d.text and "$1,200.00" in d.text
    assert "$" + "{" not in d.text and "$denial" not in d.text  # every template variable filled
