"""REST API, version 1. Bodies and responses follow docs/contracts.md; each response adds `run_id`
where the answer was stored."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from cleanclaim.web import engines, store
from cleanclaim.web.audit import sha256
from cleanclaim.web.errors import ApiError
from cleanclaim.web.keys import Principal, create_key, revoke_key
from cleanclaim.web.security import require
from cleanclaim.web.uploads import UPLOAD_BODY_DOC, Upload, read_uploads, relabel, staged

router = APIRouter(prefix="/v1")

MAX_NOTE_CHARS = 100_000
INLINE_BYTES = 32 * 1024   # scrub uploads up to this size are handled on the event loop


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS, description="the clinical note")
    id: str | None = Field(default=None, max_length=100)
    setting: Literal["outpatient", "ED", "inpatient"] = "outpatient"
    date: dt.date | None = None
    age: int | None = Field(default=None, ge=0, le=130)
    sex: Literal["M", "F", "U"] | None = None


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=3, max_length=16, description="a code the run suggested")
    decision: Literal["accept", "override"]
    replacement: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, max_length=2000)


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["coder", "biller", "admin"]
    name: str | None = Field(default=None, max_length=100)


def input_hash(uploads: list[Upload]) -> str:
    import hashlib

    h = hashlib.sha256()
    for up in uploads:
        h.update(up.name.encode() + b"\0" + up.data)
    return h.hexdigest()


def _run_engine_on_uploads(fn, uploads: list[Upload]) -> dict[str, Any]:  # noqa: ANN001
    with staged(uploads) as paths:
        folder = str(paths[0].parent)
        try:
            report = relabel(fn(paths), folder)
        except ApiError as exc:
            exc.message = relabel(exc.message, folder)
            exc.where = relabel(exc.where, folder)
            raise
    return report


# --- code ---------------------------------------------------------------------------------------

def code_and_store(request: Request, who: Principal, body: CodeRequest) -> dict[str, Any]:
    result = engines.code_note(body.text, setting=body.setting, on=body.date, age=body.age, sex=body.sex,
                               note_id=body.id)
    run_id = store.save_coding(request.app.state.db, who, body.text, body.setting, body.id, result,
                               sha256(body.text))
    return {**result, "run_id": run_id}


@router.post("/code", tags=["code"], summary="Code a clinical note to ICD-10-CM")
def code(body: CodeRequest, request: Request, who: Annotated[Principal, Depends(require("code"))]) -> dict:
    return code_and_store(request, who, body)


def decide(request: Request, who: Principal, run_id: int, body: DecisionRequest) -> dict[str, Any]:
    db = request.app.state.db
    run = store.get_coding(db, run_id)
    if run is None:
        raise ApiError(404, "not_found", f"coding run {run_id} does not exist", field="run_id")
    suggested = {c["code"] for c in run.result.get("codes", [])}
    if body.code not in suggested:
        raise ApiError(422, "invalid_field", f"code {body.code} was not suggested in run {run_id}",
                       field="code")
    reason = (body.reason or "").strip() or None
    replacement = (body.replacement or "").strip() or None
    if body.decision == "override":
        if reason is None or len(reason) < 3:
            raise ApiError(422, "invalid_field", "an override needs a reason", field="reason")
        if replacement is not None:
            found = engines.lookup(replacement)
            if not found.get("valid") and not found.get("code"):
                raise ApiError(422, "invalid_field", f"replacement {replacement} is not an ICD-10-CM code",
                               field="replacement")
            replacement = found.get("code") or replacement
    else:
        replacement = None
    row = store.save_decision(db, who, run, body.code, body.decision, replacement, reason)
    return {"id": row.id, "run_id": run_id, "code": row.code, "decision": row.decision,
            "replacement": row.replacement, "reason": row.reason, "created_at": row.created_at.isoformat()}


@router.post("/code/{run_id}/decisions", tags=["code"],
             summary="Accept a suggested code, or override it with a reason")
def code_decision(run_id: int, body: DecisionRequest, request: Request,
                  who: Annotated[Principal, Depends(require("code"))]) -> dict:
    return decide(request, who, run_id, body)


@router.get("/code/{run_id}", tags=["code"], summary="A stored coding run with its decisions")
def coding_run(run_id: int, request: Request, who: Annotated[Principal, Depends(require("code"))]) -> dict:
    run = store.get_coding(request.app.state.db, run_id)
    if run is None:
        raise ApiError(404, "not_found", f"coding run {run_id} does not exist", field="run_id")
    return {**run.result, "run_id": run.id, "created_at": run.created_at.isoformat(),
            "decisions": [{"code": d.code, "decision": d.decision, "replacement": d.replacement,
                           "reason": d.reason, "created_at": d.created_at.isoformat()}
                          for d in run.decisions]}


# --- scrub --------------------------------------------------------------------------------------

def scrub_and_store(request: Request, who: Principal, uploads: list[Upload]) -> dict[str, Any]:
    report = _run_engine_on_uploads(engines.scrub, uploads)
    run_id = store.save_scrub(request.app.state.db, who, report, input_hash(uploads))
    return {**report, "run_id": run_id}


@router.post("/scrub", tags=["scrub"], summary="Scrub claims (837P, FHIR R4 Claim or claim JSON)",
             openapi_extra=UPLOAD_BODY_DOC)
async def scrub(request: Request, who: Annotated[Principal, Depends(require("scrub"))]) -> JSONResponse:
    uploads = await read_uploads(request, request.app.state.settings.max_files)
    # Small uploads (one claim is ~1 KB, ~2 ms of work) run on the event loop: handing them to a
    # thread costs more CPU than the work. Large batches go to a thread so the loop stays free.
    if sum(len(u.data) for u in uploads) <= INLINE_BYTES:
        report = scrub_and_store(request, who, uploads)
    else:
        report = await run_in_threadpool(scrub_and_store, request, who, uploads)
    # JSONResponse: the engine's dict is already JSON-ready; skip FastAPI's re-encoding walk.
    return JSONResponse(report)


@router.get("/scrub/runs", tags=["scrub"], summary="Recent scrub runs")
def scrub_runs(request: Request, who: Annotated[Principal, Depends(require("scrub"))],
               limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[dict]:
    from cleanclaim.web.models import ScrubRun

    return [{"run_id": r.id, "created_at": r.created_at.isoformat(), "claims": r.claim_count,
             "clean": r.clean, "errors": r.errors, "warnings": r.warnings, "files": r.files}
            for r in store.recent(request.app.state.db, ScrubRun, limit)]


def _scrub_run(request: Request, run_id: int):  # noqa: ANN202
    run = store.get_scrub(request.app.state.db, run_id)
    if run is None:
        raise ApiError(404, "not_found", f"scrub run {run_id} does not exist", field="run_id")
    return run


@router.get("/scrub/runs/{run_id}", tags=["scrub"], summary="A stored scrub run in the `scrub --json` shape")
def scrub_run(run_id: int, request: Request, who: Annotated[Principal, Depends(require("scrub"))]) -> dict:
    return store.scrub_report(_scrub_run(request, run_id))


CSV_COLUMNS = ["claim_id", "file", "patient_control", "severity", "category", "rule", "line", "codes",
               "message", "fix", "reference"]


def findings_csv(run) -> str:  # noqa: ANN001
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for c in run.claims:
        for f in c.findings:
            w.writerow([c.claim_id, c.file or "", c.patient_control or "", f.severity, f.category, f.rule,
                        f.line if f.line is not None else "", " ".join(map(str, f.codes)), f.message,
                        f.fix or "", f.reference or ""])
    return out.getvalue()


@router.get("/scrub/runs/{run_id}/findings.csv", tags=["scrub"], summary="Findings of a scrub run as CSV",
            response_class=Response)
def scrub_run_csv(run_id: int, request: Request,
                  who: Annotated[Principal, Depends(require("scrub"))]) -> Response:
    run = _scrub_run(request, run_id)
    return Response(findings_csv(run), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="scrub-{run_id}-findings.csv"'})


# --- denials ------------------------------------------------------------------------------------

def denials_and_store(request: Request, who: Principal, uploads: list[Upload]) -> dict[str, Any]:
    report = _run_engine_on_uploads(engines.analyze_remits, uploads)
    run_id = store.save_remits(request.app.state.db, who, report, input_hash(uploads))
    return {**report, "run_id": run_id}


@router.post("/denials", tags=["denials"], summary="Analyse 835 remittances", openapi_extra=UPLOAD_BODY_DOC)
async def denials(request: Request, who: Annotated[Principal, Depends(require("denials"))]) -> dict:
    uploads = await read_uploads(request, request.app.state.settings.max_files)
    return await run_in_threadpool(denials_and_store, request, who, uploads)


def _remit_run(request: Request, run_id: int):  # noqa: ANN202
    run = store.get_remits(request.app.state.db, run_id)
    if run is None:
        raise ApiError(404, "not_found", f"denials run {run_id} does not exist", field="run_id")
    return run


@router.get("/denials/runs/{run_id}", tags=["denials"], summary="A stored denials run")
def denials_run(run_id: int, request: Request,
                who: Annotated[Principal, Depends(require("denials"))]) -> dict:
    return store.remit_report(_remit_run(request, run_id))


def appeal_for(request: Request, who: Principal, run_id: int, row_id: int) -> tuple[Any, dict, str]:
    run = _remit_run(request, run_id)
    claim = next((c for c in run.claims if c.id == row_id), None)
    if claim is None:
        raise ApiError(404, "not_found", f"claim row {row_id} is not in denials run {run_id}", field="row_id")
    as_dict = store.remit_claim_dict(claim)
    draft = engines.appeal_draft(as_dict)
    if draft is None:
        raise ApiError(404, "no_appeal",
                       f"no appeal draft for claim {claim.claim_id}: not an appealable denial",
                       field="row_id")
    store.record_appeal(request.app.state.db, who, run_id, claim)
    return run, as_dict, draft


@router.get("/denials/runs/{run_id}/claims/{row_id}/appeal", tags=["denials"],
            summary="Appeal letter draft for a denied claim")
def appeal(run_id: int, row_id: int, request: Request,
           who: Annotated[Principal, Depends(require("denials"))]) -> dict:
    _run, claim, draft = appeal_for(request, who, run_id, row_id)
    return {"run_id": run_id, "claim_id": claim["claim_id"], **draft}


# --- look up ------------------------------------------------------------------------------------

@router.get("/lookup/{code}", tags=["look up"], summary="Look up an ICD-10-CM code")
def lookup(code: str, request: Request, who: Annotated[Principal, Depends(require("lookup"))],
           date: Annotated[dt.date | None, Query(description="date of service (default today)")] = None,
           ) -> dict:
    if len(code) > 16:
        raise ApiError(422, "invalid_field", "code is longer than 16 characters", field="code")
    return engines.lookup(code, on=date)


@router.get("/search", tags=["look up"], summary="Search codes by term, as in the Alphabetic Index")
def search(request: Request, who: Annotated[Principal, Depends(require("lookup"))],
           q: Annotated[str, Query(min_length=1, max_length=200)],
           limit: Annotated[int, Query(ge=1, le=100)] = 10) -> list[dict]:
    return engines.search(q, limit=limit)


# --- admin --------------------------------------------------------------------------------------

@router.get("/audit", tags=["admin"], summary="The audit log, newest first (admin)")
def audit(request: Request, who: Annotated[Principal, Depends(require("audit"))],
          limit: Annotated[int, Query(ge=1, le=1000)] = 100, before: int | None = None) -> list[dict]:
    return [{"id": e.id, "at": e.at.isoformat(), "key_id": e.key_id, "actor": e.actor, "role": e.role,
             "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
             "input_sha256": e.input_sha256, "detail": e.detail}
            for e in store.audit_events(request.app.state.db, limit, before)]


@router.post("/keys", tags=["admin"], summary="Create an API key (admin); the key is shown once",
             status_code=201)
def new_key(body: KeyRequest, request: Request, who: Annotated[Principal, Depends(require("keys"))]) -> dict:
    key, row = create_key(request.app.state.db, body.role, body.name, by=who)
    return {"id": row.id, "role": row.role, "name": row.name, "key": key}


@router.delete("/keys/{key_id}", tags=["admin"], summary="Revoke an API key (admin)")
def delete_key(key_id: int, request: Request, who: Annotated[Principal, Depends(require("keys"))]) -> dict:
    if not revoke_key(request.app.state.db, key_id, who):
        raise ApiError(404, "not_found", f"no active key {key_id}", field="key_id")
    return {"id": key_id, "revoked": True}
