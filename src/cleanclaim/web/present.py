"""Turning stored engine answers into what the pages show: highlighted note segments, sorted
finding rows, dashboard series. Display only; every judgement here comes from the engines."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
NOT_DENIALS = {"contractual", "patient_responsibility"}   # contracts.md: adjustments, not denials

CHECKLIST_LABELS = {
    "onset": "Onset", "duration": "Duration", "location": "Location", "radiation": "Radiation",
    "severity": "Severity", "functional_impact": "Functional impact", "neuro_exam": "Neurologic exam",
    "workup_plan": "Work-up / plan",
}


def money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    v = Decimal(str(value))
    return f"-${-v:,.2f}" if v < 0 else f"${v:,.2f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def code_shaped(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[A-Za-z]\d[0-9A-Za-z](\.?[0-9A-Za-z]{0,4})?\s*", text))


def form_errors(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ())) or "form"
        out.append(f"{field}: {err.get('msg', 'invalid')}")
    return out


# --- coding ---------------------------------------------------------------------------------------

def _spans(note: str, codes: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    spans = []
    for c in codes:
        for ev in c.get("evidence") or []:
            start, end, quote = ev.get("start"), ev.get("end"), ev.get("text") or ""
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(note)):
                start = note.find(quote) if quote else -1
                end = start + len(quote)
            if start >= 0 and end > start:
                spans.append((start, end, c["code"]))
    return spans


def highlight(note: str, codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The note cut into segments; each says which suggested codes' evidence covers it."""
    spans = _spans(note, codes)
    cuts = sorted({0, len(note), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = sorted({code for s, e, code in spans if s <= a and b <= e},
                          key=lambda code: [c["code"] for c in codes].index(code))
        segments.append({"text": note[a:b], "codes": covering, "start": a})
    return segments


def checklist(documentation: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": k, "label": CHECKLIST_LABELS.get(k, k.replace("_", " ").capitalize()), "ok": bool(v)}
            for k, v in documentation.items()]


# --- scrub ----------------------------------------------------------------------------------------

def finding_rows(run: Any) -> list[dict[str, Any]]:
    rows = [{"claim": c, "finding": f} for c in run.claims for f in c.findings]
    rows.sort(key=lambda r: (SEVERITY_RANK.get(r["finding"].severity, 9), r["finding"].category,
                             r["claim"].id))
    return rows


# --- denials --------------------------------------------------------------------------------------

def _denied_amount(claim: dict[str, Any]) -> float:
    if isinstance(claim.get("denied_amount"), int | float):
        return float(claim["denied_amount"])
    return sum(float(a.get("amount") or 0) for a in claim.get("adjustments", [])
               if a.get("category") not in NOT_DENIALS)


def _bars(pairs: dict[str, float], top: int = 8) -> list[dict[str, Any]]:
    items = sorted(((k, v) for k, v in pairs.items() if v > 0), key=lambda kv: -kv[1])[:top]
    peak = max((v for _, v in items), default=0) or 1
    return [{"label": k, "value": v, "width": v / peak} for k, v in items]


def dashboard(run: Any) -> dict[str, Any]:
    from cleanclaim.web.store import remit_claim_dict

    summary = run.summary or {}
    claims = [remit_claim_dict(c) for c in run.claims]
    n = int(summary.get("claims", len(claims)) or 0)
    denied_claims = int(summary.get("denied_claims", sum(1 for c in claims if c["denied"])) or 0)

    by_category = summary.get("by_category") or {}
    denial_by_category = {k: float(v) for k, v in by_category.items() if k not in NOT_DENIALS}

    by_payer = summary.get("by_payer") or summary.get("denied_by_payer")
    by_carc = summary.get("by_carc") or summary.get("denied_by_carc")
    if not isinstance(by_payer, dict) or not isinstance(by_carc, dict):
        payer_sum: dict[str, float] = defaultdict(float)
        carc_sum: dict[str, float] = defaultdict(float)
        for c in claims:
            for adj in c.get("adjustments", []):
                if adj.get("category") in NOT_DENIALS:
                    continue
                amount = float(adj.get("amount") or 0)
                payer_sum[c.get("payer") or "unknown payer"] += amount
                carc_sum[f"{adj.get('group', '')}-{adj.get('carc', '?')}"] += amount
        by_payer = by_payer if isinstance(by_payer, dict) else payer_sum
        by_carc = by_carc if isinstance(by_carc, dict) else carc_sum
    by_payer = {k: _num(v) for k, v in by_payer.items()}
    by_carc = {k: _num(v) for k, v in by_carc.items()}

    preventable = summary.get("preventable_share")
    if preventable is None and any("preventable" in c for c in claims):
        denied_total = sum(_denied_amount(c) for c in claims if c["denied"]) or 0
        prev_total = sum(_denied_amount(c) for c in claims if c["denied"] and c.get("preventable"))
        preventable = prev_total / denied_total if denied_total else None

    if any("appealable" in c for c in claims):
        worklist = [c for c in claims if c.get("appealable")]
    else:
        worklist = [c for c in claims if _denied_amount(c) > 0]
    for c in worklist:
        c["denied_amount_display"] = _denied_amount(c)
    worklist.sort(key=lambda c: -c["denied_amount_display"])

    return {
        "claims": n, "denied_claims": denied_claims,
        "partial_claims": int(summary.get("partially_denied_claims", 0) or 0),
        "preventable_amount": float(summary.get("preventable_amount", 0) or 0),
        "unpreventable_amount": max(float(summary.get("denied_amount", 0) or 0)
                                    - float(summary.get("preventable_amount", 0) or 0), 0.0),
        "denial_rate": summary.get("denial_rate", summary.get("denial_rate_claims",
                                                              denied_claims / n if n else None)),
        "billed": summary.get("billed"), "paid": summary.get("paid"),
        "denied_amount": summary.get("denied_amount"), "preventable_share": preventable,
        "by_category": _bars(denial_by_category), "by_payer": _bars(by_payer), "by_carc": _bars(by_carc),
        "worklist": worklist, "all_claims": claims,
        "root_causes": (run.extra or {}).get("root_causes") or [],
        "suggested_rules": (run.extra or {}).get("suggested_rules") or [],
    }


def _num(v: Any) -> float:
    if isinstance(v, dict):   # engines may give {"amount": .., "claims": ..}
        v = v.get("amount", v.get("denied_amount", 0))
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0
