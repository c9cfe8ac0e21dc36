"""Denial analysis: real denials vs adjustments, causes, preventable share, linking, FHIR, history."""

from __future__ import annotations

import json

import pytest

from cleanclaim.claims.model import Claim, Diagnosis, ServiceLine
from cleanclaim.remits import analyze_files
from cleanclaim.remits.analysis import analyze_remits
from cleanclaim.remits.history import History
from cleanclaim.remits.synthetic import synthetic_batch
from cleanclaim.remits.writer import write_835
from cleanclaim.remits.x12_835 import read_835

HEAD = (
    "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       "
    "*250101*1200*^*00501*000000001*0*P*:~"
    "GS*HP*PAYER*PROVIDER*20250101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*{paid}*C*ACH************20250105~"
    "TRN*1*EFT1*1999999999~N1*PR*ACME HEALTH PLAN*XV*60054~N1*PE*NECK CLINIC*XX*1234567893~LX*1~"
)
TAIL = "SE*2*0001~GE*1*1~IEA*1*000000001~"

PAID = "CLP*P1*1*100*70*20*12~SVC*HC:99213*100*70~DTM*472*20250110~CAS*CO*45*10~CAS*PR*3*20~"
MRI_DENIED = "CLP*D1*4*1200*0*0*12~SVC*HC:72141*1200*0~DTM*472*20250111~CAS*CO*50*1200~LQ*HE*N115~"
PART = (
    "CLP*S1*1*150*60*0*12~SVC*HC:98940*60*60~DTM*472*20250112~"
    "SVC*HC:97140*50*0~DTM*472*20250112~CAS*CO*97*50~LQ*HE*M15~SVC*HC:97110*40*0~CAS*CO*45*40~"
)
MISSING = "CLP*M1*4*120*0*0*12~CAS*CO*16*120~MOA***M76~"
REVERSAL = "CLP*D1*22*-1200*0*0*12~CAS*CO*50*-1200~"


def _report(tmp_path, body, paid="130", name="r.835", claims=None):
    f = tmp_path / name
    f.write_text(HEAD.format(paid=paid) + body + TAIL)
    return analyze_files([f], claims)


def test_denials_vs_expected_adjustments(tmp_path):
    rep = _report(tmp_path, PAID + MRI_DENIED + PART + MISSING)
    by_id = {o.claim_id: o for o in rep.outcomes}
    assert not by_id["P1"].denied and by_id["P1"].denied_amount == 0
    assert by_id["D1"].denied and by_id["D1"].cause.category == "medical_necessity"
    assert by_id["D1"].cause.rarc == "N115" and by_id["D1"].cause.procedure == "72141"
    s1 = by_id["S1"]
    assert not s1.denied and s1.partially_denied and s1.denied_amount == 50
    assert s1.cause.category == "bundling" and s1.cause.line == 2 and s1.cause.preventable_by == ("ncci_ptp",)
    m1 = by_id["M1"]
    assert m1.denied and m1.cause.category == "missing_information" and m1.cause.rarc == "M76"
    assert "missing_required_field" in m1.cause.preventable_by


def test_contract_shape(tmp_path):
    d = _report(tmp_path, PAID + MRI_DENIED + PART + MISSING).as_dict()
    assert set(d) >= {"claims", "summary", "files"}
    c = d["claims"][0]
    assert set(c) >= {
        "claim_id",
        "payer",
        "status",
        "billed",
        "paid",
        "patient_responsibility",
        "denied",
        "adjustments",
        "remarks",
    }
    assert c["payer"] == "ACME HEALTH PLAN" and c["billed"] == 100.0 and c["patient_responsibility"] == 20.0
    assert c["adjustments"][0] == {
        **c["adjustments"][0],
        "group": "CO",
        "carc": "45",
        "amount": 10.0,
        "category": "contractual",
        "line": 1,
    }
    s = d["summary"]
    assert (s["claims"], s["denied_claims"], s["denied_amount"]) == (4, 2, 1370.0)
    assert s["billed"] == 1570.0 and s["paid"] == 130.0
    assert s["by_category"]["contractual"] == 50.0 and s["by_category"]["patient_responsibility"] == 20.0
    assert s["by_category"]["medical_necessity"] == 1200.0
    assert d["files"][0]["claims"] == 4 and d["files"][0]["error"] is None
    json.dumps(d)  # plain JSON types only


def test_preventable_share(tmp_path):
    s = _report(tmp_path, PAID + MRI_DENIED + PART + MISSING).summary()
    # MRI (CO-50 N115 -> medical_necessity), bundling (ncci_ptp), CO-16 M76: all three scrub-preventable
    assert s["preventable_claims"] == 3 and s["preventable_amount"] == 1370.0
    s2 = _report(tmp_path, PAID + "CLP*E1*4*80*0*0*12~CAS*CO*27*80~", paid="70", name="e.835").summary()
    assert s2["denied_claims"] == 1 and s2["preventable_claims"] == 0 and s2["preventable_share"] == 0.0


def test_reversal_is_not_a_denial(tmp_path):
    rep = _report(tmp_path, REVERSAL, paid="0")
    (o,) = rep.outcomes
    assert not o.denied and o.denied_amount == 0 and o.payment.is_reversal


def test_root_causes_rank_by_dollars(tmp_path):
    rc = _report(tmp_path, PAID + MRI_DENIED + PART + MISSING).root_causes()
    assert [(r["group"], r["carc"]) for r in rc] == [("CO", "50"), ("CO", "16"), ("CO", "97")]
    assert rc[0]["description"] and rc[0]["claims"] == 1


def test_linking_attaches_billed_diagnoses_and_suggests_payer_rules(tmp_path):
    body = "".join(MRI_DENIED.replace("D1", f"D{i}") for i in range(4))
    claims = [
        Claim(
            claim_id=f"D{i}",
            diagnoses=[Diagnosis("M542", "M54.2", "ABK", 1)],
            lines=[ServiceLine(number=1, procedure="72141", pointers=[1])],
        )
        for i in range(4)
    ]
    rep = _report(tmp_path, body, paid="0", claims=claims)
    assert all(o.linked and o.diagnoses == ["M542"] for o in rep.outcomes)
    assert rep.outcomes[0].cause.diagnosis == "M542"
    (rule,) = rep.suggested_rules(threshold=3)
    assert (rule["payer"], rule["procedure"], rule["diagnosis"], rule["category"], rule["denials"]) == (
        "ACME HEALTH PLAN",
        "72141",
        "M542",
        "medical_necessity",
        4,
    )
    assert "M54.2" in rule["suggestion"]
    assert rep.suggested_rules(threshold=5) == []


def test_unreadable_file_is_reported_and_others_still_read(tmp_path):
    good = tmp_path / "good.835"
    good.write_text(HEAD.format(paid="70") + PAID + TAIL)
    bad = tmp_path / "bad.835"
    bad.write_text("this is not an 835")
    rep = analyze_files([bad, good, tmp_path / "missing.835"])
    assert [f.claims for f in rep.files] == [0, 1, 0]
    assert "not X12" in rep.files[0].error and "file not found" in rep.files[2].error
    assert rep.exit_code == 2 and len(rep.outcomes) == 1


@pytest.mark.shared
def test_fhir_claimresponse_and_eob(shared_dir):
    folder = shared_dir / "x12-corpus" / "fhir"
    rep = analyze_files(
        [
            folder / "r4_claimresponse_selfmade.json",
            folder / "fhir-ru_built-test__explanationofbenefit-example.json",
        ]
    )
    cr, eob = rep.outcomes
    assert (
        cr.claim_id == "scout-prof-1" and float(cr.payment.charge) == 190.0 and float(cr.payment.paid) == 92.5
    )
    assert [(a.group, a.carc, a.category) for a in cr.adjustments] == [
        ("PR", "1", "patient_responsibility"),
        ("CO", "97", "bundling"),
    ]
    assert cr.partially_denied and cr.denied_amount == 40
    assert eob.claim_id == "100150" and float(eob.payment.paid) == 96.0
    assert any(f.kind == "claim_imbalance" for f in rep.findings)  # EOB gives no reason for the 39.57


@pytest.mark.shared
def test_fhir_claim_is_not_a_remittance(shared_dir):
    rep = analyze_files([shared_dir / "x12-corpus" / "fhir" / "r4_claim_professional_selfmade.json"])
    assert "not a remittance" in rep.files[0].error


def test_history_is_idempotent_and_summarises_with_sql(tmp_path):
    remits, claims = synthetic_batch(1500, seed=9)
    files = []
    for i in range(3):
        f = tmp_path / f"batch{i}.835"
        with open(f, "w") as fh:
            write_835(remits[i * 10 : (i + 1) * 10], fh)
        files.append(f)
    rep = analyze_files(files, claims)
    db = tmp_path / "h.duckdb"
    h = History(db)
    assert h.add_report(rep) == {"files_loaded": 3, "files_skipped": 0, "claims_added": 1500}
    assert h.add_report(analyze_files(files[:1], claims))["files_loaded"] == 0
    s = h.summary()
    h.close()
    want = rep.summary()
    t = s["totals"]
    assert t["claims"] == 1500 and t["denied_claims"] == want["denied_claims"]
    assert round(t["denied_amount"], 2) == round(want["denied_amount"], 2)
    assert t["preventable_claims"] == want["preventable_claims"]
    assert sum(r["claims"] for r in s["by_month"]) == 1500
    assert {r["payer"] for r in s["by_payer"]} <= {
        "ACME HEALTH PLAN",
        "BLUE RIVER MUTUAL",
        "STATE MEDICAID",
        "MEDICARE PART B",
        "LAKESIDE PPO",
    }
    assert s["root_causes"][0]["amount"] == max(r["amount"] for r in s["root_causes"])
    assert s["patterns"] and all(p["denials"] >= 3 for p in s["patterns"])
    assert any(p["procedure"] == "72141" and p["category"] == "medical_necessity" for p in s["patterns"])
    # reopen: rows persist, the claim is found for appeals
    h2 = History(db, read_only=True)
    denied_id = next(o.claim_id for o in rep.outcomes if o.denied)
    row = h2.find_claim(denied_id)
    h2.close()
    assert row["denied"] and row["adjustments"] and row["category"]


def test_synthetic_generator_is_balanced_and_reproducible():
    a, _ = synthetic_batch(500, seed=2)
    b, _ = synthetic_batch(500, seed=2)
    assert [c.claim_id for r in a for c in r.claims] == [c.claim_id for r in b for c in r.claims]
    rep = analyze_remits([("syn", a)])
    assert rep.findings == []
    s = rep.summary()
    assert 0.02 < s["denial_rate_claims"] < 0.2


def test_reader_output_feeds_analysis_directly():
    text = (HEAD.format(paid="70") + PAID + TAIL).encode()
    rep = analyze_remits([("mem.835", read_835(text, "mem.835"))])
    assert rep.outcomes[0].file == "mem.835"


def test_html_report_renders_charts_and_handles_an_empty_history():
    from cleanclaim.remits.html_report import render_html

    remits, _ = synthetic_batch(400, seed=5)
    rep = analyze_remits([("syn.835", remits)])
    h = History(None)
    h.add_report(rep, {"syn.835": "f" * 64})
    page = render_html(rep, h.summary())
    h.close()
    assert page.startswith("<!doctype html>") and page.count("<svg") >= 4
    assert "<script" not in page and "src=" not in page and "http" not in page
    assert "Top root causes" in page and "Denials by month of service" in page
    empty = History(None)
    assert "0 claims" in render_html(analyze_remits([]), empty.summary())
    empty.close()
