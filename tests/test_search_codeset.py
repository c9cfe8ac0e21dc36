"""Search over the whole ICD-10-CM code set (the compiled cache), as `cleanclaim search` runs it.

Lay queries phrased the many ways coders and patients say them; each must put the right code first.
"""

from __future__ import annotations

from datetime import date

import pytest

from cleanclaim.codes import get_codeset
from cleanclaim.codes.search import default_index, search

TOP1 = [
    ("pinched nerve in the neck", "M54.12"), ("nerve pinched in neck", "M54.12"),
    ("cervical radiculopathy", "M54.12"), ("wry neck", "M43.6"), ("crick in my neck", "M43.6"),
    ("whiplash", "S13.4XXA"), ("whiplash injury after car accident", "S13.4XXA"),
    ("neck pain", "M54.2"), ("my neck hurts", "M54.2"), ("chronic neck pain", "M54.2"),
    ("C5-C6 herniated disc", "M50.222"), ("disc bulge at C5/C6", "M50.222"),
    ("C6-7 HNP", "M50.223"), ("C3-C4 disc herniation", "M50.21"),
    ("C4-5 disc protrusion with radiculopathy", "M50.121"),
    ("disc herniation with cord compression C5-C6", "M50.022"),
    ("slipped disc in neck", "M50.20"), ("degenerative disc disease c-spine", "M50.30"),
    ("hangman's fracture", "S12.130A"), ("broken neck", "S12.9XXA"), ("broken C2", "S12.100A"),
    ("fifth cervical vertebra fracture", "S12.400A"), ("fractured C7 vertebra", "S12.600A"),
    ("arthritis in my neck", "M47.812"), ("cervical DJD", "M47.812"),
    ("cervical spondylosis with radiculopathy", "M47.22"), ("cervical spondylotic myelopathy", "M47.12"),
    ("narrowing of spinal canal in neck", "M48.02"), ("spasmodic torticollis", "G24.3"),
    ("dystonia of the neck", "G24.3"), ("congenital torticollis", "Q68.0"),
    ("pulled muscle in neck", "S16.1XXA"), ("sprained ligaments in neck", "S13.4XXA"),
    ("headache coming from the neck", "G44.86"), ("occipital neuralgia", "M54.81"),
    ("trapezius muscle pain", "M79.12"), ("post laminectomy syndrome", "M96.1"),
    ("AS of cervical spine", "M45.2"), ("cancer spread to the cervical spine", "C79.51"),
    ("secondary cancer cervical vertebra", "C79.51"), ("cervical cancer", "C53.9"),
    ("osteomyelitis cervical spine", "M46.22"), ("meningitis", "G03.9"),
    ("central cord syndrome", "S14.129A"), ("swollen glands in neck", "R59.0"),
    ("whiplash subsequent encounter", "S13.4XXD"), ("whiplash sequela", "S13.4XXS"),
    ("Cervicalgia", "M54.2"), ("m54.2", "M54.2"), ("c5 c6 subluxation", "S13.160A"),
    ("neck pain from meningitis", "G03.9"), ("jefferson fracture", "S12.01XA"),
    ("herniated disc L4-L5", "M51.26"), ("fall from ladder", "W11.XXXA"),
]


@pytest.fixture(scope="module")
def index():
    return default_index()


@pytest.mark.parametrize("query, code", TOP1)
def test_lay_query_puts_the_right_code_first(index, query: str, code: str) -> None:
    hits = index.search(query, 5)
    assert hits, query
    assert hits[0].code == code, [(h.code, h.score, h.matched) for h in hits[:3]]


def test_every_hit_is_a_real_code_with_its_tabular_description(index) -> None:
    cs = get_codeset()
    for query in ("neck", "fracture of cervical vertebra", "accident motor vehicle", "neoplasm spine",
                  "radiculopathy", "disc displacement c6-c7"):
        for hit in index.search(query, 10):
            assert cs.exists(hit.code), (query, hit.code)
            assert hit.description == cs.description(hit.code)
            assert hit.billable == cs.is_billable(hit.code, date(2026, 4, 1))


def test_module_level_search_is_the_default_index() -> None:
    hits = search("pinched nerve in the neck", limit=3)
    assert hits[0].code == "M54.12"
    assert len(hits) == 3
    assert set(hits[0].as_dict()) == {"code", "description", "score", "matched"}


def test_plain_tabular_words_find_codes_outside_the_domain(index) -> None:
    # Nothing in the domain index: these come from descriptions and inclusion terms.
    assert index.search("type 2 diabetes mellitus without complications", 3)[0].code == "E11.9"
    assert index.search("essential hypertension", 3)[0].code == "I10"
    assert "Z98.1" in [h.code for h in index.search("arthrodesis status", 3)]


def test_headers_are_offered_after_billable_codes(index) -> None:
    hits = index.search("cervical disc disorder with radiculopathy", 10)
    assert hits[0].billable
    codes = [h.code for h in hits]
    assert "M50.10" in codes[:3]


# A bare term lands where the Alphabetic Index sends it when the note says no more: never on a
# child that asserts a complication nobody documented.
BARE_TERM_DEFAULTS = [
    ("type 2 diabetes", "E11.9"), ("diabetes mellitus type 2", "E11.9"), ("type 1 diabetes", "E10.9"),
    ("asthma", "J45.909"), ("migraine", "G43.909"), ("epilepsy", "G40.909"),
    ("tension headache", "G44.209"), ("concussion", "S06.0XAA"), ("alcohol abuse", "F10.10"),
    ("alcohol dependence", "F10.20"), ("opioid dependence", "F11.20"), ("spina bifida", "Q05.9"),
    ("hypothyroidism", "E03.9"), ("chronic viral hepatitis", "B18.9"),
    ("cervical spine fusion status", "Z98.1"), ("status post ACDF", "Z98.1"),
]


@pytest.mark.parametrize("query, code", BARE_TERM_DEFAULTS)
def test_bare_terms_go_to_the_index_default(index, query: str, code: str) -> None:
    hits = index.search(query, 5)
    assert hits[0].code == code, [(h.code, h.score, h.matched) for h in hits[:3]]


@pytest.mark.parametrize("header, default", [
    ("E11", "E11.9"),        # not E11.8 "with unspecified complications"
    ("E11.31", "E11.319"),   # retinopathy: "without macular edema" beside "with"
    ("F10.12", "F10.129"),   # header already says "with intoxication": its unspecified form
    ("F10.92", "F10.929"),
    ("S06.0X", "S06.0XAA"),  # "status unknown" was made for the silent note
    ("M50.1", "M50.10"),     # the domain's own headers keep their unspecified-region child
    ("M47.2", "M47.20"),
    ("L97.10", "L97.109"),   # "with unspecified severity" is the ulcer's attribute, not a complication
    ("K40.9", "K40.90"),     # "not specified as recurrent"
])
def test_header_default_child(index, header: str, default: str) -> None:
    bare = header.replace(".", "")
    assert index.default_child.get(bare, "").startswith(default.replace(".", "")), \
        index.default_child.get(bare)


def test_without_a_type_is_not_a_default(index) -> None:
    # N39.42 "Incontinence without sensory awareness" is a kind of incontinence, not a default.
    assert "N394" not in index.default_child
