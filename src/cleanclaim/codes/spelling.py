"""How ICD-10-CM codes are written: normalised (upper case, no dot) for lookups, dotted for people."""

from __future__ import annotations

import re

_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")
_DOTTED_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def normalize_code(raw: object) -> str | None:
    """Upper case, no dot, no spaces; None if it cannot be an ICD-10-CM code."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().upper().replace(" ", "")
    if "." in text:
        if not _DOTTED_SHAPE.match(text):
            return None
        text = text.replace(".", "")
    return text if _SHAPE.match(text) else None


def dotted(code: str) -> str:
    """"M5412" -> "M54.12". Categories ("M54") and codes already dotted come back as they are."""
    return code if "." in code or len(code) <= 3 else f"{code[:3]}.{code[3:]}"
