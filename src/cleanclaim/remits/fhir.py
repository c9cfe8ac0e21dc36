"""FHIR R4 ExplanationOfBenefit / ClaimResponse -> :class:`Remittance` (one claim each).

Validated with ``fhir.resources.R4B``. Adjudication entries that carry a reason code (CARC, from
``https://x12.org/codes/claim-adjustment-reason-codes`` or any system whose codes look like CARCs)
become adjustments; the group comes from the adjudication category (deductible / copay /
coinsurance -> PR, otherwise CO). A Bundle of such resources gives one remittance per entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cleanclaim.errors import InputError
from cleanclaim.remits.model import (
    ZERO,
    Adjustment,
    ClaimPayment,
    Party,
    RemitReadError,
    Remittance,
    ServicePayment,
)

__all__ = ["read_fhir_remit"]

_PATIENT_SHARE = {"deductible": "1", "copay": "3", "coinsurance": "2"}


def read_fhir_remit(path: str) -> Iterator[Remittance | RemitReadError]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", file=path
        ) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 JSON", file=path) from None
    resources = _resources(data, path)
    for i, res in enumerate(resources, 1):
        try:
            yield _to_remit(res, path)
        except _Invalid as exc:
            yield RemitReadError(path, f"resource {i} ({res.get('resourceType')}): {exc}")


class _Invalid(Exception):
    pass


def _resources(data: Any, path: str) -> list[dict]:
    if not isinstance(data, dict):
        raise InputError("JSON is not a FHIR resource (expected an object)", file=path)
    kind = data.get("resourceType")
    if kind in ("ExplanationOfBenefit", "ClaimResponse"):
        return [data]
    if kind == "Bundle":
        out = [e.get("resource") for e in data.get("entry") or [] if isinstance(e, dict)]
        out = [
            r
            for r in out
            if isinstance(r, dict) and r.get("resourceType") in ("ExplanationOfBenefit", "ClaimResponse")
        ]
        if out:
            return out
        raise InputError("Bundle holds no ExplanationOfBenefit or ClaimResponse", file=path)
    raise InputError(
        f"FHIR {kind or 'JSON'} is not a remittance (expected ExplanationOfBenefit or ClaimResponse)",
        file=path,
    )


def _ref_id(ref: Any) -> str | None:
    if ref is None:
        return None
    if getattr(ref, "identifier", None) is not None and ref.identifier.value:
        return ref.identifier.value
    if ref.reference:
        return ref.reference.rsplit("/", 1)[-1]
    return ref.display


def _code(concept: Any) -> str | None:
    if concept is None or not concept.coding:
        return None
    return concept.coding[0].code


def _to_remit(res: dict, path: str) -> Remittance:
    from pydantic import ValidationError

    kind = res["resourceType"]
    try:
        if kind == "ExplanationOfBenefit":
            from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit as Model
        else:
            from fhir.resources.R4B.claimresponse import ClaimResponse as Model
        r = Model.model_validate(res)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        raise _Invalid(f"not a valid R4 {kind}: {loc}: {first.get('msg')}") from None

    claim_ref = r.claim if kind == "ExplanationOfBenefit" else r.request
    claim_id = _ref_id(claim_ref) or (r.identifier[0].value if r.identifier else None) or r.id or "?"
    rm = Remittance(file=path, control_number=r.id, version=f"FHIR R4 {kind}")
    rm.payer = Party(name=getattr(r.insurer, "display", None), identifier=_ref_id(r.insurer))
    payee = getattr(r, "payee", None)
    if kind == "ExplanationOfBenefit" and getattr(r, "provider", None) is not None:
        rm.payee = Party(name=r.provider.display, identifier=_ref_id(r.provider))
    elif payee is not None and getattr(payee, "party", None) is not None:
        rm.payee = Party(name=payee.party.display, identifier=_ref_id(payee.party))
    if r.created:
        rm.production_date = r.created if not hasattr(r.created, "date") else r.created.date()

    totals = {
        (_code(t.category) or ""): Decimal(str(t.amount.value))
        for t in (r.total or [])
        if t.amount is not None and t.amount.value is not None
    }
    billed_items = {}
    if kind == "ExplanationOfBenefit":
        for it in r.item or []:
            billed_items[it.sequence] = it

    cp = ClaimPayment(claim_id=claim_id, status="1", charge=ZERO, paid=ZERO, remit=rm)
    item_charges = ZERO
    for it in r.item or []:
        seq = getattr(it, "sequence", None) or getattr(it, "itemSequence", None) or len(cp.services) + 1
        sv = ServicePayment(number=len(cp.services) + 1, procedure="")
        src = billed_items.get(seq)
        if src is not None:
            sv.procedure = _code(src.productOrService) or ""
            sv.modifiers = [c.coding[0].code for c in (src.modifier or []) if c.coding]
            if src.net is not None and src.net.value is not None:
                sv.charge = Decimal(str(src.net.value))
            if src.servicedDate:
                sv.service_date = src.servicedDate
        for adj in it.adjudication or []:
            cat = _code(adj.category) or ""
            amount = (
                Decimal(str(adj.amount.value))
                if adj.amount is not None and adj.amount.value is not None
                else None
            )
            if amount is None:
                continue
            if cat == "submitted":
                sv.charge = amount
            elif cat == "benefit":
                sv.paid = amount
            elif cat == "eligible":
                sv.amounts["B6"] = amount
            reason = _code(adj.reason)
            if reason or cat in _PATIENT_SHARE:
                group = "PR" if cat in _PATIENT_SHARE else "CO"
                sv.adjustments.append(
                    Adjustment(group, reason or _PATIENT_SHARE[cat], amount, None, sv.number)
                )
        item_charges += sv.charge
        cp.services.append(sv)

    cp.charge = totals.get("submitted", item_charges)
    payment = getattr(r, "payment", None)
    if payment is not None and payment.amount is not None and payment.amount.value is not None:
        cp.paid = Decimal(str(payment.amount.value))
    else:
        cp.paid = totals.get("benefit", sum((sv.paid for sv in cp.services), ZERO))
    cp.patient_responsibility = sum(
        (a.amount for sv in cp.services for a in sv.adjustments if a.group == "PR"), ZERO
    )
    if r.outcome == "error" or (
        cp.paid == 0 and cp.charge > 0 and any(a.group == "CO" for sv in cp.services for a in sv.adjustments)
    ):
        cp.status = "4"
    rm.payment_amount = cp.paid
    rm.claims.append(cp)
    from cleanclaim.remits.x12_835 import check_balances

    rm.findings.extend(check_balances(rm))
    return rm
