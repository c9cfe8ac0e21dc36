"""Checks on the note-coding gold set (tests/gold/neck_notes_gold.jsonl) and the example notes.

The gold set is the yardstick for `cleanclaim eval notes`; these tests keep it well-formed, consistent with
the gold-file contract (docs/contracts.md) and with the coding rules it claims to test. They never look at
what the coding engine outputs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "gold" / "neck_notes_gold.jsonl"
EXAMPLES = REPO / "examples" / "notes"
CODE_SET_DATE = date(2026, 1, 1)

CONTRACT_FIELDS = {"id", "setting", "text", "primary", "required", "allowed", "forbidden"}
OPTIONAL_FIELDS = {"query", "scenario", "guideline"}
SETTINGS = {"outpatient", "ED", "inpatient"}
QUERY_TOPICS = {"radiculopathy", "level", "spondylosis", "myelopathy"}

# Every scenario the README documents; each must be exercised by at least two notes.
SCENARIOS = {
    "m542_new_onset",
    "m542_chronic_conservative",
    "m542_symptom_control",
    "m542_workup_pending",
    "radiculopathy",
    "disc_radiculopathy_level",
    "spondylosis_radiculopathy",
    "spondylosis",
    "spondylosis_myelopathy",
    "disc_displacement",
    "disc_degeneration",
    "disc_myelopathy",
    "stenosis",
    "fracture_initial",
    "fracture_subsequent",
    "fracture_delayed_nonunion",
    "sequela",
    "sprain",
    "strain",
    "torticollis",
    "cervical_dystonia",
    "cervicogenic_headache",
    "neck_myalgia",
    "occipital_neuralgia",
    "postlaminectomy",
    "meningitis",
    "metastatic",
    "pathological_fracture",
    "ankylosing_spondylitis",
    "spinal_infection",
    "uncertain_outpatient",
    "uncertain_inpatient",
    "negation",
    "history_resolved",
    "family_history",
    "query_radiculopathy",
    "query_level",
    "query_spondylosis",
    "query_myelopathy",
}

# ICD-10-CM shape: letter, digit, alphanumeric, then optionally a dot and up to four more characters.
CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
GLOB_RE = re.compile(r"^[A-Z][0-9A-Z.*?]*$")


def _load() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = _load()


def _alternatives(entry: str) -> list[str]:
    return entry.split("|")


def _is_glob(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def _reportable(case: dict) -> set[str]:
    """Every concrete code a right answer may contain."""
    codes = set(_alternatives(case["primary"]))
    for entry in case["required"]:
        codes.update(_alternatives(entry))
    codes.update(c for c in case["allowed"] if not _is_glob(c))
    return codes


def _required_alternatives(case: dict) -> set[str]:
    return {alt for entry in case["required"] for alt in _alternatives(entry)}


def _all_concrete_codes(case: dict) -> set[str]:
    return _reportable(case) | {c for c in case["forbidden"] if not _is_glob(c)}


@pytest.fixture(scope="module")
def codeset():
    try:
        from cleanclaim.codes import get_codeset
    except ImportError as exc:  # the code-set cache is built by another part of the project
        pytest.skip(f"cleanclaim.codes.get_codeset not available yet: {exc}")
    return get_codeset()


def test_gold_has_enough_notes():
    assert len(CASES) >= 100


def test_each_line_has_exactly_the_contract_fields():
    for case in CASES:
        keys = set(case)
        assert keys >= CONTRACT_FIELDS, case.get("id")
        extra = keys - CONTRACT_FIELDS - OPTIONAL_FIELDS
        assert extra == set(), (case["id"], extra)
        assert isinstance(case["id"], str) and case["id"]
        assert case["setting"] in SETTINGS, case["id"]
        assert isinstance(case["text"], str) and len(case["text"].split()) >= 10, case["id"]
        assert isinstance(case["primary"], str) and case["primary"], case["id"]
        for field in ("required", "allowed", "forbidden"):
            assert isinstance(case[field], list), (case["id"], field)
            assert all(isinstance(x, str) and x for x in case[field]), (case["id"], field)
        assert case["required"], case["id"]


def test_ids_are_unique():
    counts = Counter(case["id"] for case in CASES)
    assert [i for i, n in counts.items() if n > 1] == []


def test_codes_and_globs_are_well_formed():
    for case in CASES:
        for entry in [case["primary"], *case["required"]]:
            for alt in _alternatives(entry):
                assert CODE_RE.match(alt), (case["id"], alt)
        for pattern in case["allowed"] + case["forbidden"]:
            if _is_glob(pattern):
                assert GLOB_RE.match(pattern), (case["id"], pattern)
            else:
                assert CODE_RE.match(pattern), (case["id"], pattern)


def test_primary_is_among_required():
    # Each alternative of the primary must be reportable, and at least one must be a required code.
    for case in CASES:
        primary = set(_alternatives(case["primary"]))
        required = _required_alternatives(case)
        assert primary & required, case["id"]
        assert primary <= required | set(case["allowed"]), case["id"]


def test_required_and_allowed_never_forbidden():
    for case in CASES:
        for code in _reportable(case):
            clash = [g for g in case["forbidden"] if fnmatchcase(code, g)]
            assert clash == [], (case["id"], code, clash)


def test_external_cause_codes_are_never_required():
    # OCG I.C.20: external-cause codes are never first-listed and their reporting is voluntary.
    for case in CASES:
        for code in _required_alternatives(case) | set(_alternatives(case["primary"])):
            assert code[0] not in "VWXY", (case["id"], code)


def test_every_scenario_is_covered_at_least_twice():
    counts = Counter(case.get("scenario") for case in CASES)
    assert all(case.get("scenario") in SCENARIOS for case in CASES), set(counts) - SCENARIOS
    thin = {s: counts[s] for s in SCENARIOS if counts[s] < 2}
    assert thin == {}


def test_every_setting_is_represented():
    counts = Counter(case["setting"] for case in CASES)
    assert counts["inpatient"] >= 5 and counts["ED"] >= 5 and counts["outpatient"] >= 50


def test_uncertainty_cases_match_their_setting():
    # OCG IV.H (outpatient/ED: uncertain not coded) vs II.H (inpatient: coded as if established).
    for case in CASES:
        if case.get("scenario") == "uncertain_outpatient":
            assert case["setting"] in {"outpatient", "ED"}, case["id"]
        if case.get("scenario") == "uncertain_inpatient":
            assert case["setting"] == "inpatient", case["id"]


def test_query_cases_name_a_known_topic():
    for case in CASES:
        if case.get("scenario", "").startswith("query_"):
            assert case.get("query") in QUERY_TOPICS, case["id"]
        if "query" in case:
            assert case["query"] in QUERY_TOPICS, case["id"]


def test_seventh_characters_follow_the_encounter():
    # OCG I.C.19.a: A active treatment, D routine healing, G delayed healing, K nonunion, S sequela.
    expected = {"fracture_initial": "A", "fracture_subsequent": "D", "sprain": None, "strain": None}
    for case in CASES:
        scenario = case.get("scenario")
        injury = [c for c in _required_alternatives(case) if c.startswith(("S12", "S13", "S16"))]
        if scenario in ("fracture_initial", "fracture_subsequent"):
            assert injury and all(c.endswith(expected[scenario]) for c in injury), case["id"]
        if scenario == "fracture_delayed_nonunion":
            assert injury and all(c[-1] in "GK" for c in injury), case["id"]
        if scenario == "sequela":
            # OCG I.B.10: the residual condition is first, the injury with 7th character S follows.
            assert injury and all(c.endswith("S") for c in injury), case["id"]
            assert not any(a.startswith("S") for a in _alternatives(case["primary"])), case["id"]


def test_neck_pain_never_required_beside_an_excluding_disc_code():
    # M54.2 Excludes1 cervicalgia due to intervertebral cervical disc disorder (M50.-).
    for case in CASES:
        codes = _reportable(case)
        assert not ("M54.2" in codes and any(c.startswith("M50.") for c in codes)), case["id"]


def test_every_code_is_billable_on_2026_01_01(codeset):
    missing = sorted(
        {
            (case["id"], code)
            for case in CASES
            for code in _all_concrete_codes(case)
            if not codeset.is_billable(code, CODE_SET_DATE)
        }
    )
    assert missing == []


def test_globs_match_real_codes(codeset):
    # Every glob must match at least one billable code, so a typo cannot silently match nothing.
    if not hasattr(codeset, "iter_entries"):
        pytest.skip("code set cannot enumerate its entries")
    by_letter: dict[str, list[str]] = {}
    for entry in codeset.iter_entries():
        if entry.billable:
            by_letter.setdefault(entry.code[0], []).append(entry.code)
    globs = {g for case in CASES for g in case["allowed"] + case["forbidden"] if _is_glob(g)}
    every = [code for codes in by_letter.values() for code in codes]
    unmatched = sorted(
        g
        for g in globs
        if not any(fnmatchcase(c, g) for c in by_letter.get(g[0], every if g[0] in "*?" else []))
    )
    assert unmatched == []


def test_no_excludes1_pair_among_codes_reported_together(codeset):
    for case in CASES:
        together = sorted(_required_alternatives(case) | {c for c in case["allowed"] if not _is_glob(c)})
        entries = [set(_alternatives(e)) for e in [case["primary"], *case["required"]]]
        for i, a in enumerate(together):
            for b in together[i + 1 :]:
                if any({a, b} <= alts for alts in entries):
                    continue  # alternatives of one entry are never reported together
                assert codeset.excludes1_conflict(a, b) is None, (case["id"], a, b)


def test_example_notes_are_gold_cases():
    files = sorted(EXAMPLES.glob("*.txt"))
    assert 8 <= len(files) <= 12
    by_id = {case["id"]: case for case in CASES}
    for path in files:
        case = by_id.get(f"ex-{path.stem}")
        assert case is not None, path.name
        assert path.read_text(encoding="utf-8") == case["text"], path.name
    stems = {p.stem for p in files}
    assert {"CLM1001", "CLM1002", "CLM1003", "CLM1004", "CLM1005"} <= stems
