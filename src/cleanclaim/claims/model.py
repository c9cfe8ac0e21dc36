"""The claim model every reader produces and every scrub rule reads.

Plain slotted dataclasses: the scrubber's hot path builds thousands of these a second.
Money is Decimal. Codes are stored as sent (``raw``) and normalised (upper case, no dot)
so rules never re-normalise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(slots=True)
class SourceRef:
    """Where a thing was read from, for messages: file and (X12) segment number / id."""

    file: str | None = None
    segment_number: int | None = None
    segment_id: str | None = None


@dataclass(slots=True)
class Diagnosis:
    code: str                 # normalised: upper case, no dot ("M5412")
    raw: str                  # as sent ("M54.12", "m5412")
    qualifier: str = "ABF"    # X12 HI qualifier: ABK principal, ABF other (BK/BF = ICD-9)
    position: int = 1         # 1-based order on the claim; pointers refer to it


@dataclass(slots=True)
class ServiceLine:
    number: int                               # LX01 / 1-based
    procedure: str                            # CPT / HCPCS code, numbers only for CPT
    qualifier: str = "HC"                     # SV101-1 (HC = CPT/HCPCS)
    modifiers: list[str] = field(default_factory=list)  # up to 4
    charge: Decimal = Decimal("0")
    units: Decimal = Decimal("1")
    unit_type: str = "UN"
    date_of_service: date | None = None
    date_of_service_end: date | None = None
    pointers: list[int] = field(default_factory=list)  # 1-based diagnosis positions
    place_of_service: str | None = None       # SV105 overrides the claim's
    rendering_npi: str | None = None
    ndc: str | None = None
    source: SourceRef | None = None


@dataclass(slots=True)
class Party:
    name: str | None = None
    identifier: str | None = None     # member id, payer id, NPI ...
    id_qualifier: str | None = None


@dataclass(slots=True)
class Patient:
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None            # "M", "F", "U"
    member_id: str | None = None
    relationship: str | None = None   # SBR02/PAT01: 18 = self


@dataclass(slots=True)
class Claim:
    claim_id: str                                     # CLM01 (patient control number)
    total_charge: Decimal = Decimal("0")              # CLM02
    place_of_service: str | None = None               # CLM05-1
    frequency_code: str | None = None                 # CLM05-3
    patient: Patient = field(default_factory=Patient)
    subscriber: Patient | None = None
    payer: Party = field(default_factory=Party)
    claim_filing_indicator: str | None = None         # SBR09: MB medicare B, MC medicaid, CI commercial ...
    billing_provider: Party = field(default_factory=Party)
    rendering_provider: Party | None = None
    referring_provider: Party | None = None
    diagnoses: list[Diagnosis] = field(default_factory=list)
    lines: list[ServiceLine] = field(default_factory=list)
    prior_authorization: str | None = None
    onset_date: date | None = None
    accident_related: bool = False
    source: SourceRef = field(default_factory=SourceRef)
    read_problems: list[str] = field(default_factory=list)  # tolerated oddities seen while reading

    @property
    def date_of_service(self) -> date | None:
        """Earliest service-line date: what code validity is judged on."""
        dates = [ln.date_of_service for ln in self.lines if ln.date_of_service]
        return min(dates) if dates else None

    @property
    def billing_npi(self) -> str | None:
        return self.billing_provider.identifier

    @property
    def rendering_npi(self) -> str | None:
        return self.rendering_provider.identifier if self.rendering_provider else None


@dataclass(slots=True)
class ClaimReadError:
    """A claim the reader could not build: reported and skipped, never dropped silently."""

    file: str
    message: str
    claim_id: str | None = None
    segment_number: int | None = None
    segment_id: str | None = None
