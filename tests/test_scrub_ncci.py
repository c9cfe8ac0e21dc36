"""NCCI PTP pairs, add-on codes and MUEs for the domain's procedures, with modifier indicators."""

from __future__ import annotations

import pytest

from cleanclaim.scrub.sketch import scrub_sketch
from cleanclaim.scrub.tables import load_tables


def hits(text: str, *select: str) -> list[str]:
    return [f.rule for f in scrub_sketch(text, select=list(select))]


def test_tables_carry_source_and_effective_headers():
    t = load_tables()
    assert {i.name for i in t.info} >= {"ncci_ptp.tsv", "mue.tsv", "symptom_integral.tsv", "addon_codes.tsv"}
    for info in t.info:
        assert info.source and info.effective
    assert "NOT the official CMS PTP file" in next(i for i in t.info if i.name == "ncci_ptp.tsv").source
    for edits in t.ptp.values():
        for e in edits:
            assert e.modifier_indicator in "019" and e.confidence in ("high", "medium", "low")


@pytest.mark.parametrize(
    "procedure", ["62321", "64490", "64493", "20552", "20553", "64633", "98940", "98942"]
)
def test_em_on_the_day_of_a_minor_procedure_needs_25(procedure):
    base = f"dx M47.812\nline {procedure}\nline 99213"
    findings = scrub_sketch(base, select=["NCCI001"])
    assert [f.rule for f in findings] == ["NCCI001"] and findings[0].line == 2
    assert "25" in findings[0].fix
    assert hits(base.replace("line 99213", "line 99213 mod 25"), "NCCI001") == []
    # 59 does not bypass an E/M edit
    assert hits(base.replace("line 99213", "line 99213 mod 59"), "NCCI001") == ["NCCI001"]


@pytest.mark.parametrize("cmt", ["98940", "98941", "98942"])
def test_manual_therapy_with_chiropractic_manipulation(cmt):
    base = f"dx M99.01 M54.2\nline {cmt} ptr 1,2\nline 97140 ptr 2"
    assert hits(base, "NCCI001") == ["NCCI001"]
    for mod in ("59", "XS", "GP,59"):
        assert hits(base.replace("line 97140", f"line 97140 mod {mod}"), "NCCI001") == [], mod
    assert hits(base.replace("line 97140 ptr 2", "line 97140 ptr 2 dos 2025-03-11"), "NCCI001") == []


def test_indicator_zero_is_never_bypassed():
    base = "dx M54.12\nline 72156\nline 72141"
    findings = scrub_sketch(base, select=["NCCI001"])
    assert [f.codes for f in findings] == [["72156", "72141"]]
    assert "indicator 0" in findings[0].message
    assert hits(base.replace("line 72141", "line 72141 mod 59"), "NCCI001") == ["NCCI001"]
    assert hits("dx M54.12\nline 72141", "NCCI001") == []


def test_pairs_in_either_line_order():
    assert hits("dx M54.2\nline 97140\nline 98940", "NCCI001") == ["NCCI001"]
    assert hits("dx M54.2\nline 98940\nline 97140", "NCCI001") == ["NCCI001"]


def test_add_on_codes_need_their_primary():
    assert hits("dx M47.812\nline 64491", "NCCI002") == ["NCCI002"]
    assert hits("dx M47.812\nline 64490\nline 64491", "NCCI002") == []
    assert hits("dx M47.812\nline 64490\nline 64491\nline 64492", "NCCI002") == []
    assert hits("dx M47.812\nline 64634", "NCCI002") == ["NCCI002"]
    assert hits("dx M47.812\nline 64490 dos 2025-03-10\nline 64491 dos 2025-03-11", "NCCI002") == ["NCCI002"]


def test_mue_per_day_sums_lines_and_bilateral_takes_50():
    assert hits("dx M47.812\nline 64490 units 2", "MUE001") == ["MUE001"]
    assert hits("dx M47.812\nline 64490 mod LT\nline 64490 mod RT", "MUE001") == ["MUE001"]  # MAI 2: per day
    assert hits("dx M47.812\nline 64490 mod 50", "MUE001") == []
    assert hits("dx M54.2\nline 98941\nline 98941 dos 2025-03-11", "MUE001") == []  # two days
    assert hits("dx M54.2\nline 20553 units 2", "MUE001") == ["MUE001"]


def test_unverified_mue_rows_are_not_enforced():
    from cleanclaim.scrub.tables import DATA

    row = next(r for r in (DATA / "mue.tsv").read_text().splitlines() if r.startswith("97110\t"))
    assert row.split("\t")[4] == "unverified"
    assert "97110" not in load_tables().mue
    assert hits("dx M54.2\nline 97110 units 12", "MUE001") == []
