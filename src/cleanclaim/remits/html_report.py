"""Self-contained HTML denial report: inline CSS and SVG charts drawn here, no scripts, no network."""

from __future__ import annotations

import html
import math
from datetime import datetime
from typing import Any

from cleanclaim.codes.spelling import dotted
from cleanclaim.remits.analysis import DenialReport

__all__ = ["render_html", "write_html"]

PALETTE = {
    "eligibility": "#4e79a7",
    "authorization": "#f28e2b",
    "medical_necessity": "#e15759",
    "coding": "#76b7b2",
    "bundling": "#59a14f",
    "missing_information": "#edc948",
    "duplicate": "#b07aa1",
    "timely_filing": "#ff9da7",
    "coordination_of_benefits": "#9c755f",
    "non_covered": "#bab0ac",
    "other": "#8c8c8c",
    "contractual": "#c9d6e3",
    "patient_responsibility": "#dfe8d3",
}
ACCENT = "#c0392b"
MUTED = "#6b7280"


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _money(v: float | None, short: bool = False) -> str:
    v = v or 0.0
    if short and abs(v) >= 1_000_000:
        return f"${v / 1_000_000:.1f}M"
    if short and abs(v) >= 10_000:
        return f"${v / 1000:.0f}k"
    return f"${v:,.0f}" if short else f"${v:,.2f}"


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f}%"


def _label(cat: str) -> str:
    return cat.replace("_", " ")


def _dotted(code: str | None) -> str:
    if not code or code == "(unknown)":
        return "(not linked)"
    return dotted(code)


# ---------------------------------------------------------------------------------------------- charts


def hbar_chart(
    rows: list[tuple[str, float, str, str]], width: int = 560, bar_h: int = 22, label_w: int = 190
) -> str:
    """Horizontal bars: (label, value, value text, colour)."""
    if not rows:
        return '<p class="muted">Nothing to chart.</p>'
    top = max(v for _, v, _, _ in rows) or 1
    gap = 8
    h = len(rows) * (bar_h + gap) + 4
    value_w = max(len(text) for _, _, text, _ in rows) * 6.6 + 12  # room for the value label
    plot = max(60.0, width - label_w - value_w)
    parts = [f'<svg viewBox="0 0 {width} {h}" width="100%" role="img" class="chart">']
    for i, (label, value, text, colour) in enumerate(rows):
        y = i * (bar_h + gap) + 2
        w = max(2.0, plot * value / top) if value > 0 else 0
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" class="lbl">'
            f"{_e(label)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{colour}">'
            f"<title>{_e(label)}: {_e(text)}</title></rect>"
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" class="val">{_e(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def month_chart(rows: list[dict[str, Any]], width: int = 1100, height: int = 260) -> str:
    """Columns: denied dollars per month; line: claim denial rate (right axis)."""
    if not rows:
        return '<p class="muted">No service dates to chart.</p>'
    left, right, top_pad, bottom = 70, 60, 16, 46
    pw, ph = width - left - right, height - top_pad - bottom
    max_amt = _nice(max(r["denied_amount"] or 0 for r in rows) or 1)
    max_rate = max(r["denial_rate"] or 0 for r in rows) or 0.01
    rate_top = min(1.0, _nice(max_rate))
    n = len(rows)
    step = pw / n
    bw = min(42, step * 0.62)
    p = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" class="chart">']
    for k in range(5):  # grid + left axis ($) + right axis (rate)
        y = top_pad + ph - ph * k / 4
        p.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        p.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
            f"{_money(max_amt * k / 4, short=True)}</text>"
        )
        p.append(f'<text x="{left + pw + 8}" y="{y + 4:.1f}" class="axis">{_pct(rate_top * k / 4)}</text>')
    pts = []
    label_every = max(1, math.ceil(n / 14))
    for i, r in enumerate(rows):
        cx = left + step * i + step / 2
        h = ph * (r["denied_amount"] or 0) / max_amt
        p.append(
            f'<rect x="{cx - bw / 2:.1f}" y="{top_pad + ph - h:.1f}" width="{bw:.1f}" height="{h:.1f}" '
            f'fill="#f4b6ad" rx="2"><title>{_e(r["month"])}: {_money(r["denied_amount"])} denied, '
            f"{r['denied_claims']} of {r['claims']} claims ({_pct(r['denial_rate'])})</title></rect>"
        )
        pts.append(f"{cx:.1f},{top_pad + ph - ph * min(r['denial_rate'] or 0, rate_top) / rate_top:.1f}")
        if i % label_every == 0:
            p.append(
                f'<text x="{cx:.1f}" y="{height - bottom + 18}" text-anchor="middle" class="axis">'
                f"{_e(r['month'])}</text>"
            )
    p.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
    for pt in pts:
        x, y = pt.split(",")
        p.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{ACCENT}"/>')
    p.append(
        f'<text x="{left}" y="{height - 8}" class="axis">bars: denied dollars (left axis) · '
        f"line: share of claims denied (right axis)</text>"
    )
    p.append("</svg>")
    return "".join(p)


def _nice(v: float) -> float:
    """Round an axis maximum up to 1, 2, 4, 6 or 8 x 10^k so that quarter ticks read cleanly."""
    mag = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 4, 6, 8, 10):
        if v <= m * mag:
            return m * mag
    return 10 * mag


def donut(parts: list[tuple[str, float, str]], size: int = 200, label: str = "") -> str:
    total = sum(v for _, v, _ in parts)
    if total <= 0:
        return '<p class="muted">No denials.</p>'
    r, cx, cy, sw = size * 0.36, size / 2, size / 2, size * 0.16
    circ = 2 * math.pi * r
    out = [f'<svg viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" class="donut">']
    offset = 0.0
    for name, v, colour in parts:
        frac = v / total
        out.append(
            f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="{colour}" stroke-width="{sw:.1f}" '
            f'stroke-dasharray="{circ * frac:.2f} {circ:.2f}" stroke-dashoffset="{-offset:.2f}" '
            f'transform="rotate(-90 {cx} {cy})"><title>{_e(name)}: {_pct(frac)}</title></circle>'
        )
        offset += circ * frac
    out.append(f'<text x="{cx}" y="{cy + 8}" text-anchor="middle" class="big">{_e(label)}</text>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------- page

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial, sans-serif;
  color:#1f2937;margin:0;background:#f5f6f8}
main{max-width:1180px;margin:0 auto;padding:28px 28px 60px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 12px}
.muted{color:#6b7280}
.sub{color:#6b7280;margin-bottom:22px}
.kpis{display:grid;grid-template-columns:repeat(5,1fr);gap:14px;margin-bottom:18px}
.kpi{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.kpi .v{font-size:26px;font-weight:650}
.kpi .l{color:#6b7280;font-size:12.5px;text-transform:uppercase;letter-spacing:.03em}
.kpi.red .v{color:#c0392b}
.kpi.green .v{color:#2e7d32}
.card{background:#fff;border-radius:10px;padding:18px 20px;margin-bottom:18px;
  box-shadow:0 1px 2px rgba(0,0,0,.06)}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.grid2 .card{margin-bottom:0}
.row{display:flex;gap:24px;align-items:center}
.row svg{flex:none}
.legend div{margin:4px 0}
.sw{display:inline-block;width:11px;height:11px; border-radius:2px;margin-right:6px;
  vertical-align:-1px}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;color:#6b7280;font-weight:600; border-bottom:2px solid #e5e7eb;padding:6px 8px}
td{border-bottom:1px solid #f0f1f3;padding:6px 8px;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11.5px;background:#e8f5e9;
  color:#2e7d32;margin:1px 2px 1px 0}
.cat{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11.5px;color:#111}
code{white-space:nowrap;font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;
  padding:1px 4px;border-radius:4px}
svg.chart text{font:12px system-ui,sans-serif}
svg .lbl{fill:#374151}
svg .val{fill:#374151;font-weight:600}
svg .axis{fill:#6b7280;font-size:11px}
svg .grid{stroke:#eceef1}
svg .big{font:600 22px system-ui,sans-serif;fill:#1f2937}
footer{color:#9ca3af;font-size:12px;margin-top:26px}
"""


def _cat_badge(cat: str) -> str:
    return f'<span class="cat" style="background:{PALETTE.get(cat, "#ddd")}55">{_e(_label(cat))}</span>'


def _table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    th = "".join(
        f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render_html(
    report: DenialReport, summary: dict[str, Any], history: str | None = None, title: str = "Denial analysis"
) -> str:
    t = summary["totals"]
    scope = f"History {_e(history)}" if history else f"{len(report.files)} remittance file(s)"
    period = ""
    if t.get("first_month"):
        period = f" · service months {_e(str(t['first_month'])[:7])} to {_e(str(t['last_month'])[:7])}"
    kpis = [
        ("claims remitted", f"{t['claims']:,}", ""),
        ("claims denied", _pct(t["denial_rate"]), "red"),
        ("billed dollars denied", _pct(t["denial_rate_dollars"]), "red"),
        ("denied dollars", _money(t["denied_amount"], short=True), "red"),
        ("preventable by scrub", _pct(t["preventable_share_dollars"]), "green"),
    ]
    kpi_html = "".join(
        f'<div class="kpi {c}"><div class="v">{v}</div><div class="l">{_e(label)}</div></div>'
        for label, v, c in kpis
    )

    cats = [r for r in summary["by_category"] if r["denial"]]
    cat_chart = hbar_chart(
        [
            (
                _label(r["category"]),
                r["amount"],
                f"{_money(r['amount'], True)} · {r['claims']} cl.",
                PALETTE.get(r["category"], "#888"),
            )
            for r in cats
        ]
    )
    expected = [r for r in summary["by_category"] if not r["denial"]]
    expected_note = " · ".join(f"{_label(r['category'])} {_money(r['amount'], True)}" for r in expected)

    payers = summary["by_payer"]
    payer_chart = hbar_chart(
        [
            (
                r["payer"],
                r["denial_rate"] or 0,
                f"{_pct(r['denial_rate'])} of {r['claims']:,} · {_money(r['denied_amount'], True)}",
                "#4e79a7",
            )
            for r in payers
        ],
        label_w=170,
    )

    procs = summary["by_procedure"]
    proc_chart = hbar_chart(
        [
            (
                r["procedure"] or "?",
                r["denied_amount"] or 0,
                f"{_money(r['denied_amount'], True)} · {_pct(r['denial_rate'])} of lines",
                "#59a14f",
            )
            for r in procs
        ],
        label_w=90,
        width=540,
    )

    prevent = t["preventable_amount"] or 0
    denied = t["denied_amount"] or 0
    donut_svg = donut(
        [
            ("preventable by a scrub rule", prevent, "#2e7d32"),
            ("not preventable before submission", max(denied - prevent, 0), "#e5e7eb"),
        ],
        size=190,
        label=_pct(t["preventable_share_dollars"]),
    )

    root_rows = []
    for r in summary["root_causes"]:
        rc = next(
            (
                x
                for x in report.root_causes(100)
                if x["carc"] == r["carc"] and x["group"] == r["group_code"] and x["rarc"] == r["rarc"]
            ),
            None,
        )
        prev = rc["preventable_by"] if rc else []
        badges = "".join(f'<span class="badge">{_e(p)}</span>' for p in prev) or (
            '<span class="badge">yes</span>' if r["preventable"] else '<span class="muted">–</span>'
        )
        remark = f"<br><span class='muted'>{_e(r['rarc'])}: {_e(r['remark'])}</span>" if r["rarc"] else ""
        root_rows.append(
            [
                _cat_badge(r["category"]),
                f"<code>{_e(r['group_code'])}-{_e(r['carc'])}</code>",
                f"{_e(r['description'])}{remark}",
                f"{r['claims']:,}",
                _money(r["amount"]),
                badges,
            ]
        )

    pattern_rows = [
        [
            _e(r["payer"]),
            f"<code>{_e(r['procedure'])}</code>",
            _e(_dotted(r["diagnosis"])),
            _cat_badge(r["category"]),
            _e(r["carcs"]),
            f"{r['denials']:,}",
            _money(r["amount"]),
        ]
        for r in summary["patterns"]
    ]

    diag_rows = [
        [
            _e(_dotted(r["diagnosis"])),
            f"{r['claims']:,}",
            f"{r['denied_claims']:,}",
            _pct(r["denial_rate"]),
            _money(r["denied_amount"]),
        ]
        for r in summary["by_diagnosis"]
        if r["diagnosis"] != "(unknown)"
    ]
    prov_rows = [
        [
            _e(r["provider"]),
            f"{r['claims']:,}",
            f"{r['denied_claims']:,}",
            _pct(r["denial_rate"]),
            _money(r["denied_amount"]),
        ]
        for r in summary["by_provider"]
    ]

    largest = sorted(report.denials(), key=lambda o: -o.denied_amount)[:12]
    big_rows = []
    for o in largest:
        c = o.cause
        big_rows.append(
            [
                f"<code>{_e(o.claim_id)}</code>",
                _e(o.payer),
                _cat_badge(c.category) if c else "",
                f"<code>{_e(c.group)}-{_e(c.carc)}</code>" if c else "",
                _money(float(o.payment.charge)),
                _money(float(o.denied_amount)),
                "".join(f'<span class="badge">{_e(p)}</span>' for p in (c.preventable_by if c else ())),
            ]
        )

    findings = report.findings
    find_rows = [
        [
            _e(f.file.rsplit("/", 1)[-1]),
            _e(f"{f.segment_number} ({f.segment_id})" if f.segment_number else ""),
            _e(f.kind.replace("_", " ")),
            _e(f.message),
        ]
        for f in findings[:25]
    ]
    errors = [f for f in report.files if f.error]

    sections = [
        f'<div class="kpis">{kpi_html}</div>',
        '<div class="grid2">'
        f'<div class="card"><h2>Denied dollars by category</h2>{cat_chart}'
        f'<p class="muted">Expected adjustments, not denials: {_e(expected_note) or "none"}.</p></div>'
        f'<div class="card"><h2>Preventable share</h2><div class="row">{donut_svg}<div class="legend">'
        f'<div><span class="sw" style="background:#2e7d32"></span>preventable: {_money(prevent)} · '
        f"{t['preventable_claims']:,} claims</div>"
        f'<div><span class="sw" style="background:#e5e7eb"></span>not preventable: '
        f"{_money(max(denied - prevent, 0))}</div>"
        f'<p class="muted">A denial is preventable when a scrub rule category covers its cause '
        f"(e.g. CO-11 → medical_necessity, CO-16 + M76 → missing_required_field, CO-97 → ncci_ptp).</p>"
        "</div></div></div></div><br>",
        f'<div class="card"><h2>Denials by month of service</h2>{month_chart(summary["by_month"])}</div>',
        '<div class="grid2">'
        f'<div class="card"><h2>Claim denial rate by payer</h2>{payer_chart}</div>'
        f'<div class="card"><h2>Denied dollars by procedure</h2>{proc_chart}</div></div><br>',
        '<div class="card"><h2>Top root causes</h2>'
        + _table(["category", "code", "reason", "claims", "denied", "preventable by"], root_rows, {3, 4})
        + "</div>",
    ]
    if pattern_rows:
        sections.append(
            '<div class="card"><h2>Repeated denials → suggested payer-specific scrub rules</h2>'
            + _table(
                ["payer", "procedure", "diagnosis", "category", "codes", "denials", "denied"],
                pattern_rows,
                {5, 6},
            )
            + "</div>"
        )
    sections.append(
        '<div class="grid2">'
        + (
            '<div class="card"><h2>By principal diagnosis</h2>'
            + _table(["diagnosis", "claims", "denied", "rate", "denied $"], diag_rows, {1, 2, 3, 4})
            + "</div>"
            if diag_rows
            else ""
        )
        + '<div class="card"><h2>By provider</h2>'
        + _table(["provider", "claims", "denied", "rate", "denied $"], prov_rows, {1, 2, 3, 4})
        + "</div></div><br>"
    )
    if big_rows:
        sections.append(
            '<div class="card"><h2>Largest denials in these files</h2>'
            + _table(
                ["claim", "payer", "category", "code", "billed", "denied", "preventable by"], big_rows, {4, 5}
            )
            + "</div>"
        )
    if find_rows or errors:
        err_html = "".join(f"<p><b>Could not read:</b> {_e(f.error)}</p>" for f in errors)
        more = f'<p class="muted">… and {len(findings) - 25} more.</p>' if len(findings) > 25 else ""
        sections.append(
            '<div class="card"><h2>Remittance findings (balancing, structure)</h2>'
            + err_html
            + (_table(["file", "segment", "kind", "message"], find_rows, set()) if find_rows else "")
            + more
            + "</div>"
        )
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{CSS}</style></head>'
        f'<body><main><h1>{_e(title)}</h1><div class="sub">{scope}{period} · '
        f"{t['claims']:,} claims · billed {_money(t['billed'])} · paid {_money(t['paid'])} · "
        f"denied {_money(t['denied_amount'])}</div>"
        + "".join(sections)
        + f"<footer>Generated by cleanclaim on {generated}. CARC/RARC wording is cleanclaim's own; "
        "categories follow the cleanclaim denial vocabulary. Synthetic or de-identified data only.</footer>"
        "</main></body></html>"
    )


def write_html(path: str, report: DenialReport, summary: dict[str, Any], history: str | None = None) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_html(report, summary, history))
