"""`cleanclaim lookup`: one code, judged on a date of service, explained in a coder's words."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from cleanclaim.codes.icd10cm import ICD10_START, CodeLookup, dotted, normalize_code
from cleanclaim.codes.notes import parse_refs

if TYPE_CHECKING:
    from cleanclaim.codes.icd10cm import CodeSet, _Row

_PLACEHOLDER_SEVENTH = set("ABCDEFGHJKMNPQRS")


def _bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def _intervals(cs: CodeSet, mask: int) -> list[tuple[date, date | None]]:
    out: list[tuple[date, date | None]] = []
    run_start = None
    for i in range(len(cs.periods) + 1):
        on = i < len(cs.periods) and bool(mask >> i & 1)
        if on and run_start is None:
            run_start = i
        if not on and run_start is not None:
            out.append((cs.periods[run_start], cs.period_end(i - 1)))
            run_start = None
    return out


def _fy(d: date) -> str:
    return f"FY{d.year + 1 if d.month >= 10 else d.year}"


def _choose_from(cs: CodeSet, row: _Row, idx: int) -> str:
    kids = [c for c in row.children if cs._row(c) is not None]
    live = [c for c in kids if idx < 0 or cs._row(c).mask >> idx & 1 or  # type: ignore[union-attr]
            cs._header_mask(c) >> idx & 1]
    kids = live or kids
    if not kids:
        return ""
    if len(kids) == 1:
        return f"choose {dotted(kids[0])}"
    if len(kids) <= 3:
        return "choose one of " + ", ".join(dotted(k) for k in kids)
    return f"choose one of {dotted(kids[0])}–{dotted(kids[-1])}"


def _unknown_reason(cs: CodeSet, n: str) -> str:
    # A 7th character typed without its X placeholders: S12.9A -> S12.9XXA.
    if 4 <= len(n) < 7 and n[-1] in _PLACEHOLDER_SEVENTH:
        candidate = n[:-1].ljust(6, "X") + n[-1]
        if cs._row(candidate):
            return (f"the 7th character must be in position 7: use X placeholders "
                    f"({dotted(candidate)})")
    # Too many characters below a complete code, or a typo below a header.
    for cut in range(len(n) - 1, 2, -1):
        row = cs._row(n[:cut])
        if row is None:
            continue
        if row.leaf and not cs.requires_seventh(row.code):
            return f"not an ICD-10-CM code: {dotted(row.code)} is already complete ({row.description})"
        return (f"not an ICD-10-CM code; nearest is {dotted(row.code)} "
                f"({row.description or 'no description'})")
    return "not an ICD-10-CM code (no such category in any release FY2016–FY2027)"


def lookup(cs: CodeSet, raw: str, on: date) -> CodeLookup:
    res = CodeLookup(input=raw, code=None, valid=False, billable=False, description=None,
                     reason=None, on=on)
    n = normalize_code(raw)
    if n is None:
        shown = raw.strip() if isinstance(raw, str) else repr(raw)
        res.reason = (f"malformed code {shown!r}: ICD-10-CM codes are a letter, a digit, a digit or "
                      "letter, then up to 4 more characters (e.g. M54.2, S12.9XXA)")
        return res
    res.code = dotted(n)
    row = cs._row(n)
    idx = cs.period_index(on)
    if row is None or (row.leaf and row.mask == 0 and row.kind == "mce-only"):
        res.reason = _unknown_reason(cs, n)
        return res

    res.description = row.description
    res.parent = row.parent or cs._nearest_ancestor(n)
    res.children = [c for c in row.children if not c.isdigit()]
    res.mce = cs.mce(n) if row.mask else None
    res.seventh_characters = cs.seventh_characters(n)
    res.requires_seventh = cs.requires_seventh(n)
    ex1 = cs._notes(n, "excludes1")
    res.excludes1 = [t for _, t in ex1]
    res.excludes1_detail = [{"from": dotted(o) if not o.isdigit() and "-" not in o else o, "note": t,
                             "codes": [str(r) for r in parse_refs(t)]} for o, t in ex1]
    res.excludes2 = cs.excludes2(n)
    res.code_first = cs.code_first(n)
    res.use_additional = cs.use_additional(n)
    res.inclusion_terms = cs.inclusion_terms(n)

    header_mask = 0 if row.leaf else cs._header_mask(n)
    life = row.mask | header_mask
    res.history = [{"from": a.isoformat(), "to": b.isoformat() if b else None,
                    "status": "billable" if (row.mask >> cs.periods.index(a) & 1) else "header"}
                   for a, b in _intervals_split(cs, row.mask, header_mask)]
    spans = _intervals(cs, life)
    if spans:
        res.effective_from = spans[0][0]
        res.effective_to = spans[-1][1]
    if row.description is None:
        res.description = _missing_description(cs, row.mask)

    if on < ICD10_START:
        res.reason = (f"ICD-10-CM took effect {ICD10_START.isoformat()}; services on {on.isoformat()} "
                      "were coded in ICD-9-CM")
        return res
    billable = bool(row.mask >> idx & 1)
    valid = billable or bool(header_mask >> idx & 1)
    res.valid, res.billable = valid, billable
    if billable:
        if on > cs.last_date:
            res.reason = (f"code set known to {cs.last_date.isoformat()}; judged on the "
                          f"{_fy(cs.periods[-1])} release")
        return res

    if valid:  # a header on this date
        if res.requires_seventh:
            opts = cs.seventh_character_options(n)
            res.reason = "requires a 7th character" + (": " + ", ".join(opts) if opts else "")
        else:
            kind = "category" if len(n) == 3 else "subcategory"
            res.reason = f"{kind} header: {_choose_from(cs, row, idx)}"
            was = _intervals(cs, row.mask)
            if was:
                until = was[-1][1]
                if until and until < on:
                    res.reason = (f"billable until {until.isoformat()}; a {kind} header since "
                                  f"{(until + timedelta(days=1)).isoformat()}: "
                                  f"{_choose_from(cs, row, idx)}")
        return res

    # Not in the code set on this date.
    if not spans:
        if res.requires_seventh:
            opts = cs.seventh_character_options(n)
            res.reason = "requires a 7th character" + (": " + ", ".join(opts) if opts else "")
        else:
            res.reason = "not valid in any release FY2016–FY2027"
        return res
    first, last_end = spans[0][0], spans[-1][1]
    if on < first:
        res.reason = f"not yet in effect on {on.isoformat()}: added {first.isoformat()} ({_fy(first)})"
    elif last_end and on > last_end:
        gone = last_end + timedelta(days=1)
        res.reason = f"deleted {gone.isoformat()}"
        repl = _successors(cs, n, cs.period_index(gone))
        if repl:
            res.reason += f"; in its place from {gone.isoformat()}: {repl}"
    else:
        res.reason = f"not in the code set in force on {on.isoformat()}"
    return res


def _intervals_split(cs: CodeSet, billable_mask: int, header_mask: int):
    """Intervals of constant status (billable vs header) for the history list."""
    out = []
    both = billable_mask | header_mask
    for a, b in _intervals(cs, both):
        # split where the status flips
        start = cs.periods.index(a)
        end = cs.periods.index(b + timedelta(days=1)) - 1 if b else len(cs.periods) - 1
        cur = start
        for i in range(start + 1, end + 1):
            if (billable_mask >> i & 1) != (billable_mask >> cur & 1):
                out.append((cs.periods[cur], cs.period_end(i - 1)))
                cur = i
        out.append((cs.periods[cur], cs.period_end(end)))
    return out


def _missing_description(cs: CodeSet, mask: int) -> str:
    bits = _bits(mask)
    if bits and bits[0] == len(cs.periods) - 1:
        added = cs.periods[bits[0]]
        return (f"({_fy(added)} addition effective {added.isoformat()}: its description is not in "
                "the April 2026 tabular that cleanclaim ships)")
    return "(description not available: the code left ICD-10-CM before the April 2026 tabular)"


def _successors(cs: CodeSet, n: str, idx: int) -> str:
    """Codes below the deleted code (or siblings under it) that start in the release that dropped it."""
    with cs._lock:
        rows = cs._con.execute(
            "SELECT code, mask FROM code WHERE code > ? AND code < ? AND mask > 0",
            (n, n + "\x7f")).fetchall()
    new = sorted(c for c, m in rows if m >> idx & 1 and not (m >> max(idx - 1, 0) & 1))
    if not new:
        return ""
    return ", ".join(dotted(c) for c in new[:8]) + (" ..." if len(new) > 8 else "")
