"""Every gold set under tests/gold/ follows the gold-file contract (shared/docs/contracts.md): the
held-out sets were written apart from the engine, so they are checked for shape, never for answers."""

from __future__ import annotations

import fnmatch
import json
from datetime import date
from pathlib import Path

import pytest

from cleanclaim.codes import get_codeset

GOLD_SETS = sorted((Path(__file__).resolve().parent / "gold").glob("*.jsonl"))


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", GOLD_SETS, ids=lambda p: p.name)
def test_gold_set_follows_the_contract(path: Path) -> None:
    rows = _rows(path)
    assert len(rows) >= 40
    assert len({r["id"] for r in rows}) == len(rows)
    cs = get_codeset()
    for r in rows:
        assert r["setting"] in {"outpatient", "ED", "inpatient"} and r["text"].strip(), r["id"]
        alternatives = {c for entry in r["required"] for c in entry.split("|")}
        assert set(r["primary"].split("|")) & alternatives, r["id"]
        for entry in r["required"]:
            for code in entry.split("|"):
                assert cs.is_billable(code, date(2026, 6, 1)), (r["id"], code)
        for pattern in r.get("forbidden", []):
            clash = [c for c in alternatives | set(r.get("allowed", [])) if fnmatch.fnmatchcase(c, pattern)]
            assert not clash, (r["id"], pattern, clash)
