"""Claim-vs-note rules: the example claims CLM1001-CLM1006 against the example notes, via the note coder."""

from __future__ import annotations

import pytest

pytest.importorskip("cleanclaim.coding")

from cleanclaim.scrub import ScrubConfig, scrub_files  # noqa: E402
from cleanclaim.scrub.sketch import scrub_sketch  # noqa: E402


@pytest.fixture(scope="module")
def with_notes(repo_dir):
    claims = sorted((repo_dir / "examples" / "claims").glob("*.837"))
    report = scrub_files(claims, notes_dir=repo_dir / "examples" / "notes", config=ScrubConfig())
    return {c.claim_id: c for c in report.claims}


def doc_rules(result):
    return sorted(f.rule for f in result.findings if f.rule.startswith("DOC"))


def test_notes_are_matched_by_claim_id(with_notes, repo_dir):
    for cid, result in with_notes.items():
        has_note = (repo_dir / "examples" / "notes" / f"{cid}.txt").is_file()
        assert (result.note is not None) is has_note, cid


def test_radiculopathy_note_supports_the_billed_injection(with_notes):
    assert doc_rules(with_notes["CLM1001"]) == []
    assert with_notes["CLM1001"].findings == []


def test_axial_pain_note_does_not_support_radiculopathy_or_the_lcd(with_notes):
    found = with_notes["CLM1002"].findings
    assert doc_rules(with_notes["CLM1002"]) == ["DOC002", "DOC004", "DOC004"]
    gap = " ".join(f.message for f in found if f.rule == "DOC004")
    assert "radicular findings" in gap and "4 weeks" in gap


def test_healing_phase_note_contradicts_initial_encounter_character(with_notes):
    (f,) = [f for f in with_notes["CLM1004"].findings if f.rule == "DOC003"]
    assert f.codes == ["S12.400A"] and "S12.400D" in f.fix


def test_consult_note_documents_a_more_specific_diagnosis(with_notes):
    (f,) = [f for f in with_notes["CLM1006"].findings if f.rule == "DOC001"]
    assert f.codes[0] == "M54.2" and f.codes[1].startswith("M50.12")


def test_plain_neck_pain_visit_is_clean(with_notes):
    assert with_notes["CLM1005"].findings == []


def test_without_notes_the_documentation_rules_do_not_run(repo_dir):
    report = scrub_files(sorted((repo_dir / "examples" / "claims").glob("*.837")), config=ScrubConfig())
    assert not [f for c in report.claims for f in c.findings if f.rule.startswith("DOC")]


@pytest.mark.parametrize(
    "note",
    [
        "Neck pain radiating down the left arm with numbness in the thumb. Exam: left C6 dermatomal "
        "sensory loss, biceps reflex diminished on the left. Assessment: left C6 radiculopathy.",
        "Assessment: cervical radiculopathy, right C7, with triceps weakness 4/5 and diminished "
        "triceps reflex.",
    ],
)
def test_more_specific_code_phrased_differently(note):
    findings = scrub_sketch(f"dx M54.2\nline 99214\nnote {note}", select=["DOC001"])
    assert [f.rule for f in findings] == ["DOC001"]
    assert findings[0].codes[1].startswith("M54.1")
