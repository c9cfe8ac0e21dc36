"""Saving engine answers and reading them back. Each save is one transaction together with its
audit event: either all of it is stored or none of it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from cleanclaim.web.audit import record, record_core
from cleanclaim.web.db import Database
from cleanclaim.web.keys import Principal
from cleanclaim.web.models import (
    AuditEvent,
    CodeDecision,
    CodingRun,
    RemitClaim,
    RemitRun,
    ScrubClaim,
    ScrubFinding,
    ScrubRun,
)

SCRUB_CLAIM_FIELDS = {"claim_id", "file", "patient_control", "total_charge", "findings"}
REMIT_CLAIM_FIELDS = {"claim_id", "payer", "status", "billed", "paid", "patient_responsibility", "denied",
                      "adjustments", "remarks"}


def _money(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


# --- coding -------------------------------------------------------------------------------------

def save_coding(db: Database, who: Principal, text: str, setting: str, note_id: str | None,
                result: dict[str, Any], text_sha: str) -> int:
    with db.write() as s:
        run = CodingRun(key_id=who.key_id, note_id=note_id, note_sha256=text_sha, note_text=text,
                        setting=setting, result=result)
        s.add(run)
        s.flush()
        record(s, who, "code.note", object_type="coding_run", object_id=str(run.id), input_sha256=text_sha,
               detail={"codes": len(result.get("codes", [])), "queries": len(result.get("queries", [])),
                       "chars": len(text)})
        return run.id


def get_coding(db: Database, run_id: int) -> CodingRun | None:
    with db.read() as s:
        return s.scalar(select(CodingRun).options(selectinload(CodingRun.decisions))
                        .where(CodingRun.id == run_id))


def save_decision(db: Database, who: Principal, run: CodingRun, code: str, decision: str,
                  replacement: str | None, reason: str | None) -> CodeDecision:
    with db.write() as s:
        row = CodeDecision(run_id=run.id, code=code, decision=decision, replacement=replacement,
                           reason=reason, key_id=who.key_id)
        s.add(row)
        s.flush()
        record(s, who, f"code.{decision}", object_type="coding_run", object_id=str(run.id),
               input_sha256=run.note_sha256,
               detail={"code": code, "replacement": replacement, "decision_id": row.id})
        return row


def decisions_by_code(run: CodingRun) -> dict[str, CodeDecision]:
    """The latest decision per suggested code."""
    latest: dict[str, CodeDecision] = {}
    for d in run.decisions:
        latest[d.code] = d
    return latest


# --- scrub --------------------------------------------------------------------------------------

def save_scrub(db: Database, who: Principal, report: dict[str, Any], input_sha: str) -> int:
    """Core bulk INSERTs, one statement per table: the scrub endpoint is the hot path."""
    summary = report.get("summary", {})
    claims = report.get("claims", [])
    n_findings = sum(len(c.get("findings", [])) for c in claims)
    runs, claim_table, finding_table = ScrubRun.__table__, ScrubClaim.__table__, ScrubFinding.__table__
    with db.write_core() as conn:
        run_id = conn.execute(insert(runs).returning(runs.c.id), [dict(
            key_id=who.key_id, input_sha256=input_sha, files=report.get("files", []),
            claim_count=int(summary.get("claims", len(claims))), clean=int(summary.get("clean", 0)),
            errors=int(summary.get("errors", 0)), warnings=int(summary.get("warnings", 0)), summary=summary,
            extra={k: v for k, v in report.items() if k not in {"claims", "summary", "files"}})]).scalar_one()
        if claims:
            claim_ids = conn.execute(
                insert(claim_table).returning(claim_table.c.id, sort_by_parameter_order=True),
                [dict(run_id=run_id, claim_id=str(c.get("claim_id") or "?")[:64], file=c.get("file") or None,
                      patient_control=c.get("patient_control"), total_charge=_money(c.get("total_charge")),
                      extra={k: v for k, v in c.items() if k not in SCRUB_CLAIM_FIELDS})
                 for c in claims]).scalars().all()
            findings = [
                dict(run_id=run_id, claim_row_id=row_id, rule=str(f.get("rule", "")),
                     category=str(f.get("category", "")), severity=str(f.get("severity", "")),
                     message=str(f.get("message", "")), codes=list(f.get("codes") or []), line=f.get("line"),
                     fix=f.get("fix"), reference=f.get("reference"))
                for c, row_id in zip(claims, claim_ids, strict=True) for f in c.get("findings", [])]
            if findings:
                conn.execute(insert(finding_table), findings)
        counts = {"files": len(report.get("files", [])), "claims": len(claims), "findings": n_findings,
                  "errors": int(summary.get("errors", 0)), "warnings": int(summary.get("warnings", 0))}
        record_core(conn, who, "scrub.run", object_type="scrub_run", object_id=str(run_id),
                    input_sha256=input_sha, detail=counts)
        return run_id


def get_scrub(db: Database, run_id: int) -> ScrubRun | None:
    with db.read() as s:
        claims = selectinload(ScrubRun.claims).selectinload(ScrubClaim.findings)
        return s.scalar(select(ScrubRun).options(claims).where(ScrubRun.id == run_id))


def finding_dict(f: ScrubFinding) -> dict[str, Any]:
    return {"rule": f.rule, "category": f.category, "severity": f.severity, "message": f.message,
            "codes": f.codes, "line": f.line, "fix": f.fix, "reference": f.reference}


def scrub_report(run: ScrubRun) -> dict[str, Any]:
    """A stored run in the contract's `scrub --json` shape."""
    return {
        "run_id": run.id,
        "created_at": run.created_at.isoformat(),
        "claims": [{"claim_id": c.claim_id, "file": c.file, "patient_control": c.patient_control,
                    "total_charge": float(c.total_charge) if c.total_charge is not None else None,
                    **c.extra, "findings": [finding_dict(f) for f in c.findings]} for c in run.claims],
        "files": run.files,
        "summary": run.summary,
        **run.extra,
    }


# --- remittances ---------------------------------------------------------------------------------

def save_remits(db: Database, who: Principal, report: dict[str, Any], input_sha: str) -> int:
    claims = report.get("claims", [])
    with db.write() as s:
        run = RemitRun(key_id=who.key_id, input_sha256=input_sha, files=report.get("files", []),
                       summary=report.get("summary", {}),
                       extra={k: v for k, v in report.items() if k not in {"claims", "summary", "files"}})
        s.add(run)
        s.flush()
        s.add_all([
            RemitClaim(run_id=run.id, claim_id=str(c.get("claim_id") or "?")[:64],
                       payer=(str(c["payer"])[:120] if c.get("payer") else None),
                       status=(str(c["status"])[:8] if c.get("status") is not None else None),
                       billed=_money(c.get("billed")) or Decimal(0), paid=_money(c.get("paid")) or Decimal(0),
                       patient_responsibility=_money(c.get("patient_responsibility")) or Decimal(0),
                       denied=bool(c.get("denied")), adjustments=list(c.get("adjustments") or []),
                       remarks=list(c.get("remarks") or []),
                       extra={k: v for k, v in c.items() if k not in REMIT_CLAIM_FIELDS})
            for c in claims])
        record(s, who, "denials.run", object_type="remit_run", object_id=str(run.id), input_sha256=input_sha,
               detail={"files": len(report.get("files", [])), "claims": len(claims),
                       "denied_claims": int(report.get("summary", {}).get("denied_claims", 0) or 0)})
        return run.id


def get_remits(db: Database, run_id: int) -> RemitRun | None:
    with db.read() as s:
        return s.scalar(select(RemitRun).options(selectinload(RemitRun.claims)).where(RemitRun.id == run_id))


def remit_claim_dict(c: RemitClaim) -> dict[str, Any]:
    return {"claim_id": c.claim_id, "payer": c.payer, "status": c.status, "billed": float(c.billed),
            "paid": float(c.paid), "patient_responsibility": float(c.patient_responsibility),
            "denied": c.denied, "adjustments": c.adjustments, "remarks": c.remarks, **c.extra,
            "row_id": c.id}


def remit_report(run: RemitRun) -> dict[str, Any]:
    return {"run_id": run.id, "created_at": run.created_at.isoformat(),
            "claims": [remit_claim_dict(c) for c in run.claims], "summary": run.summary, "files": run.files,
            **run.extra}


def record_appeal(db: Database, who: Principal, run_id: int, claim: RemitClaim) -> None:
    with db.write() as s:
        record(s, who, "denials.appeal_draft", object_type="remit_claim", object_id=str(claim.id),
               detail={"run_id": run_id})


# --- lists --------------------------------------------------------------------------------------

def recent(db: Database, model: type, limit: int = 20) -> list[Any]:
    with db.read() as s:
        return list(s.scalars(select(model).order_by(model.id.desc()).limit(limit)))


def audit_events(db: Database, limit: int = 100, before: int | None = None) -> list[AuditEvent]:
    with db.read() as s:
        q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if before:
            q = q.where(AuditEvent.id < before)
        return list(s.scalars(q))


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


