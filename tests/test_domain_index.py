"""The curated neck / cervical-spine domain index: its header, size and every code in it."""

from __future__ import annotations

from datetime import date

import pytest

from cleanclaim.codes import get_codeset
from cleanclaim.codes.domain_index import domain_terms, fingerprint, header, terms_for

FY2026 = date(2026, 4, 1)


def test_header_names_source_effective_date_and_version() -> None:
    meta = header()
    assert "Alphabetic Index" in meta["source"] and "FY2026" in meta["source"]
    assert meta["effective"].startswith("2025-10-01")
    assert meta["version"]


def test_at_least_150_unique_terms() -> None:
    terms = domain_terms()
    assert len(terms) >= 150
    lowered = [t.term.lower() for t in terms]
    assert len(set(lowered)) == len(lowered), "duplicate terms"
    assert all(t.term == t.term.strip() and t.code == t.code.strip() for t in terms)


def test_every_code_is_real_and_billable_on_fy2026_unless_the_note_says_to_choose() -> None:
    cs = get_codeset()
    for t in domain_terms():
        assert cs.exists(t.code), f"{t.term}: {t.code} is not an ICD-10-CM code"
        if not cs.is_billable(t.code, FY2026):
            # a header is allowed only where the note tells the coder which codes to choose
            assert t.note.lower().startswith("choose"), f"{t.term}: {t.code} is a header"


def test_codes_needing_a_7th_character_are_stored_complete() -> None:
    cs = get_codeset()
    for t in domain_terms():
        bare = t.code.replace(".", "")
        if len(bare) < 7 and cs.is_billable(t.code, FY2026):
            # a code that needs a 7th character has 7-character forms (X placeholders + letter)
            assert not any(cs.exists(bare.ljust(6, "X") + ch) for ch in "ADS"), t


@pytest.mark.parametrize("term, code", [
    ("neck pain", "M54.2"), ("cervicalgia", "M54.2"), ("pinched nerve in the neck", "M54.12"),
    ("wry neck", "M43.6"), ("torticollis", "M43.6"), ("spasmodic torticollis", "G24.3"),
    ("cervical dystonia", "G24.3"), ("congenital torticollis", "Q68.0"), ("psychogenic torticollis", "F45.8"),
    ("whiplash", "S13.4XXA"), ("neck strain", "S16.1XXA"), ("cervicogenic headache", "G44.86"),
    ("occipital neuralgia", "M54.81"), ("cervical spinal stenosis", "M48.02"),
    ("cervicocranial syndrome", "M53.0"),
    ("cervicobrachial syndrome", "M53.1"), ("postlaminectomy syndrome", "M96.1"),
    ("ankylosing spondylitis of the neck", "M45.2"), ("vertebral osteomyelitis of the neck", "M46.22"),
    ("cervical discitis", "M46.42"), ("metastasis to cervical spine", "C79.51"), ("broken neck", "S12.9XXA"),
    ("hangman's fracture", "S12.130A"), ("atlas fracture", "S12.000A"), ("c7 fracture", "S12.600A"),
])
def test_key_terms_lead_to_their_codes(term: str, code: str) -> None:
    codes = {t.code for t in domain_terms() if t.term.lower() == term}
    assert codes == {code}


def test_disc_levels_follow_the_m50_level_scheme() -> None:
    by_term = {t.term: t.code for t in domain_terms()}
    for kind, sub in (("herniated disc", "2"), ("herniated disc with radiculopathy", "1"),
                      ("herniated disc with myelopathy", "0")):
        assert by_term[f"{kind} C4-C5"] == f"M50.{sub}21"
        assert by_term[f"{kind} C5-C6"] == f"M50.{sub}22"
        assert by_term[f"{kind} C6-C7"] == f"M50.{sub}23"
        assert by_term[f"{kind} C3-C4"] == f"M50.{sub}1"
        assert by_term[f"{kind} C7-T1"] == f"M50.{sub}3"


def test_terms_for_accepts_any_spelling_of_the_code() -> None:
    assert {t.term for t in terms_for("s134xxa")} >= {"whiplash", "neck sprain"}
    assert terms_for("Z00.00") == []


def test_fingerprint_is_stable() -> None:
    assert fingerprint() == fingerprint() and len(fingerprint()) == 16
