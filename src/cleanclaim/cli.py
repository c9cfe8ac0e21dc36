"""Command-line entry point.

Start-up must stay light (`cleanclaim lookup` answers in under 0.3 s): this module and the
command modules import only typer and the standard library at the top; engines, rich tables
and heavy packages are imported inside the command bodies.
"""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="cleanclaim",
    help="Offline ICD-10-CM code validation, claim scrubbing and denial analysis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Offline ICD-10-CM code validation, claim scrubbing and denial analysis."""
    # An explicit callback keeps `cleanclaim CMD` a group even when only CMD's module is imported.


# Which module defines each top-level command: `cleanclaim lookup ...` imports only codes_cmd.
COMMAND_MODULES = {
    "lookup": "codes_cmd", "search": "codes_cmd", "cache": "codes_cmd",
    "code": "notes_cmd", "eval": "notes_cmd",
    "scrub": "scrub_cmd", "rules": "scrub_cmd",
    "validate": "x12_cmd", "segments": "x12_cmd",
    "denials": "remits_cmd", "appeal": "remits_cmd",
    "serve": "serve_cmd", "keys": "serve_cmd",
}


def _register_commands(argv: list[str]) -> None:
    wanted = COMMAND_MODULES.get(argv[0]) if argv else None
    names = [wanted] if wanted else sorted(set(COMMAND_MODULES.values()))
    for name in names:
        try:
            __import__(f"cleanclaim.commands.{name}")
        except ModuleNotFoundError as exc:  # a command family not built yet
            if exc.name != f"cleanclaim.commands.{name}":
                raise


def main() -> None:
    """Console-script entry: run the app; bad input exits 2 with one line, never a traceback."""
    from cleanclaim.errors import InputError

    _register_commands(sys.argv[1:])
    try:
        rc = app(standalone_mode=False)
    except InputError as exc:
        print(f"cleanclaim: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the contract forbids tracebacks
        # typer ships its own copy of click: recognise its usage errors by shape, not by class.
        fmt, code = getattr(exc, "format_message", None), getattr(exc, "exit_code", None)
        if callable(fmt) and isinstance(code, int):
            print(f"cleanclaim: error: {fmt()}", file=sys.stderr)
            sys.exit(2 if code in (1, 2) else code)
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        print(f"cleanclaim: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(3)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # run through the package so command modules share one `app`
    from cleanclaim.cli import main as package_main

    package_main()
