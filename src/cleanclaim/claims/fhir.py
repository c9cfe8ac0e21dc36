"""FHIR R4 Claim (and Bundle of Claims) -> claim model, via fhir.resources.R4B.

References to Patient, Coverage, Organization and Practitioner are resolved from the Claim's
``contained`` resources and, for a Bundle, from the other entries; what cannot be resolved is
left empty (the scrubber reports missing fields, the reader does not guess).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

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

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
ICD10_SYSTEMS = ("http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10")
_SEX = {"male": "M", "female": "F", "unknown": "U", "other": "U"}
# FHIR subscriber relationship -> X12 individual relationship code.
_RELATIONSHIP = {"self": "18", "spouse": "01", "child": "19", "other": "G8", "injured": "G8"}


def _index(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    idx: dict[str, dict[str, Any]] = {}
    for res in resources:
        if not isinstance(res, dict):
            continue
        rtype, rid = res.get("resourceType"), res.get("id")
        if rtype and rid:
            idx[f"{rtype}/{rid}"] = res
            idx[f"#{rid}"] = res
    return idx


def _resolve(ref: Any, idx: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if ref is None or not getattr(ref, "reference", None):
        return None
    key = ref.reference
    if key in idx:
        return idx[key]
    tail = "/".join(key.rsplit("/", 2)[-2:])  # absolute URLs: keep Type/id
    return idx.get(tail)


def _npi_of(ref: Any, idx: dict[str, dict[str, Any]]) -> Party | None:
    if ref is None:
        return None
    ident = getattr(ref, "identifier", None)
    if ident is not None and ident.value:
        return Party(getattr(ref, "display", None), ident.value, "XX" if ident.system == NPI_SYSTEM else None)
    res = _resolve(ref, idx)
    if res is None:
        return Party(getattr(ref, "display", None)) if getattr(ref, "display", None) else None
    npi = next((i.get("value") for i in res.get("identifier", []) if i.get("system") == NPI_SYSTEM), None)
    name = res.get("name")
    if isinstance(name, list) and name:
        n = name[0]
        name = ", ".join(x for x in [n.get("family"), " ".join(n.get("given", []))] if x) or n.get("text")
    return Party(name if isinstance(name, str) else None, npi, "XX" if npi else None)


def _patient(res: dict[str, Any] | None) -> Patient:
    if res is None:
        return Patient()
    names = res.get("name") or [{}]
    n = names[0]
    birth = res.get("birthDate")
    return Patient(
        first_name=" ".join(n.get("given", [])) or None, last_name=n.get("family"),
        birth_date=date.fromisoformat(birth) if isinstance(birth, str) and len(birth) == 10 else None,
        sex=_SEX.get(res.get("gender", "")),
        member_id=next((i.get("value") for i in res.get("identifier", []) if i.get("value")), None),
    )


def _code(concept: Any) -> str | None:
    if concept is None or not concept.coding:
        return None
    return concept.coding[0].code


def fhir_claim_to_model(fc: Any, file: str, idx: dict[str, dict[str, Any]]) -> Claim:
    idx = {**idx, **_index([c.model_dump(mode="json") if hasattr(c, "model_dump") else c
                            for c in (fc.contained or [])])}
    claim = Claim(claim_id=fc.id or (fc.identifier[0].value if fc.identifier else ""),
                  source=SourceRef(file))
    if fc.total is not None and fc.total.value is not None:
        claim.total_charge = Decimal(str(fc.total.value))
    patient = _patient(_resolve(fc.patient, idx))
    claim.patient = patient
    claim.billing_provider = _npi_of(fc.provider, idx) or Party()
    for ct in fc.careTeam or []:
        role = _code(ct.role)
        party = _npi_of(ct.provider, idx)
        if role in ("primary", "rendering", "performing") and claim.rendering_provider is None:
            claim.rendering_provider = party
    if fc.referral is not None:
        ref = _resolve(fc.referral, idx)
        if ref is not None:
            claim.referring_provider = _npi_of(getattr(fc.referral, "requester", None), idx)
    for ins in fc.insurance or []:
        if ins.focal is False:
            continue
        cov = _resolve(ins.coverage, idx)
        if cov is not None:
            payors = cov.get("payor") or []
            if payors:
                payor = payors[0]
                ident = payor.get("identifier") or {}
                payer_id = ident.get("value")
                claim.payer = Party(payor.get("display"), payer_id, "PI" if payer_id else None)
            patient.member_id = cov.get("subscriberId") or patient.member_id
            rel = ((cov.get("relationship") or {}).get("coding") or [{}])[0].get("code")
            patient.relationship = _RELATIONSHIP.get(rel or "", rel)
            cls = [c for c in cov.get("type", {}).get("coding", []) if c.get("code")]
            if cls:
                claim.claim_filing_indicator = cls[0]["code"] if len(cls[0]["code"]) <= 2 else None
        if ins.preAuthRef:
            claim.prior_authorization = ins.preAuthRef[0]
        break
    seq_to_pos: dict[int, int] = {}
    for pos, dx in enumerate(sorted(fc.diagnosis or [], key=lambda d: d.sequence), start=1):
        code = _code(dx.diagnosisCodeableConcept)
        if not code:
            raise ValueError(f"diagnosis {dx.sequence} has no code (diagnosisReference is not read)")
        claim.diagnoses.append(Diagnosis(normalize_dx(code), code, "ABK" if pos == 1 else "ABF", pos))
        seq_to_pos[dx.sequence] = pos
    claim_pos: str | None = None
    for item in sorted(fc.item or [], key=lambda i: i.sequence):
        code = _code(item.productOrService)
        if not code:
            raise ValueError(f"item {item.sequence} has no productOrService code")
        start = end = None
        if item.servicedDate:
            start = item.servicedDate
        elif item.servicedPeriod is not None:
            start, end = item.servicedPeriod.start, item.servicedPeriod.end
            start = start.date() if hasattr(start, "date") else start
            end = end.date() if hasattr(end, "date") else end
        charge = item.net.value if item.net is not None and item.net.value is not None else (
            item.unitPrice.value if item.unitPrice is not None and item.unitPrice.value is not None else 0)
        units = item.quantity.value if item.quantity is not None and item.quantity.value is not None else 1
        pos = _code(item.locationCodeableConcept)
        claim_pos = claim_pos or pos
        claim.lines.append(ServiceLine(
            number=item.sequence, procedure=code,
            modifiers=[m for m in (_code(x) for x in item.modifier or []) if m][:4],
            charge=Decimal(str(charge)), units=Decimal(str(units)),
            date_of_service=start, date_of_service_end=end if end != start else None,
            pointers=[seq_to_pos.get(s, s) for s in item.diagnosisSequence or []],
            place_of_service=pos, source=SourceRef(file)))
    claim.place_of_service = claim_pos
    if fc.total is None:
        claim.total_charge = sum((ln.charge for ln in claim.lines), Decimal("0"))
    return claim


def read_fhir(data: dict[str, Any], file: str) -> Iterator[Claim | ClaimReadError]:
    """Claims from a decoded FHIR R4 Claim or Bundle (other entries feed reference resolution)."""
    from fhir.resources.R4B.claim import Claim as FhirClaim
    from pydantic import ValidationError

    rtype = data.get("resourceType")
    if rtype == "Bundle":
        entries = data.get("entry") or []
        if not isinstance(entries, list):
            from cleanclaim.errors import InputError

            raise InputError("FHIR Bundle.entry is not a list", file=file)
        resources = [e.get("resource") for e in entries if isinstance(e, dict)]
        idx = _index([r for r in resources if isinstance(r, dict)])
        for e in entries:
            if not isinstance(e, dict):
                continue
            if isinstance(e.get("fullUrl"), str) and isinstance(e.get("resource"), dict):
                idx[e["fullUrl"]] = e["resource"]
        claims = [r for r in resources if isinstance(r, dict) and r.get("resourceType") == "Claim"]
    else:
        idx, claims = {}, [data]
    for n, raw in enumerate(claims, start=1):
        cid = raw.get("id")
        try:
            fc = FhirClaim.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            yield ClaimReadError(file, f"FHIR Claim #{n} is not valid R4: {where}: {first['msg']}", cid)
            continue
        try:
            yield fhir_claim_to_model(fc, file, idx)
        except (ValueError, ArithmeticError, TypeError, AttributeError, KeyError) as exc:
            # Valid R4 but shaped in a way we cannot map (e.g. a referenced resource of the wrong
            # shape): this claim is reported, the others are still read.
            yield ClaimReadError(file, f"FHIR Claim #{n}: cannot map to a claim: {exc}", cid)
