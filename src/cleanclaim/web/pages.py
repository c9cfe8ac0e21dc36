"""The browser workbench: server-rendered pages over the same calls as the API.

Sign-in stores the API key in an HttpOnly, SameSite=Strict cookie; every page checks it like the
API checks a bearer key. Forms post back here and redirect to the stored run (post/redirect/get),
so a reload never repeats work and every page has a shareable address."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from cleanclaim.web import engines, present, store
from cleanclaim.web.api import (
    CodeRequest,
    DecisionRequest,
    appeal_for,
    code_and_store,
    decide,
    denials_and_store,
    findings_csv,
    scrub_and_store,
)
from cleanclaim.web.errors import ApiError
from cleanclaim.web.keys import Principal
from cleanclaim.web.models import CodingRun, RemitRun, ScrubRun
from cleanclaim.web.security import COOKIE, principal_from
from cleanclaim.web.uploads import read_uploads

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["money"] = present.money
templates.env.filters["pct"] = present.pct
templates.env.globals["severity_rank"] = present.SEVERITY_RANK

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    pass


def user(request: Request, permission: str | None = None) -> Principal:
    who = principal_from(request, allow_cookie=True)
    if who is None:
        raise LoginRequired()
    request.state.key_id = who.key_id
    if permission and not who.may(permission):
        raise ApiError(403, "forbidden", f"your role ({who.role}) may not use this page")
    if request.method == "POST":
        _same_origin(request)
    return who


def _same_origin(request: Request) -> None:
    """Cookie-authenticated form posts must come from our own pages."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlparse(origin).netloc != request.headers.get("host"):
        raise ApiError(403, "forbidden", "cross-site form post refused")


def render(request: Request, name: str, who: Principal | None, status_code: int = 200,
           **context: Any) -> Response:
    return templates.TemplateResponse(request, name, {"who": who, **context}, status_code=status_code)


def error_page(request: Request, exc: ApiError) -> Response:
    if exc.status == 401:
        return _to_login(request)
    who = principal_from(request, allow_cookie=True)
    return render(request, "error.html", who, status_code=exc.status, error=exc)


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path if request.method == "GET" else "/"
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def install(app) -> None:  # noqa: ANN001
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):  # noqa: ANN202
        return _to_login(request)


# --- sign in -------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", None, next=_local(next))


@router.post("/login")
def login(request: Request, key: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    _same_origin(request)
    who = request.app.state.keys.resolve(key.strip()) if key.strip() else None
    if who is None:
        return render(request, "login.html", None, status_code=401, next=_local(next),
                      error="That key is unknown or revoked.")
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(COOKIE, key.strip(), httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies, max_age=12 * 3600)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _local(target: str) -> str:
    """Only redirect within this site."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/")
def home(request: Request) -> Response:
    who = user(request)
    return RedirectResponse("/denials" if who.role == "biller" else "/code", status_code=303)


# --- code a note ---------------------------------------------------------------------------------

@router.get("/code", response_class=HTMLResponse)
def code_page(request: Request) -> Response:
    who = user(request, "code")
    return render(request, "code.html", who, runs=store.recent(request.app.state.db, CodingRun, 10),
                  form={"setting": "outpatient"})


@router.post("/code")
def code_submit(request: Request, text: Annotated[str, Form()] = "",
                setting: Annotated[str, Form()] = "outpatient",
                on: Annotated[str, Form()] = "", age: Annotated[str, Form()] = "",
                sex: Annotated[str, Form()] = "") -> Response:
    who = user(request, "code")
    form = {"text": text, "setting": setting, "on": on, "age": age, "sex": sex}
    try:
        body = CodeRequest(text=text, setting=setting, date=on or None, age=age or None, sex=sex or None)
    except ValidationError as exc:
        return render(request, "code.html", who, status_code=422, form=form,
                      runs=store.recent(request.app.state.db, CodingRun, 10), errors=present.form_errors(exc))
    result = code_and_store(request, who, body)
    return RedirectResponse(f"/code/runs/{result['run_id']}", status_code=303)


@router.get("/code/runs/{run_id}", response_class=HTMLResponse)
def code_run_page(run_id: int, request: Request) -> Response:
    who = user(request, "code")
    run = store.get_coding(request.app.state.db, run_id)
    if run is None:
        raise ApiError(404, "not_found", f"coding run {run_id} does not exist")
    return render(request, "code_run.html", who, run=run, result=run.result,
                  segments=present.highlight(run.note_text, run.result.get("codes", [])),
                  decisions=store.decisions_by_code(run),
                  checklist=present.checklist(run.result.get("documentation", {})))


@router.post("/code/runs/{run_id}/decision")
def code_decision_submit(run_id: int, request: Request, code: Annotated[str, Form()],
                         decision: Annotated[str, Form()], replacement: Annotated[str, Form()] = "",
                         reason: Annotated[str, Form()] = "") -> Response:
    who = user(request, "code")
    try:
        body = DecisionRequest(code=code, decision=decision, replacement=replacement or None,
                               reason=reason or None)
        decide(request, who, run_id, body)
    except (ValidationError, ApiError) as exc:
        message = exc.message if isinstance(exc, ApiError) else present.form_errors(exc)[0]
        target = f"/code/runs/{run_id}?error={quote(message)}&code={quote(code)}#c-{quote(code)}"
        return RedirectResponse(target, status_code=303)
    return RedirectResponse(f"/code/runs/{run_id}?saved={quote(code)}#c-{quote(code)}", status_code=303)


# --- scrub ---------------------------------------------------------------------------------------

@router.get("/scrub", response_class=HTMLResponse)
def scrub_page(request: Request) -> Response:
    who = user(request, "scrub")
    return render(request, "scrub.html", who, runs=store.recent(request.app.state.db, ScrubRun, 15))


@router.post("/scrub")
async def scrub_submit(request: Request) -> Response:
    who = user(request, "scrub")
    try:
        uploads = await read_uploads(request, request.app.state.settings.max_files)
        result = await run_in_threadpool(scrub_and_store, request, who, uploads)
    except ApiError as exc:
        return render(request, "scrub.html", who, status_code=exc.status, error=exc,
                      runs=store.recent(request.app.state.db, ScrubRun, 15))
    return RedirectResponse(f"/scrub/runs/{result['run_id']}", status_code=303)


@router.get("/scrub/runs/{run_id}", response_class=HTMLResponse)
def scrub_run_page(run_id: int, request: Request) -> Response:
    who = user(request, "scrub")
    run = _scrub(request, run_id)
    rows = present.finding_rows(run)
    return render(request, "scrub_run.html", who, run=run, rows=rows,
                  categories=sorted({r["finding"].category for r in rows}))


@router.get("/scrub/runs/{run_id}/claims/{row_id}", response_class=HTMLResponse)
def scrub_claim_page(run_id: int, row_id: int, request: Request) -> Response:
    who = user(request, "scrub")
    run = _scrub(request, run_id)
    claim = next((c for c in run.claims if c.id == row_id), None)
    if claim is None:
        raise ApiError(404, "not_found", f"claim {row_id} is not in scrub run {run_id}")
    findings = sorted(claim.findings, key=lambda f: present.SEVERITY_RANK.get(f.severity, 9))
    return render(request, "scrub_claim.html", who, run=run, claim=claim, findings=findings)


@router.get("/scrub/runs/{run_id}/findings.csv")
def scrub_csv_page(run_id: int, request: Request) -> Response:
    user(request, "scrub")
    run = _scrub(request, run_id)
    return Response(findings_csv(run), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="scrub-{run_id}-findings.csv"'})


def _scrub(request: Request, run_id: int) -> ScrubRun:
    run = store.get_scrub(request.app.state.db, run_id)
    if run is None:
        raise ApiError(404, "not_found", f"scrub run {run_id} does not exist")
    return run


# --- denials -------------------------------------------------------------------------------------

@router.get("/denials", response_class=HTMLResponse)
def denials_page(request: Request) -> Response:
    who = user(request, "denials")
    return render(request, "denials.html", who, runs=store.recent(request.app.state.db, RemitRun, 15))


@router.post("/denials")
async def denials_submit(request: Request) -> Response:
    who = user(request, "denials")
    try:
        uploads = await read_uploads(request, request.app.state.settings.max_files)
        result = await run_in_threadpool(denials_and_store, request, who, uploads)
    except ApiError as exc:
        return render(request, "denials.html", who, status_code=exc.status, error=exc,
                      runs=store.recent(request.app.state.db, RemitRun, 15))
    return RedirectResponse(f"/denials/runs/{result['run_id']}", status_code=303)


@router.get("/denials/runs/{run_id}", response_class=HTMLResponse)
def denials_run_page(run_id: int, request: Request) -> Response:
    who = user(request, "denials")
    run = store.get_remits(request.app.state.db, run_id)
    if run is None:
        raise ApiError(404, "not_found", f"denials run {run_id} does not exist")
    dash = present.dashboard(run)
    return render(request, "denials_run.html", who, run=run, dash=dash)


@router.get("/denials/runs/{run_id}/claims/{row_id}/appeal", response_class=HTMLResponse)
def appeal_page(run_id: int, row_id: int, request: Request) -> Response:
    who = user(request, "denials")
    run, claim, draft = appeal_for(request, who, run_id, row_id)
    return render(request, "appeal.html", who, run=run, claim=claim, text=draft["text"], draft=draft)


# --- look up -------------------------------------------------------------------------------------

@router.get("/lookup", response_class=HTMLResponse)
def lookup_page(request: Request, q: str = "") -> Response:
    who = user(request, "lookup")
    q = q.strip()[:200]
    hits: list[dict] = []
    direct = None
    if q:
        hits = engines.search(q, limit=20)
        direct = present.code_shaped(q) and engines.lookup(q)
        if direct and not direct.get("code") and not direct.get("valid"):
            direct = None
    return render(request, "lookup.html", who, q=q, hits=hits, direct=direct)


@router.get("/lookup/{code}", response_class=HTMLResponse)
def lookup_detail_page(code: str, request: Request, on: str = "") -> Response:
    who = user(request, "lookup")
    when = None
    if on:
        try:
            when = date.fromisoformat(on)
        except ValueError:
            raise ApiError(422, "invalid_field", "date must be YYYY-MM-DD", field="on") from None
    info = engines.lookup(code[:16], on=when)
    table = engines.comparison_table(info.get("code") or code)
    return render(request, "lookup_detail.html", who, info=info, table=table, on=on)


# --- audit ---------------------------------------------------------------------------------------

@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, before: int | None = None) -> Response:
    who = user(request, "audit")
    events = store.audit_events(request.app.state.db, 100, before)
    return render(request, "audit.html", who, events=events)
