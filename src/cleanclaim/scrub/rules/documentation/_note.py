"""Reading the note coder's CodingResult (object or dict) the same way in every claim-vs-note rule."""

from __future__ import annotations

from typing import Any

from cleanclaim.scrub.context import ClaimContext, DxFact, normalize
from cleanclaim.scrub.tables import matches_any


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def note_codes(note: Any) -> list[str]:
    """Codes the note supports, normalised, in reporting order."""
    out = []
    for c in _get(note, "codes", []) or []:
        code = c if isinstance(c, str) else _get(c, "code")
        if code:
            out.append(normalize(code))
    return out


def rejected_reason(note: Any, code: str) -> str | None:
    for r in _get(note, "rejected", []) or []:
        if normalize(_get(r, "code")) == code:
            return _get(r, "reason")
    return None


def fact(note: Any, name: str) -> Any:
    return _get(_get(note, "facts"), name)


def more_specific_documented(ctx: ClaimContext, d: DxFact, documented: list[str]) -> str | None:
    """A documented code that is more specific than billed ``d``: a descendant of it, or a definitive
    diagnosis that the billed symptom is integral to (symptom_integral.tsv)."""
    if d.code in documented:
        return None
    for n in documented:
        if n != d.code and n.startswith(d.code):
            return n
    for link in ctx.tables.symptoms.get(d.code, ()):
        for n in documented:
            if matches_any(n, (link.pattern,)) and n not in ctx.dx_codes:
                return n
    return None
