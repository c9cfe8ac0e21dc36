"""835 reader: the public corpus, balancing findings, bad input, writer round trip."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from cleanclaim.errors import InputError
from cleanclaim.remits.model import RemitReadError, Remittance
from cleanclaim.remits.synthetic import synthetic_remits
from cleanclaim.remits.writer import write_835
from cleanclaim.remits.x12_835 import read_835


def _manifest(shared_dir):
    with open(shared_dir / "x12-corpus" / "MANIFEST.tsv", newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["file"].startswith("835/")]


@pytest.mark.shared
def test_every_corpus_835_reads_with_manifest_counts(shared_dir):
    rows = _manifest(shared_dir)
    assert len(rows) == 40
    for r in rows:
        items = list(read_835(shared_dir / "x12-corpus" / r["file"]))
        remits = [i for i in items if isinstance(i, Remittance)]
        errors = [i for i in items if isinstance(i, RemitReadError)]
        assert not errors, (r["file"], errors)
        claims = sum(len(rm.claims) for rm in remits)
        lines = sum(len(c.services) for rm in remits for c in rm.claims)
        assert (claims, lines) == (int(r["n_claims(CLM|CLP)"]), int(r["n_service_lines(SV1/2/3|SVC)"])), r[
            "file"
        ]


@pytest.mark.shared
def test_corpus_money_is_decimal_and_balances_are_findings(shared_dir):
    f = shared_dir / "x12-corpus" / "835" / "kputnam_stupidedi__notes__recover.txt"
    (rm,) = [i for i in read_835(f) if isinstance(i, Remittance)]
    cl = rm.claims[0]
    assert isinstance(cl.charge, Decimal) and isinstance(cl.paid, Decimal)
    assert all(isinstance(a.amount, Decimal) for a in cl.all_adjustments())
    kinds = {fi.kind for fi in rm.findings}
    assert "line_imbalance" in kinds
    fi = next(fi for fi in rm.findings if fi.kind == "line_imbalance")
    assert fi.segment_id == "SVC" and fi.segment_number and fi.file.endswith("recover.txt")


@pytest.mark.shared
def test_empty_line_charge_is_a_finding_not_a_lost_transaction(shared_dir):
    f = (
        shared_dir
        / "x12-corpus"
        / "835"
        / "jyoung-centric_edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt"
    )
    (rm,) = list(read_835(f))
    assert len(rm.claims[0].services) == 3
    assert any(fi.kind == "malformed_segment" and fi.segment_id == "SVC" for fi in rm.findings)


@pytest.mark.shared
def test_4010_remittance_with_a_bad_claim_loses_only_that_transaction(shared_dir):
    f = (
        shared_dir
        / "x12-corpus"
        / "other"
        / (
            "Inteligenz_X12Parser__tests__OopFactory.X12.Tests.Unit__Parsing___SampleEdiFiles__INS___835___5010__Example1.txt"
        )
    )
    items = list(read_835(f))
    err = next(i for i in items if isinstance(i, RemitReadError))
    assert err.segment_id == "CLP" and err.segment_number > 0


@pytest.mark.shared
def test_non_835_file_is_unsupported(shared_dir):
    f = next((shared_dir / "x12-corpus" / "837p").iterdir())
    with pytest.raises(InputError) as exc:
        list(read_835(f))
    assert "not an 835" in str(exc.value)


ONE = (
    "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       "
    "*250101*1200*^*00501*000000001*0*P*:~"
    "GS*HP*PAYER*PROVIDER*20250101*1200*1*X*005010X221A1~"
    "ST*835*0001~BPR*I*80*C*ACH************20250105~TRN*1*EFT1*1999999999~"
    "N1*PR*ACME HEALTH PLAN*XV*60054~N1*PE*NECK CLINIC*XX*1234567893~LX*1~"
    "CLP*C1*1*100*80*20*12*PCC1~NM1*QC*1*DOE*JANE****MI*M1~"
    "SVC*HC:72141:RT*100*80**1~DTM*472*20241215~CAS*CO*45*10~CAS*PR*2*10~LQ*HE*N130~"
    "SE*14*0001~"
)
TWO = (
    "ST*835*0002~BPR*I*0*C*NON************20250105~TRN*1*EFT2*1999999999~"
    "N1*PR*ACME HEALTH PLAN~N1*PE*NECK CLINIC*XX*1234567893~LX*1~"
    "CLP*C2*4*200*0*0*12*PCC2~CAS*CO*50*200~SE*9*0002~"
)
END = "GE*2*1~IEA*1*000000001~"


def test_reads_a_small_remittance_fully():
    (rm,) = list(read_835((ONE + END).encode(), "one.835"))
    assert rm.payer.name == "ACME HEALTH PLAN" and rm.payer.identifier == "60054"
    assert rm.payee.identifier == "1234567893" and rm.trace_number == "EFT1"
    assert rm.payment_amount == Decimal("80") and rm.payment_date.isoformat() == "2025-01-05"
    cl = rm.claims[0]
    assert (cl.claim_id, cl.status, cl.charge, cl.paid, cl.patient_responsibility) == (
        "C1",
        "1",
        Decimal(100),
        Decimal(80),
        Decimal(20),
    )
    assert cl.filing_indicator == "12" and cl.payer_claim_control == "PCC1" and cl.patient.name == "DOE, JANE"
    sv = cl.services[0]
    assert (sv.procedure, sv.modifiers, sv.charge, sv.paid, sv.units) == ("72141", ["RT"], 100, 80, 1)
    assert sv.service_date.isoformat() == "2024-12-15" and sv.remarks == ["N130"]
    assert [(a.group, a.carc, a.amount, a.line) for a in sv.adjustments] == [
        ("CO", "45", 10, 1),
        ("PR", "2", 10, 1),
    ]
    assert rm.findings == []


def test_claim_imbalance_and_payment_imbalance_are_reported():
    bad = ONE.replace("CAS*PR*2*10~", "CAS*PR*2*5~").replace("BPR*I*80*", "BPR*I*95*")
    (rm,) = list(read_835((bad + END).encode(), "bad.835"))
    kinds = sorted(f.kind for f in rm.findings)
    assert kinds == ["claim_imbalance", "line_imbalance", "payment_imbalance"]
    claim = next(f for f in rm.findings if f.kind == "claim_imbalance")
    assert claim.claim_id == "C1" and claim.segment_id == "CLP" and "5" in claim.message


def test_plb_enters_the_payment_balance():
    with_plb = ONE.replace("SE*14*0001~", "PLB*1234567893*20251231*L6:INT1*-2.5*WO:OVP*12.5~SE*15*0001~")
    with_plb = with_plb.replace("BPR*I*80*", "BPR*I*70*")
    (rm,) = list(read_835((with_plb + END).encode(), "plb.835"))
    assert [(p.reason, p.reference, p.amount) for p in rm.provider_adjustments] == [
        ("L6", "INT1", Decimal("-2.5")),
        ("WO", "OVP", Decimal("12.5")),
    ]
    assert not [f for f in rm.findings if f.kind == "payment_imbalance"]


def test_six_triples_in_one_cas():
    seg = "CAS*CO*45*1**253*2**59*3**97*4**16*5**50*6~"
    text = ONE.replace("CAS*CO*45*10~CAS*PR*2*10~", seg + "CAS*PR*2*-1~")
    (rm,) = list(read_835((text + END).encode(), "six.835"))
    adjs = rm.claims[0].services[0].adjustments
    assert [a.carc for a in adjs] == ["45", "253", "59", "97", "16", "50", "2"]
    assert sum(a.amount for a in adjs) == 20


def test_a_bad_transaction_never_loses_the_next():
    broken = ONE.replace("CLP*C1*1*100*80*", "CLP*C1*1*1O0*80*")
    items = list(read_835((broken + TWO + END).encode(), "mixed.835"))
    err, rm = items
    assert isinstance(err, RemitReadError) and err.segment_id == "CLP" and err.segment_number == 9
    assert "1O0" in err.message and "mixed.835" in str(err)
    assert isinstance(rm, Remittance) and [c.claim_id for c in rm.claims] == ["C2"]


def test_bad_cas_amount_skips_the_triple_only():
    text = ONE.replace("CAS*PR*2*10~", "CAS*PR*2*ten~")
    (rm,) = list(read_835((text + END).encode(), "cas.835"))
    kinds = [f.kind for f in rm.findings]
    assert "malformed_segment" in kinds and "line_imbalance" in kinds
    assert len(rm.claims[0].services[0].adjustments) == 1


@pytest.mark.parametrize(
    "data,words",
    [
        (b"", "empty"),
        (b"hello world, not edi", "not X12"),
        (b'{"resourceType": "Claim"}', "JSON"),
    ],
)
def test_unreadable_input_raises_input_error(data, words):
    with pytest.raises(InputError) as exc:
        list(read_835(data, "x.835"))
    assert words in str(exc.value)


def test_missing_file_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        list(read_835(tmp_path / "nope.835"))


def test_writer_round_trip_balances_and_keeps_every_value():
    remits = synthetic_remits(300, seed=4, claims_per_remit=40)
    buf = io.StringIO()
    write_835(remits, buf)
    back = [r for r in read_835(buf.getvalue().encode(), "syn.835")]
    assert all(isinstance(r, Remittance) for r in back)
    assert not [f for r in back for f in r.findings]
    assert len(back) == len(remits)
    for a, b in zip(remits, back, strict=True):
        assert a.payment_amount == b.payment_amount and a.payer.name == b.payer.name
        for ca, cb in zip(a.claims, b.claims, strict=True):
            assert (ca.claim_id, ca.status, ca.charge, ca.paid, ca.patient_responsibility) == (
                cb.claim_id,
                cb.status,
                cb.charge,
                cb.paid,
                cb.patient_responsibility,
            )
            assert [(s.procedure, s.charge, s.paid, s.service_date) for s in ca.services] == [
                (s.procedure, s.charge, s.paid, s.service_date) for s in cb.services
            ]
            assert [(x.group, x.carc, x.amount) for x in ca.all_adjustments()] == [
                (x.group, x.carc, x.amount) for x in cb.all_adjustments()
            ]
