"""Term tables from the CMS ICD-10-CM index XML files (External Cause Index, Neoplasm Table).

The Alphabetic Index proper is not published in a form we can ship, but CMS's External Cause Index
and Neoplasm Table XML files are public. We flatten each into `IndexTerm(text, code, source)` rows:

- External Cause Index: every main term / subterm that carries a code becomes one row whose text is
  the path of titles ("Accident, motor vehicle NEC ..."), like a coder reading down the index.
- Neoplasm Table: every row becomes one row per behaviour column that holds a code, the behaviour
  named in the text ("Neoplasm, spine, spinal (column), malignant secondary" -> C79.51).

`see` / `see also` cross references carry no code and are left out. Parsing is streaming
(iterparse, elements cleared as they close); the result is pickled in the cache folder keyed on the
files' size and mtime, so it is compiled once per release. Without the files, the tables are empty
and search works from the tabular and the domain index alone.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LAYOUT_VERSION = "1"  # bump when the row layout or flattening rules change

# Neoplasm Table columns (the <head col=N> of the XML): column 1 is the site itself.
NEOPLASM_COLUMNS = {
    "2": "malignant primary",
    "3": "malignant secondary",
    "4": "carcinoma in situ",
    "5": "benign",
    "6": "uncertain behavior",
    "7": "unspecified behavior",
}


@dataclass(frozen=True, slots=True)
class IndexTerm:
    text: str  # the index path, e.g. "Accident, motor vehicle" or "Neoplasm, vertebra, benign"
    code: str  # dotted code as printed in the index, without the trailing "-" of incomplete codes
    source: str  # "external_cause" or "neoplasm"
    incomplete: bool = False  # the index printed the code with a trailing "-": more characters needed


def xml_dir() -> Path | None:
    """Where the CMS index XML files are: $CLEANCLAIM_INDEX_XML, $CLEANCLAIM_SHARED/icd10cm, or the
    `shared/icd10cm` folder beside the source checkout. None when none of them exists."""
    candidates: list[Path] = []
    if os.environ.get("CLEANCLAIM_INDEX_XML"):
        candidates.append(Path(os.environ["CLEANCLAIM_INDEX_XML"]))
    if os.environ.get("CLEANCLAIM_SHARED"):
        candidates.append(Path(os.environ["CLEANCLAIM_SHARED"]) / "icd10cm")
    candidates.append(Path(__file__).resolve().parents[3].parent / "shared" / "icd10cm")
    for path in candidates:
        if path.is_dir():
            return path
    return None


def _newest(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern))
    return found[-1] if found else None


def _title_text(title: ET.Element | None) -> str:
    """A <title> with its <nemod> nonessential modifiers kept in their printed parentheses."""
    if title is None:
        return ""
    return " ".join(" ".join(title.itertext()).split())


def _clean_code(raw: str | None) -> tuple[str, bool] | None:
    code = (raw or "").strip()
    if not code or code == "-":
        return None
    incomplete = code.endswith("-")
    code = code.rstrip("-").rstrip(".")
    return (code, incomplete) if code else None


def parse_external_cause(path: Path) -> list[IndexTerm]:
    """Flatten the External Cause Index: one row per titled term that carries a code."""
    rows: list[IndexTerm] = []
    stack: list[str] = []  # titles of the open mainTerm / term elements
    for event, elem in ET.iterparse(path, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag in ("mainTerm", "term"):
                stack.append("")
            continue
        if tag == "title" and stack and stack[-1] == "":
            stack[-1] = _title_text(elem)
        elif tag in ("code", "subcat", "seecat") and stack:
            cleaned = _clean_code(elem.text)
            if cleaned:
                rows.append(IndexTerm(", ".join(t for t in stack if t), cleaned[0], "external_cause",
                                      cleaned[1] or tag != "code"))
        elif tag in ("mainTerm", "term"):
            stack.pop()
            elem.clear()
    return rows


def parse_neoplasm(path: Path) -> list[IndexTerm]:
    """Flatten the Neoplasm Table: one row per site and behaviour column holding a code."""
    rows: list[IndexTerm] = []
    stack: list[str] = []
    for event, elem in ET.iterparse(path, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag in ("mainTerm", "term"):
                stack.append("")
            continue
        if tag == "title" and stack and stack[-1] == "":
            stack[-1] = _title_text(elem)
        elif tag == "cell" and stack:
            column = NEOPLASM_COLUMNS.get(elem.get("col", ""))
            cleaned = _clean_code(elem.text)
            if column and cleaned:
                site = ", ".join(t for t in stack if t)
                rows.append(IndexTerm(f"{site}, {column}", cleaned[0], "neoplasm", cleaned[1]))
        elif tag in ("mainTerm", "term"):
            stack.pop()
            elem.clear()
    return rows


def _sources(folder: Path) -> list[tuple[Path, str]]:
    out = []
    for pattern, kind in (("icd10cm-eindex-*.xml", "external_cause"), ("icd10cm-neoplasm-*.xml", "neoplasm")):
        path = _newest(folder, pattern)
        if path is not None:
            out.append((path, kind))
    return out


def _fingerprint(sources: list[tuple[Path, str]]) -> str:
    h = hashlib.sha1(LAYOUT_VERSION.encode())
    for path, kind in sources:
        st = path.stat()
        h.update(f"{kind}:{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def cache_folder() -> Path:
    """cleanclaim.codes.cache.cache_dir(); the same rule spelled out if that module is absent."""
    try:
        from cleanclaim.codes.cache import cache_dir

        return cache_dir()
    except ImportError:  # the code-set core not present: same rule as its cache_dir()
        base = os.environ.get("CLEANCLAIM_CACHE") or str(Path.home() / ".cache" / "cleanclaim")
        path = Path(base)
        path.mkdir(parents=True, exist_ok=True)
        return path


def compile_terms(folder: Path | None = None) -> list[IndexTerm]:
    """Parse the XML files in `folder` (no cache)."""
    folder = folder or xml_dir()
    if folder is None:
        return []
    rows: list[IndexTerm] = []
    for path, kind in _sources(folder):
        rows.extend(parse_external_cause(path) if kind == "external_cause" else parse_neoplasm(path))
    return rows


def index_fingerprint(folder: Path | None = None) -> str:
    """Identifies the XML sources in force ("none" without them): part of search's cache key."""
    folder = folder or xml_dir()
    if folder is None:
        return "none"
    sources = _sources(folder)
    return _fingerprint(sources) if sources else "none"


def cache_file(folder: Path | None = None) -> Path | None:
    """Where the compiled rows of the XML sources in force live (None without sources)."""
    folder = folder or xml_dir()
    sources = _sources(folder) if folder is not None else []
    if not sources:
        return None
    return cache_folder() / f"index-xml-{_fingerprint(sources)}.pickle"


@lru_cache(maxsize=4)
def index_terms(folder: Path | None = None) -> tuple[IndexTerm, ...]:
    """All External Cause Index and Neoplasm Table rows, compiled once and cached on disk."""
    folder = folder or xml_dir()
    target = cache_file(folder)
    if folder is None or target is None:
        return ()
    try:
        with target.open("rb") as fh:
            return tuple(pickle.load(fh))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    rows = compile_terms(folder)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:  # a read-only cache is not an error: we just parse again next time
        tmp.unlink(missing_ok=True)
    return tuple(rows)
