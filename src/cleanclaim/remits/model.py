"""The remittance model every 835 / FHIR reader produces and the denial analysis reads.

Plain slotted dataclasses (the 835 reader builds hundreds of thousands a second). Money is Decimal,
never float; floats appear only in the JSON contract output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(slots=True)
class Adjustment:
    """One CAS reason / amount / quantity triple."""

    group: str  # CAS01: CO, PR, OA, PI (CR in 4010)
    carc: str  # claim adjustment reason code
    amount: Decimal
    quantity: Decimal | None = None
    line: int | None = None  # 1-based service line in the claim; None = claim level
    segment_number: int | None = None


@dataclass(slots=True)
class ServicePayment:
    """An SVC loop (2110): how one billed service line was paid."""

    number: int  # 1-based order inside the claim
    procedure: str  # SVC01-2 (CPT numbers only / HCPCS)
    qualifier: str = "HC"  # SVC01-1
    modifiers: list[str] = field(default_factory=list)
    charge: Decimal = ZERO  # SVC02
    paid: Decimal = ZERO  # SVC03
    revenue_code: str | None = None  # SVC04
    units: Decimal = Decimal("1")  # SVC05 (1 when absent)
    original_procedure: str | None = None  # SVC06-2: the code as billed when the payer changed it
    original_units: Decimal | None = None  # SVC07
    service_date: date | None = None
    service_date_end: date | None = None
    control_number: str | None = None  # REF*6R: the line item control number sent on the 837
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # LQ*HE (RARC)
    amounts: dict[str, Decimal] = field(default_factory=dict)  # AMT (B6 allowed ...)
    segment_number: int | None = None


@dataclass(slots=True)
class Party:
    name: str | None = None
    identifier: str | None = None
    id_qualifier: str | None = None


@dataclass(slots=True)
class ClaimPayment:
    """A CLP loop (2100): the payer's decision on one submitted claim."""

    claim_id: str  # CLP01 = CLM01 of the 837 (patient control number)
    status: str  # CLP02: 1 primary, 2 secondary, 3 tertiary, 4 denied, 22 reversal ...
    charge: Decimal  # CLP03
    paid: Decimal  # CLP04
    patient_responsibility: Decimal | None = None  # CLP05
    filing_indicator: str | None = None  # CLP06: MB, MC, CI, 12 (PPO) ...
    payer_claim_control: str | None = None  # CLP07
    facility_code: str | None = None  # CLP08
    frequency_code: str | None = None  # CLP09
    drg: str | None = None  # CLP11
    patient: Party = field(default_factory=Party)  # NM1*QC
    insured: Party | None = None  # NM1*IL
    rendering_provider: Party | None = None  # NM1*82
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    received: date | None = None  # DTM*050
    adjustments: list[Adjustment] = field(default_factory=list)  # claim-level CAS
    services: list[ServicePayment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # MOA / MIA remark codes
    amounts: dict[str, Decimal] = field(default_factory=dict)  # AMT at claim level
    segment_number: int | None = None
    remit: Remittance | None = field(default=None, repr=False)  # the transaction it came in

    def all_adjustments(self) -> list[Adjustment]:
        """Claim-level then line-level adjustments, in file order per level."""
        out = list(self.adjustments)
        for sv in self.services:
            out.extend(sv.adjustments)
        return out

    def all_remarks(self) -> list[str]:
        seen: dict[str, None] = dict.fromkeys(self.remarks)
        for sv in self.services:
            seen.update(dict.fromkeys(sv.remarks))
        return list(seen)

    @property
    def service_date(self) -> date | None:
        dates = [sv.service_date for sv in self.services if sv.service_date]
        if dates:
            return min(dates)
        return self.statement_from

    @property
    def is_reversal(self) -> bool:
        return self.status == "22"


@dataclass(slots=True)
class ProviderAdjustment:
    """One PLB reason / amount pair (provider-level: interest, recoupment, withholding ...)."""

    provider_id: str
    fiscal_period_end: date | None
    reason: str  # PLB03-1 (WO, L6, FB, 72 ...)
    reference: str | None  # PLB03-2
    amount: Decimal  # positive reduces the payment
    segment_number: int | None = None


@dataclass(slots=True)
class Finding:
    """Something wrong in a remittance that did not stop it being read (imbalance, malformed segment)."""

    kind: str  # claim_imbalance | line_imbalance | payment_imbalance | malformed_segment
    # | structure
    message: str
    file: str
    segment_number: int | None = None
    segment_id: str | None = None
    claim_id: str | None = None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "file": self.file,
            "segment_number": self.segment_number,
            "segment_id": self.segment_id,
            "claim_id": self.claim_id,
        }


@dataclass(slots=True)
class Remittance:
    """One 835 transaction set (ST..SE): a payment (or non-payment) from one payer to one payee."""

    file: str
    control_number: str | None = None  # ST02
    version: str | None = None  # GS08 / ST03
    handling_code: str | None = None  # BPR01: I remittance + payment, H advice only ...
    payment_amount: Decimal = ZERO  # BPR02
    credit_debit: str | None = None  # BPR03
    payment_method: str | None = None  # BPR04: ACH, CHK, NON ...
    payment_date: date | None = None  # BPR16
    trace_number: str | None = None  # TRN02: check or EFT number
    production_date: date | None = None  # DTM*405
    payer: Party = field(default_factory=Party)
    payee: Party = field(default_factory=Party)
    claims: list[ClaimPayment] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    segment_number: int | None = None  # of the ST


@dataclass(slots=True)
class RemitReadError:
    """A transaction (or file) the reader could not use: reported and skipped, never dropped silently."""

    file: str
    message: str
    segment_number: int | None = None
    segment_id: str | None = None
    control_number: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.segment_number is not None:
            where.append(
                f"segment {self.segment_number}" + (f" ({self.segment_id})" if self.segment_id else "")
            )
        return ": ".join([*where, self.message])
