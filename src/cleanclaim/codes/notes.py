"""Turn tabular note text into the code sets it names.

Tabular notes cite codes in parentheses in a handful of shapes:
"(M50.-)", "(M47.2-)", "(M50.0-, M51.0-)", "(S14.0, S14.1-)", "(C00-D49)", "(S12.0-S12.6)",
"(M79.2)". A reference is kept as an inclusive range of code prefixes (no dots): a single code or a
"-" reference is the code and everything below it; "A-B" covers every code from A's prefix to B's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cleanclaim.codes.spelling import dotted

_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?"
_REF = re.compile(rf"({_CODE})(?:\s*-\s*({_CODE}))?(\.?-)?")
_PAREN = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True, slots=True)
class CodeRange:
    low: str   # prefix, no dot
    high: str  # prefix, no dot (== low for a single code or "X.-" reference)

    def contains(self, code: str) -> bool:
        """`code` (no dot) falls in the range: its prefix lies between low and high."""
        return self.low <= code[: len(self.low)] and code[: len(self.high)] <= self.high

    def __str__(self) -> str:
        low, high = dotted(self.low), dotted(self.high)
        return low if low == high else f"{low}-{high}"


@lru_cache(maxsize=65536)
def parse_refs(note: str) -> tuple[CodeRange, ...]:
    """Every code range a note names inside its parentheses (text outside them is prose)."""
    out: list[CodeRange] = []
    for inner in _PAREN.findall(note):
        for m in _REF.finditer(inner):
            low = m.group(1).replace(".", "")
            high = (m.group(2) or m.group(1)).replace(".", "")
            out.append(CodeRange(low, high))
    return tuple(out)


def note_matches(note: str, code: str) -> bool:
    code = code.replace(".", "").upper()
    return any(r.contains(code) for r in parse_refs(note))
