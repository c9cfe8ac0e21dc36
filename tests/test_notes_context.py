"""ConText assertions with the domain rule file: each case medspaCy's default rules get wrong, plus the
uncertainty, hypothetical, historical and family cues the coder depends on, phrased several ways."""

from __future__ import annotations

import pytest

from cleanclaim.notes.pipeline import load_data
from cleanclaim.notes.reader import read_note


def mention(text: str, concept: str, nth: int = 0):
    found = [m for m in read_note(text).mentions if m.concept == concept]
    assert len(found) > nth, f"{concept} not found in {text!r}: {read_note(text).mentions}"
    return found[nth]


# --- the four known default-rule mistakes -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "MRI ordered to evaluate for myelopathy.",
    "Will obtain MRI to evaluate for cervical myelopathy.",
    "Cervical MRI to assess for myelopathy given hand clumsiness.",
    "Plan: evaluation for myelopathy with flexion-extension films.",
])
def test_evaluate_for_is_hypothetical_not_negated(text: str) -> None:
    m = mention(text, "MYELOPATHY")
    assert m.hypothetical
    assert not m.negated


@pytest.mark.parametrize("text", [
    "Status post C5 fracture.",
    "s/p C5 fracture in 2019, treated in a collar.",
    "History of C5 fracture after a fall.",
    "Prior C5 fracture, healed.",
])
def test_status_post_fracture_is_historical(text: str) -> None:
    m = mention(text, "FRACTURE")
    assert m.historical
    assert not m.negated


@pytest.mark.parametrize("text", [
    "Radiculopathy, resolved.",
    "Her cervical radiculopathy has resolved.",
    "Resolved C6 radiculopathy.",
    "Radiculopathy now resolved after ESI.",
])
def test_resolved_radiculopathy_is_historical(text: str) -> None:
    m = mention(text, "RADICULOPATHY")
    assert m.historical
    assert not m.negated


@pytest.mark.parametrize("text", [
    "Neck pain is unlikely to be due to fracture.",
    "Her neck pain is unlikely to be caused by a fracture.",
    "Neck pain, doubt fracture.",
])
def test_unlikely_negates_the_cause_not_the_symptom(text: str) -> None:
    pain = mention(text, "NECK_PAIN")
    fracture = mention(text, "FRACTURE")
    assert not pain.negated and not pain.uncertain
    assert fracture.negated


def test_unlikely_after_the_condition_still_negates_it() -> None:
    assert mention("A fracture is unlikely.", "FRACTURE").negated


# --- other assertions ------------------------------------------------------------------------------

@pytest.mark.parametrize("cue", ["probable", "possible", "suspected", "concern for", "consistent with",
                                 "questionable", "likely"])
def test_uncertainty_cues(cue: str) -> None:
    m = mention(f"Assessment: neck pain, {cue} cervical radiculopathy.", "RADICULOPATHY")
    assert m.uncertain
    assert not m.negated


@pytest.mark.parametrize("text", ["Impression: neck pain, rule out fracture of C2.",
                                  "Impression: neck pain after fall, r/o cervical fracture.",
                                  "CT to rule out C-spine fracture."])
def test_rule_out_is_hypothetical(text: str) -> None:
    m = mention(text, "FRACTURE")
    assert m.hypothetical and not m.negated


@pytest.mark.parametrize("text,concept", [
    ("No fracture.", "FRACTURE"),
    ("CT negative for fracture.", "FRACTURE"),
    ("Fracture was excluded on CT.", "FRACTURE"),
    ("Meningitis - not suspected.", "MENINGITIS"),
    ("MRI: no disc herniation, no cord compression.", "DISC_HERNIATION"),
    ("Radiculopathy: no.", "RADICULOPATHY"),
])
def test_negation(text: str, concept: str) -> None:
    assert mention(text, concept).negated


@pytest.mark.parametrize("text", ["Mother has ankylosing spondylitis.",
                                  "Family history: ankylosing spondylitis in her father."])
def test_family(text: str) -> None:
    assert mention(text, "ANKYLOSING_SPONDYLITIS").family


def test_family_section_does_not_swallow_the_patients_own_symptoms() -> None:
    text = "Family hx: brother had surgery for cervical myelopathy. Pt worried. Neck pain for a week."
    assert mention(text, "MYELOPATHY").family
    assert not mention(text, "NECK_PAIN").family


def test_resolving_is_still_current() -> None:
    m = mention("A: resolving cervical sprain.", "SPRAIN")
    assert not m.historical and not m.negated


def test_age_is_not_an_old_injury() -> None:
    assert not mention("52-year-old woman with neck pain.", "NECK_PAIN").historical


def test_semicolon_ends_a_negation() -> None:
    text = "No fracture; cervical strain."
    assert mention(text, "FRACTURE").negated
    assert not mention(text, "STRAIN").negated


# --- data files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["targets.yaml", "context_rules.yaml", "sections.yaml", "findings.yaml"])
def test_data_files_name_source_and_effective_date(name: str) -> None:
    data = load_data(name)
    assert data["source"] and data["effective_date"]


def test_return_visit_is_not_hypothetical_but_return_precautions_are() -> None:
    assert not mention("Return visit for cervical dystonia; botulinum toxin injected.",
                       "SPASMODIC_TORTICOLLIS").hypothetical
    assert mention("Plan: NSAIDs. Return if fever or arm weakness develops.", "FEVER").hypothetical
    assert mention("Plan: return to the ED for fever.", "FEVER").hypothetical
