"""`cleanclaim scrub` and `cleanclaim rules`: the claim linter and its rule catalogue.

Top-level imports stay typer + stdlib (start-up speed); the engine and rich load inside the bodies.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cleanclaim.cli import app


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


@app.command()
def scrub(
    files: list[Path] = typer.Argument(
        ..., help="837P, FHIR R4 Claim (JSON) or cleanclaim claim JSON files."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the contract JSON object."),
    csv_out: bool = typer.Option(False, "--csv", help="Print one CSV row per finding."),
    notes: Path | None = typer.Option(
        None, "--notes", help="Folder of notes named <claim id>.txt: enables the claim-vs-note rules."
    ),
    on: str | None = typer.Option(
        None,
        "--date",
        help="Date of service (YYYY-MM-DD) for claims that carry none; the claim's own dates win.",
    ),
    select: list[str] | None = typer.Option(
        None,
        "--select",
        help="Rules to run: ids, id prefixes, categories or families, comma-separated (default: config).",
    ),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="Rules to skip, same forms as --select."),
    config: Path | None = typer.Option(
        None,
        "--config",
        help="cleanclaim.toml or pyproject.toml to use "
        "(default: the nearest one with a tool.cleanclaim section).",
    ),
    no_fix: bool = typer.Option(False, "--no-fix", help="Table output without the fix lines."),
    exit_zero: bool = typer.Option(
        False, "--exit-zero", help="Exit 0 even with error findings (unreadable input still exits 2)."),
) -> None:
    """Scrub claims linter-style: exit 0 clean, 1 error findings, 2 unreadable input."""
    from datetime import date

    from cleanclaim.errors import InputError
    from cleanclaim.scrub.config import load_config
    from cleanclaim.scrub.engine import Scrubber, unknown_selectors

    if json_out and csv_out:
        raise InputError("choose one of --json and --csv")
    day = None
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise InputError(f"--date {on!r} is not a date (YYYY-MM-DD)") from None
    cfg = load_config(config)
    sel, ign = _split(select), _split(ignore)
    bad = unknown_selectors(sel + ign)
    if bad:
        raise InputError(f"unknown rule selector(s): {', '.join(bad)} (see `cleanclaim rules`)")
    if sel:
        cfg.select = sel
    if ign:
        cfg.ignore = [*cfg.ignore, *ign]
    scrubber = Scrubber(cfg, on=day, notes_dir=notes)
    events = scrubber.iter_files(files)
    if json_out:
        from cleanclaim.scrub.report import write_json

        report = write_json(events, sys.stdout)
    elif csv_out:
        from cleanclaim.scrub.report import write_csv

        report = write_csv(events, sys.stdout)
    else:
        from rich.console import Console

        from cleanclaim.scrub.report import write_table

        report = write_table(events, Console(), show_fix=not no_fix)
    sys.stdout.flush()
    for fr in report.files:
        if fr.error:
            print(f"cleanclaim: error: {fr.error}", file=sys.stderr)
    for u in report.unreadable:  # one line per claim that could not be read
        where = [u.file]
        if u.segment_number is not None:
            where.append(f"segment {u.segment_number} ({u.segment_id or '?'})")
        claim = f"claim {u.claim_id}" if u.claim_id else "claim"
        print(f"cleanclaim: error: {': '.join(where)}: {claim} not read: {u.message}", file=sys.stderr)
    code = report.exit_code
    if exit_zero and code == 1:
        code = 0
    raise typer.Exit(code)


@app.command()
def rules(
    rule_id: str | None = typer.Argument(None, help="Show one rule in full (e.g. NCCI001)."),
    json_out: bool = typer.Option(False, "--json", help="Print the rules as JSON."),
    markdown: bool = typer.Option(False, "--markdown", help="Print docs/rules.md."),
    category: str | None = typer.Option(None, "--category", help="Only rules of this category or family."),
) -> None:
    """List the scrub rules: id, category, severity, what they catch and how to fix it."""
    import json

    from cleanclaim.errors import InputError
    from cleanclaim.scrub.registry import get_rule, load_rules

    if markdown:
        from cleanclaim.scrub.docs import rules_markdown

        sys.stdout.write(rules_markdown())
        return
    chosen = load_rules()
    if rule_id:
        one = get_rule(rule_id)
        if one is None:
            raise InputError(f"no rule {rule_id!r} (see `cleanclaim rules`)")
        chosen = [one]
    if category:
        chosen = [r for r in chosen if category.lower() in (r.category, r.family)]
    if json_out:
        print(json.dumps([r.as_dict() for r in chosen], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if rule_id:
        r = chosen[0]
        console.print(f"[bold]{r.id}[/] {r.name}  [dim]{r.category} · {r.severity} · {r.family}[/]")
        console.print(r.doc)
        console.print(f"\n[bold]reference[/]: {r.reference}\n[bold]fix[/]: {r.fix}")
        return
    table = Table(header_style="bold")
    for col in ("rule", "category", "severity", "what it catches"):
        table.add_column(col)
    for r in chosen:
        table.add_row(r.id, r.category, r.severity, r.summary)
    console.print(table)
    console.print(f"{len(chosen)} rules. `cleanclaim rules ID` shows one in full.")
