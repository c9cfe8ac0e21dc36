"""API keys: random, shown once, stored as SHA-256 (keys are 256-bit random, so a fast hash is
enough; there is nothing to brute-force). Sent as `Authorization: Bearer <key>`."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select

from cleanclaim.web.db import Database
from cleanclaim.web.models import ROLES, ApiKey, utcnow

KEY_PREFIX = "cc_"

# What each role may do. Admin may do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "coder": frozenset({"code", "lookup", "scrub"}),
    "biller": frozenset({"scrub", "denials", "lookup"}),
    "admin": frozenset({"code", "lookup", "scrub", "denials", "audit", "keys"}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a key, as the request handlers see it."""

    key_id: int
    name: str
    role: str

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(db: Database, role: str, name: str | None = None,
               by: Principal | None = None) -> tuple[str, ApiKey]:
    """Make a key; return (the key, its row). The key itself is never stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name or f"{role} key", role=role, prefix=key[:10], key_hash=hash_key(key))
    with db.write() as s:
        s.add(row)
        s.flush()
        from cleanclaim.web.audit import record
        record(s, by, "key.create", object_type="api_key", object_id=str(row.id),
               detail={"role": role})
    return key, row


def revoke_key(db: Database, key_id: int, by: Principal | None = None) -> bool:
    with db.write() as s:
        row = s.get(ApiKey, key_id)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        from cleanclaim.web.audit import record
        record(s, by, "key.revoke", object_type="api_key", object_id=str(key_id))
    KeyCache.clear_all()
    return True


def count_keys(db: Database) -> int:
    with db.read() as s:
        return len(s.scalars(select(ApiKey.id).where(ApiKey.revoked_at.is_(None))).all())


class KeyCache:
    """Recently verified keys, so the hot path does not hit the database on every request.

    Entries live a few seconds: a revoked key stops working within that time on every worker
    (and at once on the worker that revoked it)."""

    TTL = 5.0
    _instances: list[KeyCache] = []

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Principal | None]] = {}
        KeyCache._instances.append(self)

    def resolve(self, key: str) -> Principal | None:
        digest = hash_key(key)
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(digest)
        if hit and now - hit[0] < self.TTL:
            return hit[1]
        with self.db.read() as s:
            row = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
        principal = (Principal(row.id, row.name, row.role)
                     if row is not None and row.revoked_at is None else None)
        with self._lock:
            if len(self._entries) > 10_000:     # bound memory against key-guessing floods
                self._entries.clear()
            self._entries[digest] = (now, principal)
        return principal

    @classmethod
    def clear_all(cls) -> None:
        for cache in cls._instances:
            with cache._lock:
                cache._entries.clear()
