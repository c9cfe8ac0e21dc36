"""`cleanclaim denials` and `cleanclaim appeal` end to end, through the real entry point."""

from __future__ import annotations

import json
import re
import sys

import pytest

from cleanclaim.cli import main
from cleanclaim.remits.synthetic import synthetic_batch
from cleanclaim.remits.writer import write_835


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["cleanclaim", *map(str, args)])
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    return exc.value.code or 0, out.out, out.err


@pytest.fixture(scope="module")
def remit_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("remits")
    remits, claims = synthetic_batch(1200, seed=21)
    paths = []
    for i in (0, 1):
        p = folder / f"era{i}.835"
        with open(p, "w") as fh:
            write_835(remits[i * 12 : (i + 1) * 12], fh)
        paths.append(p)
    from cleanclaim.claims.x12_writer import write_837p

    write_837p(claims, folder / "claims.837")
    return folder, paths, folder / "claims.837"


def test_denials_json_contract(monkeypatch, capsys, remit_files):
    _, paths, _ = remit_files
    rc, out, err = run(monkeypatch, capsys, "denials", "--json", *paths)
    assert rc == 0, err
    d = json.loads(out)
    assert d["summary"]["claims"] == 1200 and len(d["claims"]) == 1200
    assert [f["claims"] for f in d["files"]] == [600, 600]
    assert d["summary"]["denied_claims"] == sum(c["denied"] for c in d["claims"])
    cats = set(d["summary"]["by_category"])
    assert {"contractual", "patient_responsibility", "medical_necessity"} <= cats
    assert d["analysis"]["totals"]["claims"] == 1200


def test_denials_with_claims_db_and_html(monkeypatch, capsys, remit_files, tmp_path):
    _, paths, claims = remit_files
    db, html = tmp_path / "h.duckdb", tmp_path / "r.html"
    rc, out, err = run(monkeypatch, capsys, "denials", "--claims", claims, "--db", db, "--html", html, *paths)
    assert rc == 0, err
    assert "Denial analysis" in out and "Top root causes" in out and "suggested payer-specific" in out
    assert "M54.2" in out  # billed diagnoses attached through CLP01 = CLM01
    page = html.read_text()
    assert page.count("<svg") >= 4 and "<script" not in page and "http" not in page
    # loading the same files again adds nothing
    rc, out, _ = run(monkeypatch, capsys, "denials", "--json", "--db", db, paths[0])
    assert json.loads(out)["history"]["files_loaded"] == 0
    rc, out, _ = run(monkeypatch, capsys, "denials", "--json", "--db", db)
    assert json.loads(out)["analysis"]["totals"]["claims"] == 1200


def test_appeal_from_history_and_from_remit(monkeypatch, capsys, remit_files, tmp_path):
    _, paths, claims = remit_files
    db = tmp_path / "h.duckdb"
    run(monkeypatch, capsys, "denials", "--db", db, *paths)
    rc, out, _ = run(monkeypatch, capsys, "denials", "--json", *paths)
    d = json.loads(out)
    mri = next(c for c in d["claims"] if c["denied"] and c["cause"]["carc"] == "50")
    rc, letter, err = run(monkeypatch, capsys, "appeal", mri["claim_id"], "--db", db)
    assert rc == 0, err
    assert mri["claim_id"] in letter and "not medically necessary" in letter and "72141" in letter
    other = next(c for c in d["claims"] if c["denied"] and c["category"] == "duplicate")
    rc, letter, _ = run(
        monkeypatch,
        capsys,
        "appeal",
        other["claim_id"],
        "--remit",
        paths[0],
        "--remit",
        paths[1],
        "--claims",
        claims,
    )
    assert rc == 0 and "duplicate" in letter and "Diagnoses on the claim: M" in letter
    paid = next(c for c in d["claims"] if not c["denied"] and not c["partially_denied"])
    rc, _, err = run(monkeypatch, capsys, "appeal", paid["claim_id"], "--db", db)
    assert rc == 2 and "no denial to appeal" in err and err.count("\n") == 1
    rc, _, err = run(monkeypatch, capsys, "appeal", "NO-SUCH", "--db", db)
    assert rc == 2 and "not found" in err


def test_bad_input_exits_2_with_one_line(monkeypatch, capsys, tmp_path, remit_files):
    bad = tmp_path / "bad.835"
    bad.write_bytes(b"ISA*00*bad")
    rc, out, err = run(monkeypatch, capsys, "denials", bad)
    assert rc == 2 and err.count("\n") == 1 and "bad.835" in err and "Traceback" not in err
    _, paths, _ = remit_files
    rc, out, err = run(monkeypatch, capsys, "denials", "--json", tmp_path / "missing.835", paths[0])
    assert rc == 2 and "missing.835: file not found" in err
    assert json.loads(out)["summary"]["claims"] == 600  # the readable file is still reported
    rc, _, err = run(monkeypatch, capsys, "denials")
    assert rc == 2 and "835" in err


@pytest.mark.shared
def test_corpus_segment_errors_name_file_segment_and_id(monkeypatch, capsys, shared_dir):
    f = (
        shared_dir
        / "x12-corpus"
        / "other"
        / (
            "Inteligenz_X12Parser__tests__OopFactory.X12.Tests.Unit__Parsing___SampleEdiFiles__INS___835___5010__Example1.txt"
        )
    )
    rc, _, err = run(monkeypatch, capsys, "denials", f)
    assert rc == 2 and re.search(r"Example1\.txt: .*segment \d+ \(CLP\)", err)


@pytest.mark.shared
def test_every_corpus_remittance_runs_through_the_cli(monkeypatch, capsys, shared_dir):
    """Each public 835 and EOB either gives an analysis (exit 0) or one clean error (exit 2)."""
    corpus = shared_dir / "x12-corpus"
    manifest = {}
    for row in (corpus / "MANIFEST.tsv").read_text().splitlines()[1:]:
        cols = row.split("\t")
        manifest[cols[0]] = cols
    files = sorted(corpus.glob("835/*")) + sorted(corpus.glob("fhir/*explanationofbenefit*"))
    assert len(files) >= 40
    for f in files:
        rc, out, err = run(monkeypatch, capsys, "denials", "--json", f)
        assert rc in (0, 2), (f.name, err)
        assert "internal error" not in err and "Traceback" not in err, f.name
        if rc == 0:
            summary = json.loads(out)["summary"]
            row = manifest.get(f"835/{f.name}")
            if row and row[4].isdigit():  # column n_claims(CLM|CLP)
                assert summary["claims"] == int(row[4]), f.name
        else:
            assert err.count("\n") == 1 and f.name in err


def test_denials_json_is_streamed_yet_equals_the_whole_report(monkeypatch, capsys, remit_files):
    """The claims are written one at a time; the document is still the report, byte for byte."""
    from cleanclaim.remits.analysis import analyze_files

    _, paths, claims_file = remit_files
    code, out, _ = run(monkeypatch, capsys, "denials", "--json", "--claims", claims_file, *paths)
    assert code == 0
    streamed = json.loads(out)
    whole = analyze_files([str(p) for p in paths]).as_dict()
    assert len(streamed["claims"]) == len(whole["claims"]) > 100
    assert streamed["summary"] == whole["summary"]
    assert [c["claim_id"] for c in streamed["claims"]] == [c["claim_id"] for c in whole["claims"]]
    assert out.startswith('{\n  "claims": [\n    {\n      "claim_id": ')
    assert out.endswith("\n}\n")


def test_denials_json_with_no_claims_is_still_a_document(monkeypatch, capsys, tmp_path):
    empty = tmp_path / "empty.835"
    with open(empty, "w") as fh:
        write_835([], fh)
    code, out, err = run(monkeypatch, capsys, "denials", "--json", empty)
    doc = json.loads(out)
    assert doc["claims"] == [] and doc["summary"]["claims"] == 0
