"""Findings -> codes: every scenario of the neck-pain guide, each phrased several ways, checked for the
codes in reporting order, what is rejected and which provider queries are raised."""

from __future__ import annotations

import pytest

from cleanclaim.coding import code_note
from cleanclaim.coding.codebook import excludes1_conflict


def codes(text: str, setting: str = "outpatient", **kw) -> list[str]:
    return code_note(text, setting=setting, **kw).code_list


# --- M54.2: documented neck pain without a more specific cause ------------------------------------

@pytest.mark.parametrize("text", [
    "CC: neck pain x 2 days after sleeping on a new pillow. Exam: trapezius tenderness, neuro intact.\n"
    "Assessment: acute neck pain. Plan: NSAIDs, heat.",
    "S: 40 yo with stiff, sore neck since Tuesday. O: full strength, reflexes symmetric.\nA: Cervicalgia.\n"
    "P: stretching handout.",
    "Chronic neck pain for 3 years, managed with home exercises and naproxen. Neuro exam normal.\n"
    "Impression: chronic neck pain, stable on conservative care.",
    "Returns for trigger point injection for neck pain; documentation limited to neck pain.\n"
    "Assessment: neck pain.",
    "Neck pain for 6 weeks. Plan: MRI cervical spine and referral to spine clinic.\nAssessment: neck pain, "
    "work-up pending.",
])
def test_neck_pain_without_a_cause_is_m54_2(text: str) -> None:
    result = code_note(text)
    assert result.code_list == ["M54.2"]
    assert result.codes[0].evidence and "OCG" in result.codes[0].guideline


# --- specific conditions replace M54.2 ----------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Neck pain radiating down the left arm. Exam: decreased left triceps reflex, 4/5 triceps.\n"
     "Assessment: left C7 radiculopathy.", ["M54.12"]),
    ("A/P: Cervical radiculitis, right side. Medrol dose pack.", ["M54.12"]),
    ("Assessment: C8 radiculopathy on the right, EMG confirmed.", ["M54.13"]),
    ("Assessment: right C6 radiculopathy due to C5-C6 disc herniation.", ["M50.122"]),
    ("Dx: HNP C6-7 with left C7 radiculopathy.", ["M50.123"]),
    ("Impression: herniated C4-5 disc causing radiculopathy.", ["M50.121"]),
    ("Assessment: cervical disc herniation with radiculopathy; MRI report not yet available.", ["M50.10"]),
    ("Assessment: cervical spondylosis with radiculopathy at C6.", ["M47.22"]),
    ("Assessment: cervical spondylotic myelopathy.", ["M47.12"]),
    ("Assessment: multilevel cervical spondylosis without myelopathy or radiculopathy.", ["M47.812"]),
    ("Assessment: facet arthropathy of the cervical spine.", ["M47.812"]),
    ("Assessment: C5-C6 disc protrusion; no radicular findings.", ["M50.222"]),
    ("Assessment: degenerative disc disease C6-C7.", ["M50.323"]),
    ("Assessment: C3-C4 disc herniation with myelopathy.", ["M50.01"]),
    ("Assessment: cervical canal stenosis C4-C6.", ["M48.02"]),
    ("Assessment: torticollis, nontraumatic, 1 day.", ["M43.6"]),
    ("Assessment: cervical dystonia (spasmodic torticollis). Plan: botulinum toxin.", ["G24.3"]),
    ("Assessment: cervicogenic headache.", ["G44.86"]),
    ("Assessment: myalgia of the neck muscles.", ["M79.12"]),
    ("Assessment: left greater occipital neuralgia. Plan: occipital nerve block.", ["M54.81"]),
    ("Assessment: postlaminectomy syndrome after C4-C6 laminectomy.", ["M96.1"]),
])
def test_specific_condition_replaces_m54_2(text: str, expected: list[str]) -> None:
    result = code_note("CC: neck pain.\n" + text)
    assert result.code_list == expected
    assert "M54.2" not in result.code_list
    assert any(r.code == "M54.2" and "I.B.5" in r.reason for r in result.rejected)


def test_excludes1_keeps_the_condition_the_note_names() -> None:
    result = code_note("Assessment: torticollis and cervical dystonia.")
    assert result.code_list == ["G24.3"]
    assert any(r.code == "M43.6" and "Excludes1" in r.reason for r in result.rejected)


def test_c_levels_use_the_most_superior_level_for_multilevel_disc_disease() -> None:
    assert codes("Assessment: disc herniations at C5-C6 and C4-C5 with radiculopathy.") == ["M50.121"]


# --- injuries: 7th characters, displacement, sequela --------------------------------------------

@pytest.mark.parametrize("text,setting,expected", [
    ("ED: MVC today. CT: nondisplaced fracture of the C5 vertebral body.\nImpression: C5 fracture, "
     "nondisplaced.", "ED", ["S12.401A"]),
    ("ED: fell from a ladder. CT shows displaced C6 fracture.\nAssessment: displaced C6 fracture.", "ED",
     ["S12.500A"]),
    ("Follow-up visit: nondisplaced C6 fracture, healing as expected in collar.\nAssessment: C6 fracture, "
     "routine healing.", "outpatient", ["S12.501D"]),
    ("Ortho f/u 12 weeks: C5 fracture (nondisplaced) with nonunion on CT.\nAssessment: nonunion of C5 "
     "fracture.", "outpatient", ["S12.401K"]),
    ("ED: diving injury. CT: type II dens fracture, nondisplaced.\nImpression: type II odontoid fracture, "
     "nondisplaced.", "ED", ["S12.112A"]),
    ("ED: whiplash after being rear-ended this morning.\nAssessment: cervical sprain.", "ED", ["S13.4XXA"]),
    ("Follow-up visit for neck strain from lifting 3 weeks ago, recovering with PT.\nAssessment: neck "
     "strain, healing.", "outpatient", ["S16.1XXD"]),
    ("Assessment: chronic neck pain, sequela of whiplash injury from a 2021 car accident.", "outpatient",
     ["M54.2", "S13.4XXS"]),
    # a permanent-and-stationary / MMI evaluation is after active treatment (OCG I.C.19.a: D)
    ("PERMANENT AND STATIONARY REPORT\nDate of injury 03/2024, lifting at work.\nDiagnosis: cervical "
     "strain.\nThe patient has reached maximum medical improvement.", "outpatient", ["S16.1XXD"]),
    ("Work comp recheck. Neck injured in a fall at work in January; now at MMI.\nAssessment: cervical "
     "sprain.", "outpatient", ["S13.4XXD"]),
])
def test_injury_codes(text: str, setting: str, expected: list[str]) -> None:
    result = code_note(text, setting=setting)
    assert result.code_list == expected
    assert not any(c.code[0] in "VWXY" for c in result.codes[:1])


def test_fracture_without_displacement_is_coded_displaced_and_queried() -> None:
    result = code_note("ED: fall. CT: C5 fracture.\nAssessment: C5 vertebral fracture.", setting="ED")
    assert result.code_list == ["S12.400A"]
    assert any(q.topic == "fracture displacement" for q in result.queries)
    assert "I.C.19.c.1" in result.codes[0].rationale


def test_post_traumatic_torticollis_is_the_injury_not_m43_6() -> None:
    result = code_note("ED: tackled at football today.\nAssessment: acute cervical sprain with "
                       "post-traumatic torticollis.", setting="ED")
    assert result.code_list == ["S13.4XXA"]
    assert any(r.code == "M43.6" for r in result.rejected)


# --- systemic causes sequenced first ------------------------------------------------------------

@pytest.mark.parametrize("text,setting,expected", [
    ("Discharge diagnosis: bacterial meningitis. Presented with neck pain, fever and headache.",
     "inpatient", ["G00.9"]),
    ("Principal dx: MRSA meningitis on CSF culture. Neck stiffness and fever resolved.", "inpatient",
     ["G00.3", "B95.62"]),
    ("Assessment: metastatic breast cancer to the C4 vertebral body causing neck pain. On letrozole.",
     "outpatient", ["C79.51", "C50.919"]),
    ("Impression: C6 vertebral metastasis, primary unknown after PET-CT; neck pain.", "outpatient",
     ["C79.51", "C80.1"]),
    ("A: ankylosing spondylitis of the cervical spine, flare with neck pain.", "outpatient", ["M45.2"]),
    ("Principal dx: C4-C5 vertebral osteomyelitis, MSSA on biopsy culture. Neck pain improved.",
     "inpatient", ["M46.22", "B95.61"]),
    ("Final diagnosis: C5-C6 discitis, culture negative so far; neck pain.", "inpatient", ["M46.42"]),
    ("Final diagnosis: aseptic meningitis; bacterial cultures negative. Neck pain resolved.", "inpatient",
     ["G03.0"]),
    ("Assessment: multiple myeloma with a lytic C5 lesion causing neck pain, in remission.", "outpatient",
     ["C90.01"]),
])
def test_systemic_causes_first_and_neck_pain_dropped(text: str, setting: str, expected: list[str]) -> None:
    result = code_note(text, setting=setting)
    assert [c.code for c in result.codes if not c.needs_review] == expected
    assert result.code_list[:len(expected)] == expected  # review candidates come last
    assert "M54.2" not in result.code_list


def test_organism_missing_is_queried() -> None:
    result = code_note("Principal dx: cervical vertebral osteomyelitis; cultures pending.",
                       setting="inpatient")
    assert result.code_list == ["M46.22"]
    assert any(q.topic == "organism" for q in result.queries)


# --- uncertain diagnoses by setting (OCG IV.H vs II.H) ------------------------------------------

@pytest.mark.parametrize("cue", ["probable", "suspected", "possible", "concern for", "likely"])
def test_uncertain_outpatient_codes_the_symptom(cue: str) -> None:
    text = f"Neck pain with arm tingling.\nAssessment: neck pain, {cue} cervical radiculopathy."
    result = code_note(text)
    assert result.code_list == ["M54.2"]
    assert "IV.H" in result.codes[0].guideline
    assert any(q.topic == "radiculopathy" for q in result.queries)


def test_uncertain_inpatient_is_coded_as_established() -> None:
    text = "Discharge diagnosis: probable cervical spondylotic myelopathy. Neck pain and hand clumsiness."
    result = code_note(text, setting="inpatient")
    assert result.code_list == ["M47.12"]
    assert "II.H" in result.codes[0].guideline


def test_ed_is_outpatient_for_uncertain_diagnoses_and_codes_fever() -> None:
    text = "ED: neck pain and fever 38.9.\nImpression: fever and neck pain, suspected meningitis. LP done."
    found = codes(text, setting="ED")
    assert sorted(found) == ["M54.2", "R50.9"]
    assert found[0] == "R50.9"  # the provider's order when neither explains the other


def test_ruled_out_is_not_coded_even_for_inpatients() -> None:
    text = "Discharge summary: neck pain and headache. LP normal; meningitis ruled out.\nFinal diagnoses: " \
           "neck pain; headache."
    assert codes(text, setting="inpatient") == ["M54.2", "R51.9"]


# --- history, family, negation ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "PMH: C6 radiculopathy 2020, resolved after PT.\nNow: new neck pain after gardening.\nA: neck pain.",
    "Family history: sister with cervical myelopathy.\nNeck pain for 5 days.\nAssessment: neck pain.",
    "Neck pain after a fall. CT C-spine: no fracture.\nAssessment: neck pain, fracture excluded.",
    "Hx of C5 fracture 2015, healed, no residual symptoms. Current: neck pain after a long drive.\n"
    "Dx: neck pain.",
])
def test_history_family_and_negated_conditions_are_not_coded(text: str) -> None:
    assert codes(text) == ["M54.2"]


# --- provider queries ---------------------------------------------------------------------------

def test_radicular_findings_without_radiculopathy_raise_a_query() -> None:
    text = ("Neck pain radiating to the right hand. Exam: positive Spurling's on the right, absent right "
            "triceps reflex, decreased sensation in the right C7 dermatome.\nAssessment: neck pain.")
    result = code_note(text)
    assert result.code_list == ["M54.2"]
    assert result.facts["radicular_signs"] is True
    q = next(q for q in result.queries if q.topic == "radiculopathy")
    assert "Spurling" in q.message


def test_imaging_finding_not_in_assessment_is_queried_not_coded() -> None:
    text = "MRI: C5-C6 disc herniation.\nAssessment: neck pain. Continue PT."
    result = code_note(text)
    assert result.code_list == ["M54.2"]
    assert any(q.topic == "disc herniation" for q in result.queries)


def test_upper_motor_neuron_signs_raise_a_myelopathy_query() -> None:
    text = "Exam: positive Hoffmann sign, hyperreflexia.\nAssessment: neck pain."
    assert any(q.topic == "myelopathy" for q in code_note(text).queries)


def test_missing_disc_level_raises_a_query() -> None:
    result = code_note("Assessment: cervical disc herniation.")
    assert result.code_list == ["M50.20"]
    assert any(q.topic == "disc level" for q in result.queries)


# --- out-of-domain assessment items -----------------------------------------------------------

def test_out_of_domain_items_are_marked_for_review() -> None:
    result = code_note("Assessment:\n1. Neck pain.\n2. Essential hypertension - continue lisinopril.")
    assert result.code_list[0] == "M54.2"
    review = [c for c in result.codes if c.needs_review]
    assert [c.code for c in review] == ["I10"]
    assert result.as_dict()["codes"][1]["needs_review"] is True


def test_lumbar_conditions_are_not_coded_as_cervical() -> None:
    result = code_note("Assessment:\n1. Neck pain.\n2. Lumbar radiculopathy, L5.")
    assert "M54.12" not in result.code_list
    assert result.code_list[0] == "M54.2"


# --- invariants on every result ---------------------------------------------------------------

CASES = [
    "Assessment: right C6 radiculopathy due to C5-C6 disc herniation; neck pain.",
    "Assessment: cervical dystonia and torticollis.",
    "ED: MVC. Assessment: cervical sprain and cervical strain; neck pain.",
    "Assessment: cervical spondylosis with myelopathy and radiculopathy; C5-C6 stenosis.",
]


@pytest.mark.parametrize("text", CASES)
def test_no_excludes1_pair_and_evidence_points_into_the_note(text: str) -> None:
    result = code_note(text, setting="ED")
    found = result.code_list
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            assert excludes1_conflict(a, b) is None, (a, b)
    for c in result.codes:
        for e in c.evidence:
            assert text[e.start:e.end] == e.text
        assert c.rationale and c.guideline.startswith("ICD-10-CM OCG")


def test_contract_shape_and_facts() -> None:
    text = ("HPI: 6 weeks of right arm pain, failed 6 weeks of PT. Exam: 4/5 right biceps, diminished right "
            "biceps reflex.\nMRI: C5-C6 disc herniation.\nAssessment: right C6 radiculopathy from C5-C6 disc "
            "herniation.")
    result = code_note(text, note_id="n7")
    d = result.as_dict()
    assert d["id"] == "n7"
    assert set(d) >= {"id", "codes", "rejected", "queries", "documentation"}
    assert set(d["codes"][0]) >= {"code", "description", "confidence", "evidence", "rationale", "guideline"}
    facts = result.facts
    assert facts["radicular_signs"] and facts["neuro_exam"]
    assert facts["conservative_care_weeks"] == 6
    assert facts["laterality"] == "right"
    assert "C5-C6" in facts["levels"]
    assert any("disc herniation" in f for f in facts["imaging_findings"])
    assert facts["encounter_phase"] in {"initial", "subsequent", "sequela", None}


def test_empty_note() -> None:
    result = code_note("   \n")
    assert result.code_list == []
    assert result.message and "empty" in result.message


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValueError):
        code_note("Neck pain.", setting="spaceship")


def test_coding_data_files_name_source_and_effective_date() -> None:
    from importlib import resources

    import yaml

    for name in ("domain_codes.yaml", "abbreviations.yaml"):
        text = resources.files("cleanclaim.coding").joinpath("data", name).read_text("utf-8")
        data = yaml.safe_load(text)
        assert data["source"] and data["effective_date"], name


@pytest.mark.parametrize("text,expected", [
    # traumatic torticollis from a current injury: Index, Torticollis, traumatic, current S13.4
    ("Urgent care. Fell on a trampoline yesterday; woke with head tilted right.\nXR: no fracture.\n"
     "Assessment: acute traumatic torticollis after trampoline fall.", ["S13.4XXA"]),
    ("ED: rear-ended today, now wry neck.\nImpression: post-traumatic torticollis.", ["S13.4XXA"]),
    # cervical dystonia: the torticollis words describe its posture
    ("Dx: Cervical dystonia - predominantly right torticollis with left laterocollis.\nPlan: botulinum "
     "toxin.", ["G24.3"]),
    # chiropractic segmental dysfunction is listed first and the pain is reported with it
    ("S: neck pain 3/10.\nA: Segmental dysfunction at C1 and C5 with associated cervicalgia.\nP: CMT C1, C5.",
     ["M99.01", "M54.2"]),
    ("Assessment: cervical somatic dysfunction; neck pain.\nPlan: OMT.", ["M99.01", "M54.2"]),
    # disc wear above or below a fusion is disc degeneration at that level
    ("History: ACDF C5-C7 in 2019.\nAssessment: Adjacent segment degeneration at C4-5 above the fusion, "
     "without radiculopathy.", ["M50.321"]),
    ("Impression: adjacent segment disease C3-C4 after prior C4-6 fusion; no myelopathy.", ["M50.31"]),
])
def test_more_specific_neck_conditions(text: str, expected: list[str]) -> None:
    got = code_note(text).code_list
    assert got[:len(expected)] == expected, got
    assert "M43.6" not in got
