"""What every decision function reads: the note's findings, the setting, and the shared judgement of
which mentions are diagnoses the provider established for this encounter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cleanclaim.coding import codebook
from cleanclaim.coding.model import CodeAssignment, Query, Rejection
from cleanclaim.notes.model import NON_CURRENT_SECTIONS, Mention, NoteReading, Span
from cleanclaim.notes.reader import SITE_CONCEPTS, SPINE_CONCEPTS

INPATIENT = "inpatient"

# Domain concepts that are diagnoses (not symptoms, organisms or primaries read alongside them).
DIAGNOSIS_CONCEPTS = frozenset(SPINE_CONCEPTS | SITE_CONCEPTS | {
    "TORTICOLLIS", "SPASMODIC_TORTICOLLIS", "CONGENITAL_TORTICOLLIS", "CERVICOGENIC_HEADACHE",
    "OCCIPITAL_NEURALGIA", "MENINGITIS", "SEPTIC_ARTHRITIS", "DYSTONIC_REACTION",
})


@dataclass(slots=True)
class CodingContext:
    reading: NoteReading
    setting: str = "outpatient"
    on: date | None = None
    age: int | None = None
    sex: str | None = None
    codes: list[CodeAssignment] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    # concepts the provider named but left uncertain (outpatient: not coded, OCG IV.H)
    uncertain: list[Mention] = field(default_factory=list)
    # mentions that produced a code, so the out-of-domain review skips them
    used: set[int] = field(default_factory=set)
    # codes for conditions the note says do not cause the neck pain: they never make it integral
    coexisting: set[str] = field(default_factory=set)

    @property
    def inpatient(self) -> bool:
        return self.setting == INPATIENT

    @property
    def assessment_scope(self) -> bool:
        """Diagnoses are read from the assessment / plan when the provider wrote one naming a domain
        condition; otherwise from the body of the note (never from history, family or imaging text)."""
        return any(m.diagnostic and (m.concept in DIAGNOSIS_CONCEPTS or m.concept == "NECK_PAIN")
                   for m in self.reading.mentions)

    def in_scope(self, m: Mention) -> bool:
        if m.section in NON_CURRENT_SECTIONS:
            return False
        if self.assessment_scope:
            return m.diagnostic
        return not m.imaging

    def in_domain(self, m: Mention) -> bool:
        if m.region == "other":
            return False
        if m.levels:
            return True  # a cervical level names the site ("hangman's fracture" is C2)
        if m.concept == "FRACTURE" and m.region != "cervical":
            return False  # fractures of other bones are common in neck notes: the site must be named
        if m.region == "unknown" and (m.concept in SPINE_CONCEPTS or m.concept in SITE_CONCEPTS):
            return self.reading.neck_context
        return True

    def established(self, *concepts: str) -> list[Mention]:
        """Mentions of these concepts that the provider states as current diagnoses for this encounter.
        Uncertain ones count only for inpatients (OCG II.H); outpatient ones go to `self.uncertain`."""
        out = []
        for m in self.reading.mentions:
            if m.concept not in concepts or not m.current or not self.in_scope(m) or not self.in_domain(m):
                continue
            if m.uncertain and not self.inpatient:
                if m not in self.uncertain:
                    self.uncertain.append(m)
                continue
            out.append(m)
        return out

    def mentions(self, *concepts: str) -> list[Mention]:
        return [m for m in self.reading.mentions if m.concept in concepts]

    def add(self, code: str, mentions: list[Mention], rationale: str, guideline: str, *,
            confidence: float = 0.9, rank: int = 50, needs_review: bool = False,
            extra_evidence: list[Span] | None = None) -> CodeAssignment:
        for existing in self.codes:
            if existing.code == code:
                return existing
        evidence = [m.evidence for m in mentions] + list(extra_evidence or [])
        seen: set[tuple[int, int]] = set()
        unique = []
        for span in sorted(evidence, key=lambda s: s.start):
            if (span.start, span.end) not in seen:
                seen.add((span.start, span.end))
                unique.append(span)
        if any(m.uncertain for m in mentions) and self.inpatient:
            rationale += " Stated as uncertain; coded as if established for an inpatient stay (OCG II.H)."
            guideline += "; II.H"
            confidence = min(confidence, 0.75)
        position = min((m.start for m in mentions if m.diagnostic), default=None)
        if position is None:
            position = min((m.start for m in mentions), default=10**9) + 10**6
        assignment = CodeAssignment(
            code=code, description=codebook.description(code), confidence=confidence, evidence=unique,
            rationale=rationale, guideline=guideline, needs_review=needs_review, rank=rank,
            position=position)
        self.codes.append(assignment)
        self.used.update(id(m) for m in mentions)
        return assignment

    def has(self, prefix: str) -> bool:
        return any(c.code.startswith(prefix) for c in self.codes)

    def reject(self, code: str, reason: str) -> None:
        if not any(r.code == code for r in self.rejected):
            self.rejected.append(Rejection(code, reason))

    def query(self, topic: str, message: str) -> None:
        if not any(q.topic == topic for q in self.queries):
            self.queries.append(Query(topic, message))
