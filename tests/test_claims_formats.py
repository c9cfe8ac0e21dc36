"""Claim JSON (pydantic + committed JSON Schema), FHIR R4 Claim / Bundle, format sniffing."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cleanclaim.claims import Claim, ClaimReadError, read_claim_file
from cleanclaim.claims.json_format import json_schema, write_claims_json
from cleanclaim.claims.synthetic import generate_claims
from cleanclaim.errors import InputError

REPO = Path(__file__).resolve().parents[1]


def _no_source(c: Claim) -> Claim:
    c = dataclasses.replace(c, source=None, lines=[dataclasses.replace(ln, source=None) for ln in c.lines])
    return c


def test_committed_schema_equals_generated():
    committed = json.loads((REPO / "docs" / "claim.schema.json").read_text())
    regen = "regenerate: python -m cleanclaim.claims.json_format > docs/claim.schema.json"
    assert committed == json_schema(), regen


def test_json_round_trip_and_schema_validity(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    claims = generate_claims(25, seed=2)
    p = tmp_path / "claims.json"
    p.write_text(write_claims_json(claims))
    jsonschema.validate(json.loads(p.read_text()), json_schema())
    back = list(read_claim_file(p))
    assert [_no_source(c) for c in back] == [_no_source(c) for c in claims]


@pytest.mark.parametrize("shape", ["object", "list", "envelope"])
def test_json_shapes(tmp_path, shape):
    one = {"claim_id": "C17", "total_charge": 300, "place_of_service": "11",
           "billing_provider": {"name": "NECK CLINIC", "identifier": "1234567893"},
           "patient": {"first_name": "ANA", "last_name": "LIMA", "birth_date": "1980-02-03", "sex": "F"},
           "diagnoses": ["m54.12", {"code": "M50.121", "qualifier": "ABF"}],
           "lines": [{"procedure": "99213", "charge": "120.00", "pointers": [1, 2],
                      "date_of_service": "2026-03-01"},
                     {"procedure": "72141", "charge": 180, "units": 1, "modifiers": ["26"],
                      "date_of_service": "2026-03-01"}]}
    doc = {"object": one, "list": [one], "envelope": {"claims": [one]}}[shape]
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc))
    (claim,) = list(read_claim_file(p))
    assert claim.claim_id == "C17" and claim.total_charge == Decimal(300)
    assert [(d.code, d.raw, d.qualifier, d.position) for d in claim.diagnoses] == [
        ("M5412", "m54.12", "ABK", 1), ("M50121", "M50.121", "ABF", 2)]
    assert claim.lines[1].modifiers == ["26"] and claim.lines[0].charge == Decimal("120.00")
    assert claim.date_of_service == date(2026, 3, 1)
    assert claim.patient.birth_date == date(1980, 2, 3)
    assert claim.billing_npi == "1234567893"


def test_one_bad_json_claim_does_not_lose_the_others(tmp_path):
    doc = {"claims": [
        {"claim_id": "A1", "lines": [{"procedure": "99213", "charge": 100}]},
        {"claim_id": "A2", "lines": [{"procedure": "99213", "charge": "lots"}]},
        {"claim_id": "A3", "lines": [{"procedure": "99213"}], "colour": "blue"},
        {"claim_id": "A4", "diagnoses": ["M54.2"]},
    ]}
    p = tmp_path / "mixed.json"
    p.write_text(json.dumps(doc))
    out = list(read_claim_file(p))
    assert [type(o).__name__ for o in out] == ["Claim", "ClaimReadError", "ClaimReadError", "Claim"]
    assert out[1].claim_id == "A2" and "lines.0.charge" in out[1].message
    assert out[2].claim_id == "A3" and "colour" in out[2].message


@pytest.mark.parametrize(
    ("text", "match"),
    [('{"claims": [', "malformed JSON"), ('"just a string"', "not a claim"),
     ('{"resourceType": "Patient", "id": "p"}', "FHIR Patient is not a claim")],
)
def test_unreadable_json(tmp_path, text, match):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(InputError, match=match):
        list(read_claim_file(p))


def test_fhir_r4_claim_from_corpus(shared_dir):
    path = shared_dir / "x12-corpus" / "fhir" / "r4_claim_professional_selfmade.json"
    (claim,) = list(read_claim_file(path))
    assert isinstance(claim, Claim)
    assert claim.claim_id == "scout-prof-1"
    assert claim.total_charge == Decimal("190")
    assert claim.billing_npi == "1234567893"
    assert [d.code for d in claim.diagnoses] == ["E119", "I10"]
    assert [(ln.procedure, ln.modifiers, ln.pointers) for ln in claim.lines] == [
        ("99214", ["25"], [1, 2]), ("83036", [], [1])]
    assert claim.place_of_service == "11"
    assert claim.lines[0].date_of_service == date(2024, 3, 1)


def _fhir_claim(cid: str, dx: list[str], **extra) -> dict:
    return {
        "resourceType": "Claim", "id": cid, "status": "active", "use": "claim", "created": "2026-03-02",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type",
                             "code": "professional"}]},
        "patient": {"reference": "Patient/p1"},
        "provider": {"reference": "Organization/o1"},
        "priority": {"coding": [{"code": "normal"}]},
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": "Coverage/c1"},
                       "preAuthRef": ["PA123"]}],
        "diagnosis": [{"sequence": i, "diagnosisCodeableConcept": {
            "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": c}]}}
            for i, c in enumerate(dx, start=1)],
        "item": [{"sequence": 1, "diagnosisSequence": [1],
                  "productOrService": {"coding": [{"code": "62321"}]},
                  "servicedPeriod": {"start": "2026-03-01", "end": "2026-03-01"},
                  "net": {"value": 780.0, "currency": "USD"}}],
        **extra,
    }


def test_fhir_bundle_resolves_patient_coverage_and_provider(tmp_path):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1971-06-30",
                      "name": [{"family": "OKAFOR", "given": ["GRACE"]}]}},
        {"resource": {"resourceType": "Organization", "id": "o1", "name": "SPINE CENTER",
                      "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]}},
        {"resource": {"resourceType": "Coverage", "id": "c1", "status": "active", "subscriberId": "W123",
                      "beneficiary": {"reference": "Patient/p1"},
                      "relationship": {"coding": [{"code": "self"}]},
                      "payor": [{"display": "MIDWEST HEALTH PLAN", "identifier": {"value": "60054"}}]}},
        {"resource": _fhir_claim("b1", ["M54.12", "M50.121"])},
        {"resource": _fhir_claim("b2", [], item=[{"sequence": 1}])},  # invalid: item without service
    ]}
    p = tmp_path / "bundle.json"
    p.write_text(json.dumps(bundle))
    out = list(read_claim_file(p))
    assert isinstance(out[0], Claim) and isinstance(out[1], ClaimReadError)
    c = out[0]
    assert (c.patient.last_name, c.patient.sex, c.patient.birth_date) == ("OKAFOR", "F", date(1971, 6, 30))
    assert c.patient.member_id == "W123" and c.patient.relationship == "18"
    assert c.payer.name == "MIDWEST HEALTH PLAN" and c.payer.identifier == "60054"
    assert c.billing_provider.name == "SPINE CENTER" and c.billing_npi == "1234567893"
    assert c.prior_authorization == "PA123"
    assert c.total_charge == Decimal("780")   # no total: sum of the lines
    assert c.lines[0].date_of_service == date(2026, 3, 1) and c.lines[0].date_of_service_end is None
    assert out[1].claim_id == "b2"


def test_fhir_r5_only_fields_are_rejected_per_claim(tmp_path):
    bad = _fhir_claim("r5", ["M54.2"])
    bad["item"][0]["productOrService"] = "not a codeable concept"
    p = tmp_path / "r5.json"
    p.write_text(json.dumps(bad))
    (err,) = list(read_claim_file(p))
    assert isinstance(err, ClaimReadError) and "not valid R4" in err.message and err.claim_id == "r5"


def test_damaged_fhir_and_json_never_crash(tmp_path, shared_dir):
    """Keys deleted or replaced by values of the wrong type: a Claim, a ClaimReadError or an
    InputError, never another exception."""
    import copy
    import random

    fhir_file = shared_dir / "x12-corpus" / "fhir" / "r4_claim_professional_selfmade.json"
    claim = json.loads(fhir_file.read_text())
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1970-01-01"}},
        {"resource": {"resourceType": "Coverage", "id": "c1", "status": "active",
                      "beneficiary": {"reference": "Patient/p1"}, "payor": [{"display": "X"}]}},
        {"resource": claim}]}
    own = json.loads(write_claims_json(generate_claims(2, seed=6)))
    rng = random.Random(3)

    def mutate(node):
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            roll = rng.random()
            if roll < 0.3:
                del node[key]
            elif roll < 0.6:
                node[key] = rng.choice([None, 1, "x", [], {}, [1], {"a": 1}, "2024-13-40"])
            else:
                mutate(node[key])
        elif isinstance(node, list) and node:
            mutate(rng.choice(node))

    p = tmp_path / "damaged.json"
    kinds = set()
    for i in range(300):
        doc = copy.deepcopy((claim, bundle, own)[i % 3])
        for _ in range(rng.randrange(1, 4)):
            mutate(doc)
        p.write_text(json.dumps(doc))
        try:
            kinds.update(type(o).__name__ for o in read_claim_file(p))
        except InputError:
            kinds.add("InputError")
    assert {"Claim", "ClaimReadError", "InputError"} <= kinds
