"""Database engine, sessions and migrations.

SQLite (the default) runs in WAL mode with a busy timeout and takes the write lock at BEGIN
(`BEGIN IMMEDIATE`) so concurrent writers queue instead of failing: no record is ever lost.
PostgreSQL needs nothing special. The schema comes only from the Alembic migrations.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

try:
    import fcntl
except ImportError:  # Windows: worker processes fall back to SQLite's own busy handler
    fcntl = None  # type: ignore[assignment]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=8, max_overflow=8)
        _sqlite_tuning(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_tuning(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API objects
        dbapi_conn.isolation_level = None   # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints run in the background (Database.start_checkpointer), not inside a user's commit.
        cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        # Readers start deferred (they never block); writers take the lock up front so a
        # read-then-write transaction can never fail with SQLITE_BUSY half-way.
        mode = "DEFERRED" if conn.get_execution_options().get("cc_readonly") else "IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN {mode}")


class SqliteWriteLock:
    """Thread lock + `flock` on `<db>.writelock`: one writer across threads and processes."""

    def __init__(self, database: str | None) -> None:
        self._thread = threading.Lock()
        self._path = f"{database}.writelock" if database and database != ":memory:" else None
        self._fd: int | None = None

    def __enter__(self) -> None:
        self._thread.acquire()
        if self._path and fcntl is not None:
            try:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread.release()
                raise

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread.release()


class Database:
    """One engine plus a writer and a reader session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(self.engine.execution_options(cc_readonly=True),
                                    expire_on_commit=False)
        # SQLite has one writer at a time. Writers queue on a lock that wakes them at once (a
        # thread lock, plus a file lock shared by worker processes) rather than in SQLite's busy
        # handler, which sleeps up to 100 ms between retries.
        self._checkpointer: tuple[threading.Event, threading.Thread] | None = None
        self._write_lock = (SqliteWriteLock(self.engine.url.database) if self.dialect == "sqlite"
                            else nullcontext())

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits everything or nothing."""
        with self._write_lock, self._writer() as session, session.begin():
            yield session

    @contextmanager
    def write_core(self) -> Iterator[Connection]:
        """A Core connection in one transaction: less overhead than the ORM for bulk inserts."""
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    def migrate(self) -> None:
        upgrade(self.engine)

    def start_checkpointer(self, every: float = 1.0) -> None:
        """SQLite: copy the WAL into the database once a second (PASSIVE: never blocks a writer),
        so no request pays for a checkpoint. Other databases: nothing to do."""
        if self.dialect != "sqlite" or not self.engine.url.database or self._checkpointer:
            return
        stop = threading.Event()

        def run() -> None:
            import sqlite3

            conn = sqlite3.connect(self.engine.url.database, timeout=30, check_same_thread=False)
            try:
                while not stop.wait(every):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            finally:
                conn.close()

        thread = threading.Thread(target=run, name="sqlite-checkpoint", daemon=True)
        thread.start()
        self._checkpointer = (stop, thread)

    def dispose(self) -> None:
        if self._checkpointer:
            stop, thread = self._checkpointer
            stop.set()
            thread.join(timeout=5)
            self._checkpointer = None
        self.engine.dispose()


def alembic_config(engine: Engine | None = None):  # noqa: ANN201 - alembic type imported lazily
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                            .replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; creates the SQLite file on first run."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if conn.in_transaction():
            conn.commit()
