"""Configuration: [tool.cleanclaim] / cleanclaim.toml, select/ignore by id, prefix, category or family."""

from __future__ import annotations

import pytest

from cleanclaim.errors import InputError
from cleanclaim.scrub import load_config, load_rules
from cleanclaim.scrub.engine import select_rules, unknown_selectors
from cleanclaim.scrub.sketch import scrub_sketch

RULES = load_rules()


def ids(select, ignore=(), extra_select=(), extra_ignore=()):
    return {
        r.id for r in select_rules(RULES, list(select), list(ignore), list(extra_select), list(extra_ignore))
    }


def test_selectors():
    assert ids(["ALL"]) == {r.id for r in RULES}
    assert ids(["NCCI"]) == {"NCCI001", "NCCI002"}
    assert ids(["ncci"]) == {"NCCI001", "NCCI002", "MUE001"}  # the family
    assert ids(["modifier"]) == {"CLM006", "CLM007"}  # the category
    assert ids(["ICD005"]) == {"ICD005"}
    assert ids(["ALL"], ["code_set", "claim"]) == {
        r.id for r in RULES if r.family not in ("code_set", "claim")
    }
    # a payer pack adds and removes on top of the global selection
    assert ids(["ICD"], ["ICD011"], ["ICD011"], ["ICD001"]) == {f"ICD{n:03d}" for n in range(2, 12)}
    assert unknown_selectors(["ICD", "sex_conflict", "NOPE", "ICD999"]) == ["NOPE", "ICD999"]


def test_cleanclaim_toml_found_walking_up(tmp_path):
    (tmp_path / "cleanclaim.toml").write_text(
        'ignore = ["symptom_with_definitive_dx"]\nsex-edits = false\n'
        '[payers.CI]\npolicies = ["lcd-cervical-esi"]\nignore = ["CLM005"]\n'
    )
    sub = tmp_path / "claims" / "2025"
    sub.mkdir(parents=True)
    cfg = load_config(start=sub)
    assert cfg.source == str(tmp_path / "cleanclaim.toml")
    assert cfg.ignore == ["symptom_with_definitive_dx"] and cfg.sex_edits is False
    assert cfg.payers["CI"].policies == ["lcd-cervical-esi"] and "MB" in cfg.payers  # built-in pack kept
    findings = scrub_sketch("payer CI\ndx M47.812 M54.2\nline 62321 charge 850\ntotal 900", config=cfg)
    assert {f.rule for f in findings} == {"MN001"}  # ICD006 and CLM005 ignored


def test_pyproject_tool_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.cleanclaim]\nselect = ["ICD", "CLM"]\n'
    )
    cfg = load_config(start=tmp_path)
    assert cfg.select == ["ICD", "CLM"]


def test_bad_config_is_input_error(tmp_path):
    bad = tmp_path / "cleanclaim.toml"
    bad.write_text("select = [unterminated\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_config(bad)
    bad.write_text("select = 5\n")
    with pytest.raises(InputError, match="list of strings"):
        load_config(bad)
    with pytest.raises(InputError, match="not found"):
        load_config(tmp_path / "missing.toml")
