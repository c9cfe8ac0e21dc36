"""The compiled code-set cache is rebuilt whenever what compiles it changes."""

from __future__ import annotations

import pytest

from cleanclaim.codes import cache


@pytest.fixture
def fake_builder(tmp_path, monkeypatch):
    """Point the builder digest at a stand-in source file the test can edit."""
    source = tmp_path / "build.py"
    source.write_text("RULES = 'one-category blocks share their category name'\n")
    monkeypatch.setattr(cache, "BUILDER_MODULES", (str(source),))
    monkeypatch.setenv("CLEANCLAIM_CACHE", str(tmp_path / "cache"))
    cache.builder_digest.cache_clear()
    yield source
    cache.builder_digest.cache_clear()


def test_editing_the_builder_gives_a_new_cache_file(fake_builder):
    before = cache.codeset_path()
    fake_builder.write_text("RULES = 'one-category blocks are stored as M99-M99'\n")
    cache.builder_digest.cache_clear()
    after = cache.codeset_path()
    assert before != after
    assert before.parent == after.parent  # same folder, different key


def test_an_unchanged_builder_reuses_its_cache_file(fake_builder):
    first = cache.codeset_path()
    cache.builder_digest.cache_clear()
    assert cache.codeset_path() == first


def test_the_key_names_every_source_version(fake_builder):
    key = cache.cache_key()
    for dist in cache.SOURCES:
        assert dist in key
    assert f"builder{cache.BUILDER_VERSION}." in key
