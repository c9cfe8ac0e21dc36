"""Writers for scrub results: rich table (default), JSON (contract shape) and CSV, all streamed.

Each writer takes the engine's event stream (ClaimResult / UnreadableClaim / FileResult), writes as
it goes and returns the folded ScrubReport (counts only for JSON/CSV), so memory stays flat.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from cleanclaim.scrub.engine import collect
from cleanclaim.scrub.findings import ClaimResult, FileResult, ScrubReport, UnreadableClaim

Event = ClaimResult | UnreadableClaim | FileResult

CSV_FIELDS = [
    "file",
    "claim_id",
    "line",
    "rule",
    "category",
    "severity",
    "codes",
    "message",
    "fix",
    "reference",
]


def write_json(events: Iterable[Event], out: IO[str]) -> ScrubReport:
    """The contract object, written claim by claim: {"claims": [...], "files": [...], "unreadable": [...],
    "summary": {...}}."""
    report = ScrubReport()
    files: list[FileResult] = []
    unreadable: list[UnreadableClaim] = []

    def tap(evs: Iterable[Event]) -> Iterable[Event]:
        first = True
        out.write('{"claims": [')
        for ev in evs:
            if isinstance(ev, ClaimResult):
                out.write(("" if first else ",\n") + json.dumps(ev.as_dict()))
                first = False
            elif isinstance(ev, UnreadableClaim):
                unreadable.append(ev)
            else:
                files.append(ev)
            yield ev
        out.write("],\n")

    collect(tap(events), report, keep_claims=False)
    out.write(f'"files": {json.dumps([f.as_dict() for f in files])},\n')
    out.write(f'"unreadable": {json.dumps([u.as_dict() for u in unreadable])},\n')
    out.write(f'"summary": {json.dumps(report.summary.as_dict())}}}\n')
    return report


def write_csv(events: Iterable[Event], out: IO[str]) -> ScrubReport:
    """One row per finding (and one per unreadable claim, rule READ)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)

    def tap(evs: Iterable[Event]) -> Iterable[Event]:
        for ev in evs:
            if isinstance(ev, ClaimResult):
                for f in ev.findings:
                    writer.writerow(
                        [
                            ev.file,
                            ev.claim_id,
                            "" if f.line is None else f.line,
                            f.rule,
                            f.category,
                            f.severity,
                            " ".join(f.codes),
                            f.message,
                            f.fix,
                            f.reference,
                        ]
                    )
            elif isinstance(ev, UnreadableClaim):
                writer.writerow(
                    [
                        ev.file,
                        ev.claim_id or "",
                        "",
                        "READ",
                        "",
                        "error",
                        "",
                        ev.message,
                        "Correct the claim in the source system and resend it.",
                        "claim reader",
                    ]
                )
            yield ev

    return collect(tap(events), ScrubReport(), keep_claims=False)


_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def write_table(events: Iterable[Event], console: Any, show_fix: bool = True) -> ScrubReport:
    """ruff-style: one row per finding (claim, line, rule, severity, message), then a summary line."""
    from rich.markup import escape
    from rich.table import Table

    report = ScrubReport()

    def keep(evs: Iterable[Event]) -> Iterable[Event]:
        for ev in evs:
            if isinstance(ev, ClaimResult) and ev.findings:
                report.claims.append(ev)
            yield ev

    collect(keep(events), report, keep_claims=False)
    if report.claims or report.unreadable:
        table = Table(show_lines=False, header_style="bold", expand=False)
        # Long claim ids and file names fold inside their column: the finding keeps the width.
        table.add_column("claim", max_width=18, overflow="fold")
        table.add_column("line", justify="right", no_wrap=True)
        table.add_column("rule", no_wrap=True, min_width=6)
        table.add_column("severity", no_wrap=True)
        table.add_column("finding", ratio=1)
        for res in report.claims:
            label = f"{escape(res.claim_id)}\n[dim]{escape(Path(res.file).name) if res.file else ''}[/dim]"
            for f in res.findings:
                text = escape(f.message) + (f"\n[dim]fix: {escape(f.fix)}[/dim]" if show_fix else "")
                table.add_row(
                    label,
                    "" if f.line is None else str(f.line),
                    f.rule,
                    f"[{_STYLE[f.severity]}]{f.severity}[/]",
                    text,
                )
                label = ""
            table.add_section()
        for u in report.unreadable:
            where = f" (segment {u.segment_number} {u.segment_id or ''})" if u.segment_number else ""
            table.add_row(
                escape(u.claim_id or "?"),
                "",
                "READ",
                "[bold red]unreadable[/]",
                escape(f"{u.message}{where}"),
            )
        console.print(table)
    for fr in report.files:
        if fr.error:
            console.print(f"[bold red]file not read[/]: {escape(fr.error)}")
    s = report.summary
    console.print(
        f"{s.claims} claims in {s.files} file(s): [green]{s.clean} clean[/], "
        f"[bold red]{s.errors} with errors[/], [yellow]{s.warnings} with warnings[/]"
        + (f", [bold red]{s.unreadable} unreadable[/]" if s.unreadable else "")
        + f"; {s.findings} findings."
    )
    return report
