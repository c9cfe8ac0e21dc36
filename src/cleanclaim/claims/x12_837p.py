"""837P 5010 (005010X222, X222A1, X222A2) reader: a streaming state machine over X12 segments.

It tracks the envelope (ISA/GS/ST) and the HL hierarchy (20 billing provider, 22 subscriber,
23 patient), builds one :class:`Claim` per CLM and yields it as soon as the next CLM / HL / SE
closes it. Memory stays flat however large the file.

Problems are kept where they belong so one bad claim never loses the others:
- a bad claim (non-numeric charge, SV1 without a procedure ...) -> a ClaimReadError for that claim;
- a broken loop above the claims (billing provider without NM1*85, subscriber without NM1*IL,
  duplicate HL ids ...) -> every claim under it becomes a ClaimReadError naming the problem;
- a transaction whose SE count disagrees, or that never ends -> one ClaimReadError for it;
- the wrong kind of file (837I, dental, 4010, 835, 999 ...) -> UnsupportedTransaction (exit 2);
- bytes that are not X12 -> InputError from the tokenizer (exit 2).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from cleanclaim.claims.model import (
    Claim,
    ClaimReadError,
    Diagnosis,
    Party,
    Patient,
    ServiceLine,
    SourceRef,
)
from cleanclaim.errors import UnsupportedTransaction
from cleanclaim.x12.tokenizer import Segment, is_segment_id, iter_segments

# Every segment id the 005010X222A1 implementation guide allows (from pyx12's map), plus envelope.
KNOWN_SEGMENTS = frozenset({
    "AMT", "BHT", "CAS", "CLM", "CN1", "CR1", "CR2", "CR3", "CRC", "CTP", "CUR", "DMG", "DTP", "FRM",
    "GE", "GS", "HCP", "HI", "HL", "IEA", "ISA", "K3", "LIN", "LQ", "LX", "MEA", "MOA", "N3", "N4",
    "NM1", "NTE", "OI", "PAT", "PER", "PRV", "PS1", "PWK", "QTY", "REF", "SBR", "SE", "ST", "SV1",
    "SV5", "SVD", "TA1"
})
DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "BK", "BF"})
ACCIDENT_CAUSES = frozenset({"AA", "EM", "OA"})

# What a transaction is, for "unsupported transaction" messages.
_TRANSACTION_NAMES = {
    "835": "835 claim payment/remittance advice",
    "999": "999 implementation acknowledgment",
    "997": "997 functional acknowledgment",
    "277": "277 claim status response",
    "276": "276 claim status request",
    "270": "270 eligibility inquiry",
    "271": "271 eligibility response",
    "834": "834 benefit enrollment",
    "278": "278 prior authorization",
    "820": "820 premium payment",
    "TA1": "TA1 interchange acknowledgment",
}
_837_VARIANTS = {
    "X223": "837I institutional",
    "X224": "837D dental",
    "X291": "837P predetermination of benefits",
    "X292": "837I predetermination of benefits",
    "X298": "837P post-adjudicated claims data reporting",
    "X299": "837I post-adjudicated claims data reporting",
    "X300": "837D post-adjudicated claims data reporting",
}
_WHAT_WE_READ = "cleanclaim reads 837P professional claims (005010X222A1)"


def check_837p_version(st01: str, version: str, file: str, seg: Segment) -> None:
    """Raise UnsupportedTransaction unless this ST is a 5010 837P (X222, X222A1, X222A2)."""
    if st01 != "837":
        what = _TRANSACTION_NAMES.get(st01, f"transaction set {st01 or '(none)'}")
        raise UnsupportedTransaction(f"unsupported transaction: {what}"
                                     f"{f' ({version})' if version else ''}; {_WHAT_WE_READ}",
                                     file=file, segment_number=seg.number, segment_id=seg.id)
    if version.startswith(("00401", "00301", "00302", "00303", "00304", "00305", "00306", "00307")):
        raise UnsupportedTransaction(f"unsupported transaction: 837 version {version[:6]} ({version}); "
                                     f"{_WHAT_WE_READ}", file=file, segment_number=seg.number,
                                     segment_id=seg.id)
    if "X222" in version:
        return
    for key, what in _837_VARIANTS.items():
        if key in version:
            raise UnsupportedTransaction(f"unsupported transaction: {what} ({version}); {_WHAT_WE_READ}",
                                         file=file, segment_number=seg.number, segment_id=seg.id)
    # 5010 without an implementation-guide suffix: read it as professional; SV2/SV3 will tell if not.


# ---------------------------------------------------------------------------------------- scopes

@dataclass(slots=True)
class _Scope:
    """An HL loop (or the transaction header): what it says and what is wrong with it."""

    level: str                                    # "header", "20", "22", "23"
    hl_id: str = ""
    seg: Segment | None = None
    parent: _Scope | None = None
    problems: list[tuple[str, Segment | None]] = field(default_factory=list)
    had_claims: bool = False
    # 20 billing provider
    party: Party | None = None
    nm1_85: int = 0
    name_loop: _NameLoop | None = None
    # 22 subscriber / 23 patient
    person: Patient | None = None
    payer: Party | None = None
    filing: str | None = None
    has_sbr: bool = False
    has_il: bool = False
    has_pr: bool = False
    has_qc: bool = False

    def chain_problem(self) -> tuple[str, Segment | None] | None:
        scope: _Scope | None = self
        while scope is not None:
            if scope.problems:
                return scope.problems[0]
            scope = scope.parent
        return None


@dataclass(slots=True)
class _NameLoop:
    """N3/N4 bookkeeping inside one NM1 loop (order and repeats)."""

    entity: str
    n3: int = 0
    n4: int = 0


_ALT_COMPONENT_SEPARATORS = (":", ">", "^", "|", "\\")


def _composite(seg: Segment, i: int) -> list[str]:
    """Element ``i`` split into components, tolerating a sender that used another separator than
    its ISA16 declares (seen in the wild: ISA16 ':' with 'HC>99213>25' in SV1)."""
    value = seg.get(i)
    if not value:
        return []
    comp = seg.delims.component
    if comp in value:
        return value.split(comp)
    for alt in _ALT_COMPONENT_SEPARATORS:
        if alt in value and alt != seg.delims.element:
            return value.split(alt)
    return [value]


_DATES: dict[str, date] = {}


def _parse_date(value: str) -> date:
    # Claims in one file share few dates: a small cache saves most of the parsing.
    hit = _DATES.get(value)
    if hit is not None:
        return hit
    if len(value) != 8 or not value.isdigit():
        raise ValueError(f"invalid date {value!r} (expected CCYYMMDD)")
    parsed = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    if len(_DATES) < 20_000:
        _DATES[value] = parsed
    return parsed


def _money(value: str, what: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{what} {value!r} is not a number") from None
    if not amount.is_finite():
        raise ValueError(f"{what} {value!r} is not a number")
    return amount


def normalize_dx(raw: str) -> str:
    """Upper case, no dot, no spaces: the form every rule compares."""
    return raw.strip().upper().replace(".", "").replace(" ", "")


class _ClaimFailed(Exception):
    """A problem that makes the current claim unusable (reported, claim skipped)."""

    def __init__(self, message: str, seg: Segment) -> None:
        super().__init__(message)
        self.seg = seg


class Reader837P:
    """Streaming 837P reader; iterate :meth:`read` for ``Claim | ClaimReadError``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._handlers = {
            "ISA": self._isa, "GS": self._gs, "ST": self._st, "SE": self._se,
            "HL": self._hl, "SBR": self._sbr, "PAT": self._pat, "NM1": self._nm1,
            "N3": self._n3, "N4": self._n4, "DMG": self._dmg, "CLM": self._clm, "DTP": self._dtp,
            "REF": self._ref, "HI": self._hi, "LX": self._lx, "SV1": self._sv1, "LIN": self._lin,
            "SV2": self._other_claim_type, "SV3": self._other_claim_type,
        }
        self._gs08 = ""
        self._reset_transaction(None)

    # ---------------------------------------------------------------- transaction state
    def _reset_transaction(self, st: Segment | None) -> None:
        self.st = st
        self.header = _Scope("header", seg=st)
        self.scope = self.header
        self.hl: dict[str, _Scope] = {}
        self.provider_ids: list[str] = []
        self.cur22: str | None = None
        self.cur23: str | None = None
        self.last_provider: _Scope | None = None
        self.last_subscriber: _Scope | None = None
        self.claim: Claim | None = None
        self.claim_scope: _Scope | None = None
        self.claim_failed: _ClaimFailed | None = None
        self.claim_dos: tuple[date, date | None] | None = None
        self.line: ServiceLine | None = None
        self.lx_number: int | None = None
        self.cob = False            # inside 2320/2330 (other payer) loops: names there are not ours
        self.name_loop: _NameLoop | None = None
        self.last_person: Patient | None = None

    # ---------------------------------------------------------------- main loop
    def read(self, source: str | os.PathLike[str] | BinaryIO) -> Iterator[Claim | ClaimReadError]:
        handlers = self._handlers
        out: list[Claim | ClaimReadError] = []
        self.out = out
        for seg in iter_segments(source, self.file):
            sid = seg.id
            handler = handlers.get(sid)
            try:
                if handler is not None:
                    handler(seg)
                elif sid not in KNOWN_SEGMENTS:
                    self._unknown(seg)
            except _ClaimFailed as exc:
                if self.claim is not None and self.claim_failed is None:
                    self.claim_failed = exc
                elif self.claim is None:
                    self.scope.problems.append((str(exc), exc.seg))
            except (ValueError, IndexError) as exc:
                failure = _ClaimFailed(f"{sid}: {exc}", seg)
                if self.claim is not None and self.claim_failed is None:
                    self.claim_failed = failure
                elif self.claim is None:
                    self.scope.problems.append((str(failure), seg))
            if out:
                yield from out
                out.clear()
        if self.st is not None:
            self._close_claim()
            self._flush_scope_problems()
            out.append(ClaimReadError(self.file, f"transaction ST {self.st.get(2)} is not closed by SE "
                                                 "(file truncated?)", None, self.st.number, "ST"))
        yield from out
        out.clear()

    # ---------------------------------------------------------------- envelope
    def _isa(self, seg: Segment) -> None:
        self._gs08 = ""   # a new interchange: its groups say their own version

    def _gs(self, seg: Segment) -> None:
        self._gs08 = seg.get(8)

    def _st(self, seg: Segment) -> None:
        if self.st is not None:  # previous transaction never closed
            self._close_claim()
            self._flush_scope_problems()
            self.out.append(ClaimReadError(self.file, f"transaction ST {self.st.get(2)} is not closed by "
                                                      "SE before the next ST", None, seg.number, "ST"))
        check_837p_version(seg.get(1), seg.get(3) or self._gs08, self.file, seg)
        self._reset_transaction(seg)

    def _se(self, seg: Segment) -> None:
        self._close_claim()
        self._flush_scope_problems()
        if self.st is None:
            self.out.append(ClaimReadError(self.file, "SE without ST", None, seg.number, "SE"))
            return
        # SE01 (segment count) is wrong in many files that are otherwise fine; `cleanclaim validate`
        # reports it, the reader does not drop claims over it.
        self.st = None
        self._reset_transaction(None)

    def _other_claim_type(self, seg: Segment) -> None:
        kind = "837I institutional (SV2)" if seg.id == "SV2" else "837D dental (SV3)"
        raise UnsupportedTransaction(f"unsupported transaction: {kind}; {_WHAT_WE_READ}",
                                     file=self.file, segment_number=seg.number, segment_id=seg.id)

    def _unknown(self, seg: Segment) -> None:
        what = "not a segment of the 837P" if is_segment_id(seg.id) else "malformed segment id"
        raise _ClaimFailed(f"{what}: {seg.id!r}", seg)

    # ---------------------------------------------------------------- hierarchy
    def _hl(self, seg: Segment) -> None:
        self._close_claim()
        hl_id, parent_id, level = seg.get(1), seg.get(2), seg.get(3)
        scope = _Scope(level, hl_id=hl_id, seg=seg)
        # Duplicate HL ids and dangling parents are common in real files; the level code and the
        # order of the loops are what the claim structure depends on, so those are what we check.
        if not hl_id:
            scope.problems.append(("HL01 (hierarchical id) missing", seg))
        parent = self.hl.get(parent_id) if parent_id else None
        if level == "20":
            scope.parent = self.header
            scope.party = Party(id_qualifier=None)
            self.last_provider = scope
        elif level == "22":
            scope.parent = parent if parent is not None and parent.level == "20" else self.last_provider
            if scope.parent is None:
                scope.problems.append(("subscriber HL 22 has no billing provider HL 20 above it", seg))
                scope.parent = self.header
            scope.person = Patient()
            scope.payer = Party()
            self.last_subscriber = scope
        elif level == "23":
            scope.parent = parent if parent is not None and parent.level == "22" else self.last_subscriber
            if scope.parent is None:
                scope.problems.append(("patient HL 23 has no subscriber HL 22 above it", seg))
                scope.parent = self.header
            scope.person = Patient()
        else:
            scope.parent = self.header
            scope.problems.append((f"HL03 level code {level or '(blank)'} is not an 837P level "
                                   "(20 billing provider, 22 subscriber, 23 patient)", seg))
        # Memory stays flat: a subscriber/patient loop is the parent only of what follows it, so
        # earlier ones are dropped; the most recent billing providers stay addressable by id.
        drop = (self.cur22, self.cur23) if level in ("20", "22") else (self.cur23,) if level == "23" else ()
        for old in drop:
            if old is not None and old in self.hl:
                self._report_orphan(self.hl.pop(old))
        if level == "20" and hl_id:
            self.provider_ids.append(hl_id)
            if len(self.provider_ids) > 64:
                old = self.provider_ids.pop(0)
                if old in self.hl and self.hl[old].level == "20":
                    self._report_orphan(self.hl.pop(old))
        if level == "22":
            self.cur22, self.cur23 = hl_id, None
        elif level == "23":
            self.cur23 = hl_id
        if hl_id:
            self.hl[hl_id] = scope   # a reused id means the later loop: children follow it
        self.scope = scope
        self.name_loop = None
        self.last_person = None

    def _sbr(self, seg: Segment) -> None:
        if self.claim is not None:
            self.cob = True   # 2320 other subscriber information: the other payer's loops follow
            return
        scope = self.scope
        if scope.level != "22":
            raise _ClaimFailed("SBR outside a subscriber (HL 22) loop", seg)
        if scope.has_sbr:
            raise _ClaimFailed("second SBR in one subscriber loop", seg)
        scope.has_sbr = True
        scope.filing = seg.get(9) or None
        rel = seg.get(2)
        if rel and scope.person is not None:
            scope.person.relationship = rel

    def _pat(self, seg: Segment) -> None:
        if self.claim is None and self.scope.level == "23" and self.scope.person is not None:
            self.scope.person.relationship = seg.get(1) or None

    # ---------------------------------------------------------------- names
    def _nm1(self, seg: Segment) -> None:
        entity = seg.get(1)
        if not entity:
            raise _ClaimFailed("NM1 without entity identifier code (NM101)", seg)
        if not seg.get(2):
            raise _ClaimFailed(f"NM1*{entity} without entity type qualifier (NM102)", seg)
        self.name_loop = _NameLoop(entity)
        self.last_person = None
        if self.claim is not None:
            self._claim_nm1(entity, seg)
            return
        scope = self.scope
        if entity == "85":
            if scope.level != "20":
                raise _ClaimFailed("billing provider name NM1*85 outside HL 20", seg)
            scope.nm1_85 += 1
            if scope.nm1_85 > 1:
                raise _ClaimFailed("billing provider name (loop 2010AA NM1*85) repeated", seg)
            scope.party = _party(seg)
            scope.name_loop = self.name_loop
        elif entity == "IL":
            if scope.level != "22":
                return  # seen repeated in patient loops by some senders: harmless, ignored
            if scope.has_il:
                raise _ClaimFailed("subscriber name (loop 2010BA NM1*IL) repeated", seg)
            scope.has_il = True
            person = scope.person
            assert person is not None
            person.last_name = seg.get(3) or None
            person.first_name = seg.get(4) or None
            person.member_id = seg.get(9) or None
            self.last_person = person
        elif entity == "PR":
            if scope.level == "22":
                if scope.has_pr:
                    raise _ClaimFailed("payer name (loop 2010BB NM1*PR) repeated", seg)
                scope.has_pr = True
                scope.payer = _party(seg)
        elif entity == "QC" and scope.level == "23":
            scope.has_qc = True
            person = scope.person
            assert person is not None
            person.last_name = seg.get(3) or None
            person.first_name = seg.get(4) or None
            person.member_id = seg.get(9) or person.member_id
            self.last_person = person

    def _claim_nm1(self, entity: str, seg: Segment) -> None:
        claim = self.claim
        assert claim is not None
        if self.line is not None:
            if entity == "82":
                self.line.rendering_npi = seg.get(9) or None
            return
        if self.cob:
            return
        if entity == "82":
            claim.rendering_provider = _party(seg)
        elif entity == "DN":
            claim.referring_provider = _party(seg)
        elif entity == "IL":
            self.cob = True

    def _n3(self, seg: Segment) -> None:
        loop = self.name_loop
        if loop is None:
            raise _ClaimFailed("address N3 outside a name (NM1) loop", seg)
        loop.n3 += 1
        if loop.n3 > 1:
            raise _ClaimFailed(f"address N3 repeated in the NM1*{loop.entity} loop", seg)
        if loop.n4:
            raise _ClaimFailed(f"N3 after N4 in the NM1*{loop.entity} loop: segments out of order", seg)

    def _n4(self, seg: Segment) -> None:
        loop = self.name_loop
        if loop is None:
            raise _ClaimFailed("city/state N4 outside a name (NM1) loop", seg)
        loop.n4 += 1
        if loop.n4 > 1:
            raise _ClaimFailed(f"N4 repeated in the NM1*{loop.entity} loop", seg)

    def _dmg(self, seg: Segment) -> None:
        person = self.last_person
        if person is None:
            return
        if seg.get(1) == "D8" and seg.get(2):
            person.birth_date = _parse_date(seg.get(2))
        person.sex = seg.get(3) or None

    # ---------------------------------------------------------------- claim
    def _clm(self, seg: Segment) -> None:
        self._close_claim()
        scope = self.scope
        if scope.level not in ("22", "23"):
            scope = self.last_subscriber or self.header
        claim = Claim(claim_id=seg.get(1), source=SourceRef(self.file, seg.number, "CLM"))
        self.claim = claim
        self.claim_scope = scope
        node: _Scope | None = scope
        while node is not None:      # the claim inherits (and so reports) its ancestors' problems
            node.had_claims = True
            node = node.parent
        self.claim_failed = None
        self.claim_dos = None
        self.line = None
        self.lx_number = None
        self.cob = False
        self.name_loop = None
        self.last_person = None
        self._attach_parties(claim, scope, seg)
        if not claim.claim_id:
            raise _ClaimFailed("CLM01 (patient control number) missing", seg)
        claim.total_charge = _money(seg.get(2), "CLM02 total charge")
        facility = _composite(seg, 5)
        if not facility or not facility[0]:
            raise _ClaimFailed("CLM05 place of service missing", seg)
        claim.place_of_service = facility[0]
        if len(facility) > 2 and facility[2]:
            claim.frequency_code = facility[2]
        causes = _composite(seg, 11)
        if causes and ACCIDENT_CAUSES.intersection(causes):
            claim.accident_related = True

    def _attach_parties(self, claim: Claim, scope: _Scope, seg: Segment) -> None:
        patient_scope = scope if scope.level == "23" else None
        sub_scope = scope.parent if patient_scope is not None else scope
        provider = sub_scope.parent if sub_scope is not None else None
        if sub_scope is None or sub_scope.level != "22":
            self._scope_problem(scope, "claim is not inside a subscriber (HL 22) loop", seg)
            return
        if not sub_scope.has_sbr:
            self._scope_problem(sub_scope, "subscriber loop (2000B) has no SBR", sub_scope.seg)
        if not sub_scope.has_il:
            self._scope_problem(sub_scope, "subscriber name (loop 2010BA NM1*IL) missing", sub_scope.seg)
        if not sub_scope.has_pr:
            self._scope_problem(sub_scope, "payer name (loop 2010BB NM1*PR) missing", sub_scope.seg)
        if provider is None or provider.level != "20":
            self._scope_problem(sub_scope, "no billing provider (HL 20) above the subscriber", seg)
        elif not provider.nm1_85:
            self._scope_problem(provider, "billing provider name (loop 2010AA NM1*85) missing",
                                provider.seg)
        elif provider.name_loop is not None and not (provider.name_loop.n3 and provider.name_loop.n4):
            self._scope_problem(provider, "billing provider address (loop 2010AA N3 and N4) missing",
                                provider.seg)
        subscriber = sub_scope.person
        claim.subscriber = subscriber
        claim.payer = sub_scope.payer or Party()
        claim.claim_filing_indicator = sub_scope.filing
        if patient_scope is not None and patient_scope.person is not None:
            claim.patient = patient_scope.person
        elif subscriber is not None:
            claim.patient = subscriber
        if provider is not None and provider.party is not None:
            claim.billing_provider = provider.party

    @staticmethod
    def _scope_problem(scope: _Scope, message: str, seg: Segment | None) -> None:
        if not any(msg == message for msg, _ in scope.problems):
            scope.problems.append((message, seg))

    def _dtp(self, seg: Segment) -> None:
        claim = self.claim
        if claim is None:
            return
        qualifier, fmt, value = seg.get(1), seg.get(2), seg.get(3)
        if self.cob and self.line is None:
            return
        if fmt not in ("D8", "RD8", "DT"):
            raise _ClaimFailed(f"DTP*{qualifier} date format {fmt or '(blank)'} is not D8 or RD8", seg)
        if fmt == "RD8":
            start_s, _, end_s = value.partition("-")
            start, end = _parse_date(start_s), _parse_date(end_s) if end_s else None
        else:
            start, end = _parse_date(value[:8]), None
        if qualifier == "472":
            if self.line is not None:
                self.line.date_of_service = start
                self.line.date_of_service_end = end if end != start else None
            else:
                self.claim_dos = (start, end)
        elif qualifier == "431" and self.line is None:
            claim.onset_date = start
        elif qualifier == "439" and self.line is None:
            claim.accident_related = True

    def _ref(self, seg: Segment) -> None:
        claim = self.claim
        if claim is not None and self.line is None and not self.cob and seg.get(1) == "G1":
            claim.prior_authorization = seg.get(2) or None

    def _hi(self, seg: Segment) -> None:
        claim = self.claim
        if claim is None:
            raise _ClaimFailed("HI (diagnoses) outside a claim", seg)
        if self.line is not None:
            raise _ClaimFailed("HI after the service lines started", seg)
        comp = seg.delims.component
        els = seg.elements
        i = 0
        diagnoses = claim.diagnoses
        while i < len(els):
            value = els[i]
            i += 1
            if not value:
                continue
            qualifier, sep, code = value.partition(comp)
            if not sep and value in DIAGNOSIS_QUALIFIERS and i < len(els) and els[i]:
                # Some senders put the qualifier and the code in separate elements ("HI*BK*8901").
                code = els[i]
                i += 1
            elif not sep:
                for alt in _ALT_COMPONENT_SEPARATORS:   # a separator other than ISA16 declares
                    qualifier, sep, code = value.partition(alt)
                    if sep:
                        break
                else:
                    continue
            if qualifier not in DIAGNOSIS_QUALIFIERS:
                continue  # anesthesia procedures (BP/BO), condition codes (BG) ...
            if sep:
                code = code.partition(sep)[0]   # HIxx-2 only; a POA indicator etc. may follow
            if not code.strip():
                raise _ClaimFailed(f"HI diagnosis with qualifier {qualifier} but no code", seg)
            diagnoses.append(Diagnosis(normalize_dx(code), code, qualifier, len(diagnoses) + 1))

    def _lx(self, seg: Segment) -> None:
        if self.claim is None:
            raise _ClaimFailed("LX (service line) outside a claim", seg)
        self.line = None
        self.cob = False
        self.name_loop = None
        number = seg.get(1)
        self.lx_number = int(number) if number.isdigit() else None
        if self.lx_number is None:
            raise _ClaimFailed(f"LX01 line number {number!r} is not a number", seg)

    def _sv1(self, seg: Segment) -> None:
        claim = self.claim
        if claim is None:
            raise _ClaimFailed("SV1 (service line) outside a claim", seg)
        proc = _composite(seg, 1)
        if len(proc) < 2 or not proc[1].strip():
            raise _ClaimFailed("SV1 without a procedure code (SV101-2)", seg)
        units_s = seg.get(4)
        pointers = []
        for p in _composite(seg, 7):
            if not p:
                continue
            if p.isdigit():
                pointers.append(int(p))
            elif p.endswith(".00") and p[:-3].isdigit():   # "1.00": a number, sent as an amount
                pointers.append(int(p[:-3]))
            else:
                raise _ClaimFailed(f"SV107 diagnosis pointer {p!r} is not a number", seg)
        line = ServiceLine(
            number=self.lx_number if self.lx_number is not None else len(claim.lines) + 1,
            procedure=proc[1].strip(),
            qualifier=proc[0],
            modifiers=[m for m in proc[2:6] if m],
            charge=_money(seg.get(2), "SV102 line charge"),
            units=_money(units_s, "SV104 units") if units_s else Decimal("1"),
            unit_type=seg.get(3) or "UN",
            pointers=pointers,
            place_of_service=seg.get(5) or None,
            source=SourceRef(self.file, seg.number, "SV1"),
        )
        claim.lines.append(line)
        self.line = line
        self.lx_number = None

    def _lin(self, seg: Segment) -> None:
        if self.line is not None and seg.get(2) == "N4":
            self.line.ndc = seg.get(3) or None

    # ---------------------------------------------------------------- emitting
    def _close_claim(self) -> None:
        claim = self.claim
        if claim is None:
            return
        self.claim = None
        self.line = None
        failed = self.claim_failed
        scope = self.claim_scope
        inherited = scope.chain_problem() if scope is not None else None
        if failed is not None:
            self.out.append(ClaimReadError(self.file, str(failed), claim.claim_id or None,
                                           failed.seg.number, failed.seg.id))
            return
        if inherited is not None:
            message, seg = inherited
            self.out.append(ClaimReadError(self.file, message, claim.claim_id or None,
                                           seg.number if seg else None, seg.id if seg else None))
            return
        if self.claim_dos is not None:
            start, end = self.claim_dos
            for ln in claim.lines:
                if ln.date_of_service is None:
                    ln.date_of_service = start
                    ln.date_of_service_end = end if end != start else None
        if not claim.lines:
            claim.read_problems.append("claim has no service lines (SV1)")
        self.out.append(claim)

    def _report_orphan(self, scope: _Scope) -> None:
        """A loop with a problem that no claim inherited (e.g. an HL with no claims under it)."""
        if scope.problems and not scope.had_claims:
            message, seg = scope.problems[0]
            self.out.append(ClaimReadError(self.file, message, None, seg.number if seg else None,
                                           seg.id if seg else None))
            scope.had_claims = True  # reported once

    def _flush_scope_problems(self) -> None:
        for scope in (self.header, *self.hl.values()):
            self._report_orphan(scope)


def _party(seg: Segment) -> Party:
    last, first = seg.get(3), seg.get(4)
    name = f"{last}, {first}" if first else last
    return Party(name=name or None, identifier=seg.get(9) or None, id_qualifier=seg.get(8) or None)


def read_837p(source: str | os.PathLike[str] | BinaryIO,
              file_name: str | None = None) -> Iterator[Claim | ClaimReadError]:
    """Yield each claim of an 837P file (or a ClaimReadError for a claim that cannot be read)."""
    name = file_name or (os.fspath(source) if isinstance(source, str | os.PathLike)
                         else str(getattr(source, "name", "<stream>")))
    return Reader837P(name).read(source)
