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


def test_prune_removes_only_what_this_install_will_never_read(tmp_path, monkeypatch):
    from cleanclaim.codes import search
    from cli_helpers import run_cli

    monkeypatch.setenv("CLEANCLAIM_CACHE", str(tmp_path))
    current = [cache.codeset_path(), search.cache_file()]
    old = [tmp_path / "icd10cm-builder1-msdrg1.2.0-simple-icd-10-cm1.5.0.sqlite",
           tmp_path / "search-0123456789abcdef.pickle", tmp_path / "index-xml-0000000000000000.pickle",
           tmp_path / "search-0123456789abcdef.4242.tmp"]
    unrelated = tmp_path / "notes.txt"  # not ours: never touched
    for p in [*current, *old, unrelated]:
        p.write_bytes(b"x" * 1000)

    dry = run_cli("cache", "prune", "--dry-run")
    assert dry.code == 0 and all(p.exists() for p in old) and "4 file(s)" in dry.out, dry.err

    done = run_cli("cache", "prune")
    assert done.code == 0, done.err
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in current) and unrelated.exists()
    assert "4 file(s), 0.0 MB freed" in done.out
