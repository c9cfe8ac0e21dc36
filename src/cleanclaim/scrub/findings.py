"""What the scrubber reports: findings per claim, files read, and the summary (docs/contracts.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class Finding:
    rule: str
    category: str
    severity: str
    message: str
    codes: list[str]
    line: int | None
    fix: str
    reference: str

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "codes": self.codes,
            "line": self.line,
            "fix": self.fix,
            "reference": self.reference,
        }


@dataclass(slots=True)
class ClaimResult:
    claim_id: str
    file: str | None
    patient_control: str | None
    total_charge: float
    findings: list[Finding] = field(default_factory=list)
    payer: str | None = None
    note: str | None = None  # note file used for claim-vs-note rules

    @property
    def worst(self) -> str | None:
        if not self.findings:
            return None
        return min((f.severity for f in self.findings), key=_RANK.__getitem__)

    def as_dict(self) -> dict[str, object]:
        return {
            "claim_id": self.claim_id,
            "file": self.file,
            "patient_control": self.patient_control,
            "total_charge": self.total_charge,
            "payer": self.payer,
            "note": self.note,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(slots=True)
class UnreadableClaim:
    """A claim the reader could not build: reported, skipped, and counted."""

    file: str
    message: str
    claim_id: str | None = None
    segment_number: int | None = None
    segment_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "claim_id": self.claim_id,
            "message": self.message,
            "segment_number": self.segment_number,
            "segment_id": self.segment_id,
        }


@dataclass(slots=True)
class FileResult:
    file: str
    claims: int = 0  # claims read from the file, readable or not
    unreadable: int = 0
    error: str | None = None  # the whole file could not be read

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "claims": self.claims, "unreadable": self.unreadable, "error": self.error}


@dataclass(slots=True)
class Summary:
    claims: int = 0  # every claim read: clean + errors + warnings + unreadable
    clean: int = 0  # no error or warning (info advice allowed)
    errors: int = 0  # claims with at least one error finding
    warnings: int = 0  # claims whose worst finding is a warning
    unreadable: int = 0  # claims the reader could not build (reported, skipped)
    findings: int = 0
    files: int = 0
    unreadable_files: int = 0

    def count(self, result: ClaimResult) -> None:
        self.claims += 1
        self.findings += len(result.findings)
        worst = result.worst
        if worst == "error":
            self.errors += 1
        elif worst == "warning":
            self.warnings += 1
        else:
            self.clean += 1

    def as_dict(self) -> dict[str, int]:
        return {
            "claims": self.claims,
            "clean": self.clean,
            "errors": self.errors,
            "warnings": self.warnings,
            "unreadable": self.unreadable,
            "findings": self.findings,
            "files": self.files,
            "unreadable_files": self.unreadable_files,
        }


@dataclass(slots=True)
class ScrubReport:
    claims: list[ClaimResult] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)
    unreadable: list[UnreadableClaim] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)

    @property
    def exit_code(self) -> int:
        """2 when input could not be read (a whole file, or one claim in it: the rest of the file is
        still scrubbed and reported); else 1 when a claim has an error finding; else 0."""
        if self.summary.unreadable_files or self.summary.unreadable:
            return 2
        return 1 if self.summary.errors else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "claims": [c.as_dict() for c in self.claims],
            "files": [f.as_dict() for f in self.files],
            "unreadable": [u.as_dict() for u in self.unreadable],
            "summary": self.summary.as_dict(),
        }
