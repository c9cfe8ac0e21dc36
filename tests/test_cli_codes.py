"""`cleanclaim lookup` from the command line: contract shape, exit codes, one-line errors."""

from __future__ import annotations

import json

from cli_helpers import run_cli


def test_lookup_json_contract_for_several_spellings():
    r = run_cli("lookup", "--json", "--date", "2026-01-15", "s129xxa", " M54.2 ", "m5412", "S12.9", "M54.1")
    assert r.code == 0, r.err
    items = json.loads(r.out)
    assert [i["code"] for i in items] == ["S12.9XXA", "M54.2", "M54.12", "S12.9", "M54.1"]
    assert items[0]["input"] == "s129xxa"
    assert items[0]["seventh_characters"] == {"A": "initial encounter", "D": "subsequent encounter",
                                              "S": "sequela"}
    assert items[1]["billable"] and items[1]["reason"] is None
    assert items[3]["reason"].startswith("requires a 7th character")
    assert items[4]["reason"] == "subcategory header: choose one of M54.10–M54.18"


def test_lookup_unknown_code_is_not_an_error():
    r = run_cli("lookup", "--json", "XYZ", "Q99.99")
    assert r.code == 0
    items = json.loads(r.out)
    assert all(i["valid"] is False and i["reason"] for i in items)


def test_malformed_date_exits_2_with_one_line():
    r = run_cli("lookup", "--date", "2026-02-30", "M54.2")
    assert r.code == 2
    assert r.err.strip().count("\n") == 0
    assert "--date" in r.err and "Traceback" not in r.err


def test_lookup_rich_output_shows_comparison_for_m542():
    r = run_cli("lookup", "M54.2")
    assert r.code == 0
    assert "Cervicalgia" in r.out and "M54.12" in r.out


def test_date_decides_validity_on_the_command_line():
    old = json.loads(run_cli("lookup", "--json", "--date", "2021-09-30", "M54.5").out)[0]
    new = json.loads(run_cli("lookup", "--json", "--date", "2021-10-01", "M54.5").out)[0]
    assert old["billable"] and not new["billable"]
