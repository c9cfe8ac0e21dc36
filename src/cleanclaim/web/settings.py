"""Server settings: where the database lives and how much a request may carry."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_FILE = Path.home() / ".local" / "share" / "cleanclaim" / "cleanclaim.db"


def default_db_url() -> str:
    """CLEANCLAIM_DB if set, else a SQLite file in the user's data folder (created on first run)."""
    env = os.environ.get("CLEANCLAIM_DB")
    if env:
        return normalize_db_url(env)
    return f"sqlite:///{DEFAULT_DB_FILE}"


def normalize_db_url(value: str) -> str:
    """Accept a bare file path for SQLite and plain postgresql:// URLs (use psycopg 3)."""
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


@dataclass(slots=True)
class Settings:
    db_url: str
    max_upload_bytes: int = 20 * 1024 * 1024   # one request body: X12 batches can be large
    max_note_chars: int = 100_000              # a long H&P is ~20 k characters
    max_files: int = 20                        # files in one multipart upload
    secure_cookies: bool = False               # set behind TLS

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        mb = os.environ.get("CLEANCLAIM_MAX_UPLOAD_MB")
        s = cls(db_url=normalize_db_url(db_url) if db_url else default_db_url())
        if mb:
            s.max_upload_bytes = int(float(mb) * 1024 * 1024)
        s.secure_cookies = os.environ.get("CLEANCLAIM_SECURE_COOKIES", "") in ("1", "true", "yes")
        return s
