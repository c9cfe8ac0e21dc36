"""`cleanclaim serve` (REST API + browser workbench) and `cleanclaim keys` (API keys).

Top-level imports stay typer + stdlib; the web stack loads inside the commands."""

from __future__ import annotations

import os
import sys

import typer

from cleanclaim.cli import app

keys_app = typer.Typer(help="Create, list and revoke API keys (stored hashed).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

DB_HELP = ("Database URL or SQLite file path "
           "(default: $CLEANCLAIM_DB, else ~/.local/share/cleanclaim/cleanclaim.db)")


def _open_db(db: str | None):  # noqa: ANN202
    from cleanclaim.errors import InputError

    try:
        from cleanclaim.web.db import Database
        from cleanclaim.web.settings import Settings
    except ModuleNotFoundError as exc:
        raise InputError(f"the web extra is not installed ({exc.name}): "
                         "pip install 'cleanclaim[serve]'") from None
    settings = Settings.from_env(db)
    database = Database(settings.db_url)
    try:
        database.migrate()
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(f"cannot open database {database.engine.url.render_as_string()}: {reason}") from None
    return settings, database


def _log_config() -> dict:
    fmt = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {"version": 1, "disable_existing_loggers": False, "formatters": {"plain": fmt},
            "handlers": {"stderr": handler},
            "loggers": {"uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
                        "uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
                        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
                        "cleanclaim.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False}}}


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on"),
    port: int = typer.Option(8000, "--port", help="TCP port"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    workers: int = typer.Option(1, "--workers", min=1, max=32, help="Worker processes"),
) -> None:
    """Start the REST API and the browser workbench (OpenAPI at /docs)."""
    import uvicorn

    from cleanclaim.web.keys import count_keys, create_key

    settings, database = _open_db(db)
    os.environ["CLEANCLAIM_DB"] = settings.db_url   # worker processes read it
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    if count_keys(database) == 0:
        key, _row = create_key(database, "admin", "first admin")
        print("cleanclaim: no API keys yet; created an admin key. It is shown once: keep it safe.\n"
              f"  key:      {key}\n  sign in:  {base}/login#key={key}", file=sys.stderr)
    database.dispose()
    print(f"cleanclaim: workbench {base}/  API docs {base}/docs  database {database.dialect}",
          file=sys.stderr)
    uvicorn.run("cleanclaim.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_config=_log_config(), server_header=False)


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., "--role", help="coder, biller or admin"),
    name: str | None = typer.Option(None, "--name", help="Who or what will use the key"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Create an API key and print it (only its hash is stored)."""
    from cleanclaim.errors import InputError
    from cleanclaim.web.keys import create_key
    from cleanclaim.web.models import ROLES

    if role not in ROLES:
        raise InputError(f"--role must be one of {', '.join(ROLES)} (got '{role}')")
    _settings, database = _open_db(db)
    key, row = create_key(database, role, name)
    print(f"created {row.role} key #{row.id} ({row.name}); it is shown once:", file=sys.stderr)
    print(key)


@keys_app.command("list")
def keys_list(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List keys: id, role, name, prefix, created, revoked."""
    from sqlalchemy import select

    from cleanclaim.web.models import ApiKey

    _settings, database = _open_db(db)
    with database.read() as s:
        for k in s.scalars(select(ApiKey).order_by(ApiKey.id)):
            revoked = k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "-"
            print(f"{k.id}\t{k.role}\t{k.name}\t{k.prefix}…\t{k.created_at.isoformat(timespec='seconds')}\t{revoked}")


@keys_app.command("revoke")
def keys_revoke(key_id: int = typer.Argument(..., help="Key id from `keys list`"),
                db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Revoke a key: it stops working at once."""
    from cleanclaim.errors import InputError
    from cleanclaim.web.keys import revoke_key

    _settings, database = _open_db(db)
    if not revoke_key(database, key_id):
        raise InputError(f"no active key #{key_id}")
    print(f"revoked key #{key_id}", file=sys.stderr)
