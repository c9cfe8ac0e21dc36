"""Tabular notes parsed into code sets: Excludes1/2, Code first, Use additional."""

from __future__ import annotations

import pytest

from cleanclaim.codes import get_codeset
from cleanclaim.codes.notes import CodeRange, parse_refs


@pytest.mark.parametrize("note, expected", [
    ("cervicalgia due to intervertebral cervical disc disorder (M50.-)", ["M50"]),
    ("radiculopathy with spondylosis (M47.2-)", ["M47.2"]),
    ("intervertebral disease (M50.0-, M51.0-)", ["M50.0", "M51.0"]),
    ("any associated cervical spinal cord injury (S14.0, S14.1-)", ["S14.0", "S14.1"]),
    ("neoplasms (C00-D49)", ["C00-D49"]),
    ("fracture of vertebra (S12.0-S12.6)", ["S12.0-S12.6"]),
    ("neuralgia and neuritis NOS (M79.2)", ["M79.2"]),
    ("current injury - see injury of spine by body region", []),
    ("myelopathy in:", []),
])
def test_reference_shapes(note, expected):
    assert [str(r) for r in parse_refs(note)] == expected


def test_ranges_cover_their_members():
    rng = CodeRange("C00", "D49")
    assert rng.contains("C7951") and rng.contains("D492") and rng.contains("C000")
    assert not rng.contains("D500") and not rng.contains("B99")
    dash = CodeRange("M472", "M472")
    assert dash.contains("M4722") and not dash.contains("M4712")


@pytest.fixture(scope="module")
def cs():
    return get_codeset()


def test_g992_excludes1_spread_over_several_entries(cs):
    """Upstream splits G99.2's Excludes1 into a heading ("myelopathy in:") and its items."""
    notes = cs.excludes1("G99.2")
    assert "myelopathy in:" in notes
    for other in ("M50.01", "M50.00", "M51.06", "M47.12", "M47.011"):
        assert cs.excludes1_conflict("G99.2", other), other
    assert cs.excludes1_conflict("G99.2", "M47.22") is None  # spondylosis with radiculopathy is not named


@pytest.mark.parametrize("a, b", [
    ("M54.12", "M50.121"),   # radiculopathy with cervical disc disorder (M50.1)
    ("M54.12", "M47.22"),    # radiculopathy with spondylosis (M47.2-)
    ("M54.2", "M50.20"),     # cervicalgia due to disc disorder (M50.-)
    ("M54.2", "M46.42"),     # block-level: discitis NOS (M46.4-)
    ("M47.22", "M54.12"),    # either order
])
def test_excludes1_pairs_from_the_domain(cs, a, b):
    hit = cs.excludes1_conflict(a, b)
    assert hit is not None
    assert "(" in hit.note


@pytest.mark.parametrize("a, b", [("M54.2", "M54.12"), ("M47.812", "M54.2"), ("S13.4XXA", "S16.1XXA"),
                                  ("M54.2", "M54.2")])
def test_pairs_that_may_be_reported_together(cs, a, b):
    assert cs.excludes1_conflict(a, b) is None


def test_code_first_and_use_additional(cs):
    assert any("C00-D49" in n for n in cs.code_first("G99.2"))
    assert cs.matches_note_refs("C79.51", cs.code_first("G99.2")[0])
    organism = cs.use_additional("G00.2")
    assert any("B95.0-B95.5" in n for n in organism)
    assert cs.matches_note_refs("B95.3", organism[0]) and not cs.matches_note_refs("B96.20", organism[0])
    assert cs.mce("G99.2").manifestation


def test_inclusion_terms(cs):
    assert any("atlanto-axial" in t for t in cs.inclusion_terms("S13.4"))
    assert any("Brachial neuritis" in t for t in cs.lookup("M54.1").inclusion_terms)


@pytest.mark.parametrize("code, category", [("M99.61", "M99"), ("M96.1", "M96"), ("C50.911", "C50"),
                                            ("B20", "B20")])
def test_one_category_blocks_keep_their_category(cs, code, category):
    """simple-icd-10-cm names a one-category block like its category ("M99" is both)."""
    chain = cs.ancestors(code)
    assert (code == category or category in chain) and f"{category}-{category}" in chain
    assert chain[-1].isdigit()  # ends at the chapter, no loop
    assert cs.exists(category) and cs.lookup(category).description
    assert cs.lookup("M99").reason.startswith("category header")
