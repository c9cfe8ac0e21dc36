"""Shared test fixtures.

Tests that read the public corpora in ../shared/ use the `shared_dir` fixture: where the folder is
absent (a user's clone) they skip with the reason; CI's `.ci/run` refuses to run without it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLEANCLAIM_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not present at {SHARED}: public corpora unavailable in this clone")
    return SHARED


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO
