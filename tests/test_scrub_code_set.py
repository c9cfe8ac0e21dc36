"""Code-set rules on realistic neck-pain claims, codes written the many ways claims carry them."""

from __future__ import annotations

import pytest

from cleanclaim.scrub import ScrubConfig
from cleanclaim.scrub.config import PayerPack
from cleanclaim.scrub.sketch import scrub_sketch


def rules_hit(text: str, *select: str, config: ScrubConfig | None = None) -> list[str]:
    return [f.rule for f in scrub_sketch(text, select=list(select) or None, config=config)]


@pytest.mark.parametrize("written", ["M54.22", "m5422", " M54.22 ", "M5499", "ZZZ", "54.2"])
def test_not_a_code(written):
    findings = scrub_sketch(f"dx {written}\nline 99213", select=["ICD001"])
    assert [f.rule for f in findings] == ["ICD001"]


@pytest.mark.parametrize(
    "header,child,leaf",
    [
        ("M54.1", "M54.12", "M54.12"),
        ("M50.1", "M50.12", "M50.121"),
        ("M47.81", "M47.812", "M47.812"),
        ("M50.12", "M50.121", "M50.121"),
        ("G44.8", "G44.86", "G44.86"),
    ],
)
def test_header_codes_name_the_children(header, child, leaf):
    findings = scrub_sketch(f"dx {header}\nline 99213", select=["ICD002"])
    assert [f.rule for f in findings] == ["ICD002"]
    assert child in findings[0].fix
    assert not rules_hit(f"dx {leaf}\nline 99213", "ICD002")


@pytest.mark.parametrize("written", ["S13.4", "S134", "s13.4xx", "S12.400", "S16.1XX"])
def test_missing_seventh_character(written):
    hit = rules_hit(f"dx {written}\nline 99203", "code_set")
    assert hit == ["ICD003"]  # not also reported as a header or an invalid code


@pytest.mark.parametrize("code", ["S13.4XXA", "S13.4XXD", "S12.400A", "S16.1XXS"])
def test_complete_injury_codes_pass(code):
    assert not rules_hit(f"dx {code}\nline 99203", "code_set")


def test_validity_follows_the_date_of_service():
    # cervicogenic headache G44.86 and low back pain M54.50 arrived with FY2022 (2021-10-01)
    for code in ("G44.86", "M54.50"):
        assert rules_hit(f"dos 2021-09-30\ndx {code}\nline 99213", "ICD004") == ["ICD004"]
        assert not rules_hit(f"dos 2021-10-01\ndx {code}\nline 99213", "ICD004")
    # M54.5 was a complete code until FY2022, a header after
    assert not rules_hit("dos 2021-06-01\ndx M54.5\nline 99213", "code_set")
    assert rules_hit("dos 2022-06-01\ndx M54.5\nline 99213", "code_set") == ["ICD002"]


@pytest.mark.parametrize(
    "pair",
    [
        ("M50.121", "M54.12"),
        ("M54.12", "M50.121"),
        ("M50.122", "M54.13"),
        ("M54.2", "M50.121"),
        ("G55", "M54.2"),
    ],
)
def test_excludes1_pairs_either_order(pair):
    findings = scrub_sketch(f"dx {pair[0]} {pair[1]}\nline 99214 ptr 1,2", select=["ICD005"])
    assert [f.rule for f in findings] == ["ICD005"]
    assert set(findings[0].codes) == set(pair)


def test_excludes2_and_unrelated_pairs_pass():
    # neck pain with a headache, spondylosis with muscle spasm: no Excludes1 note pairs them
    assert not rules_hit("dx M54.2 R51.9\nline 99213 ptr 1,2", "ICD005")
    assert not rules_hit("dx M47.812 M62.838\nline 99213 ptr 1,2", "ICD005")


@pytest.mark.parametrize(
    "definitive", ["M47.812", "M54.12", "M48.02", "S13.4XXA", "S16.1XXA", "M43.6", "G24.3", "S12.400A"]
)
def test_neck_pain_beside_what_explains_it(definitive):
    findings = scrub_sketch(f"dx {definitive} M54.2\nline 99213 ptr 1,2", select=["ICD006"])
    assert [f.rule for f in findings] == ["ICD006"]
    assert findings[0].codes[0] == "M54.2"


def test_other_symptom_pairs_and_non_pairs():
    assert rules_hit("dx G43.909 R51.9\nline 99213 ptr 1,2", "ICD006") == ["ICD006"]
    # G44 carries an Excludes1 for headache NOS: that pair is ICD005's
    assert rules_hit("dx G44.86 R51.9\nline 99213 ptr 1,2", "ICD005", "ICD006") == ["ICD005"]
    assert rules_hit("dx M54.12 R20.2\nline 99213 ptr 1,2", "ICD006") == ["ICD006"]
    # lumbar spondylosis does not explain neck pain; chiropractic M99.01 + M54.2 is the expected pairing
    assert not rules_hit("dx M47.816 M54.2\nline 99213 ptr 1,2", "ICD006")
    assert not rules_hit("dx M99.01 M54.2\nline 98940 ptr 1,2", "ICD006")
    # M54.2 with a cervical disc code is an Excludes1 pair: ICD005 reports it, ICD006 stays quiet
    assert rules_hit("dx M50.121 M54.2\nline 99213 ptr 1,2", "ICD005", "ICD006") == ["ICD005"]


@pytest.mark.parametrize("systemic", ["C79.51", "G03.9", "M45.2", "M46.22", "M46.42"])
def test_systemic_cause_after_the_symptom(systemic):
    assert rules_hit(f"dx M54.2 {systemic}\nline 99214 ptr 1,2", "ICD009") == ["ICD009"]
    assert not rules_hit(f"dx {systemic} M54.2\nline 99214 ptr 1,2", "ICD009", "ICD006")


@pytest.mark.parametrize("first", ["V43.52XA", "W19.XXXA", "Y93.C2"])
def test_external_cause_first(first):
    assert "ICD007" in rules_hit(f"dx {first} S13.4XXA\nline 99203 ptr 1,2", "ICD007")
    assert not rules_hit(f"dx S13.4XXA {first}\nline 99203 ptr 1", "ICD007")


def test_manifestation_first():
    assert rules_hit("dx G55 C79.51\nline 99214 ptr 1,2", "ICD008") == ["ICD008"]
    assert not rules_hit("dx C79.51 G55\nline 99214 ptr 1,2", "ICD008")


def test_age_conflict_uses_age_at_the_date_of_service():
    adult_code = "dx M42.12\nline 99213"
    assert rules_hit(f"patient 2011-05-02 M\ndos 2025-11-19\n{adult_code}", "ICD010") == ["ICD010"]
    # turns 15 on 2026-05-02: the day before is still a conflict, the birthday is not
    assert rules_hit(f"patient 2011-05-02 M\ndos 2026-05-01\n{adult_code}", "ICD010") == ["ICD010"]
    assert not rules_hit(f"patient 2011-05-02 M\ndos 2026-05-02\n{adult_code}", "ICD010")
    assert not rules_hit(f"unset birth_date\n{adult_code}", "ICD010")  # unknown age: CLM003's job


def test_sex_edits_are_configurable():
    claim = "patient age 34 M\ndx O99.891 M54.2\nline 99213 ptr 1,2"
    assert rules_hit(claim, "ICD011") == ["ICD011"]
    assert not rules_hit(claim.replace(" M\n", " F\n"), "ICD011")
    off = ScrubConfig(sex_edits=False)
    assert not rules_hit(claim, "ICD011", config=off)
    # the built-in Medicare Part B pack turns them off (CMS dropped sex edits from the MCE in FY2025) ...
    assert not rules_hit("payer MB\n" + claim, "ICD011")
    # ... and a payer pack can turn them back on
    cfg = ScrubConfig()
    cfg.payers["MB"] = PayerPack("MB", sex_edits=True)
    assert rules_hit("payer MB\n" + claim, "ICD011", config=cfg) == ["ICD011"]
