"""Rich terminal rendering for lookup and search results (imported only when printing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cleanclaim.codes.icd10cm import CodeLookup
from cleanclaim.codes.spelling import dotted


def _status(r: CodeLookup) -> Text:
    if r.billable:
        return Text("billable", style="bold green")
    if r.valid:
        return Text("not billable (header)", style="bold yellow")
    return Text("not valid", style="bold red")


def _comparison(code: str | None) -> Table | None:
    if not code:
        return None
    try:
        from cleanclaim.codes.comparison import comparison_for
    except ImportError:
        return None
    rows: list[dict[str, Any]] | None = comparison_for(code)
    if not rows:
        return None
    t = Table(title="Neck pain: related codes and when each is used", show_lines=True, expand=True)
    t.add_column("Condition")
    t.add_column("Code", style="bold")
    t.add_column("When it is used")
    t.add_column("When it is not used")
    for row in rows:
        style = "reverse" if row.get("code") == code else None
        t.add_row(str(row.get("condition", "")), str(row.get("code", "")), str(row.get("used", "")),
                  str(row.get("not_used", "")), style=style)
    return t


def render_lookups(results: Sequence[CodeLookup]) -> None:
    console = Console()
    for r in results:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        grid.add_row("status", _status(r))
        if r.reason:
            grid.add_row("why", Text(r.reason, style="yellow" if r.valid else "red"))
        if r.on:
            grid.add_row("date of service", r.on.isoformat())
        if r.effective_from:
            to = r.effective_to.isoformat() if r.effective_to else "present"
            grid.add_row("in effect", f"{r.effective_from.isoformat()} → {to}")
        if r.seventh_characters:
            grid.add_row("7th characters", ", ".join(f"{k} {v}" for k, v in r.seventh_characters.items()))
        if r.children:
            kids = [dotted(c) for c in r.children]
            grid.add_row("children", ", ".join(kids[:24]) + (" …" if len(kids) > 24 else ""))
        for label, notes in (("Excludes1", r.excludes1), ("Excludes2", r.excludes2),
                             ("Code first", r.code_first), ("Use additional", r.use_additional),
                             ("Includes", r.inclusion_terms)):
            if notes:
                grid.add_row(label, "\n".join(f"• {n}" for n in notes))
        if r.mce:
            m = r.mce
            bits = []
            if m.age_min is not None:
                bits.append(f"age {m.age_min}–{m.age_max} ({m.age_edit or 'age edit'})")
            if m.sex:
                bits.append(f"{'female' if m.sex == 'F' else 'male'} only (CMS sex edit to FY2024)")
            if m.manifestation:
                bits.append("manifestation: never first-listed")
            if m.external_cause:
                bits.append("external cause: never first-listed")
            if m.unacceptable_principal:
                bits.append("unacceptable as inpatient principal diagnosis")
            if bits:
                grid.add_row("MCE edits", "; ".join(bits))
        title = Text.assemble((r.code or r.input, "bold"), "  ", r.description or "")
        parts: list[Any] = [grid]
        comp = _comparison(r.code)
        if comp is not None:
            parts.append(comp)
        console.print(Panel(Group(*parts), title=title, title_align="left", expand=True))


def render_search(query: str, hits: Sequence[Any]) -> None:
    console = Console()
    if not hits:
        console.print(f"No codes found for [bold]{query}[/].")
        return
    t = Table(title=f"Codes for “{query}”", expand=True)
    t.add_column("#", justify="right", style="dim")
    t.add_column("Code", style="bold")
    t.add_column("Description")
    t.add_column("Matched", style="cyan")
    t.add_column("Score", justify="right")
    for i, h in enumerate(hits, 1):
        d = h.as_dict()
        code_style = None if getattr(h, "billable", True) else "yellow"
        t.add_row(str(i), Text(d["code"], style=code_style or ""), d["description"] or "",
                  str(d.get("matched") or ""), f"{d['score']:.2f}")
    console.print(t)
