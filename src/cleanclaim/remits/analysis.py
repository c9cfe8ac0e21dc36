"""Denial analysis: real denials vs expected adjustments, root causes, preventable share, patterns.

``analyze_files(paths, claims=None)`` is the entry point the CLI and the web layer call; the
returned :class:`DenialReport`'s ``as_dict()`` is the ``cleanclaim denials --json`` contract object
(shared/docs/contracts.md) plus extra fields.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cleanclaim.codes.spelling import dotted
from cleanclaim.remits.categorize import categorise, preventable_by
from cleanclaim.remits.model import ZERO, ClaimPayment, Finding, RemitReadError, Remittance
from cleanclaim.remits.reference import carc as carc_entry
from cleanclaim.remits.reference import rarc as rarc_entry

if TYPE_CHECKING:
    from cleanclaim.claims.model import Claim

__all__ = [
    "AdjustmentView",
    "ClaimOutcome",
    "FileResult",
    "DenialReport",
    "analyze_files",
    "analyze_remits",
    "outcome_of",
    "read_remit_file",
]

# Same payer + procedure + diagnosis denied this many times -> suggest a payer-specific scrub rule.
PATTERN_THRESHOLD = 3


def _f(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


@dataclass(slots=True)
class AdjustmentView:
    group: str
    carc: str
    amount: Decimal
    category: str
    denial: bool
    line: int | None
    rarc: str | None = None
    procedure: str | None = None
    diagnosis: str | None = None
    preventable_by: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        entry = carc_entry(self.carc)
        return {
            "group": self.group,
            "carc": self.carc,
            "amount": float(self.amount),
            "category": self.category,
            "line": self.line,
            "denial": self.denial,
            "rarc": self.rarc,
            "procedure": self.procedure,
            "description": entry.description if entry else None,
            "preventable_by": list(self.preventable_by),
        }


@dataclass(slots=True)
class ClaimOutcome:
    """One remitted claim, judged: is it denied, why, and could a scrub rule have prevented it."""

    payment: ClaimPayment
    file: str
    adjustments: list[AdjustmentView]
    remarks: list[str]
    denied: bool
    denied_amount: Decimal
    cause: AdjustmentView | None  # the largest denial adjustment
    preventable: bool
    preventable_amount: Decimal
    diagnoses: list[str] = field(default_factory=list)  # from the linked 837 claim
    linked: bool = False

    @property
    def claim_id(self) -> str:
        return self.payment.claim_id

    @property
    def payer(self) -> str:
        rm = self.payment.remit
        if rm is None:
            return ""
        return rm.payer.name or rm.payer.identifier or ""

    @property
    def partially_denied(self) -> bool:
        return not self.denied and self.denied_amount > 0

    def as_dict(self) -> dict[str, Any]:
        p = self.payment
        rm = p.remit
        cause = self.cause
        return {
            "claim_id": p.claim_id,
            "payer": self.payer,
            "status": p.status,
            "billed": float(p.charge),
            "paid": float(p.paid),
            "patient_responsibility": _f(p.patient_responsibility)
            if p.patient_responsibility is not None
            else 0.0,
            "denied": self.denied,
            "adjustments": [a.as_dict() for a in self.adjustments],
            "remarks": self.remarks,
            # extras
            "file": self.file,
            "payer_id": rm.payer.identifier if rm else None,
            "payee": rm.payee.name if rm else None,
            "payee_npi": rm.payee.identifier if rm and rm.payee.id_qualifier == "XX" else None,
            "payer_claim_control": p.payer_claim_control,
            "filing_indicator": p.filing_indicator,
            "service_date": p.service_date.isoformat() if p.service_date else None,
            "procedures": [sv.procedure for sv in p.services],
            "diagnoses": self.diagnoses,
            "linked": self.linked,
            "denied_amount": float(self.denied_amount),
            "partially_denied": self.partially_denied,
            "category": cause.category if cause else None,
            "cause": cause.as_dict() if cause else None,
            "preventable": self.preventable,
            "preventable_by": list(cause.preventable_by) if cause and self.preventable else [],
        }


def outcome_of(p: ClaimPayment, file: str, billed: Claim | None = None) -> ClaimOutcome:
    """Judge one claim payment (optionally with the 837 claim it answers, for billed diagnoses)."""
    claim_remarks = p.remarks
    views: list[AdjustmentView] = []
    dx_by_line: dict[int, str] = {}
    diagnoses: list[str] = []
    if billed is not None:
        diagnoses = [d.code for d in billed.diagnoses]
        dx_by_line = _line_diagnoses(p, billed)
    principal = diagnoses[0] if diagnoses else None
    for a in p.adjustments:
        remarks = tuple(claim_remarks) + tuple(r for sv in p.services for r in sv.remarks)
        views.append(
            _view(
                a.group,
                a.carc,
                a.amount,
                None,
                remarks,
                p.services[0].procedure if len(p.services) == 1 else None,
                principal,
            )
        )
    for sv in p.services:
        remarks = tuple(sv.remarks) + tuple(claim_remarks)
        proc = sv.original_procedure or sv.procedure or None
        for a in sv.adjustments:
            views.append(
                _view(
                    a.group, a.carc, a.amount, sv.number, remarks, proc, dx_by_line.get(sv.number, principal)
                )
            )
    denial_views = [v for v in views if v.denial and v.amount > 0]
    denied_amount = sum((v.amount for v in denial_views), ZERO)
    reversal = p.is_reversal
    denied = not reversal and (p.status == "4" or (p.paid == 0 and p.charge > 0 and denied_amount > 0))
    if reversal:
        denied_amount = ZERO
        denial_views = []
    cause = max(denial_views, key=lambda v: v.amount) if denial_views else None
    prevent_amount = sum((v.amount for v in denial_views if v.preventable_by), ZERO)
    return ClaimOutcome(
        p,
        file,
        views,
        p.all_remarks(),
        denied,
        denied_amount,
        cause,
        bool(cause and cause.preventable_by),
        prevent_amount,
        diagnoses,
        billed is not None,
    )


def _view(
    group: str,
    carc: str,
    amount: Decimal,
    line: int | None,
    remarks: tuple[str, ...],
    procedure: str | None,
    diagnosis: str | None,
) -> AdjustmentView:
    c = categorise(group, carc, remarks)
    prevent: tuple[str, ...] = ()
    if c.denial:
        hit = preventable_by(carc, remarks)
        if hit:
            prevent = hit[0]
    rarc = c.rarc or next((r for r in remarks if rarc_entry(r) and rarc_entry(r).status == "remark"), None)
    return AdjustmentView(
        group, carc, amount, c.category, c.denial, line, rarc, procedure, diagnosis, prevent
    )


def _line_diagnoses(p: ClaimPayment, billed: Claim) -> dict[int, str]:
    """Remitted line number -> first diagnosis its billed line points to (matched on procedure, in order)."""
    out: dict[int, str] = {}
    dx_at = {d.position: d.code for d in billed.diagnoses}
    unused = list(billed.lines)
    for sv in p.services:
        proc = sv.original_procedure or sv.procedure
        for i, bl in enumerate(unused):
            if bl.procedure == proc:
                if bl.pointers and bl.pointers[0] in dx_at:
                    out[sv.number] = dx_at[bl.pointers[0]]
                del unused[i]
                break
    return out


@dataclass(slots=True)
class FileResult:
    file: str
    claims: int = 0
    transactions: int = 0
    error: str | None = None  # the file (or a transaction in it) could not be read
    errors: list[RemitReadError] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "claims": self.claims,
            "error": self.error,
            "transactions": self.transactions,
            "errors": [str(e) for e in self.errors],
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(slots=True)
class DenialReport:
    outcomes: list[ClaimOutcome]
    files: list[FileResult]
    remittances: list[Remittance] = field(default_factory=list, repr=False)

    @property
    def exit_code(self) -> int:
        """2 when any file or transaction could not be read (what was readable is still reported)."""
        return 2 if any(f.error for f in self.files) else 0

    @property
    def findings(self) -> list[Finding]:
        return [fi for f in self.files for fi in f.findings]

    def denials(self) -> Iterator[ClaimOutcome]:
        return (o for o in self.outcomes if o.denied_amount > 0)

    def summary(self) -> dict[str, Any]:
        billed = paid = denied_amount = prevent_amount = ZERO
        denied_claims = partial = prevent_claims = 0
        by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for o in self.outcomes:
            billed += o.payment.charge
            paid += o.payment.paid
            denied_amount += o.denied_amount
            prevent_amount += o.preventable_amount
            denied_claims += o.denied
            partial += o.partially_denied
            prevent_claims += o.preventable
            for a in o.adjustments:
                by_category[a.category] += a.amount
        n = len(self.outcomes)
        with_denial = denied_claims + partial
        return {
            "claims": n,
            "billed": float(billed),
            "paid": float(paid),
            "denied_claims": denied_claims,
            "denied_amount": float(denied_amount),
            "by_category": {k: float(v) for k, v in sorted(by_category.items(), key=lambda kv: -kv[1])},
            # extras
            "partially_denied_claims": partial,
            "denial_rate_claims": round(denied_claims / n, 4) if n else 0.0,
            "denial_rate_dollars": round(float(denied_amount / billed), 4) if billed > 0 else 0.0,
            "preventable_claims": prevent_claims,
            "preventable_amount": float(prevent_amount),
            "preventable_share": round(prevent_claims / with_denial, 4) if with_denial else 0.0,
            "preventable_share_dollars": round(float(prevent_amount / denied_amount), 4)
            if denied_amount > 0
            else 0.0,
            "findings": len(self.findings),
        }

    def root_causes(self, limit: int = 10) -> list[dict[str, Any]]:
        """Denial adjustments grouped by category + group-CARC + RARC, largest dollars first."""
        agg: dict[tuple[str, str, str, str | None], list] = {}
        for o in self.denials():
            seen: set[tuple] = set()
            for a in o.adjustments:
                if not a.denial or a.amount <= 0:
                    continue
                key = (a.category, a.group, a.carc, a.rarc)
                row = agg.setdefault(key, [0, ZERO, a.preventable_by])
                row[1] += a.amount
                if key not in seen:
                    row[0] += 1
                    seen.add(key)
        rows = sorted(agg.items(), key=lambda kv: (-kv[1][1], -kv[1][0]))[:limit]
        out = []
        for (category, group, code, rarc), (claims, amount, prevent) in rows:
            entry = carc_entry(code)
            r_entry = rarc_entry(rarc) if rarc else None
            out.append(
                {
                    "category": category,
                    "group": group,
                    "carc": code,
                    "rarc": rarc,
                    "description": entry.description if entry else "(code not in the catalogue)",
                    "remark": r_entry.description if r_entry else None,
                    "claims": claims,
                    "amount": float(amount),
                    "preventable_by": list(prevent),
                }
            )
        return out

    def suggested_rules(self, threshold: int = PATTERN_THRESHOLD) -> list[dict[str, Any]]:
        """Repeated denials (same payer + procedure + diagnosis + category) -> a payer-specific rule idea."""
        agg: dict[tuple[str, str, str | None, str], list] = {}
        for o in self.denials():
            seen: set[tuple] = set()
            for a in o.adjustments:
                if not a.denial or a.amount <= 0 or not a.procedure:
                    continue
                key = (o.payer, a.procedure, a.diagnosis, a.category)
                row = agg.setdefault(key, [0, ZERO, set(), set()])
                row[1] += a.amount
                row[2].add(f"{a.group}-{a.carc}")
                if key not in seen:
                    row[0] += 1
                    row[3].add(o.claim_id)
                    seen.add(key)
        out = []
        for (payer, proc, dx, category), (count, amount, carcs, claim_ids) in agg.items():
            if count < threshold:
                continue
            out.append(
                {
                    "payer": payer,
                    "procedure": proc,
                    "diagnosis": dx,
                    "category": category,
                    "carcs": sorted(carcs),
                    "denials": count,
                    "amount": float(amount),
                    "claims": sorted(claim_ids)[:10],
                    "suggestion": _suggest(payer, proc, dx, category),
                }
            )
        out.sort(key=lambda r: (-r["denials"], -r["amount"]))
        return out

    def as_dict(self, with_claims: bool = True) -> dict[str, Any]:
        claims = {"claims": [o.as_dict() for o in self.outcomes]} if with_claims else {}
        return {
            **claims,
            "summary": self.summary(),
            "files": [f.as_dict() for f in self.files],
            "root_causes": self.root_causes(),
            "suggested_rules": self.suggested_rules(),
        }


def _suggest(payer: str, proc: str, dx: str | None, category: str) -> str:
    who = payer or "this payer"
    with_dx = f" with diagnosis {dotted(dx)}" if dx else ""
    actions = {
        "medical_necessity": "hold the claim for review unless the note meets the payer's policy criteria",
        "authorization": "require a prior-authorization number before submission",
        "bundling": "check the NCCI pair and modifier before submission",
        "coding": "check the code / modifier combination before submission",
        "missing_information": "require the missing field before submission",
        "eligibility": "verify eligibility before the visit",
        "non_covered": "obtain an advance notice (ABN) or do not bill this payer",
        "duplicate": "check for an earlier submission of the same service",
        "timely_filing": "submit within the payer's filing limit",
        "coordination_of_benefits": "confirm the primary payer before submission",
    }
    act = actions.get(category, "review before submission")
    return f"{who}: procedure {proc}{with_dx} denied for {category.replace('_', ' ')}; {act}"




# ---------------------------------------------------------------------------------------------- reading


def read_remit_file(path: str | os.PathLike[str]) -> Iterator[Remittance | RemitReadError]:
    """Remittances from an X12 835 file or a FHIR R4 ExplanationOfBenefit / ClaimResponse (JSON)."""
    from cleanclaim.errors import InputError

    p = os.fspath(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise InputError("file not found", file=p) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=p) from None
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror or exc}", file=p) from None
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        from cleanclaim.remits.fhir import read_fhir_remit

        yield from read_fhir_remit(p)
        return
    from cleanclaim.remits.x12_835 import read_835

    yield from read_835(p)


def analyze_remits(
    items: Iterable[tuple[str, Iterable[Remittance | RemitReadError] | Exception]],
    claims: Iterable[Claim] | dict[str, Claim] | None = None,
) -> DenialReport:
    from cleanclaim.remits.x12_835 import relaxed_gc

    with relaxed_gc():
        return _analyze(items, _claims_by_id(claims))


def _analyze(
    items: Iterable[tuple[str, Iterable[Remittance | RemitReadError] | Exception]], by_id: dict[str, Claim]
) -> DenialReport:
    outcomes: list[ClaimOutcome] = []
    files: list[FileResult] = []
    remits: list[Remittance] = []
    for name, source in items:
        fr = FileResult(name)
        files.append(fr)
        if isinstance(source, Exception):
            fr.error = str(source)
            continue
        try:
            for item in source:
                if isinstance(item, RemitReadError):
                    fr.errors.append(item)
                    continue
                remits.append(item)
                fr.transactions += 1
                fr.findings.extend(item.findings)
                for p in item.claims:
                    fr.claims += 1
                    outcomes.append(outcome_of(p, name, by_id.get(p.claim_id)))
        except Exception as exc:  # InputError mid-stream: keep what was read
            from cleanclaim.errors import InputError

            if not isinstance(exc, InputError):
                raise
            fr.error = str(exc)
        if fr.errors and not fr.error:
            fr.error = f"{len(fr.errors)} transaction(s) or segment(s) could not be read: {fr.errors[0]}"
    return DenialReport(outcomes, files, remits)


def analyze_files(
    paths: Iterable[str | os.PathLike[str]], claims: Iterable[Claim] | dict[str, Claim] | None = None
) -> DenialReport:
    """Read 835 / FHIR remittance files and judge every claim in them.

    ``claims`` (837P claims, e.g. from ``cleanclaim.claims.read_claim_file``) are linked on
    CLP01 = CLM01 to attach the billed diagnoses. Unreadable files are reported in ``files`` with
    ``error``; they never stop the others being read.
    """
    return analyze_remits(((os.fspath(p), read_remit_file(p)) for p in paths), claims)


def _claims_by_id(claims: Iterable[Claim] | dict[str, Claim] | None) -> dict[str, Claim]:
    if claims is None:
        return {}
    if isinstance(claims, dict):
        return claims
    out: dict[str, Claim] = {}
    for c in claims:
        cid = getattr(c, "claim_id", None)
        if cid and hasattr(c, "diagnoses"):
            out[cid] = c
    return out


def month_of(o: ClaimOutcome) -> date | None:
    p = o.payment
    d = (
        p.service_date
        or (p.remit.payment_date if p.remit else None)
        or (p.remit.production_date if p.remit else None)
    )
    return d.replace(day=1) if d else None
