"""Findings -> ICD-10-CM codes in reporting order, with evidence, guideline rationale and provider
queries (neck-pain domain first). Entry point: `code_note`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleanclaim.coding.model import CodingResult

__all__ = ["code_note"]


def code_note(text: str, setting: str = "outpatient", on: Any = None, age: int | None = None,
              sex: str | None = None, note_id: str | None = None) -> CodingResult:
    """Code one encounter note (see docs/contracts.md `cleanclaim code`)."""
    from cleanclaim.coding.engine import code_note as _code_note

    return _code_note(text, setting=setting, on=on, age=age, sex=sex, note_id=note_id)
