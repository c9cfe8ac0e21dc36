"""The FastAPI application: API under /v1, the workbench pages, /health and OpenAPI at /docs."""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

import cleanclaim
from cleanclaim.web import engines
from cleanclaim.web.db import Database
from cleanclaim.web.errors import ApiError
from cleanclaim.web.keys import KeyCache
from cleanclaim.web.middleware import LimitAndLog
from cleanclaim.web.settings import Settings

HERE = Path(__file__).resolve().parent
log = logging.getLogger("cleanclaim.web")


def create_app(settings: Settings | None = None, *, warm: bool = True) -> FastAPI:
    settings = settings or Settings.from_env()
    db = Database(settings.db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        db.migrate()
        db.start_checkpointer()
        if warm:
            engines.warm()
            # Long-lived code-set and rule tables are never garbage: keep them out of every
            # collection, and collect young objects less often (fewer pauses under load).
            gc.collect()
            gc.freeze()
            gc.set_threshold(20_000, 20, 20)
        log.info("ready database=%s", db.dialect)
        yield
        db.dispose()

    app = _app_class()(title="cleanclaim", version=cleanclaim.__version__, lifespan=lifespan,
                  description="Code notes to ICD-10-CM, scrub professional claims, analyse 835 denials. "
                              "Every endpoint except /health needs `Authorization: Bearer <key>` "
                              "(`cleanclaim keys create --role coder`).")
    app.state.settings = settings
    app.state.db = db
    app.state.keys = KeyCache(db)

    from cleanclaim.web.api import router as api_router
    from cleanclaim.web.pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    from cleanclaim.web.pages import install as install_pages

    install_pages(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/health", tags=["health"], summary="Liveness and database check (no key needed)")
    def health() -> dict[str, Any]:
        try:
            with db.read() as s:
                s.execute(text("SELECT 1"))
            db_ok = True
        except Exception:  # noqa: BLE001 - report, don't crash
            db_ok = False
        return {"status": "ok" if db_ok else "degraded", "version": cleanclaim.__version__,
                "database": {"dialect": db.dialect, "ok": db_ok}, "engines": engines.available()}

    _install_error_handlers(app)
    app.add_middleware(LimitAndLog, max_bytes=settings.max_upload_bytes)
    return app


def _app_class():  # noqa: ANN202
    """FastAPI whose /docs serves Swagger UI from the package, not a CDN (cleanclaim runs offline)."""
    try:
        from fastapi_offline import FastAPIOffline
    except ImportError:
        return FastAPI
    return FastAPIOffline


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/v1", "/health", "/docs", "/openapi")) and \
        "text/html" in request.headers.get("accept", "")


def _install_error_handlers(app: FastAPI) -> None:
    from cleanclaim.web.pages import error_page

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):  # noqa: ANN202
        if _wants_html(request):
            return error_page(request, exc)
        headers = {"www-authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):  # noqa: ANN202
        details = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            # never echo the offending input back (it may be note text)
            details.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid"),
                            "type": err.get("type")})
        first = details[0] if details else {"field": "body", "message": "invalid request"}
        err = ApiError(422, "invalid_request", f"{first['field']}: {first['message']}", field=first["field"],
                       details=details)
        if _wants_html(request):
            return error_page(request, err)
        return JSONResponse(err.body(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # noqa: ANN202
        codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "payload_too_large"}
        err = ApiError(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))
        if _wants_html(request):
            return error_page(request, err)
        return JSONResponse(err.body(), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):  # noqa: ANN202
        rid = request.scope.get("state", {}).get("request_id", "-")
        # type only: an exception message may quote input (note text, member ids)
        log.error("unhandled id=%s error=%s", rid, type(exc).__name__)
        log.debug("traceback id=%s", rid, exc_info=exc)
        err = ApiError(500, "internal_error", f"internal error (request id {rid})")
        return JSONResponse(err.body(), status_code=500)


def app_from_env() -> FastAPI:
    """Factory for uvicorn (`cleanclaim serve`): settings from CLEANCLAIM_DB and friends."""
    return create_app(Settings.from_env())
