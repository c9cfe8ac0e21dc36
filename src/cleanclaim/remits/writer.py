"""X12 835 (005010X221A1) writer: Remittance objects -> an interchange the reader reads back.

Used for synthetic test and benchmark data; it writes what the model holds (not every optional
segment of the guide).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TextIO

from cleanclaim.remits.model import ClaimPayment, Remittance

__all__ = ["write_835", "format_835"]


def _amt(d: Decimal | None) -> str:
    if d is None:
        return ""
    s = f"{d:.2f}"
    return s[:-3] if s.endswith(".00") else s.rstrip("0")


def _d8(d: date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def _seg(*els: str) -> str:
    parts = list(els)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return "*".join(parts) + "~"


def _claim_segments(cl: ClaimPayment) -> list[str]:
    out = [
        _seg(
            "CLP",
            cl.claim_id,
            cl.status,
            _amt(cl.charge),
            _amt(cl.paid),
            _amt(cl.patient_responsibility),
            cl.filing_indicator or "",
            cl.payer_claim_control or "",
            cl.facility_code or "",
            cl.frequency_code or "",
        )
    ]
    out += _cas_segments(cl.adjustments)
    p = cl.patient
    last, _, first = (p.name or "").partition(", ")
    out.append(
        _seg("NM1", "QC", "1", last, first, "", "", "", "MI" if p.identifier else "", p.identifier or "")
    )
    if cl.rendering_provider is not None:
        rp = cl.rendering_provider
        rlast, _, rfirst = (rp.name or "").partition(", ")
        out.append(
            _seg("NM1", "82", "1", rlast, rfirst, "", "", "", rp.id_qualifier or "XX", rp.identifier or "")
        )
    if cl.remarks:
        out.append(_seg("MOA", "", "", *cl.remarks[:5]))
    if cl.statement_from:
        out.append(_seg("DTM", "232", _d8(cl.statement_from)))
    if cl.received:
        out.append(_seg("DTM", "050", _d8(cl.received)))
    for code, value in cl.amounts.items():
        out.append(_seg("AMT", code, _amt(value)))
    for sv in cl.services:
        comp = ":".join([sv.qualifier, sv.procedure, *sv.modifiers])
        orig = f"{sv.qualifier}:{sv.original_procedure}" if sv.original_procedure else ""
        units = "" if sv.units == 1 else _amt(sv.units)
        out.append(_seg("SVC", comp, _amt(sv.charge), _amt(sv.paid), sv.revenue_code or "", units, orig))
        if sv.service_date:
            out.append(_seg("DTM", "472", _d8(sv.service_date)))
        out += _cas_segments(sv.adjustments)
        if sv.control_number:
            out.append(_seg("REF", "6R", sv.control_number))
        for code, value in sv.amounts.items():
            out.append(_seg("AMT", code, _amt(value)))
        for r in sv.remarks:
            out.append(_seg("LQ", "HE", r))
    return out


def _cas_segments(adjs) -> list[str]:
    out = []
    by_group: dict[str, list] = {}
    for a in adjs:
        by_group.setdefault(a.group, []).append(a)
    for group, items in by_group.items():
        for i in range(0, len(items), 6):
            els = ["CAS", group]
            for a in items[i : i + 6]:
                els += [a.carc, _amt(a.amount), _amt(a.quantity) if a.quantity is not None else ""]
            out.append(_seg(*els))
    return out


def format_835(remit: Remittance, control: int = 1) -> list[str]:
    """The segments (ST..SE) of one transaction set."""
    body = [
        _seg(
            "BPR",
            remit.handling_code or "I",
            _amt(remit.payment_amount),
            remit.credit_debit or "C",
            remit.payment_method or "CHK",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            _d8(remit.payment_date),
        ),
        _seg("TRN", "1", remit.trace_number or f"{control:09d}", "1" + f"{control:09d}"),
    ]
    if remit.production_date:
        body.append(_seg("DTM", "405", _d8(remit.production_date)))
    body.append(
        _seg(
            "N1",
            "PR",
            remit.payer.name or "",
            remit.payer.id_qualifier or "XV" if remit.payer.identifier else "",
            remit.payer.identifier or "",
        )
    )
    body.append(
        _seg(
            "N1", "PE", remit.payee.name or "", remit.payee.id_qualifier or "XX", remit.payee.identifier or ""
        )
    )
    for i, cl in enumerate(remit.claims, 1):
        if i == 1:
            body.append(_seg("LX", "1"))
        body += _claim_segments(cl)
    by_provider: dict[tuple, list] = {}
    for p in remit.provider_adjustments:
        by_provider.setdefault((p.provider_id, p.fiscal_period_end), []).append(p)
    for (prov, period), items in by_provider.items():
        for i in range(0, len(items), 6):
            els = ["PLB", prov, _d8(period)]
            for p in items[i : i + 6]:
                els += [f"{p.reason}:{p.reference}" if p.reference else p.reason, _amt(p.amount)]
            body.append(_seg(*els))
    st = remit.control_number or f"{control:04d}"
    return [_seg("ST", "835", st), *body, _seg("SE", str(len(body) + 2), st)]


def write_835(
    remits: Iterable[Remittance],
    out: TextIO,
    sender: str = "CLEANCLAIMPAYER",
    receiver: str = "CLEANCLAIMPROV",
    when: datetime | None = None,
    newline: bool = True,
) -> int:
    """Write one interchange (ISA..IEA, one GS) holding every remittance; returns the segment count."""
    when = when or datetime(2026, 1, 2, 12, 0)
    nl = "\n" if newline else ""
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{sender:<15}*ZZ*{receiver:<15}*{when:%y%m%d}*{when:%H%M}*^*00501*"
        f"000000001*0*P*:~"
    )
    out.write(isa + nl)
    out.write(
        _seg("GS", "HP", sender, receiver, f"{when:%Y%m%d}", f"{when:%H%M}", "1", "X", "005010X221A1") + nl
    )
    n = 2
    count = 0
    for i, rm in enumerate(remits, 1):
        segs = format_835(rm, i)
        out.write(nl.join(segs) + nl)
        n += len(segs)
        count += 1
    out.write(_seg("GE", str(count), "1") + nl)
    out.write("IEA*1*000000001~" + nl)
    return n + 2
