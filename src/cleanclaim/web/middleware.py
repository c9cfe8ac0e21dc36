"""ASGI middleware: request size limit and PHI-free request logging.

Logs carry a request id, method, route template, status, duration and key id: never query
strings, bodies, note text or member ids."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

log = logging.getLogger("cleanclaim.web")


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),             # the workbench is never framed (clickjacking)
    (b"referrer-policy", b"no-referrer"),      # run ids in URLs stay on this site
]


class BodyTooLarge(Exception):
    pass


class LimitAndLog:
    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:12]
        scope.setdefault("state", {})["request_id"] = request_id
        status = {"code": 500, "sent": False}
        limit = self.max_bytes

        declared = _content_length(scope)
        html = _wants_html(scope)
        if declared is not None and declared > limit:
            await _too_large(send, limit, html)
            _log(scope, 413, started, request_id)
            return

        seen = 0

        async def counting_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS,
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not status["sent"]:
                await _too_large(send, limit, html)
            status["code"] = 413
        finally:
            _log(scope, status["code"], started, request_id)


def _wants_html(scope: dict) -> bool:
    if scope["path"].startswith("/v1"):
        return False
    return any(name == b"accept" and b"text/html" in value for name, value in scope.get("headers", []))


def _content_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Any, limit: int, html: bool = False) -> None:
    message = f"request body exceeds the {limit / (1024 * 1024):g} MB limit"
    if html:   # a browser form post: a readable page, not JSON
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too large</title>'
                f'<link rel="stylesheet" href="/static/app.css"></head><body><main id="main">'
                f'<section class="card narrow"><h1>413 — upload too large</h1><p class="alert" role="alert">'
                f'The {message}. Upload fewer or smaller files.</p><p><a href="javascript:history.back()">'
                f'Go back</a></p></section></main></body></html>').encode()
        ctype = b"text/html; charset=utf-8"
    else:
        body = json.dumps({"error": {"status": 413, "code": "payload_too_large", "message": message,
                                     "limit_bytes": limit}}).encode()
        ctype = b"application/json"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", ctype),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _log(scope: dict, status: int, started: float, request_id: str) -> None:
    route = scope.get("route")
    path = getattr(route, "path", None) or ("static" if scope["path"].startswith("/static") else "?")
    who = scope.get("state", {}).get("key_id")
    log.info("request id=%s %s %s status=%s ms=%.1f key=%s", request_id, scope.get("method"), path,
             status, (time.perf_counter() - started) * 1000, who if who is not None else "-")
