"""The CMS External Cause Index and Neoplasm Table as search term tables (needs ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanclaim.codes import domain_index, index_xml
from cleanclaim.codes.search import SearchIndex, TabularEntry

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def xml_folder(shared_dir: Path) -> Path:
    folder = shared_dir / "icd10cm"
    if not any(folder.glob("icd10cm-*-XML.xml")):
        pytest.skip("CMS index XML files not in ../shared/icd10cm")
    return folder


@pytest.fixture(scope="module")
def rows(xml_folder: Path) -> list[index_xml.IndexTerm]:
    return index_xml.compile_terms(xml_folder)


def by_text(rows: list[index_xml.IndexTerm], text: str) -> index_xml.IndexTerm:
    found = [r for r in rows if r.text == text]
    assert found, text
    return found[0]


def test_neoplasm_table_rows_carry_the_behaviour_column(rows) -> None:
    spine = "Neoplasm, neoplastic, spine, spinal (column)"
    assert by_text(rows, f"{spine}, malignant primary").code == "C41.2"
    assert by_text(rows, f"{spine}, malignant secondary").code == "C79.51"
    assert by_text(rows, f"{spine}, benign").code == "D16.6"
    assert by_text(rows, f"{spine}, uncertain behavior").code == "D48.0"
    assert by_text(rows, "Neoplasm, neoplastic, vertebra (column), malignant secondary").code == "C79.51"
    # "-" cells (no code for that behaviour) are left out, not turned into rows.
    assert not any(r.text == f"{spine}, carcinoma in situ" for r in rows)


def test_incomplete_codes_lose_the_dash_and_say_so(rows) -> None:
    row = by_text(rows, "Neoplasm, neoplastic, abdomen, abdominal, malignant secondary")
    assert row.code == "C79.8" and row.incomplete


def test_external_cause_index_paths_read_like_the_index(rows) -> None:
    assert by_text(rows, "Accident (to), motor vehicle NOS (traffic)").code == "V89.2"
    assert by_text(rows, "Fall, falling (accidental)").code == "W19"
    sources = {r.source for r in rows}
    assert sources == {"external_cause", "neoplasm"}
    # cross references ("see ...") carry no code and are not rows
    assert all(r.code and r.code[0].isalpha() for r in rows)


def test_compiled_tables_are_cached_on_disk(xml_folder: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLEANCLAIM_CACHE", str(tmp_path))
    index_xml.index_terms.cache_clear()
    try:
        first = index_xml.index_terms(xml_folder)
        cached = list(tmp_path.glob("index-xml-*.pickle"))
        assert len(cached) == 1
        index_xml.index_terms.cache_clear()
        again = index_xml.index_terms(xml_folder)
        assert again == first
    finally:
        index_xml.index_terms.cache_clear()


def test_search_uses_the_tables(rows) -> None:
    entries = [
        TabularEntry("C41.2", "Malignant neoplasm of vertebral column", True),
        TabularEntry("C79.51", "Secondary malignant neoplasm of bone", True),
        TabularEntry("D16.6", "Benign neoplasm of vertebral column", True),
        TabularEntry("V89.2", "Person injured in unspecified motor-vehicle accident, traffic", False),
        TabularEntry("V89.2XXA", "Person injured in unspecified motor-vehicle accident, traffic, "
                     "initial encounter", True),
    ]
    index = SearchIndex.build(entries, domain_index.domain_terms(), rows)
    assert index.search("benign neoplasm of the spine", 1)[0].code == "D16.6"
    assert index.search("spine neoplasm malignant secondary", 1)[0].code == "C79.51"
    hit = index.search("accident motor vehicle traffic", 1)[0]
    assert hit.code == "V89.2XXA"  # the index's V89.2 answered with its initial-encounter code


def test_missing_folder_gives_empty_tables(tmp_path: Path) -> None:
    assert index_xml.compile_terms(tmp_path) == []
    assert index_xml.index_terms(tmp_path) == ()
    assert index_xml.index_fingerprint(tmp_path) == "none"
