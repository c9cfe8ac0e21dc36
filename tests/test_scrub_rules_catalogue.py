"""Every rule documents itself, and its documented examples are run through the engine (sqlfluff-style):
the anti-pattern claim trips the rule, the best-practice claim does not."""

from __future__ import annotations

import pytest

from cleanclaim.scrub import load_rules
from cleanclaim.scrub.registry import CATEGORIES
from cleanclaim.scrub.sketch import scrub_sketch

RULES = load_rules()
PLAIN = [r for r in RULES if not r.needs_notes]
NOTES = [r for r in RULES if r.needs_notes]


def test_every_category_has_a_rule_and_every_rule_one_category():
    covered = {r.category for r in RULES}
    assert covered == CATEGORIES
    assert len({r.id for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.category in CATEGORIES and r.severity in ("error", "warning", "info")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_documented(rule):
    assert rule.summary and rule.summary != rule.name
    assert rule.reference and rule.fix
    assert rule.anti_pattern and rule.best_practice, "docstring needs Anti-pattern:: and Best practice::"
    assert rule.family in ("code_set", "claim", "ncci", "necessity", "documentation")


@pytest.mark.parametrize("rule", PLAIN, ids=lambda r: r.id)
def test_anti_pattern_trips_the_rule_and_the_fix_is_clean(rule):
    bad = scrub_sketch(rule.anti_pattern, select=[rule.id])
    assert any(f.rule == rule.id for f in bad), f"{rule.id} anti-pattern did not trip it"
    good = scrub_sketch(rule.best_practice)  # every rule: the fixed claim has no error left anywhere
    assert not [f for f in good if f.rule == rule.id]
    assert not [f for f in good if f.severity == "error"], [f.message for f in good]


def _note_coder_available() -> bool:
    try:
        from cleanclaim.coding import code_note  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _note_coder_available(), reason="note coder not installed")
@pytest.mark.parametrize("rule", NOTES, ids=lambda r: r.id)
def test_claim_vs_note_examples(rule):
    bad = scrub_sketch(rule.anti_pattern, select=[rule.id])
    assert any(f.rule == rule.id for f in bad), f"{rule.id} anti-pattern did not trip it"
    good = scrub_sketch(rule.best_practice, select=[rule.id])
    assert not good, [f.message for f in good]


def test_rules_markdown_is_current(repo_dir):
    from cleanclaim.scrub.docs import rules_markdown

    doc = repo_dir / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == rules_markdown(), (
        "regenerate: cleanclaim rules --markdown > docs/rules.md"
    )
