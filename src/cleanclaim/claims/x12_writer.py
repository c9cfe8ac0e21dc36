"""Write claims as an 837P 5010 interchange (ISA/GS/ST ... SE/GE/IEA, 005010X222A1).

What the reader reads, the writer writes, so ``read_837p(write_837p(claims))`` gives the same claims
back. Consecutive claims with the same billing provider share one HL 20; every claim gets its own
subscriber HL 22 (and a patient HL 23 when the patient is not the subscriber).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TextIO

from cleanclaim.claims.model import Claim, Party, Patient

VERSION = "005010X222A1"
_MAX_DX_PER_HI = 12


def _amount(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _d8(d: date) -> str:
    return d.strftime("%Y%m%d")


def _clean(text: str | None) -> str:
    """Element text may not contain a delimiter."""
    if not text:
        return ""
    return text.replace("*", " ").replace("~", " ").replace(":", " ").replace("^", " ")


def _name_elements(party: Party, entity: str) -> list[str]:
    name = party.name or ""
    if ", " in name:
        last, first = name.split(", ", 1)
        return ["NM1", entity, "1", _clean(last), _clean(first), "", "", ""]
    return ["NM1", entity, "2", _clean(name) or "UNKNOWN", "", "", "", ""]


class _Out:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0      # segments in the current transaction set

    def seg(self, *elements: str) -> None:
        parts = list(elements)
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()            # no trailing empty elements
        self.stream.write("*".join(parts) + "~\n")
        self.count += 1


def write_837p(claims: Iterable[Claim], out: str | os.PathLike[str] | TextIO, *,
               sender: str = "CLEANCLAIM", receiver: str = "PAYERSYS", control: int = 1,
               when: datetime | None = None, usage: str = "T") -> int:
    """Write ``claims`` as one 837P interchange to a path or text stream; returns the claim count."""
    if isinstance(out, str | os.PathLike):
        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            return write_837p(claims, fh, sender=sender, receiver=receiver, control=control, when=when,
                              usage=usage)
    when = when or datetime(2026, 1, 2, 9, 30)
    ymd, hm = when.strftime("%Y%m%d"), when.strftime("%H%M")
    ctrl = f"{control:09d}"
    o = _Out(out)
    isa = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender[:15].ljust(15), "ZZ",
           receiver[:15].ljust(15), ymd[2:], hm, "^", "00501", ctrl, "0", usage, ":"]
    out.write("*".join(isa) + "~\n")
    out.write(f"GS*HC*{sender}*{receiver}*{ymd}*{hm}*{control}*X*{VERSION}~\n")
    o.count = 0
    o.seg("ST", "837", "0001", VERSION)
    o.seg("BHT", "0019", "00", f"B{control}", ymd, hm, "CH")
    o.seg("NM1", "41", "2", _clean(sender), "", "", "", "", "46", sender)
    o.seg("PER", "IC", "BILLING OFFICE", "TE", "5555550100")
    o.seg("NM1", "40", "2", _clean(receiver), "", "", "", "", "46", receiver)
    hl = 0
    provider_hl = 0
    last_billing: tuple[str | None, str | None] | None = None
    n = 0
    for claim in claims:
        n += 1
        billing = (claim.billing_provider.identifier, claim.billing_provider.name)
        if billing != last_billing:
            hl += 1
            provider_hl = hl
            last_billing = billing
            o.seg("HL", str(hl), "", "20", "1")
            bp = claim.billing_provider
            o.seg(*_name_elements(bp, "85"), "XX", bp.identifier or "")
            o.seg("N3", "100 MAIN STREET")
            o.seg("N4", "SPRINGFIELD", "IL", "627010000")
            o.seg("REF", "EI", "990000001")
        hl = _write_claim(o, claim, hl, provider_hl)
    o.seg("SE", str(o.count + 1), "0001")
    out.write(f"GE*1*{control}~\nIEA*1*{ctrl}~\n")
    return n


def _write_person(o: _Out, entity: str, p: Patient, with_id: bool) -> None:
    o.seg("NM1", entity, "1", _clean(p.last_name) or "UNKNOWN", _clean(p.first_name), "", "", "",
          "MI" if with_id and p.member_id else "", (p.member_id or "") if with_id else "")
    o.seg("N3", "1 ELM STREET")
    o.seg("N4", "SPRINGFIELD", "IL", "627040000")
    if p.birth_date or p.sex:
        o.seg("DMG", "D8", _d8(p.birth_date) if p.birth_date else "", p.sex or "U")


def _write_claim(o: _Out, claim: Claim, hl: int, provider_hl: int) -> int:
    subscriber = claim.subscriber or claim.patient
    patient_is_subscriber = claim.patient is subscriber or claim.patient == subscriber
    hl += 1
    sub_hl = hl
    o.seg("HL", str(sub_hl), str(provider_hl), "22", "0" if patient_is_subscriber else "1")
    rel = "18" if patient_is_subscriber else ""
    o.seg("SBR", "P", rel, "", "", "", "", "", "", claim.claim_filing_indicator or "CI")
    _write_person(o, "IL", subscriber, with_id=True)
    payer = claim.payer
    o.seg("NM1", "PR", "2", _clean(payer.name) or "UNKNOWN PAYER", "", "", "", "", "PI",
          payer.identifier or "00000")
    if not patient_is_subscriber:
        hl += 1
        o.seg("HL", str(hl), str(sub_hl), "23", "0")
        o.seg("PAT", claim.patient.relationship or "G8")
        _write_person(o, "QC", claim.patient, with_id=False)
    causes = "OA" if claim.accident_related else ""
    o.seg("CLM", _clean(claim.claim_id), _amount(claim.total_charge), "", "",
          f"{claim.place_of_service or '11'}:B:{claim.frequency_code or '1'}", "Y", "A", "Y", "Y", "",
          causes)
    if claim.onset_date:
        o.seg("DTP", "431", "D8", _d8(claim.onset_date))
    if claim.accident_related:
        o.seg("DTP", "439", "D8", _d8(claim.onset_date or claim.date_of_service or date(2026, 1, 1)))
    if claim.prior_authorization:
        o.seg("REF", "G1", _clean(claim.prior_authorization))
    dx = claim.diagnoses
    for start in range(0, len(dx), _MAX_DX_PER_HI):
        o.seg("HI", *[f"{d.qualifier}:{_clean(d.raw).replace('.', '')}" for d in dx[start:start + 12]])
    if claim.referring_provider is not None:
        ref = claim.referring_provider
        o.seg(*_name_elements(ref, "DN"), "XX", ref.identifier or "")
    if claim.rendering_provider is not None:
        ren = claim.rendering_provider
        o.seg(*_name_elements(ren, "82"), "XX", ren.identifier or "")
    for ln in claim.lines:
        o.seg("LX", str(ln.number))
        proc = ":".join([ln.qualifier, ln.procedure, *ln.modifiers[:4]])
        o.seg("SV1", proc, _amount(ln.charge), ln.unit_type or "UN", _amount(ln.units),
              ln.place_of_service or "", "", ":".join(str(p) for p in ln.pointers[:4]))
        if ln.date_of_service:
            if ln.date_of_service_end and ln.date_of_service_end != ln.date_of_service:
                o.seg("DTP", "472", "RD8", f"{_d8(ln.date_of_service)}-{_d8(ln.date_of_service_end)}")
            else:
                o.seg("DTP", "472", "D8", _d8(ln.date_of_service))
        if ln.ndc:
            o.seg("LIN", "", "N4", ln.ndc)
            o.seg("CTP", "", "", "", _amount(ln.units), "UN")
        if ln.rendering_npi:
            o.seg("NM1", "82", "1", "RENDERING", "PROVIDER", "", "", "", "XX", ln.rendering_npi)
    return hl


def to_837p_text(claims: Iterable[Claim], **kwargs: object) -> str:
    buf = io.StringIO()
    write_837p(claims, buf, **kwargs)  # type: ignore[arg-type]
    return buf.getvalue()
