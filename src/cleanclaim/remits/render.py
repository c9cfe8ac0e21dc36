"""`cleanclaim denials` output: rich tables (the human-readable default) and the streamed JSON."""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from cleanclaim.codes.spelling import dotted
from cleanclaim.remits.analysis import DenialReport

__all__ = ["render_denials", "write_json"]


def write_json(report: DenialReport, extras: dict[str, Any], out: IO[str]) -> None:
    """The contract's JSON object, indented, with the claims written one at a time.

    A 50,000-claim remittance would otherwise sit in memory three times over (outcomes, the dict
    tree, the string). The bytes are the same as ``json.dumps(whole, indent=2)``.
    """

    def dumps(value: Any, depth: int) -> str:
        return json.dumps(value, indent=2, default=str).replace("\n", "\n" + "  " * depth)

    out.write('{\n  "claims": [')
    for i, outcome in enumerate(report.outcomes):
        out.write(("," if i else "") + "\n    " + dumps(outcome.as_dict(), 2))
    out.write("\n  ]" if report.outcomes else "]")
    rest = report.as_dict(with_claims=False)
    rest.update(extras)
    for key, value in rest.items():
        out.write(f",\n  {json.dumps(key)}: {dumps(value, 1)}")
    out.write("\n}\n")


def _money(v: float | None) -> str:
    return "" if v is None else f"${v:,.2f}"


def _pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:.1f}%"


def _dotted(code: str | None) -> str:
    if not code:
        return "(not linked)"
    return dotted(code)


def render_denials(
    report: DenialReport,
    summary: dict[str, Any],
    console: Console | None = None,
    history: str | None = None,
    load: dict[str, int] | None = None,
    top: int = 10,
) -> None:
    # Piped output (less, files, CI logs) gets a fixed 130 columns rather than rich's 80 fallback.
    con = console or Console(width=None if sys.stdout.isatty() else 130)
    t = summary["totals"]
    scope = f"history {history}" if history else f"{len(report.files)} file(s)"
    if load and history:
        scope += (
            f" (loaded {load['files_loaded']} new file(s), {load['claims_added']} claims; "
            f"{load['files_skipped']} already there)"
        )
    con.print(f"[bold]Denial analysis[/bold] · {scope}")
    if not t["claims"]:
        con.print("No remitted claims.")
        _render_problems(con, report)
        return
    con.print(
        f"{t['claims']:,} claims · billed {_money(t['billed'])} · paid {_money(t['paid'])}\n"
        f"[bold red]{t['denied_claims']:,} denied[/bold red] ({_pct(t['denial_rate'])} of claims) + "
        f"{t['partially_denied_claims']:,} partly denied · denied {_money(t['denied_amount'])} "
        f"({_pct(t['denial_rate_dollars'])} of billed)\n"
        f"[bold]Preventable by a scrub rule:[/bold] {t['preventable_claims']:,} claims "
        f"({_pct(t['preventable_share'])} of claims with a denial), {_money(t['preventable_amount'])} "
        f"({_pct(t['preventable_share_dollars'])} of denied dollars)"
    )

    tab = Table(title="Adjustments by category", title_justify="left")
    for c in ("category", "denial?", "claims", "amount"):
        tab.add_column(c, justify="right" if c in ("claims", "amount") else "left")
    for r in summary["by_category"]:
        tab.add_row(
            r["category"], "denial" if r["denial"] else "expected", f"{r['claims']:,}", _money(r["amount"])
        )
    con.print(tab)

    tab = Table(title="Top root causes (denials only)", title_justify="left")
    tab.add_column("category", max_width=24, overflow="fold")
    tab.add_column("code", no_wrap=True)
    tab.add_column("why", min_width=30, ratio=3, overflow="fold")
    tab.add_column("claims", justify="right", no_wrap=True)
    tab.add_column("amount", justify="right", no_wrap=True)
    tab.add_column("preventable by", ratio=1, overflow="fold")
    for r in summary["root_causes"]:
        cause = next(
            (x for x in report.root_causes(50) if x["carc"] == r["carc"] and x["group"] == r["group_code"]),
            None,
        )
        prevent = (
            ", ".join(cause["preventable_by"])
            if cause and cause["preventable_by"]
            else ("yes" if r["preventable"] else "")
        )
        code = f"{r['group_code']}-{r['carc']}" + (f" {r['rarc']}" if r["rarc"] else "")
        tab.add_row(r["category"], code, r["description"], f"{r['claims']:,}", _money(r["amount"]), prevent)
    con.print(tab)

    for key, label, col in (
        ("by_payer", "payer", "payer"),
        ("by_provider", "provider", "provider"),
        ("by_diagnosis", "principal diagnosis", "diagnosis"),
    ):
        rows = summary[key]
        if key == "by_diagnosis" and all(r["diagnosis"] == "(unknown)" for r in rows):
            continue
        tab = Table(title=f"Denial rate by {label}", title_justify="left")
        for c in (label, "claims", "denied", "rate", "billed", "denied $", "rate $"):
            tab.add_column(c, justify="left" if c == label else "right")
        for r in rows:
            name = _dotted(r[col]) if key == "by_diagnosis" and r[col] != "(unknown)" else r[col]
            tab.add_row(
                str(name),
                f"{r['claims']:,}",
                f"{r['denied_claims']:,}",
                _pct(r["denial_rate"]),
                _money(r["billed"]),
                _money(r["denied_amount"]),
                _pct(r["denial_rate_dollars"]),
            )
        con.print(tab)

    tab = Table(title="Denials by procedure (service lines)", title_justify="left")
    for c in ("procedure", "lines", "denied", "rate", "billed", "denied $"):
        tab.add_column(c, justify="left" if c == "procedure" else "right")
    for r in summary["by_procedure"]:
        tab.add_row(
            r["procedure"] or "",
            f"{r['lines']:,}",
            f"{r['denied_lines']:,}",
            _pct(r["denial_rate"]),
            _money(r["billed"]),
            _money(r["denied_amount"]),
        )
    con.print(tab)

    if len(summary["by_month"]) > 1:
        tab = Table(title="By month of service", title_justify="left")
        for c in ("month", "claims", "denied", "rate", "denied $"):
            tab.add_column(c, justify="left" if c == "month" else "right")
        for r in summary["by_month"]:
            tab.add_row(
                r["month"],
                f"{r['claims']:,}",
                f"{r['denied_claims']:,}",
                _pct(r["denial_rate"]),
                _money(r["denied_amount"]),
            )
        con.print(tab)

    if summary["patterns"]:
        tab = Table(title="Repeated denials → suggested payer-specific scrub rules", title_justify="left")
        for c in ("payer", "procedure", "diagnosis", "category", "codes", "denials", "amount"):
            tab.add_column(c, justify="right" if c in ("denials", "amount") else "left")
        for r in summary["patterns"]:
            tab.add_row(
                r["payer"] or "",
                r["procedure"],
                _dotted(r["diagnosis"]),
                r["category"],
                r["carcs"],
                f"{r['denials']:,}",
                _money(r["amount"]),
            )
        con.print(tab)

    denied = sorted(report.denials(), key=lambda o: -o.denied_amount)[:top]
    if denied:
        tab = Table(title=f"Largest denials in these files (top {len(denied)})", title_justify="left")
        for c in ("claim", "payer", "status", "billed", "denied $", "cause", "preventable"):
            tab.add_column(c, justify="right" if c in ("billed", "denied $") else "left", overflow="fold")
        for o in denied:
            c = o.cause
            cause = f"{c.group}-{c.carc}{' ' + c.rarc if c.rarc else ''} {c.category}" if c else ""
            tab.add_row(
                o.claim_id,
                o.payer,
                o.payment.status,
                _money(float(o.payment.charge)),
                _money(float(o.denied_amount)),
                cause,
                ", ".join(c.preventable_by) if c and c.preventable_by else "",
            )
        con.print(tab)
    _render_problems(con, report)


def _render_problems(con: Console, report: DenialReport) -> None:
    findings = report.findings
    if findings:
        tab = Table(
            title=f"Remittance findings ({len(findings)}): balancing and structure", title_justify="left"
        )
        for c in ("file", "segment", "kind", "message"):
            tab.add_column(c, overflow="fold")
        for f in findings[:15]:
            seg = f"{f.segment_number} ({f.segment_id})" if f.segment_number else ""
            tab.add_row(f.file.rsplit("/", 1)[-1], seg, f.kind, f.message)
        con.print(tab)
        if len(findings) > 15:
            con.print(f"… and {len(findings) - 15} more (see --json)")
