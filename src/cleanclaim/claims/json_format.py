"""The cleanclaim claim JSON format: pydantic v2 models at the edge, converted to the claim model.

A file holds one claim object, a list of them, or ``{"claims": [...]}``. Each claim is validated on
its own, so one bad claim becomes a ClaimReadError and the others are still read. The JSON Schema
in docs/claim.schema.json is generated from these models (``python -m cleanclaim.claims.json_format``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, WithJsonSchema

from cleanclaim.claims.model import (
    Claim,
    ClaimReadError,
    Diagnosis,
    Party,
    Patient,
    ServiceLine,
    SourceRef,
)
from cleanclaim.claims.x12_837p import normalize_dx

# Spelled out, not left to pydantic: its schema for Decimal changes between releases (2.13 adds a
# pattern, 2.14 drops it), and the committed schema must not depend on which one is installed.
DECIMAL_SCHEMA = WithJsonSchema(
    {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^[+-]?(\d+(\.\d*)?|\.\d+)$"}]}
)
Money = Annotated[Decimal, Field(description="US dollars, e.g. 125.00", allow_inf_nan=False), DECIMAL_SCHEMA]
Units = Annotated[Decimal, Field(allow_inf_nan=False), DECIMAL_SCHEMA]


class _Edge(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonIn(_Edge):
    """Patient or subscriber."""

    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = Field(None, description="YYYY-MM-DD")
    sex: Literal["M", "F", "U"] | None = None
    member_id: str | None = None
    relationship: str | None = Field(None, description="X12 individual relationship code: 18 = self")


class PartyIn(_Edge):
    """A provider or payer."""

    name: str | None = None
    identifier: str | None = Field(None, description="NPI for providers, payer id for payers")
    id_qualifier: str | None = Field(None, description="X12 NM108: XX = NPI, PI = payer id")


class DiagnosisIn(_Edge):
    code: str = Field(description="ICD-10-CM code, with or without the dot, e.g. M54.12")
    qualifier: Literal["ABK", "ABF", "BK", "BF"] | None = Field(
        None, description="ABK principal / ABF other (ICD-10); default ABK for the first, ABF after")


class ServiceLineIn(_Edge):
    procedure: str = Field(min_length=1, description="CPT number or HCPCS Level II code, e.g. 99213")
    qualifier: str = Field("HC", description="X12 SV101-1 product/service id qualifier")
    modifiers: list[str] = Field(default_factory=list, max_length=4)
    charge: Money = Decimal("0")
    units: Units = Decimal("1")
    unit_type: str = "UN"
    date_of_service: date | None = None
    date_of_service_end: date | None = None
    pointers: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=list, description="1-based positions in `diagnoses`, at most 4")
    place_of_service: str | None = Field(None, description="overrides the claim's place of service")
    rendering_npi: str | None = None
    ndc: str | None = None


class ClaimIn(_Edge):
    """One professional claim."""

    claim_id: str = Field(min_length=1, description="patient control number (837P CLM01)")
    total_charge: Money = Decimal("0")
    place_of_service: str | None = Field(None, description="CMS place-of-service code, e.g. 11 office")
    frequency_code: str | None = Field(None, description="1 original, 7 replacement, 8 void")
    patient: PersonIn = Field(default_factory=PersonIn)
    subscriber: PersonIn | None = None
    payer: PartyIn = Field(default_factory=PartyIn)
    claim_filing_indicator: str | None = Field(None, description="SBR09: MB Medicare B, MC Medicaid, "
                                                                 "CI commercial ...")
    billing_provider: PartyIn = Field(default_factory=PartyIn)
    rendering_provider: PartyIn | None = None
    referring_provider: PartyIn | None = None
    diagnoses: list[str | DiagnosisIn] = Field(default_factory=list, max_length=12,
                                               description="in reporting order: first-listed first")
    lines: list[ServiceLineIn] = Field(default_factory=list)
    prior_authorization: str | None = None
    onset_date: date | None = None
    accident_related: bool = False


class ClaimsEnvelope(_Edge):
    claims: list[ClaimIn]


class ClaimFile(RootModel[ClaimIn | list[ClaimIn] | ClaimsEnvelope]):
    """A cleanclaim claim JSON file: one claim, a list of claims, or {"claims": [...]}."""


def json_schema() -> dict[str, Any]:
    schema = ClaimFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cleanclaim claim file"
    return schema


# ------------------------------------------------------------------------------ conversion

def _person(p: PersonIn | None) -> Patient | None:
    if p is None:
        return None
    return Patient(p.first_name, p.last_name, p.birth_date, p.sex, p.member_id, p.relationship)


def _party(p: PartyIn | None) -> Party | None:
    if p is None:
        return None
    return Party(p.name, p.identifier, p.id_qualifier)


def to_claim(c: ClaimIn, file: str | None = None) -> Claim:
    diagnoses = []
    for pos, d in enumerate(c.diagnoses, start=1):
        raw, qual = (d, None) if isinstance(d, str) else (d.code, d.qualifier)
        diagnoses.append(Diagnosis(normalize_dx(raw), raw, qual or ("ABK" if pos == 1 else "ABF"), pos))
    lines = [
        ServiceLine(number=i, procedure=ln.procedure, qualifier=ln.qualifier, modifiers=list(ln.modifiers),
                    charge=ln.charge, units=ln.units, unit_type=ln.unit_type,
                    date_of_service=ln.date_of_service, date_of_service_end=ln.date_of_service_end,
                    pointers=list(ln.pointers), place_of_service=ln.place_of_service,
                    rendering_npi=ln.rendering_npi, ndc=ln.ndc, source=SourceRef(file))
        for i, ln in enumerate(c.lines, start=1)
    ]
    return Claim(
        claim_id=c.claim_id, total_charge=c.total_charge, place_of_service=c.place_of_service,
        frequency_code=c.frequency_code, patient=_person(c.patient) or Patient(),
        subscriber=_person(c.subscriber), payer=_party(c.payer) or Party(),
        claim_filing_indicator=c.claim_filing_indicator,
        billing_provider=_party(c.billing_provider) or Party(),
        rendering_provider=_party(c.rendering_provider), referring_provider=_party(c.referring_provider),
        diagnoses=diagnoses, lines=lines, prior_authorization=c.prior_authorization,
        onset_date=c.onset_date, accident_related=c.accident_related, source=SourceRef(file),
    )


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """A Claim as cleanclaim claim JSON (the inverse of :func:`to_claim`); empty fields left out."""

    def person(p: Patient | None) -> dict[str, Any] | None:
        if p is None:
            return None
        d = {"first_name": p.first_name, "last_name": p.last_name,
             "birth_date": p.birth_date.isoformat() if p.birth_date else None, "sex": p.sex,
             "member_id": p.member_id, "relationship": p.relationship}
        return {k: v for k, v in d.items() if v is not None}

    def party(p: Party | None) -> dict[str, Any] | None:
        if p is None:
            return None
        return {k: v for k, v in {"name": p.name, "identifier": p.identifier,
                                   "id_qualifier": p.id_qualifier}.items() if v is not None}

    def line(ln: ServiceLine) -> dict[str, Any]:
        d: dict[str, Any] = {
            "procedure": ln.procedure, "qualifier": ln.qualifier, "modifiers": ln.modifiers,
            "charge": str(ln.charge), "units": str(ln.units), "unit_type": ln.unit_type,
            "date_of_service": ln.date_of_service.isoformat() if ln.date_of_service else None,
            "date_of_service_end": ln.date_of_service_end.isoformat() if ln.date_of_service_end else None,
            "pointers": ln.pointers, "place_of_service": ln.place_of_service,
            "rendering_npi": ln.rendering_npi, "ndc": ln.ndc}
        return {k: v for k, v in d.items() if v is not None}

    out: dict[str, Any] = {
        "claim_id": claim.claim_id, "total_charge": str(claim.total_charge),
        "place_of_service": claim.place_of_service, "frequency_code": claim.frequency_code,
        "patient": person(claim.patient), "subscriber": person(claim.subscriber),
        "payer": party(claim.payer), "claim_filing_indicator": claim.claim_filing_indicator,
        "billing_provider": party(claim.billing_provider),
        "rendering_provider": party(claim.rendering_provider),
        "referring_provider": party(claim.referring_provider),
        "diagnoses": [{"code": d.raw, "qualifier": d.qualifier} for d in claim.diagnoses],
        "lines": [line(ln) for ln in claim.lines],
        "prior_authorization": claim.prior_authorization,
        "onset_date": claim.onset_date.isoformat() if claim.onset_date else None,
        "accident_related": claim.accident_related,
    }
    return {k: v for k, v in out.items() if v is not None}


# ------------------------------------------------------------------------------ reading

def iter_claim_items(data: Any) -> list[Any] | None:
    """The claim objects of a decoded claim JSON document, or None when it has no claim shape."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if "claims" in data and isinstance(data["claims"], list):
            return data["claims"]
        return [data]
    return None


def _error_text(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(claim)"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def read_claim_json(data: Any, file: str) -> Iterator[Claim | ClaimReadError]:
    items = iter_claim_items(data)
    if items is None:
        from cleanclaim.errors import InputError

        raise InputError("JSON is not a claim, a list of claims or {\"claims\": [...]}", file=file)
    for i, item in enumerate(items, start=1):
        claim_id = item.get("claim_id") if isinstance(item, dict) else None
        try:
            parsed = ClaimIn.model_validate(item)
        except ValidationError as exc:
            yield ClaimReadError(file, f"claim #{i}: {_error_text(exc)}", str(claim_id) if claim_id else None)
            continue
        yield to_claim(parsed, file)


def write_claims_json(claims: list[Claim], indent: int | None = 2) -> str:
    return json.dumps({"claims": [claim_to_dict(c) for c in claims]}, indent=indent)


if __name__ == "__main__":  # regenerate docs/claim.schema.json
    print(json.dumps(json_schema(), indent=2))
