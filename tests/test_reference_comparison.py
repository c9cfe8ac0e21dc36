"""The M54.2 comparison table: what the guide's table says, and its neighbours."""

from __future__ import annotations

from datetime import date

import pytest

from cleanclaim.codes import get_codeset
from cleanclaim.codes.comparison import compared_codes, comparison_for, table_info

GUIDE_ROWS = ["M54.2", "M54.12", "M47.812", "S12.9XXA"]
NEIGHBOURS = ["M47.12", "M47.22", "M50.1-", "M50.2-", "M48.02", "S13.4XXA", "S16.1XXA", "M43.6", "G24.3",
              "G44.86", "M54.81", "M79.12", "M96.1", "M45.2", "C79.51", "G03.9", "M46.22"]


def test_m54_2_returns_the_guide_rows_and_the_neighbours() -> None:
    rows = comparison_for("M54.2")
    assert rows is not None
    codes = [r["code"] for r in rows]
    assert codes[0] == "M54.2" and rows[0]["selected"]
    assert set(GUIDE_ROWS + NEIGHBOURS) <= set(codes)
    assert sum(r["selected"] for r in rows) == 1
    for r in rows:
        assert set(r) == {"code", "condition", "when_used", "when_not_used", "selected"}
        assert len(r["when_used"]) > 40 and len(r["when_not_used"]) > 20


@pytest.mark.parametrize("asked, row", [
    ("m542", "M54.2"), (" S12.9XXA ", "S12.9XXA"), ("s129xxa", "S12.9XXA"), ("M50.122", "M50.1-"),
    ("M50.13", "M50.1-"), ("m50.222", "M50.2-"), ("G24.3", "G24.3"),
])
def test_any_code_in_the_table_gets_the_table_with_its_row_first(asked: str, row: str) -> None:
    rows = comparison_for(asked)
    assert rows is not None
    assert rows[0]["code"] == row and rows[0]["selected"]
    assert len(rows) == len(compared_codes())


@pytest.mark.parametrize("code", ["Z00.00", "M54.5", "M54.1", "", "   ", "not a code"])
def test_codes_outside_the_table_get_none(code: str) -> None:
    assert comparison_for(code) is None


def test_m54_2_row_says_not_with_a_specific_cause() -> None:
    row = comparison_for("M54.2")[0]
    text = row["when_not_used"].lower()
    for cause in ("radiculopathy", "fracture", "myelopathy", "metast"):
        assert cause in text


def test_every_code_named_in_the_table_exists() -> None:
    cs = get_codeset()
    for code in compared_codes():
        if code.endswith("-"):
            assert cs.exists(code.rstrip("-")) and cs.is_header(code.rstrip("-"))
        else:
            assert cs.is_billable(code, date(2026, 4, 1)), code


def test_table_names_its_source_and_date() -> None:
    info = table_info()
    assert "guide" in info["source"] and info["effective_date"] == "2025-10-01"
