"""Note reading: sections, attributes (laterality, level, displacement, chronicity), objective neuro
findings, imaging, encounter phase, mechanism, conservative care and the documentation checklist."""

from __future__ import annotations

import pytest

from cleanclaim.notes.reader import read_note

NOTE = """CHIEF COMPLAINT: Neck pain radiating to the right arm.
HPI: 52-year-old woman with 6 weeks of neck pain radiating into the right thumb, 7/10, worse with driving.
Failed 6 weeks of physical therapy.
PMH: Hypertension.
Family history: Mother with rheumatoid arthritis.
EXAM: Positive Spurling's on the right. Diminished right biceps and brachioradialis reflexes. Decreased
sensation to light touch in the right C6 dermatome. 4/5 strength of the right wrist extensors.
IMAGING: MRI cervical spine shows C5-6 disc herniation with right foraminal stenosis. No fracture.
ASSESSMENT: Right C6 cervical radiculopathy due to C5-C6 disc herniation.
PLAN: Cervical epidural steroid injection for radiculopathy.
"""


def test_sections_are_found() -> None:
    cats = [c for c, _, _ in read_note(NOTE).sections]
    for expected in ("chief_complaint", "hpi", "pmh", "family_history", "exam", "imaging", "assessment",
                     "plan"):
        assert expected in cats


def test_mention_attributes() -> None:
    r = read_note(NOTE)
    radic = next(m for m in r.mentions if m.concept == "RADICULOPATHY" and m.section == "assessment")
    assert radic.laterality == "right"
    assert radic.region == "cervical"
    assert radic.evidence.text == "Right C6 cervical radiculopathy"
    assert NOTE[radic.evidence.start:radic.evidence.end] == radic.evidence.text
    disc = next(m for m in r.mentions if m.concept == "DISC_HERNIATION" and m.imaging)
    assert disc.levels[0] == "C5-C6"  # "C5-6" normalised


@pytest.mark.parametrize("phrase,level", [("C5-6", "C5-C6"), ("C5/C6", "C5-C6"), ("C6-C7", "C6-C7"),
                                          ("C7-T1", "C7-T1"), ("C4 - C5", "C4-C5")])
def test_disc_levels_normalised(phrase: str, level: str) -> None:
    r = read_note(f"Assessment: herniated disc at {phrase}.")
    m = next(m for m in r.mentions if m.concept == "DISC_HERNIATION")
    assert level in m.levels


def test_objective_radicular_findings() -> None:
    kinds = {f.kind for f in read_note(NOTE).neuro_signs}
    assert {"spurling", "reflex", "sensory", "motor"} <= kinds


@pytest.mark.parametrize("exam", [
    "Exam: strength 5/5, DTRs 2+ and symmetric, sensation intact. Spurling negative.",
    "Exam: negative Spurling's test, no weakness, reflexes normal.",
    "Neuro: no sensory deficit in the C6 dermatome, no weakness of the deltoid.",
])
def test_normal_exam_has_no_radicular_findings_but_is_documented(exam: str) -> None:
    r = read_note("HPI: neck pain for two weeks.\n" + exam)
    assert r.radicular_signs == []
    assert r.neuro_exam


def test_myelopathic_signs() -> None:
    r = read_note("Exam: positive Hoffmann sign bilaterally, hyperreflexia in the arms, broad-based gait.")
    assert len(r.myelopathic_signs) >= 2


def test_imaging_findings_are_kept_apart_from_the_assessment() -> None:
    r = read_note(NOTE)
    concepts = {m.concept for m in r.imaging}
    assert {"DISC_HERNIATION", "STENOSIS"} <= concepts
    assert "FRACTURE" not in concepts  # "No fracture" is negated


def test_imaging_cited_after_a_diagnosis_is_not_an_imaging_finding() -> None:
    r = read_note("Chronic neck pain due to C6-C7 disc degeneration (MRI: desiccation, loss of height).")
    m = next(m for m in r.mentions if m.concept == "DISC_DEGENERATION")
    assert not m.imaging


@pytest.mark.parametrize("text,phase", [
    ("ED: neck pain after MVC yesterday. CT: nondisplaced C6 fracture.", "initial"),
    ("Follow-up visit for C6 fracture, healing as expected in collar.", "subsequent"),
    ("Ortho f/u: C7 spinous process fracture, 4 weeks out, routine healing.", "subsequent"),
    ("PT re-evaluation: whiplash 3 weeks ago, improving.", "subsequent"),
    ("Chronic neck pain as a late effect of a C5 fracture in 2019.", "sequela"),
    ("Neck pain, sequela of whiplash injury from 2022.", "sequela"),
])
def test_encounter_phase(text: str, phase: str) -> None:
    assert read_note(text).encounter_phase == phase


def test_plan_follow_up_is_not_a_follow_up_visit() -> None:
    r = read_note("ED: C6 fracture after a fall today.\nFollow up in 2 weeks with spine clinic.")
    assert r.encounter_phase == "initial"


def test_no_residual_is_not_a_sequela() -> None:
    r = read_note("Hx of C6 fracture 2016, healed, no residual symptoms. Now neck pain after sleeping badly.")
    assert r.encounter_phase != "sequela"


@pytest.mark.parametrize("text,weeks", [
    ("Failed 6 weeks of physical therapy.", 6),
    ("Despite three months of conservative care, pain persists.", 12),
    ("Physical therapy for 8 weeks without relief.", 8),
])
def test_conservative_care_weeks(text: str, weeks: int) -> None:
    assert read_note("Neck pain. " + text).conservative_care_weeks == weeks


def test_mechanism_and_displacement() -> None:
    r = read_note("Rear-ended at a stoplight. CT: nondisplaced fracture of the C6 vertebra.")
    assert r.mechanism is not None and "rear" in r.mechanism.text.lower()
    m = next(m for m in r.mentions if m.concept == "FRACTURE")
    assert m.displacement == "nondisplaced"
    assert "C6" in m.levels


def test_documentation_checklist() -> None:
    doc = read_note(NOTE).documentation
    assert doc["duration"] and doc["location"] and doc["radiation"] and doc["severity"]
    assert doc["functional_impact"] and doc["neuro_exam"] and doc["workup_plan"]
    sparse = read_note("Neck pain.").documentation
    assert not sparse["severity"] and not sparse["neuro_exam"] and not sparse["radiation"]


def test_lumbar_radiculopathy_is_outside_the_cervical_region() -> None:
    r = read_note("Assessment: lumbar radiculopathy, L5.")
    assert next(m for m in r.mentions if m.concept == "RADICULOPATHY").region == "other"


def test_pipeline_is_built_once_per_process() -> None:
    from cleanclaim.notes.pipeline import get_pipeline

    assert get_pipeline() is get_pipeline()
    assert [name for name, _ in get_pipeline().pipeline] == [
        "cleanclaim_sentences", "medspacy_target_matcher", "cleanclaim_sectionizer", "medspacy_context"]


def test_hard_wrapped_lines_stay_one_sentence_but_list_items_split() -> None:
    r = read_note("Exam: decreased\nsensation in the right C6 dermatome.\nAssessment:\n1. Neck pain\n"
                  "2. Fracture excluded")
    assert any(f.kind == "sensory" for f in r.neuro_signs)
    pain = next(m for m in r.mentions if m.concept == "NECK_PAIN")
    assert not pain.negated


# Notes exported through a one-line field arrive with each line break flattened to a comma.
FLATTENED = ("REASON FOR CONSULTATION:,  Palpitations.,HISTORY OF PRESENT ILLNESS:  ,A 69-year-old man with "
             "known coronary disease and two weeks of cough.,REVIEW OF SYSTEMS:,CONSTITUTIONAL:  No fever.,"
             "MUSCULOSKELETAL:  Positive for arthritis and neck pain.,NEUROLOGIC:  Otherwise unremarkable.,"
             "PAST MEDICAL HISTORY:,1.  Coronary artery disease.,ASSESSMENT:,1.  Ventricular ectopy.")


def test_flattened_line_breaks_still_separate_the_sections() -> None:
    cats = [c for c, _, _ in read_note(FLATTENED).sections]
    for expected in ("chief_complaint", "hpi", "ros", "pmh", "assessment"):
        assert expected in cats, cats


@pytest.mark.parametrize("text", [
    FLATTENED,
    "HPI: Follow-up of atrial fibrillation.\nREVIEW OF SYSTEMS:\nConstitutional: no fever.\n"
    "Musculoskeletal: positive for neck pain and knee stiffness.\nNeurological: no weakness.\n"
    "PHYSICAL EXAM:\nHeart: irregularly irregular.\nASSESSMENT: Atrial fibrillation, rate controlled.",
    "ROS:\nMSK: neck pain, intermittent.\nNeuro: negative.\nAssessment: Essential hypertension.",
])
def test_organ_system_lines_of_a_review_of_systems_stay_in_it(text: str) -> None:
    reading = read_note(text)
    neck = [m for m in reading.mentions if m.concept == "NECK_PAIN"]
    assert neck and all(m.section == "ros" for m in neck), [(m.text, m.section) for m in neck]


def test_an_exam_after_the_review_of_systems_is_still_an_exam() -> None:
    reading = read_note("ROS: negative except as in HPI.\nPHYSICAL EXAM:\nMusculoskeletal: tender "
                        "paraspinal muscles, neck pain with rotation.\nAssessment: cervical strain.")
    neck = [m for m in reading.mentions if m.concept == "NECK_PAIN"]
    assert neck and all(m.section == "exam" for m in neck)


def test_organ_stenosis_is_not_spinal_stenosis() -> None:
    for text in ("Echo showed a patent foramen ovale and primary pulmonary stenosis.",
                 "Known aortic stenosis, moderate, followed by cardiology.",
                 "Carotid duplex: 50% right carotid stenosis."):
        reading = read_note(text)
        assert all(m.region == "other" for m in reading.mentions if m.concept == "STENOSIS"), text
