"""Streaming, tolerant X12 835 (005010X221A1, also 004010X091A1) reader.

One pass over the shared tokenizer's segments; each transaction set (ST..SE) becomes a
:class:`Remittance`. Problems are kept at the smallest scope that can hold them:

* an odd CAS / AMT / DTM / PLB value -> a ``malformed_segment`` finding, that segment skipped;
* a CLP or SVC whose amounts cannot be read -> that transaction is lost (its totals are no longer
  trustworthy) and reported as :class:`RemitReadError` with segment number and id; reading resumes
  at the next ST, so one bad transaction never loses the others;
* imbalances (CLP03 - CLP04 != sum of CAS, SVC02 - SVC03 != line CAS, BPR02 != sum CLP04 - sum PLB)
  are findings, never errors.

A file with no readable 835 transaction at all raises :class:`InputError` (exit 2).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from cleanclaim.errors import InputError, UnsupportedTransaction
from cleanclaim.remits.model import (
    ZERO,
    Adjustment,
    ClaimPayment,
    Finding,
    Party,
    ProviderAdjustment,
    RemitReadError,
    Remittance,
    ServicePayment,
)
from cleanclaim.x12.tokenizer import iter_segments

__all__ = ["read_835", "check_balances", "relaxed_gc"]

_ONE = Decimal("1")
_COMPOSITE_GUESS = ">^|\\!"  # component separators seen in ISA-less fragments


@contextmanager
def relaxed_gc(gen0: int = 100_000) -> Iterator[None]:
    """Raise the garbage collector's generation-0 threshold for a bulk read.

    A remittance is hundreds of thousands of small container objects; with the default threshold
    (700) the collector rescans them over and over and reading runs at half speed. Memory is still
    reclaimed, only less often; the old thresholds come back afterwards.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(gen0, old[0]), max(old[1], 50), max(old[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*old)


class _BadSegment(Exception):
    """A value in a segment could not be read."""


# Amounts and dates repeat a lot in a remittance (fee schedules, one check date): parse each string once.
# Decimal and date are immutable, so sharing them is safe; the caches are bounded.
_MONEY_CACHE: dict[str, Decimal] = {}
_DATE_CACHE: dict[str, date | None] = {}
_CACHE_MAX = 50_000


def _money(value: str, what: str) -> Decimal:
    d = _MONEY_CACHE.get(value)
    if d is not None:
        return d
    try:
        d = Decimal(value)
    except (InvalidOperation, ValueError):
        raise _BadSegment(f"{what} {value!r} is not an amount") from None
    if not d.is_finite():
        raise _BadSegment(f"{what} {value!r} is not an amount")
    if len(_MONEY_CACHE) >= _CACHE_MAX:
        _MONEY_CACHE.clear()
    _MONEY_CACHE[value] = d
    return d


def _opt_money(value: str, what: str) -> Decimal | None:
    return _money(value, what) if value else None


def _date(value: str) -> date | None:
    """CCYYMMDD (or YYMMDD in 4010 headers); None when unreadable: dates never sink a transaction."""
    try:
        return _DATE_CACHE[value]
    except KeyError:
        pass
    if len(_DATE_CACHE) >= _CACHE_MAX:
        _DATE_CACHE.clear()
    d = _DATE_CACHE[value] = _parse_date(value)
    return d


def _parse_date(value: str) -> date | None:
    v = value.strip()
    try:
        if len(v) == 8:
            return date(int(v[:4]), int(v[4:6]), int(v[6:8]))
        if len(v) == 6:
            return date(2000 + int(v[:2]), int(v[2:4]), int(v[4:6]))
    except ValueError:
        return None
    return None


def _composite(value: str, comp: str) -> list[str]:
    if comp in value:
        return value.split(comp)
    # ISA-less fragments carry no declared component separator: take the one the data uses.
    if len(value) > 2 and value[2] in _COMPOSITE_GUESS:
        return value.split(value[2])
    return [value]


def read_835(
    source: str | os.PathLike[str] | BinaryIO | bytes, file_name: str | None = None
) -> Iterator[Remittance | RemitReadError]:
    """Yield one :class:`Remittance` per 835 transaction set, or a :class:`RemitReadError` for one
    that could not be read. Balancing problems are attached to each remittance as findings."""
    name = file_name or (
        os.fspath(source)
        if isinstance(source, str | os.PathLike)
        else str(getattr(source, "name", "<bytes>"))
    )
    rm: Remittance | None = None
    cl: ClaimPayment | None = None
    sv: ServicePayment | None = None
    loop = ""  # header | payer | payee | claim | service
    skipping = False  # inside a lost or non-835 transaction: wait for the next ST
    version = None
    st_count = 0
    good = 0
    other_types: set[str] = set()
    seg_in_tx = 0
    seg = None

    for seg in iter_segments(source, name):
        sid = seg.id
        el = seg.elements
        seg_in_tx += 1
        if skipping and sid not in ("ST", "SE", "GS", "ISA", "GE", "IEA"):
            continue
        try:
            if sid == "CAS":
                if rm is None:
                    continue
                _cas(el, sv if loop == "service" else cl, seg.number, rm, name)
            elif sid == "SVC":
                if cl is None:
                    raise _BadSegment("SVC outside a claim (no CLP before it)")
                comp = seg.delims.component
                proc = _composite(el[0], comp) if el else [""]
                n = len(el)
                sv = ServicePayment(
                    number=len(cl.services) + 1,
                    qualifier=proc[0],
                    procedure=proc[1] if len(proc) > 1 else "",
                    modifiers=[m for m in proc[2:6] if m],
                    charge=_money(el[1], "SVC02 charge") if n > 1 and el[1] else ZERO,
                    paid=_money(el[2] if n > 2 and el[2] else "0", "SVC03 paid"),
                    revenue_code=(el[3] or None) if n > 3 else None,
                    units=_money(el[4], "SVC05 units") if n > 4 and el[4] else _ONE,
                    segment_number=seg.number,
                )
                if n > 5 and el[5]:
                    orig = _composite(el[5], comp)
                    sv.original_procedure = orig[1] if len(orig) > 1 else orig[0]
                if n > 6 and el[6]:
                    sv.original_units = _money(el[6], "SVC07 units")
                if n < 2 or not el[1]:
                    rm.findings.append(
                        Finding(
                            "malformed_segment",
                            "SVC02 line charge is empty; read as 0",
                            name,
                            seg.number,
                            "SVC",
                            cl.claim_id,
                        )
                    )
                cl.services.append(sv)
                loop = "service"
            elif sid == "DTM":
                if rm is None or len(el) < 2:
                    continue
                q = el[0]
                if loop == "service":
                    if q == "472" or q == "150":
                        sv.service_date = _date(el[1])
                    elif q == "151":
                        sv.service_date_end = _date(el[1])
                elif loop == "claim":
                    if q == "232":
                        cl.statement_from = _date(el[1])
                    elif q == "233":
                        cl.statement_to = _date(el[1])
                    elif q == "050":
                        cl.received = _date(el[1])
                elif q == "405":
                    rm.production_date = _date(el[1])
            elif sid == "CLP":
                if rm is None:
                    raise _BadSegment("CLP outside a transaction (no ST before it)")
                n = len(el)
                if n < 4 or not el[0]:
                    raise _BadSegment("CLP needs a claim id, status, charge and payment (CLP01-04)")
                cl = ClaimPayment(
                    claim_id=el[0],
                    status=el[1],
                    charge=_money(el[2] or "0", "CLP03 charge"),
                    paid=_money(el[3] or "0", "CLP04 payment"),
                    patient_responsibility=_opt_money(el[4], "CLP05 patient responsibility")
                    if n > 4
                    else None,
                    filing_indicator=(el[5] or None) if n > 5 else None,
                    payer_claim_control=(el[6] or None) if n > 6 else None,
                    facility_code=(el[7] or None) if n > 7 else None,
                    frequency_code=(el[8] or None) if n > 8 else None,
                    drg=(el[10] or None) if n > 10 else None,
                    segment_number=seg.number,
                    remit=rm,
                )
                rm.claims.append(cl)
                sv = None
                loop = "claim"
            elif sid == "LQ":
                if loop == "service" and len(el) > 1 and el[0] == "HE" and el[1]:
                    sv.remarks.append(el[1])
            elif sid == "AMT":
                if len(el) > 1 and el[1] and loop in ("claim", "service"):
                    target = sv if loop == "service" else cl
                    target.amounts[el[0]] = _money(el[1], f"AMT*{el[0]} amount")
            elif sid == "REF":
                if loop == "service" and len(el) > 1 and el[0] == "6R":
                    sv.control_number = el[1]
                elif (
                    loop == "payer"
                    and rm is not None
                    and len(el) > 1
                    and el[0] == "2U"
                    and not rm.payer.identifier
                ):
                    rm.payer.identifier = el[1]
            elif sid == "NM1":
                if cl is not None and len(el) > 1:
                    party = Party(
                        name=_person_name(el),
                        identifier=(el[8] if len(el) > 8 else "") or None,
                        id_qualifier=(el[7] if len(el) > 7 else "") or None,
                    )
                    who = el[0]
                    if who == "QC":
                        cl.patient = party
                    elif who == "IL":
                        cl.insured = party
                    elif who == "82":
                        cl.rendering_provider = party
            elif sid == "MOA":
                if cl is not None:
                    cl.remarks.extend(r for r in el[2:7] if r)
            elif sid == "MIA":
                if cl is not None:
                    if len(el) > 4 and el[4]:
                        cl.remarks.append(el[4])
                    cl.remarks.extend(r for r in el[19:23] if r)
            elif sid == "LX":
                if rm is not None:
                    cl, sv, loop = None, None, "header"
            elif sid == "N1":
                if rm is None or cl is not None:
                    continue
                who = el[0] if el else ""
                party = Party(
                    name=(el[1] if len(el) > 1 else "") or None,
                    identifier=(el[3] if len(el) > 3 else "") or None,
                    id_qualifier=(el[2] if len(el) > 2 else "") or None,
                )
                if who == "PR":
                    rm.payer, loop = party, "payer"
                elif who == "PE":
                    rm.payee, loop = party, "payee"
            elif sid == "PLB":
                if rm is None:
                    continue
                loop = "plb"
                cl, sv = None, None
                _plb(el, seg.delims.component, seg.number, rm, name)
            elif sid == "BPR":
                if rm is None:
                    continue
                n = len(el)
                rm.handling_code = el[0] if n else None
                rm.payment_amount = _money(el[1] if n > 1 and el[1] else "0", "BPR02 payment amount")
                rm.credit_debit = (el[2] or None) if n > 2 else None
                rm.payment_method = (el[3] or None) if n > 3 else None
                rm.payment_date = _date(el[15]) if n > 15 else None
            elif sid == "TRN":
                if rm is not None and len(el) > 1:
                    rm.trace_number = el[1] or None
            elif sid == "ST":
                if rm is not None and not skipping:
                    rm.findings.append(
                        Finding(
                            "structure",
                            "transaction not closed by SE before the next ST",
                            name,
                            seg.number,
                            "ST",
                        )
                    )
                    yield _finish(rm, name)
                    good += 1
                st_count += 1
                rm, cl, sv, loop = None, None, None, "header"
                seg_in_tx = 1
                kind = el[0] if el else ""
                if kind != "835":
                    other_types.add(kind or "(none)")
                    skipping = True
                    continue
                skipping = False
                rm = Remittance(
                    file=name,
                    control_number=(el[1] if len(el) > 1 else None) or None,
                    version=(el[2] if len(el) > 2 and el[2] else version),
                    segment_number=seg.number,
                )
            elif sid == "SE":
                if rm is not None and not skipping:
                    if el and el[0].isdigit() and int(el[0]) != seg_in_tx:
                        rm.findings.append(
                            Finding(
                                "structure",
                                f"SE01 counts {el[0]} segments but the transaction has {seg_in_tx}",
                                name,
                                seg.number,
                                "SE",
                            )
                        )
                    yield _finish(rm, name)
                    good += 1
                rm, cl, sv, loop, skipping = None, None, None, "", False
            elif sid == "GS":
                version = (el[7] if len(el) > 7 else None) or None
            # everything else (ISA, GE, IEA, N3, N4, PER, QTY, TS3, TS2, CUR, RDM ...) carries nothing
            # the denial analysis uses.
        except _BadSegment as exc:
            if rm is None:
                # Outside a transaction there is nothing to lose but the segment itself.
                yield RemitReadError(name, str(exc), seg.number, sid)
                continue
            yield RemitReadError(
                name,
                f"transaction {rm.control_number or '?'} skipped: {exc}",
                seg.number,
                sid,
                rm.control_number,
            )
            rm, cl, sv, skipping = None, None, None, True
        except (IndexError, AttributeError):
            # A segment out of place (e.g. LQ before any SVC) or too short to hold what it must.
            if rm is not None:
                rm.findings.append(
                    Finding(
                        "malformed_segment",
                        f"{sid} segment out of place or incomplete",
                        name,
                        seg.number,
                        sid,
                        cl.claim_id if cl else None,
                    )
                )

    if rm is not None and not skipping:
        rm.findings.append(
            Finding(
                "structure", "file ends inside a transaction (no SE)", name, seg.number if seg else None, None
            )
        )
        yield _finish(rm, name)
        good += 1
    if st_count == 0:
        raise InputError("no ST transaction set found", file=name, segment_number=seg.number if seg else None)
    if good == 0 and other_types:
        raise UnsupportedTransaction(
            f"transaction set {', '.join(sorted(other_types))} is not an 835 remittance", file=name
        )


def _person_name(el: list[str]) -> str | None:
    last = el[2] if len(el) > 2 else ""
    first = el[3] if len(el) > 3 else ""
    if first:
        return f"{last}, {first}" if last else first
    return last or None


def _cas(
    el: list[str], target: ClaimPayment | ServicePayment | None, number: int, rm: Remittance, file: str
) -> None:
    if target is None:
        rm.findings.append(Finding("malformed_segment", "CAS outside a claim", file, number, "CAS"))
        return
    group = el[0] if el else ""
    line = target.number if isinstance(target, ServicePayment) else None
    adjs = target.adjustments
    n = len(el)
    for i in range(1, min(n, 19), 3):
        reason = el[i]
        if not reason:
            continue
        raw = el[i + 1] if i + 1 < n else ""
        try:
            amount = _money(raw, "amount")
            qty = el[i + 2] if i + 2 < n else ""
            quantity = _money(qty, "quantity") if qty else None
        except _BadSegment as exc:
            claim_id = target.claim_id if isinstance(target, ClaimPayment) else None
            rm.findings.append(
                Finding(
                    "malformed_segment",
                    f"CAS {group}-{reason}: {exc}; triple skipped",
                    file,
                    number,
                    "CAS",
                    claim_id,
                )
            )
            continue
        adjs.append(Adjustment(group, reason, amount, quantity, line, number))


def _plb(el: list[str], comp: str, number: int, rm: Remittance, file: str) -> None:
    provider = el[0] if el else ""
    period = _date(el[1]) if len(el) > 1 else None
    for i in range(2, min(len(el), 14), 2):
        if not el[i]:
            continue
        parts = _composite(el[i], comp)
        raw = el[i + 1] if i + 1 < len(el) else ""
        try:
            amount = _money(raw, "PLB amount")
        except _BadSegment as exc:
            rm.findings.append(
                Finding("malformed_segment", f"PLB {parts[0]}: {exc}; pair skipped", file, number, "PLB")
            )
            continue
        rm.provider_adjustments.append(
            ProviderAdjustment(
                provider, period, parts[0], parts[1] if len(parts) > 1 else None, amount, number
            )
        )


def _finish(rm: Remittance, file: str) -> Remittance:
    rm.findings.extend(check_balances(rm))
    return rm


def check_balances(rm: Remittance) -> list[Finding]:
    """The 835's three balancing rules, as findings."""
    out: list[Finding] = []
    total_paid = ZERO
    for cl in rm.claims:
        total_paid += cl.paid
        cas_total = sum((a.amount for a in cl.adjustments), ZERO)
        for sv in cl.services:
            line_cas = sum((a.amount for a in sv.adjustments), ZERO)
            cas_total += line_cas
            if sv.charge - sv.paid != line_cas:
                out.append(
                    Finding(
                        "line_imbalance",
                        f"service line {sv.number} ({sv.procedure}): charge {sv.charge} - paid {sv.paid} = "
                        f"{sv.charge - sv.paid} but its adjustments total {line_cas}",
                        rm.file,
                        sv.segment_number,
                        "SVC",
                        cl.claim_id,
                    )
                )
        if cl.charge - cl.paid != cas_total:
            out.append(
                Finding(
                    "claim_imbalance",
                    f"claim {cl.claim_id}: charge {cl.charge} - paid {cl.paid} = {cl.charge - cl.paid} but "
                    f"claim and line adjustments total {cas_total}",
                    rm.file,
                    cl.segment_number,
                    "CLP",
                    cl.claim_id,
                )
            )
    plb_total = sum((p.amount for p in rm.provider_adjustments), ZERO)
    expected = total_paid - plb_total
    if rm.payment_amount != expected:
        out.append(
            Finding(
                "payment_imbalance",
                f"BPR02 payment {rm.payment_amount} but claim payments {total_paid} - provider adjustments "
                f"{plb_total} = {expected}",
                rm.file,
                rm.segment_number,
                "BPR",
            )
        )
    return out
