"""Results of coding a note: the contract object of `cleanclaim code` (docs/contracts.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cleanclaim.notes.model import Span


@dataclass(slots=True)
class CodeAssignment:
    code: str                      # dotted ICD-10-CM code
    description: str
    confidence: float
    evidence: list[Span]
    rationale: str
    guideline: str                 # OCG section(s) applied, e.g. "ICD-10-CM OCG I.B.5"
    needs_review: bool = False
    rank: int = 50                 # sequencing group: lower is reported first
    position: int = 10**9          # where the provider first states it (ties in a group)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code, "description": self.description, "confidence": round(self.confidence, 2),
            "evidence": [e.as_dict() for e in self.evidence], "rationale": self.rationale,
            "guideline": self.guideline,
        }
        if self.needs_review:
            out["needs_review"] = True
        return out


@dataclass(slots=True)
class Rejection:
    code: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason}


@dataclass(slots=True)
class Query:
    topic: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "message": self.message}


@dataclass(slots=True)
class CodingResult:
    id: str | None
    codes: list[CodeAssignment] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    documentation: dict[str, bool | None] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    message: str | None = None     # e.g. "empty note: nothing to code"
    setting: str = "outpatient"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "codes": [c.as_dict() for c in self.codes],
            "rejected": [r.as_dict() for r in self.rejected],
            "queries": [q.as_dict() for q in self.queries],
            "documentation": dict(self.documentation),
            "setting": self.setting,
            "facts": dict(self.facts),
        }
        if self.message:
            out["message"] = self.message
        return out

    @property
    def code_list(self) -> list[str]:
        return [c.code for c in self.codes]
