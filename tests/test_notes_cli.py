"""`cleanclaim code` and `cleanclaim eval notes`: contract JSON, batches, bad input, the gold scorer and
the public transcription corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleanclaim.commands.notes_cmd  # noqa: F401 - registers `code` and `eval` on the app
from cleanclaim.cli import app
from cleanclaim.coding.evaluate import code_matches, evaluate

runner = CliRunner()

NOTE = ("HPI: 3 weeks of neck pain radiating to the left thumb.\nExam: diminished left brachioradialis "
        "reflex, decreased sensation in the left C6 dermatome.\nAssessment: left C6 radiculopathy.\n")


def test_code_json_contract(tmp_path: Path) -> None:
    note = tmp_path / "n1.txt"
    note.write_text(NOTE, encoding="utf-8")
    res = runner.invoke(app, ["code", "--json", str(note)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["id"] == "n1"
    assert [c["code"] for c in out["codes"]] == ["M54.12"]
    ev = out["codes"][0]["evidence"][0]
    assert NOTE[ev["start"]:ev["end"]] == ev["text"]
    assert out["rejected"][0]["code"] == "M54.2"
    assert set(out["documentation"]) >= {"onset", "duration", "location", "radiation", "severity",
                                         "functional_impact", "neuro_exam", "workup_plan"}


def test_code_rich_output_shows_code_and_evidence(tmp_path: Path) -> None:
    note = tmp_path / "n1.txt"
    note.write_text(NOTE, encoding="utf-8")
    res = runner.invoke(app, ["code", str(note)])
    assert res.exit_code == 0
    assert "M54.12" in res.output and "evidence in the note" in res.output


def test_empty_note_gives_no_codes_and_a_message(tmp_path: Path) -> None:
    note = tmp_path / "empty.txt"
    note.write_text("  \n", encoding="utf-8")
    res = runner.invoke(app, ["code", "--json", str(note)])
    out = json.loads(res.output)
    assert out["codes"] == [] and "empty" in out["message"]
    res = runner.invoke(app, ["code", str(note)])
    assert "nothing to code" in " ".join(res.output.split())


def test_undecodable_bytes_are_read_leniently(tmp_path: Path) -> None:
    note = tmp_path / "latin.txt"
    note.write_bytes(b"Assessment: cervical strain after MVC \xe9\xff today.\n")
    res = runner.invoke(app, ["code", "--json", "--setting", "ED", str(note)])
    assert res.exit_code == 0
    assert [c["code"] for c in json.loads(res.output)["codes"]] == ["S16.1XXA"]


def test_jsonl_batch_reports_a_malformed_line_and_runs_the_rest(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"id": "a", "text": "Assessment: neck pain."}) + "\n"
        + '{"id": "b", "text": \n'
        + json.dumps({"id": "c", "text": "Assessment: cervical sprain.", "setting": "ED"}) + "\n",
        encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "cleanclaim.cli", "code", "--jsonl", str(batch)],
                         capture_output=True, text=True, timeout=120)
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", None, "c"]
    assert lines[0]["codes"][0]["code"] == "M54.2"
    assert lines[2]["codes"][0]["code"] == "S13.4XXA"
    assert "line 2" in res.stderr and "Traceback" not in res.stderr
    assert res.returncode == 2


def test_missing_file_exits_2_with_one_line() -> None:
    res = subprocess.run([sys.executable, "-m", "cleanclaim.cli", "code", "/no/such/note.txt"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "no such file" in res.stderr


def test_code_matches_globs_and_dots() -> None:
    assert code_matches("M50.122", "M50.*")
    assert code_matches("M50.122", "M50122")
    assert code_matches("S12.400A", "S12.*A")
    assert not code_matches("M54.2", "M54.1*")


def test_eval_scores_a_gold_file(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "g1", "setting": "outpatient", "text": NOTE, "primary": "M54.12", "required": ["M54.12"],
         "allowed": [], "forbidden": ["M54.2", "M50.*"]},
        {"id": "g2", "setting": "outpatient", "text": "Exam: positive Spurling's on the right, absent right "
         "triceps reflex.\nAssessment: neck pain.", "primary": "M54.2", "required": ["M54.2"],
         "allowed": [], "forbidden": ["M54.12"], "query": "radiculopathy"},
        {"id": "g3", "setting": "outpatient", "text": "Assessment: neck pain.", "primary": "M54.12",
         "required": ["M54.12"], "allowed": [], "forbidden": ["M54.2"]},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    report = evaluate(gold)
    summary = report.summary()
    assert summary["notes"] == 3
    assert summary["exact_note_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert summary["forbidden_codes"] == 1
    assert [m.id for m in report.misses()] == ["g3"]
    assert summary["errors"] == 1
    res = runner.invoke(app, ["eval", "notes", "--json", str(gold)])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["summary"]["notes"] == 3


@pytest.mark.shared
def test_every_public_transcription_codes_without_error(shared_dir: Path) -> None:
    from cleanclaim.coding import code_note

    corpus = shared_dir / "notes-corpus" / "mtsamples-neck.jsonl"
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 111
    coded = 0
    for row in rows:
        result = code_note(row["text"], note_id=row["id"])
        d = result.as_dict()
        for c in d["codes"]:
            for e in c["evidence"]:
                assert row["text"][e["start"]:e["end"]] == e["text"]
        coded += bool(d["codes"])
    assert coded > 50  # most of these neck transcriptions carry a codable neck condition
