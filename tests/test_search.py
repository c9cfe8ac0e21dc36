"""Search ranking and normalisation on a small, realistic slice of the tabular (no code-set cache).

The entries are real ICD-10-CM rows (descriptions and inclusion terms as in the FY2026 tabular), so
the ranking logic is tested the way it runs on the whole code set, in milliseconds.
"""

from __future__ import annotations

import pickle

import pytest

from cleanclaim.codes import domain_index
from cleanclaim.codes.search import SearchIndex, TabularEntry, tokenize

E = TabularEntry
ENTRIES = [
    E("M54", "Dorsalgia", False),
    E("M54.1", "Radiculopathy", False, ("Brachial neuritis or radiculitis NOS",)),
    E("M54.10", "Radiculopathy, site unspecified", True),
    E("M54.11", "Radiculopathy, occipito-atlanto-axial region", True),
    E("M54.12", "Radiculopathy, cervical region", True),
    E("M54.13", "Radiculopathy, cervicothoracic region", True),
    E("M54.2", "Cervicalgia", True),
    E("M54.6", "Pain in thoracic spine", True),
    E("M54.81", "Occipital neuralgia", True),
    E("M43.6", "Torticollis", True),
    E("G24.3", "Spasmodic torticollis", True),
    E("Q68.0", "Congenital deformity of sternocleidomastoid muscle", True,
      ("Congenital (sternomastoid) torticollis", "Sternomastoid tumor (congenital)")),
    E("M47.81", "Spondylosis without myelopathy or radiculopathy", False),
    E("M47.810", "Spondylosis without myelopathy or radiculopathy, site unspecified", True),
    E("M47.812", "Spondylosis without myelopathy or radiculopathy, cervical region", True),
    E("M47.12", "Other spondylosis with myelopathy, cervical region", True),
    E("M47.22", "Other spondylosis with radiculopathy, cervical region", True),
    E("M50.1", "Cervical disc disorder with radiculopathy", False),
    E("M50.12", "Cervical disc disorder with radiculopathy, mid-cervical region", False),
    E("M50.122", "Cervical disc disorder at C5-C6 level with radiculopathy", True),
    E("M50.2", "Other cervical disc displacement", False),
    E("M50.20", "Other cervical disc displacement, unspecified cervical region", True),
    E("M50.22", "Other cervical disc displacement, mid-cervical region", False),
    E("M50.221", "Other cervical disc displacement at C4-C5 level", True),
    E("M50.222", "Other cervical disc displacement at C5-C6 level", True),
    E("M50.223", "Other cervical disc displacement at C6-C7 level", True),
    E("M48.02", "Spinal stenosis, cervical region", True),
    E("S13.4", "Sprain of ligaments of cervical spine", False,
      ("Sprain of atlanto-axial (joints)", "Whiplash injury of cervical spine")),
    E("S13.4XXA", "Sprain of ligaments of cervical spine, initial encounter", True),
    E("S13.4XXD", "Sprain of ligaments of cervical spine, subsequent encounter", True),
    E("S13.4XXS", "Sprain of ligaments of cervical spine, sequela", True),
    E("S12.4", "Fracture of fifth cervical vertebra", False),
    E("S12.40", "Unspecified fracture of fifth cervical vertebra", False),
    E("S12.400", "Unspecified displaced fracture of fifth cervical vertebra", False),
    E("S12.400A", "Unspecified displaced fracture of fifth cervical vertebra, initial encounter for "
      "closed fracture", True),
    E("S12.400D", "Unspecified displaced fracture of fifth cervical vertebra, subsequent encounter "
      "for fracture with routine healing", True),
    E("S12.401", "Unspecified nondisplaced fracture of fifth cervical vertebra", False),
    E("S12.401A", "Unspecified nondisplaced fracture of fifth cervical vertebra, initial encounter "
      "for closed fracture", True),
    E("S12.9", "Fracture of neck, unspecified", False, ("Fracture of neck NOS",)),
    E("S12.9XXA", "Fracture of neck, unspecified, initial encounter", True),
    E("S12.130A", "Unspecified traumatic displaced spondylolisthesis of second cervical vertebra, "
      "initial encounter for closed fracture", True),
    E("S16.1XXA", "Strain of muscle, fascia and tendon at neck level, initial encounter", True),
    E("L02.11", "Cutaneous abscess of neck", True),
    E("L03.221", "Cellulitis of neck", True),
    E("C53.9", "Malignant neoplasm of cervix uteri, unspecified", True),
    E("C79.51", "Secondary malignant neoplasm of bone", True),
    E("O62.4", "Hypertonic, incoordinate, and prolonged uterine contractions", True, ("Cervical spasm",)),
    E("M51.26", "Other intervertebral disc displacement, lumbar region", True),
    E("M51.27", "Other intervertebral disc displacement, lumbosacral region", True),
    E("S93.40", "Sprain of unspecified ligament of ankle", False, ("Sprain of ankle NOS",)),
    E("S93.401", "Sprain of unspecified ligament of right ankle", False),
    E("S93.401A", "Sprain of unspecified ligament of right ankle, initial encounter", True),
    E("S93.402", "Sprain of unspecified ligament of left ankle", False),
    E("S93.402A", "Sprain of unspecified ligament of left ankle, initial encounter", True),
    E("S93.409", "Sprain of unspecified ligament of unspecified ankle", False),
    E("S93.409A", "Sprain of unspecified ligament of unspecified ankle, initial encounter", True),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(ENTRIES, domain_index.domain_terms())


def top(index: SearchIndex, query: str, n: int = 1) -> list[str]:
    return [h.code for h in index.search(query, n)]


@pytest.mark.parametrize("query, code", [
    ("pinched nerve in the neck", "M54.12"),
    ("Pinched nerve, neck", "M54.12"),
    ("wry neck", "M43.6"),
    ("WRYNECK", "M43.6"),
    ("whiplash", "S13.4XXA"),
    ("neck pain", "M54.2"),
    ("pain in my neck", "M54.2"),
    ("cervicalgia", "M54.2"),
    ("hangman's fracture", "S12.130A"),
    ("hangmans fracture", "S12.130A"),
    ("spasmodic torticollis", "G24.3"),
])
def test_lay_terms_rank_the_indexed_code_first(index: SearchIndex, query: str, code: str) -> None:
    assert top(index, query) == [code]


@pytest.mark.parametrize("query", ["C5-C6 herniated disc", "herniated disc c5-6", "c5/c6 disc herniation",
                                   "bulging disk C5 C6", "slipped disc at C5-C6", "ruptured c5-c6 disc"])
def test_disc_level_spellings_all_reach_the_level_code(index: SearchIndex, query: str) -> None:
    assert top(index, query) == ["M50.222"]


def test_with_radiculopathy_moves_to_the_combination_code(index: SearchIndex) -> None:
    assert top(index, "C5-C6 herniated disc with radiculopathy") == ["M50.122"]


def test_without_is_not_with(index: SearchIndex) -> None:
    # "without myelopathy or radiculopathy" must not answer a query for spondylosis *with* them.
    assert top(index, "spondylosis with radiculopathy cervical") == ["M47.22"]
    assert top(index, "spondylosis without myelopathy cervical") == ["M47.812"]


def test_inclusion_terms_on_a_7th_character_header_answer_with_the_initial_encounter(
        index: SearchIndex) -> None:
    hits = index.search("whiplash injury of cervical spine", 3)
    assert hits[0].code == "S13.4XXA"
    assert hits[0].billable


@pytest.mark.parametrize("query, code", [
    ("whiplash subsequent encounter", "S13.4XXD"),
    ("whiplash sequela", "S13.4XXS"),
    ("fracture of fifth cervical vertebra subsequent encounter", "S12.400D"),
])
def test_encounter_words_pick_the_7th_character(index: SearchIndex, query: str, code: str) -> None:
    assert top(index, query) == [code]


def test_header_match_offers_its_unspecified_billable_code_first(index: SearchIndex) -> None:
    hits = index.search("fracture of fifth cervical vertebra", 5)
    codes = [h.code for h in hits]
    assert codes[0] == "S12.400A"  # unspecified -> displaced (the default) -> closed, initial
    assert "S12.4" in codes and codes.index("S12.4") > 0  # the header itself ranks below
    assert next(h for h in hits if h.code == "S12.4").billable is False


def test_default_code_under_a_header_names_no_side(index: SearchIndex) -> None:
    assert top(index, "sprain of ankle") == ["S93.409A"]
    assert top(index, "sprain of right ankle") == ["S93.401A"]


@pytest.mark.parametrize("query, code", [
    ("herniated disc L4-L5", "M51.26"), ("L5-S1 disc herniation", "M51.27"),
    ("lumbar disc herniation L4-5", "M51.26"),
])
def test_a_spinal_level_also_matches_its_region(index: SearchIndex, query: str, code: str) -> None:
    assert top(index, query) == [code]


def test_a_named_cause_is_coded_instead_of_the_symptom(index: SearchIndex) -> None:
    assert top(index, "neck pain from meningitis") == ["G03.9"]
    assert top(index, "neck pain due to whiplash") == ["S13.4XXA"]
    # an external cause is never promoted over the injury it explains
    assert top(index, "whiplash injury after car accident") == ["S13.4XXA"]
    # only an exact domain term counts as a named cause
    assert top(index, "neck pain from sleeping wrong") == ["M54.2"]


def test_billable_codes_preferred_over_headers(index: SearchIndex) -> None:
    hits = index.search("radiculopathy", 6)
    assert hits[0].billable
    first_header = next((i for i, h in enumerate(hits) if not h.billable), len(hits))
    assert all(h.billable for h in hits[:first_header])


def test_a_code_typed_as_the_query_comes_first_with_its_children(index: SearchIndex) -> None:
    hits = index.search("m54.1", 10)
    assert hits[0].code == "M54.1" and hits[0].score == 1.0
    assert {"M54.10", "M54.11", "M54.12", "M54.13"} <= {h.code for h in hits}
    assert index.search("M541")[0].code == "M54.1"


def test_cervical_cancer_is_the_cervix_not_the_neck(index: SearchIndex) -> None:
    assert top(index, "cervical cancer") == ["C53.9"]
    assert top(index, "cancer spread to the cervical spine") == ["C79.51"]


def test_neck_spasm_is_not_a_uterine_contraction(index: SearchIndex) -> None:
    assert top(index, "neck spasm") != ["O62.4"]


def test_hits_carry_description_score_and_what_matched(index: SearchIndex) -> None:
    hit = index.search("pinched nerve in the neck", 1)[0]
    assert hit.description == "Radiculopathy, cervical region"
    assert hit.matched == "pinched nerve in the neck"
    assert hit.as_dict() == {"code": "M54.12", "description": "Radiculopathy, cervical region",
                             "score": hit.score, "matched": "pinched nerve in the neck"}
    scores = [h.score for h in index.search("neck", 10)]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_limit_and_empty_queries(index: SearchIndex) -> None:
    assert len(index.search("neck", 3)) == 3
    assert index.search("", 5) == []
    assert index.search("   ", 5) == []
    assert index.search("of the in", 5) == []
    assert index.search("neck pain", 0) == []
    assert index.search("zzqx unknownword", 5) == []


def test_index_survives_pickling(index: SearchIndex) -> None:
    again = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    for query in ("wry neck", "C5-C6 herniated disc", "fracture of fifth cervical vertebra", "m54.1"):
        assert [h.as_dict() for h in again.search(query)] == [h.as_dict() for h in index.search(query)]


def test_domain_codes_missing_from_the_entries_still_answer() -> None:
    bare = SearchIndex.build([], domain_index.domain_terms())
    hit = bare.search("wry neck", 1)[0]
    assert hit.code == "M43.6" and hit.description == ""


@pytest.mark.parametrize("text, expected", [
    ("C5-C6", ["c5_c6"]), ("c5-6", ["c5_c6"]), ("C5/C6", ["c5_c6"]), ("c7-t1", ["c7_t1"]),
    ("vertebrae", ["vertebra"]), ("injuries", ["injury"]), ("muscles", ["muscle"]),
    ("spondylosis", ["spondylosis"]), ("hangman's", ["hangman"]),
    ("slipped disk", ["displacement", "disc"]), ("broken neck", ["fracture", "neck"]),
    ("DDD", ["degeneration", "disc", "disease"]), ("c-spine", ["cervical", "spine"]),
    ("post-laminectomy", ["postlaminectomy"]), ("post laminectomy", ["postlaminectomy"]),
    ("Brown-Séquard", ["brown", "sequard"]),
])
def test_tokenize_folds_spellings(text: str, expected: list[str]) -> None:
    essential, optional = tokenize(text)
    assert essential + optional == expected


def test_tokenize_marks_words_after_without_and_parentheses() -> None:
    essential, optional = tokenize("Spondylosis without myelopathy or radiculopathy, cervical region")
    assert essential == ["spondylosis", "no-myelopathy", "no-radiculopathy", "cervical", "region"]
    essential, optional = tokenize("Subluxation complex (vertebral) of cervical region")
    assert "vertebral" in optional and "vertebral" not in essential
