"""`cleanclaim code` (one note or a JSONL batch) and `cleanclaim eval notes GOLD.jsonl`.

Top-level imports stay typer + stdlib (CLI start-up); the coder and rich load inside the commands.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer

from cleanclaim.cli import app

eval_app = typer.Typer(help="Evaluate engines against gold files.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def _read_text(path: Path) -> str:
    from cleanclaim.errors import InputError

    if not path.is_file():
        raise InputError("no such file", file=str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", file=str(path)) from exc
    # lenient: a stray byte in a dictated note must not lose the note
    return raw.decode("utf-8-sig", errors="replace")


def _parse_date(value: str | None) -> date | None:
    from cleanclaim.errors import InputError

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"invalid date {value!r}: use YYYY-MM-DD") from exc


@app.command("code")
def code(
    note: Path | None = typer.Argument(None, help="Encounter note (plain text)."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Batch: one {id, text, setting?, date?, age?, "
                                      "sex?} object per line; writes one result per line."),
    setting: str = typer.Option("outpatient", "--setting", help="outpatient | ED | inpatient"),
    on: str | None = typer.Option(None, "--date", help="Date of service YYYY-MM-DD (code-set version)."),
    age: int | None = typer.Option(None, "--age"),
    sex: str | None = typer.Option(None, "--sex"),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON object."),
) -> None:
    """Code a clinical note to ICD-10-CM: codes in reporting order with evidence, rationale and queries."""
    from cleanclaim.errors import InputError

    if jsonl is not None:
        failed = _code_batch(jsonl)
        if failed:
            raise typer.Exit(2)
        return
    if note is None:
        raise InputError("give a NOTE file or --jsonl FILE")
    from cleanclaim.coding import code_note
    from cleanclaim.coding.engine import normalize_setting

    try:
        setting = normalize_setting(setting)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    text = _read_text(note)
    result = code_note(text, setting=setting, on=_parse_date(on), age=age, sex=sex, note_id=note.stem)
    if as_json:
        print(json.dumps(result.as_dict(), indent=2))
        return
    _render(text, result, str(note))


def _code_batch(path: Path) -> int:
    """Code every line; a malformed line is reported (stderr, with its line number) and skipped."""
    from cleanclaim.coding import code_note
    from cleanclaim.coding.engine import normalize_setting

    text = _read_text(path)
    failed = 0
    out = sys.stdout
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        err: str | None = None
        obj: Any = None
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                err = "expected an object with a 'text' string"
        except json.JSONDecodeError as exc:
            err = f"malformed JSON ({exc.msg} at column {exc.colno})"
        if err is None:
            try:
                result = code_note(obj["text"], setting=normalize_setting(obj.get("setting")),
                                   on=date.fromisoformat(obj["date"]) if obj.get("date") else None,
                                   age=obj.get("age"), sex=obj.get("sex"),
                                   note_id=None if obj.get("id") is None else str(obj.get("id")))
            except (ValueError, TypeError) as exc:
                err = str(exc)
        if err is not None:
            failed += 1
            print(f"cleanclaim: error: {path}: line {n}: {err}", file=sys.stderr)
            note_id = obj.get("id") if isinstance(obj, dict) else None
            out.write(json.dumps({"id": note_id, "line": n, "error": err, "codes": [], "rejected": [],
                                  "queries": [], "documentation": {}}) + "\n")
            continue
        out.write(json.dumps(result.as_dict()) + "\n")
    out.flush()
    return failed


def _render(text: str, result: Any, name: str) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if result.message and not result.codes:
        console.print(f"[bold]{name}[/bold]: {result.message}")
        if not text.strip():
            return
    table = Table(title=f"{name} - {result.setting}", show_lines=True)
    for col in ("#", "code", "description", "conf.", "evidence", "rationale"):
        table.add_column(col, overflow="fold")
    for i, c in enumerate(result.codes, 1):
        code = c.code + (" [yellow](review)[/yellow]" if c.needs_review else "")
        evidence = "; ".join(f"\"{e.text}\"" for e in c.evidence[:3])
        table.add_row(str(i), code, c.description, f"{c.confidence:.2f}", evidence,
                      f"{c.rationale}\n[dim]{c.guideline}[/dim]")
    console.print(table)
    highlighted = Text(text)
    for c in result.codes:
        style = "bold yellow" if c.needs_review else "bold green"
        for e in c.evidence:
            highlighted.stylize(style, e.start, e.end)
    console.print(Panel(highlighted, title="evidence in the note", border_style="dim"))
    if result.rejected:
        console.print("[bold]Not coded[/bold]")
        for r in result.rejected:
            console.print(f"  {r.code}: {r.reason}")
    if result.queries:
        console.print("[bold]Provider queries[/bold]")
        for q in result.queries:
            console.print(f"  [cyan]{q.topic}[/cyan]: {q.message}")
    checks = " ".join(f"{'[green]✓' if v else '[red]✗' if v is False else '[dim]-'}{k}[/]"
                      for k, v in result.documentation.items())
    console.print(f"[bold]Documentation[/bold] {checks}")


@eval_app.command("notes")
def eval_notes(
    gold: Path = typer.Argument(..., help="Gold JSONL: {id, setting, text, primary, required, allowed, "
                                "forbidden, query}."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary and misses as JSON."),
    show: int = typer.Option(50, "--show", help="How many misses to list."),
) -> None:
    """Score the note coder against a gold file: exact-note rate, primary accuracy, recall, precision,
    forbidden and extra codes, and the misses."""
    from cleanclaim.coding.evaluate import evaluate
    from cleanclaim.errors import InputError

    if not gold.is_file():
        raise InputError("no such file", file=str(gold))
    report = evaluate(gold)
    for err in report.errors:
        print(f"cleanclaim: error: {err}", file=sys.stderr)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    summary = report.summary()
    table = Table(title=f"note coding vs {gold.name}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in summary.items():
        table.add_row(k.replace("_", " "), f"{v:.1%}" if isinstance(v, float) and k != "notes_per_second"
                      else str(v))
    console.print(table)
    misses = report.misses()
    if misses:
        console.print(f"[bold]Misses ({len(misses)})[/bold]")
        for s in misses[:show]:
            parts = []
            if not s.primary_ok:
                parts.append("primary wrong")
            if s.missing:
                parts.append("missing " + ", ".join(s.missing))
            if s.forbidden:
                parts.append("forbidden " + ", ".join(s.forbidden))
            if s.extra:
                parts.append("extra " + ", ".join(s.extra))
            if not s.query_ok:
                parts.append("query missing")
            console.print(f"  {s.id}: got [{', '.join(s.predicted)}] - {'; '.join(parts)}")
