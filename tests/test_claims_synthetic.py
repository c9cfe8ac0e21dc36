"""Synthetic neck-pain claims and the 837P writer: realistic, deterministic, round-trip, pyx12-valid."""

from __future__ import annotations

import dataclasses
import io
import logging
from collections import Counter

import pytest

from cleanclaim.claims import Claim, read_claim_file
from cleanclaim.claims.synthetic import generate_claims, make_npi, npi_is_valid
from cleanclaim.claims.x12_writer import to_837p_text, write_837p
from cleanclaim.x12.tokenizer import iter_segments


def _no_source(c: Claim) -> Claim:
    return dataclasses.replace(c, source=None, lines=[dataclasses.replace(ln, source=None) for ln in c.lines])


def test_deterministic_and_varied():
    a, b = generate_claims(300, seed=4), generate_claims(300, seed=4)
    assert a == b
    assert generate_claims(50, seed=5) != generate_claims(50, seed=4)[:50]
    procs = Counter(ln.procedure for c in a for ln in c.lines)
    for code in ("99203", "99213", "99214", "72040", "72050", "72141", "72156", "62321", "64490",
                 "64491", "20552", "97110", "97140", "98940"):
        assert procs[code] > 0, code
    dx = Counter(d.code for c in a for d in c.diagnoses)
    for code in ("M542", "M5412", "M47812", "M50121", "S134XXA", "S161XXA"):
        assert dx[code] > 0, code
    assert len({c.claim_id for c in a}) == 300
    assert any(c.referring_provider for c in a) and any(c.prior_authorization for c in a)
    assert any(c.patient is not c.subscriber for c in a) and any(c.accident_related for c in a)


def test_claims_are_internally_consistent():
    for c in generate_claims(200, seed=9):
        assert c.total_charge == sum(ln.charge for ln in c.lines)
        assert npi_is_valid(c.billing_npi) and npi_is_valid(c.rendering_npi)
        assert all(1 <= p <= len(c.diagnoses) for ln in c.lines for p in ln.pointers)
        assert c.diagnoses[0].qualifier == "ABK"
        assert c.onset_date is not None and c.onset_date < c.date_of_service
        if any(d.code.startswith("S13") for d in c.diagnoses):
            assert c.accident_related
        if c.patient is not c.subscriber:
            assert c.patient.relationship in ("01", "19") and c.claim_filing_indicator != "MB"


def test_npi_check_digit():
    assert npi_is_valid("1234567893")          # the CMS worked example
    assert not npi_is_valid("1234567890")
    import random

    rng = random.Random(1)
    assert all(npi_is_valid(make_npi(rng)) for _ in range(200))


def test_round_trip_through_837p(tmp_path):
    claims = generate_claims(150, seed=21)
    p = tmp_path / "rt.837"
    assert write_837p(claims, p) == 150
    back = list(read_claim_file(p))
    assert all(isinstance(c, Claim) for c in back)
    assert [_no_source(c) for c in back] == [_no_source(c) for c in claims]


def test_envelope_is_complete():
    text = to_837p_text(generate_claims(5, seed=1), control=42)
    segs = list(iter_segments(text.encode()))
    ids = [s.id for s in segs]
    assert ids[:3] == ["ISA", "GS", "ST"] and ids[-3:] == ["SE", "GE", "IEA"]
    assert len(text.split("~", 1)[0]) + 1 == 106          # fixed-width ISA
    st = ids.index("ST")
    se = ids.index("SE")
    assert segs[se].get(1) == str(se - st + 1)            # SE01 counts ST..SE
    assert segs[0].get(13) == "000000042" and segs[-1].get(2) == "000000042"
    assert segs[1].get(8) == "005010X222A1" and segs[2].get(3) == "005010X222A1"


def test_writer_output_is_valid_under_pyx12():
    pyx12_doc = pytest.importorskip("pyx12.x12n_document")
    import pyx12.params

    text = to_837p_text(generate_claims(40, seed=13))
    err = io.StringIO()
    logger = logging.getLogger("pyx12")
    old = logger.propagate
    logger.propagate = False
    try:
        ok = pyx12_doc.x12n_document(pyx12.params.params(), io.StringIO(text), None, None, None, err)
    finally:
        logger.propagate = old
    assert ok, err.getvalue()[:2000]
