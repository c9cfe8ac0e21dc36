"""Who is calling: `Authorization: Bearer <key>` for the API, a cookie holding the key for the
workbench (HttpOnly, SameSite=Strict, so other sites cannot ride on it)."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cleanclaim.web.errors import ApiError
from cleanclaim.web.keys import Principal

COOKIE = "cc_key"
# Declares the scheme in OpenAPI (the Authorize button in /docs); checking stays in `require`.
BEARER = HTTPBearer(auto_error=False, description="an API key from `cleanclaim keys create`")


def bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def principal_from(request: Request, *, allow_cookie: bool) -> Principal | None:
    key = bearer_key(request)
    if key is None and allow_cookie:
        key = request.cookies.get(COOKIE)
    if not key:
        return None
    return request.app.state.keys.resolve(key)


def require(permission: str):  # noqa: ANN201 - FastAPI dependency factory
    """Dependency: a valid API key whose role grants `permission`, else 401 / 403."""

    # async: runs on the event loop, no thread hop; a cache miss is one indexed SELECT.
    async def dependency(request: Request,
                         _in_openapi: HTTPAuthorizationCredentials | None = Depends(BEARER)) -> Principal:
        if bearer_key(request) is None:
            raise ApiError(401, "unauthorized", "missing API key: send 'Authorization: Bearer <key>'")
        who = principal_from(request, allow_cookie=False)
        if who is None:
            raise ApiError(401, "unauthorized", "unknown or revoked API key")
        if not who.may(permission):
            raise ApiError(403, "forbidden", f"role '{who.role}' may not use '{permission}'")
        request.state.principal = who
        request.state.key_id = who.key_id
        return who

    dependency.__name__ = f"require_{permission}"
    return dependency
