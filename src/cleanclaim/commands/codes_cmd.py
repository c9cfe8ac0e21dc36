"""`cleanclaim lookup`, `cleanclaim search`, `cleanclaim cache`: the code-set commands."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from cleanclaim.cli import app
from cleanclaim.errors import InputError

cache_app = typer.Typer(help="Manage the compiled code-set cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def parse_date_option(value: str | None, option: str = "--date") -> date:
    """A YYYY-MM-DD option value (default today); anything else is bad input (exit 2)."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"invalid {option} {value!r}: expected a date as YYYY-MM-DD") from None


@app.command()
def lookup(
    codes: Annotated[list[str], typer.Argument(help="ICD-10-CM codes, with or without the dot.")],
    on: Annotated[str | None, typer.Option("--date", help="Date of service (YYYY-MM-DD); default today.")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON list.")] = False,
) -> None:
    """Look up ICD-10-CM codes as they stood on a date of service."""
    when = parse_date_option(on)
    from cleanclaim.codes import get_codeset

    cs = get_codeset()
    results = [cs.lookup(c, when) for c in codes]
    if as_json:
        print(json.dumps([r.as_dict() for r in results], indent=2))
        return
    from cleanclaim.codes.render import render_lookups

    render_lookups(results)


@app.command()
def search(
    text: Annotated[list[str], typer.Argument(help="Words to search for, e.g. 'pinched nerve in the neck'.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="How many codes to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON list.")] = False,
) -> None:
    """Find codes for a term the way a coder searches the Alphabetic Index."""
    query = " ".join(text).strip()
    if not query:
        raise InputError("search needs some words to look for")
    from cleanclaim.codes.search import search as run_search

    hits = run_search(query, limit=limit)
    if as_json:
        print(json.dumps([h.as_dict() for h in hits], indent=2))
        return
    from cleanclaim.codes.render import render_search

    render_search(query, hits)


@cache_app.command("build")
def cache_build() -> None:
    """Compile (or re-compile) the ICD-10-CM cache now instead of on first use."""
    import sys

    from cleanclaim.codes.build import build
    from cleanclaim.codes.cache import codeset_path

    build(codeset_path(), log=lambda m: print(m, file=sys.stderr))


@cache_app.command("prune")
def cache_prune(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would go; delete nothing.")] = False,
) -> None:
    """Delete compiled files left by older versions (another install sharing the folder rebuilds its own)."""
    from cleanclaim.codes import index_xml, search
    from cleanclaim.codes.cache import codeset_path, stale_files

    current = {codeset_path(), search.cache_file()}
    xml = index_xml.cache_file()
    if xml is not None:
        current.add(xml)
    stale = stale_files(current)
    freed = 0
    for path in stale:
        size = path.stat().st_size
        if not dry_run:
            path.unlink(missing_ok=True)
        freed += size
        print(f"{'would remove' if dry_run else 'removed'} {path}")
    print(f"{len(stale)} file(s), {freed / 1e6:.1f} MB {'to free' if dry_run else 'freed'}")


@cache_app.command("info")
def cache_info() -> None:
    """Show where the cache lives and which source versions it was built from."""
    from cleanclaim.codes import get_codeset

    cs = get_codeset()
    print(json.dumps({"path": str(cs.path), "sources": cs.sources,
                      "releases": [p.isoformat() for p in cs.periods],
                      "known_to": cs.last_date.isoformat()}, indent=2))
