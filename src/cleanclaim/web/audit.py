"""The append-only audit trail: who, when, what, and the SHA-256 of the input.

Detail holds ids and counts only, never note text, member ids or names."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from cleanclaim.web.keys import Principal
from cleanclaim.web.models import AuditEvent


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def audit_row(who: Principal | None, action: str, *, object_type: str | None = None,
              object_id: str | None = None, input_sha256: str | None = None,
              detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"key_id": who.key_id if who else None, "actor": who.name if who else "cli",
            "role": who.role if who else "admin", "action": action, "object_type": object_type,
            "object_id": object_id, "input_sha256": input_sha256, "detail": detail or {}}


def record_core(conn: Connection, who: Principal | None, action: str, **fields: Any) -> None:
    """`record` for Core connections (the bulk-insert hot paths)."""
    conn.execute(insert(AuditEvent), [audit_row(who, action, **fields)])


def record(session: Session, who: Principal | None, action: str, *, object_type: str | None = None,
           object_id: str | None = None, input_sha256: str | None = None,
           detail: dict[str, Any] | None = None) -> AuditEvent:
    """Add an audit event to the caller's transaction: it commits with the work it describes."""
    event = AuditEvent(**audit_row(who, action, object_type=object_type, object_id=object_id,
                                   input_sha256=input_sha256, detail=detail))
    session.add(event)
    return event
