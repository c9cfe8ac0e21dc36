"""The one door from the web layer to the engines: the same calls the CLI makes.

Engines are imported lazily (start-up stays quick and a build without one engine still serves
the rest: its endpoints answer 503). Nothing here decides a code or a finding; it only converts
engine answers to the contract dictionaries and engine input errors to API errors.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cleanclaim.web.errors import ApiError, EngineUnavailable, from_input_error

# spaCy pipelines and DuckDB connections are not documented as thread-safe: one call at a time.
_coding_lock = threading.Lock()
_remits_lock = threading.Lock()


def _attr(module: str, name: str, engine: str) -> Callable[..., Any]:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise EngineUnavailable(engine) from exc


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    from cleanclaim.errors import InputError

    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        raise from_input_error(exc) from exc


def _as_dict(obj: Any) -> Any:
    return obj.as_dict() if hasattr(obj, "as_dict") else obj


def available() -> dict[str, bool]:
    """Which engines this installation has, for /health."""
    found = {}
    for engine, module, name in (("codes", "cleanclaim.codes", "get_codeset"),
                                 ("search", "cleanclaim.codes.search", "search"),
                                 ("coding", "cleanclaim.coding", "code_note"),
                                 ("scrub", "cleanclaim.scrub", "scrub_files"),
                                 ("denials", "cleanclaim.remits", "analyze_files"),
                                 ("appeals", "cleanclaim.remits.appeals", "draft_appeal")):
        try:
            _attr(module, name, engine)
            found[engine] = True
        except EngineUnavailable:
            found[engine] = False
    return found


def lookup(code: str, on: date | None = None) -> dict[str, Any]:
    get_codeset = _attr("cleanclaim.codes", "get_codeset", "code-set")
    return _as_dict(_call(get_codeset().lookup, code, on=on))


def search(text: str, limit: int = 10) -> list[dict[str, Any]]:
    fn = _attr("cleanclaim.codes.search", "search", "search")
    return [_as_dict(hit) for hit in _call(fn, text, limit=limit)]


def code_note(text: str, *, setting: str = "outpatient", on: date | None = None, age: int | None = None,
              sex: str | None = None, note_id: str | None = None) -> dict[str, Any]:
    fn = _attr("cleanclaim.coding", "code_note", "coding")
    with _coding_lock:
        result = _call(fn, text, setting=setting, on=on, age=age, sex=sex, note_id=note_id)
    return _as_dict(result)


_scrub_config: Any = None


def scrub_config() -> Any:
    """The scrub settings (cleanclaim.toml / [tool.cleanclaim] found from the server's working
    folder, as the CLI finds them), read once: a server reads its configuration at start."""
    global _scrub_config
    if _scrub_config is None:
        _scrub_config = _call(_attr("cleanclaim.scrub", "load_config", "scrub"))
    return _scrub_config


def scrub(paths: Sequence[Path], on: date | None = None) -> dict[str, Any]:
    fn = _attr("cleanclaim.scrub", "scrub_files", "scrub")
    report = _as_dict(_call(fn, [str(p) for p in paths], on=on, config=scrub_config()))
    _reject_unreadable(report)
    return report


def analyze_remits(paths: Sequence[Path]) -> dict[str, Any]:
    fn = _attr("cleanclaim.remits", "analyze_files", "denials")
    with _remits_lock:
        report = _as_dict(_call(fn, [str(p) for p in paths]))
    _reject_unreadable(report)
    return report


def appeal_draft(claim: dict[str, Any]) -> dict[str, Any] | None:
    """The remits engine's appeal letter for one stored denied claim; None when there is no denial.

    The claim dict is the `denials --json` claim object; it is mapped field for field onto the
    engine's AppealCase (patient name and member id are not stored, so the letter keeps their
    placeholders)."""
    draft_appeal = _attr("cleanclaim.remits.appeals", "draft_appeal", "appeals")
    case_type = _attr("cleanclaim.remits.appeals", "AppealCase", "appeals")
    not_denial = getattr(importlib.import_module("cleanclaim.remits.reference"), "NOT_DENIAL", ())
    cause = claim.get("cause") or {}
    category = claim.get("category") or cause.get("category")
    if not category or category in not_denial or float(claim.get("denied_amount") or 0) <= 0:
        return None
    case = case_type(
        claim_id=claim["claim_id"], payer=claim.get("payer") or "[payer]", category=category,
        group=cause.get("group") or "", carc=cause.get("carc") or "", rarc=cause.get("rarc"),
        payer_claim_control=claim.get("payer_claim_control"), service_date=claim.get("service_date"),
        billed=float(claim.get("billed") or 0), denied_amount=float(claim.get("denied_amount") or 0),
        provider=claim.get("payee"), procedures=list(claim.get("procedures") or []),
        diagnoses=list(claim.get("diagnoses") or []), source=claim.get("file") or "")
    draft = _as_dict(_call(draft_appeal, case))
    return {"text": draft.get("letter") or draft.get("text"), "category": draft.get("category"),
            "policies": draft.get("policies", []), "placeholders": draft.get("placeholders"),
            "notes": draft.get("notes", [])}


def comparison_table(code: str) -> list[dict[str, Any]]:
    """The domain guide's 'when to use it / what instead' table when `code` is in it, else []."""
    try:
        fn = _attr("cleanclaim.codes.comparison", "comparison_for", "comparison")
    except EngineUnavailable:
        return []
    return [_as_dict(r) for r in (_call(fn, code) or [])]


def warm() -> None:
    """Load code-set caches and pipelines before the first request, so it is not slow."""
    for fn in (lambda: lookup("M54.2"), lambda: search("neck pain", 1), scrub_config, _warm_scrub):
        with contextlib.suppress(ApiError):
            fn()


def _warm_scrub() -> None:
    """Scrub one tiny claim so rule tables load now, not on the first user's request."""
    try:
        from cleanclaim.claims.model import Claim, Diagnosis, ServiceLine
        from cleanclaim.scrub import scrub_claims
    except ImportError:
        return
    claim = Claim(claim_id="WARMUP", diagnoses=[Diagnosis(code="M542", raw="M54.2")],
                  lines=[ServiceLine(number=1, procedure="99213", pointers=[1])])
    scrub_claims([claim], config=scrub_config())


_SEGMENT = re.compile(r"segment (\d+)(?: \((\w+)\))?")


def _file_error(name: str | None, message: str, **where: Any) -> ApiError:
    """422 for one unreadable file; segment number and id taken from the engine's fields or
    from its standard `file: segment N (ID): detail` message (cleanclaim.errors.InputError)."""
    text = message if name and message.startswith(f"{name}:") else f"{name}: {message}"
    found = _SEGMENT.search(message)
    if found and where.get("segment_number") is None:
        where["segment_number"] = int(found.group(1))
        where["segment_id"] = where.get("segment_id") or found.group(2)
    return ApiError(422, "invalid_input", text, file=name, **where)


def _reject_unreadable(report: dict[str, Any]) -> None:
    """An upload is all or nothing: a file the engine could not read, a claim in it that could
    not be read, or a file without any claim fails the whole request (422): nothing is stored
    half-way, and the message says where to look."""
    for f in report.get("files", []):
        name = f.get("file")
        if f.get("error"):
            raise _file_error(name, str(f["error"]), segment_number=f.get("segment_number"),
                              segment_id=f.get("segment_id"))
        broken = [p for p in f.get("findings") or [] if isinstance(p, dict) and p.get("kind") == "structure"]
        if broken:   # a truncated or miscounted envelope: the file did not arrive whole
            first = broken[0]
            raise _file_error(name, str(first.get("message")), segment_number=first.get("segment_number"),
                              segment_id=first.get("segment_id"))
        if not f.get("claims"):
            problems = [p for p in (f.get("findings") or []) + (f.get("errors") or []) if isinstance(p, dict)]
            first = problems[0] if problems else {}
            why = f": {first['message']}" if first.get("message") else ""
            raise ApiError(422, "no_claims", f"{name}: no claim could be read{why}", file=name,
                           segment_number=first.get("segment_number"), segment_id=first.get("segment_id"))
    unreadable = [u for u in report.get("unreadable", []) if isinstance(u, dict)]
    if unreadable:
        first = unreadable[0]
        which = f"claim {first['claim_id']}" if first.get("claim_id") else "a claim"
        more = f" (and {len(unreadable) - 1} more)" if len(unreadable) > 1 else ""
        raise ApiError(422, "unreadable_claim", f"{first.get('file')}: {which} could not be read{more}: "
                       f"{first.get('message')}", file=first.get("file"),
                       segment_number=first.get("segment_number"), segment_id=first.get("segment_id"),
                       details=[{k: u.get(k) for k in ("file", "claim_id", "message", "segment_number",
                                                       "segment_id")} for u in unreadable[:20]])
