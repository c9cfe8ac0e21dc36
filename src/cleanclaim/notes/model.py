"""What the note reader hands to the coder: concept mentions with their ConText assertions and
attributes, plus note-level facts (encounter phase, neuro findings, imaging, checklist)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Section categories where the provider states diagnoses (assessment / impression / plan).
DIAGNOSTIC_SECTIONS = frozenset({"assessment", "plan"})
# Sections whose content is not the patient's current condition.
NON_CURRENT_SECTIONS = frozenset({"pmh", "psh", "family_history", "social_history", "medications",
                                  "allergies", "ros"})


@dataclass(slots=True)
class Span:
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Mention:
    """One target concept found in the note."""

    concept: str                 # target label, e.g. RADICULOPATHY
    start: int                   # target characters
    end: int
    text: str
    evidence: Span               # the phrase with its qualifiers ("right C6 cervical radiculopathy")
    sentence: Span
    section: str                 # section category or "none"
    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    uncertain: bool = False
    family: bool = False
    modifiers: tuple[str, ...] = ()   # modifier phrases ConText attached ("probable", "status post")
    region: str = "unknown"      # cervical / other / unknown
    laterality: str | None = None
    levels: tuple[str, ...] = ()  # C5, C5-C6, C7-T1 ...
    displacement: str | None = None
    chronicity: str | None = None
    imaging: bool = False        # stated in an imaging report sentence

    @property
    def current(self) -> bool:
        """Affirmed for this patient now (certainty is judged by the coder, by setting)."""
        return not (self.negated or self.historical or self.hypothetical or self.family)

    @property
    def diagnostic(self) -> bool:
        return self.section in DIAGNOSTIC_SECTIONS


@dataclass(slots=True)
class Finding:
    """An objective finding or fact with the words that show it."""

    kind: str                    # reflex / sensory / motor / spurling / myelopathic / phase / mechanism ...
    span: Span
    laterality: str | None = None


@dataclass(slots=True)
class NoteReading:
    text: str
    mentions: list[Mention] = field(default_factory=list)
    sections: list[tuple[str, int, int]] = field(default_factory=list)   # (category, start, end)
    neuro_signs: list[Finding] = field(default_factory=list)
    neuro_exam: bool = False
    imaging: list[Mention] = field(default_factory=list)
    encounter_phase: str | None = None
    phase_evidence: Span | None = None
    mechanism: Span | None = None
    conservative_care_weeks: int | None = None
    documentation: dict[str, bool | None] = field(default_factory=dict)
    neck_context: bool = False   # the note is about the neck (cervical words anywhere)

    @property
    def has_diagnostic_section(self) -> bool:
        return any(cat in DIAGNOSTIC_SECTIONS for cat, _, _ in self.sections)

    @property
    def radicular_signs(self) -> list[Finding]:
        return [f for f in self.neuro_signs if f.kind in {"reflex", "sensory", "motor", "spurling"}]

    @property
    def myelopathic_signs(self) -> list[Finding]:
        return [f for f in self.neuro_signs if f.kind == "myelopathic"]
