"""`cleanclaim scrub` / `cleanclaim rules` end to end: the README commands on the bundled examples,
the contract shapes, exit codes 0/1/2, and the public corpus (every file read, nothing dropped)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from cleanclaim.scrub import ScrubConfig, scrub_files


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleanclaim", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture(scope="module")
def examples(repo_dir):
    return sorted(str(p) for p in (repo_dir / "examples" / "claims").iterdir() if not p.name.startswith("."))


def test_readme_command_json_contract(examples, repo_dir):
    run = cli("scrub", "--json", *examples, cwd=repo_dir)
    assert run.returncode == 1, run.stderr
    out = json.loads(run.stdout)
    assert set(out) >= {"claims", "files", "summary"}
    s = out["summary"]
    assert s["claims"] == s["clean"] + s["errors"] + s["warnings"] + s["unreadable"]
    assert s["claims"] == sum(f["claims"] for f in out["files"]) == len(out["claims"]) + s["unreadable"]
    assert s["unreadable"] == 0
    for claim in out["claims"]:
        assert set(claim) >= {"claim_id", "file", "patient_control", "total_charge", "findings"}
        for f in claim["findings"]:
            assert set(f) >= {"rule", "category", "severity", "message", "codes", "line", "fix", "reference"}
    categories = {f["category"] for c in out["claims"] for f in c["findings"]}
    # the examples show every category that needs no note
    from cleanclaim.scrub.registry import CATEGORIES

    doc_only = {
        "more_specific_code_documented",
        "code_not_supported_by_documentation",
        "seventh_character_mismatch",
        "documentation_gap",
    }
    assert categories == CATEGORIES - doc_only


def test_table_csv_and_notes(examples, repo_dir):
    table = cli("scrub", *examples, cwd=repo_dir)
    assert table.returncode == 1 and "CLM1016" in table.stdout and "NCCI001" in table.stdout
    assert "16 claims in 5 file(s)" in table.stdout
    assert cli("scrub", "--exit-zero", *examples, cwd=repo_dir).returncode == 0
    run = cli("scrub", "--csv", "--notes", str(repo_dir / "examples" / "notes"), *examples, cwd=repo_dir)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert run.returncode == 1
    assert {r["rule"] for r in rows} >= {"DOC001", "DOC002", "DOC003", "DOC004"}


def test_one_unreadable_claim_is_reported_and_the_rest_scrubbed(repo_dir):
    broken = repo_dir / "examples" / "broken" / "unreadable-birth-date.json"
    run = cli("scrub", "--json", str(broken), cwd=repo_dir)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "CLM1015" in lines[0] and "unreadable-birth-date.json" in lines[0]
    out = json.loads(run.stdout)
    assert [c["claim_id"] for c in out["claims"]] == ["CLM1018"]
    assert out["summary"]["unreadable"] == 1 and out["summary"]["claims"] == 2
    assert out["unreadable"][0]["claim_id"] == "CLM1015"
    csv_run = cli("scrub", "--csv", "--exit-zero", str(broken), cwd=repo_dir)
    assert csv_run.returncode == 2  # unreadable input is never waved through
    assert "READ" in {r["rule"] for r in csv.DictReader(io.StringIO(csv_run.stdout))}


def test_clean_claims_exit_zero(repo_dir, tmp_path):
    clean = tmp_path / "clean.json"
    clean.write_text(
        json.dumps(
            {
                "claim_id": "C1",
                "total_charge": "165.00",
                "place_of_service": "11",
                "claim_filing_indicator": "CI",
                "patient": {"birth_date": "1979-05-14", "sex": "M", "member_id": "W1"},
                "payer": {"identifier": "60054"},
                "billing_provider": {"identifier": "1234567893", "id_qualifier": "XX"},
                "diagnoses": ["M54.12"],
                "lines": [
                    {
                        "procedure": "99214",
                        "charge": "165.00",
                        "date_of_service": "2025-11-03",
                        "pointers": [1],
                    }
                ],
            }
        )
    )
    run = cli("scrub", "--json", str(clean), cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert json.loads(run.stdout)["summary"]["clean"] == 1


def test_unreadable_input_exits_two_with_one_line(tmp_path, examples):
    missing = cli("scrub", str(tmp_path / "nope.837"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "nope.837" in missing.stderr
    junk = tmp_path / "junk.837"
    junk.write_text("this is not X12")
    run = cli("scrub", "--json", str(junk), examples[0])
    assert run.returncode == 2 and "Traceback" not in run.stderr
    out = json.loads(run.stdout)  # the readable file is still scrubbed and reported
    assert out["files"][0]["error"] and out["files"][1]["claims"] > 0
    assert cli("scrub", "--select", "NOPE", examples[0]).returncode == 2
    assert cli("scrub", "--date", "2025-13-01", examples[0]).returncode == 2


def test_select_and_ignore_on_the_command_line(examples):
    run = cli("scrub", "--csv", "--select", "NCCI,MUE001", *examples)
    assert {r["rule"] for r in csv.DictReader(io.StringIO(run.stdout))} - {"READ"} == {
        "NCCI001",
        "NCCI002",
        "MUE001",
    } - {"NCCI002"}
    run = cli("scrub", "--csv", "--ignore", "code_set,claim", *examples)
    rules = {r["rule"] for r in csv.DictReader(io.StringIO(run.stdout))}
    assert not {r for r in rules if r.startswith(("ICD", "CLM"))}


def test_rules_command(repo_dir):
    run = cli("rules", "--json")
    listed = json.loads(run.stdout)
    assert run.returncode == 0 and len(listed) >= 28
    assert {"id", "category", "severity", "reference", "fix", "anti_pattern", "best_practice"} <= set(
        listed[0]
    )
    one = cli("rules", "ICD006")
    assert one.returncode == 0 and "I.B.5" in one.stdout and "Anti-pattern" in one.stdout
    assert cli("rules", "XYZ999").returncode == 2


@pytest.mark.shared
def test_public_corpus_every_claim_accounted_for(shared_dir):
    root = shared_dir / "x12-corpus"
    manifest = list(csv.DictReader((root / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    files = [r for r in manifest if r["file"].startswith(("837p/", "fhir/"))]
    assert files
    for row in files:
        report = scrub_files([root / row["file"]], config=ScrubConfig())
        s, fr = report.summary, report.files[0]
        assert s.claims == s.clean + s.errors + s.warnings + s.unreadable == fr.claims, row["file"]
        if row["file"].startswith("837p/") and fr.error is None:
            assert s.claims == int(row["n_claims(CLM|CLP)"]), row["file"]
        if fr.error is None and "negative-test" not in row["note"]:
            assert report.exit_code in (0, 1)
