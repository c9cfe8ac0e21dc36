"""`cleanclaim denials` and `cleanclaim appeal`: 835 denial analysis, history and appeal drafts."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from cleanclaim.cli import app
from cleanclaim.errors import InputError


def _load_claims(paths: list[str] | None) -> list:
    """837P / FHIR / claim-JSON claims for linking; unreadable claims are reported, never fatal."""
    if not paths:
        return []
    from cleanclaim.claims import ClaimReadError, read_claim_file

    out = []
    for p in paths:
        for item in read_claim_file(p):
            if isinstance(item, ClaimReadError):
                where = f" segment {item.segment_number}" if item.segment_number else ""
                print(
                    f"cleanclaim: warning: {item.file}:{where} claim {item.claim_id or '?'} not linked: "
                    f"{item.message}",
                    file=sys.stderr,
                )
            else:
                out.append(item)
    return out


@app.command()
def denials(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="X12 835 files (or FHIR R4 ExplanationOfBenefit / ClaimResponse JSON)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON object.")] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="DuckDB history file: new files are appended (a file "
            "already loaded is skipped) and the summary covers "
            "the whole history.",
        ),
    ] = None,
    claims: Annotated[
        list[str] | None,
        typer.Option(
            "--claims",
            help="Submitted claims (837P, FHIR Claim or "
            "claim JSON) linked on CLP01 = CLM01 "
            "to attach billed diagnoses.",
        ),
    ] = None,
    html: Annotated[
        str | None, typer.Option("--html", help="Also write a self-contained HTML report with charts.")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Rows per breakdown table.")] = 10,
    min_repeats: Annotated[
        int,
        typer.Option(
            "--min-repeats",
            min=2,
            help="Denials of the same payer + procedure + diagnosis before a rule is suggested.",
        ),
    ] = 3,
) -> None:
    """Analyse 835 remittances: real denials vs adjustments, root causes, preventable share."""
    if not files and not db:
        raise InputError("give one or more 835 files, or --db HISTORY to summarise a history")
    from cleanclaim.remits.analysis import analyze_files
    from cleanclaim.remits.history import History

    linked = _load_claims(claims)
    report = analyze_files(files or [], linked or None)
    for f in report.files:
        if f.error:
            print(
                f"cleanclaim: error: {f.error if f.error.startswith(f.file) else f.file + ': ' + f.error}",
                file=sys.stderr,
            )
    hist = History(db)
    try:
        load = hist.add_report(report) if files else None
        summary = hist.summary(top=top, pattern_threshold=min_repeats)
    finally:
        hist.close()
    if as_json:
        from cleanclaim.remits.render import write_json

        extras: dict[str, Any] = {"suggested_rules": report.suggested_rules(min_repeats), "analysis": summary}
        if db:
            extras["history"] = {"db": db, **(load or {})}
        write_json(report, extras, sys.stdout)
    else:
        from cleanclaim.remits.render import render_denials

        render_denials(report, summary, history=db, load=load, top=top)
    if html:
        from cleanclaim.remits.html_report import write_html

        try:
            write_html(html, report, summary, history=db)
        except OSError as exc:
            raise InputError(f"cannot write the HTML report: {exc.strerror or exc}", file=html) from None
        if not as_json:
            print(f"HTML report written to {html}", file=sys.stderr)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


@app.command()
def appeal(
    claim_id: Annotated[str, typer.Argument(help="The claim id (CLP01 = CLM01) of the denied claim.")],
    db: Annotated[str | None, typer.Option("--db", help="DuckDB history to find the claim in.")] = None,
    remit: Annotated[
        list[str] | None, typer.Option("--remit", help="835 file(s) to find the claim in.")
    ] = None,
    claims: Annotated[
        list[str] | None,
        typer.Option("--claims", help="The submitted claim file (837P / JSON) for the billed codes."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note",
            help="The clinical note (text) for documentation evidence; only spans found in it are quoted.",
        ),
    ] = None,
    out: Annotated[str | None, typer.Option("--out", help="Write the letter to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the draft and its sources as JSON.")] = False,
) -> None:
    """Draft an appeal letter for a denied claim from its category's template."""
    if not db and not remit:
        raise InputError("appeal needs --db HISTORY or --remit FILE.835 to find the denied claim")
    from cleanclaim.remits.appeals import draft_appeal, find_case

    case = find_case(claim_id, db=db, remits=remit or [], claims=_load_claims(claims))
    note_text = None
    if note:
        try:
            with open(note, encoding="utf-8", errors="replace") as fh:
                note_text = fh.read()
        except OSError as exc:
            raise InputError(f"cannot read note: {exc.strerror or exc}", file=note) from None
    draft = draft_appeal(case, note_text=note_text)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(draft.text)
    if as_json:
        print(json.dumps(draft.as_dict(), indent=2, default=str))
        return
    if not out:
        print(draft.text)
    else:
        print(f"Appeal draft for {claim_id} ({draft.category}) written to {out}", file=sys.stderr)
    for n in draft.notes:
        print(f"note: {n}", file=sys.stderr)
    if draft.placeholders:
        print(
            f"note: {draft.placeholders} [bracketed] placeholder(s) to complete before sending",
            file=sys.stderr,
        )
