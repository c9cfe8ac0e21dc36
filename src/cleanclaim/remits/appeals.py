"""Appeal letter drafts for denied claims, from a per-category template.

Facts in a letter come only from the remittance, the submitted claim, the payer policy file and
spans of the clinical note that the note coder returns (each checked against the note text).
Everything else is a bracketed placeholder for the author: the draft never invents clinical facts.
"""

from __future__ import annotations

import fnmatch
import os
import textwrap
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from cleanclaim.codes.spelling import dotted
from cleanclaim.errors import InputError
from cleanclaim.remits.reference import DENIAL_CATEGORIES, NOT_DENIAL
from cleanclaim.remits.reference import carc as carc_entry
from cleanclaim.remits.reference import rarc as rarc_entry

__all__ = ["AppealCase", "AppealDraft", "find_case", "draft_appeal", "load_policies", "POLICY_DIR"]

POLICY_DIR = Path(__file__).resolve().parents[1] / "scrub" / "data" / "policies"
TEMPLATE_CATEGORIES = tuple(c for c in DENIAL_CATEGORIES if c not in NOT_DENIAL)


@dataclass(slots=True)
class AppealCase:
    """What the letter may say: everything here was read from a remittance or a submitted claim."""

    claim_id: str
    payer: str
    category: str
    group: str
    carc: str
    rarc: str | None = None
    payer_claim_control: str | None = None
    patient: str | None = None
    member_id: str | None = None
    service_date: str | None = None
    billed: float = 0.0
    denied_amount: float = 0.0
    provider: str | None = None
    procedures: list[str] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)  # line, procedure, charge, denied, codes
    source: str = ""


@dataclass(slots=True)
class AppealDraft:
    claim_id: str
    category: str
    text: str
    policies: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    placeholders: int
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "category": self.category,
            "letter": self.text,
            "policies": self.policies,
            "evidence": self.evidence,
            "placeholders": self.placeholders,
            "notes": self.notes,
        }


# ------------------------------------------------------------------------------------------ finding


def find_case(
    claim_id: str, db: str | None = None, remits: list[str] | tuple[str, ...] = (), claims: list | None = None
) -> AppealCase:
    """The denied claim from a history DB or from 835 files; InputError when absent or not denied."""
    billed = {c.claim_id: c for c in claims or []}
    case: AppealCase | None = None
    looked: list[str] = []
    if remits:
        case = _case_from_remits(claim_id, remits, billed)
        looked.append(", ".join(remits))
    if case is None and db:
        if not os.path.exists(db):
            raise InputError("history database not found", file=db)
        case = _case_from_db(claim_id, db)
        looked.append(db)
    if case is None:
        raise InputError(f"claim {claim_id!r} not found in {' or '.join(looked)}")
    if claim_id in billed:
        b = billed[claim_id]
        case.diagnoses = [d.code for d in b.diagnoses] or case.diagnoses
        if not case.member_id:
            case.member_id = b.patient.member_id
    if case.category in NOT_DENIAL or case.denied_amount <= 0:
        raise InputError(
            f"claim {claim_id!r} has no denial to appeal (only expected adjustments such as "
            "contractual write-offs or patient cost sharing)"
        )
    return case


def _case_from_remits(claim_id: str, remits, billed) -> AppealCase | None:
    from cleanclaim.remits.analysis import analyze_files

    report = analyze_files(remits, billed or None)
    matches = [o for o in report.outcomes if o.claim_id == claim_id]
    if not matches:
        return None
    o = max(matches, key=lambda x: x.denied_amount)
    p = o.payment
    c = o.cause
    rm = p.remit
    lines = []
    for sv in p.services:
        adjs = [a for a in o.adjustments if a.line == sv.number and a.denial and a.amount > 0]
        if adjs:
            lines.append(
                {
                    "line": sv.number,
                    "procedure": sv.original_procedure or sv.procedure,
                    "modifiers": sv.modifiers,
                    "charge": float(sv.charge),
                    "denied": float(sum(a.amount for a in adjs)),
                    "codes": [f"{a.group}-{a.carc}" for a in adjs],
                }
            )
    return AppealCase(
        claim_id=claim_id,
        payer=o.payer or "[payer]",
        category=c.category if c else "contractual",
        group=c.group if c else "",
        carc=c.carc if c else "",
        rarc=c.rarc if c else None,
        payer_claim_control=p.payer_claim_control,
        patient=p.patient.name,
        member_id=p.patient.identifier,
        service_date=p.service_date.isoformat() if p.service_date else None,
        billed=float(p.charge),
        denied_amount=float(o.denied_amount),
        provider=rm.payee.name if rm else None,
        procedures=[sv.procedure for sv in p.services],
        diagnoses=o.diagnoses,
        lines=lines,
        source=o.file,
    )


def _case_from_db(claim_id: str, db: str) -> AppealCase | None:
    from cleanclaim.remits.history import History

    hist = History(db, read_only=True)
    try:
        row = hist.find_claim(claim_id)
    finally:
        hist.close()
    if row is None:
        return None
    lines = []
    for ln in row["lines"]:
        adjs = [a for a in row["adjustments"] if a["line"] == ln["line"] and a["denial"]]
        if adjs:
            lines.append(
                {
                    "line": ln["line"],
                    "procedure": ln["procedure"],
                    "modifiers": (ln["modifiers"] or "").split(),
                    "charge": ln["charge"],
                    "denied": sum(a["amount"] for a in adjs),
                    "codes": [f"{a['group_code']}-{a['carc']}" for a in adjs],
                }
            )
    return AppealCase(
        claim_id=claim_id,
        payer=row["payer"] or "[payer]",
        category=row["category"] or "contractual",
        group=row["group_code"] or "",
        carc=row["carc"] or "",
        rarc=row["rarc"],
        payer_claim_control=row["payer_claim_control"],
        patient=row["patient"],
        member_id=row["member_id"],
        service_date=row["service_date"],
        billed=row["billed"],
        denied_amount=row["denied_amount"],
        provider=row["payee"],
        procedures=(row["procedures"] or "").split(),
        diagnoses=(row["diagnoses"] or "").split(),
        lines=lines,
        source=row["file_name"],
    )


# ------------------------------------------------------------------------------------------ policies


def load_policies(policy_dir: Path | str | None = None) -> list[dict[str, Any]]:
    """Payer policy YAML files (schema in docs/architecture.md); [] when none are installed yet."""
    folder = Path(policy_dir) if policy_dir else POLICY_DIR
    if not folder.is_dir():
        return []
    import yaml

    out = []
    for path in sorted(folder.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        for pol in data if isinstance(data, list) else [data]:
            if isinstance(pol, dict) and pol.get("procedures"):
                pol.setdefault("id", path.stem)
                out.append(pol)
    return out


_ANY_PAYER = {"", "*", "any", "all", "default", "generic"}


def matching_policies(case: AppealCase, policies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Policies that cover a denied procedure: the payer's own first, then payer-neutral ones."""
    procs = {ln["procedure"] for ln in case.lines} or set(case.procedures)
    own, neutral = [], []
    for pol in policies:
        if not procs & {str(p) for p in pol.get("procedures") or []}:
            continue
        payer = str(pol.get("payer") or "").strip().lower()
        if payer in _ANY_PAYER:
            neutral.append(pol)
        elif payer in case.payer.lower() or case.payer.lower() in payer:
            own.append(pol)
    return own or neutral


def _covers_dx(pol: dict[str, Any], diagnoses: list[str]) -> list[str]:
    globs = [str(g).replace(".", "").upper() for g in pol.get("covered_diagnoses") or []]
    return [d for d in diagnoses if any(fnmatch.fnmatchcase(d.upper(), g) for g in globs)]


# ------------------------------------------------------------------------------------------ evidence


def note_evidence(note_text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Evidence spans from the note coder, each verified to be verbatim in the note."""
    notes: list[str] = []
    try:
        from cleanclaim.coding import code_note
    except ImportError:
        return [], ["documentation evidence not extracted: the note coder is not installed; attach the note"]
    try:
        result = code_note(note_text)
        data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    except Exception as exc:  # noqa: BLE001 - a failing coder must not stop the letter
        return [], [f"documentation evidence not extracted ({type(exc).__name__}); attach the note"]
    out = []
    seen: set[tuple[int, int]] = set()
    for code in data.get("codes") or []:
        for ev in code.get("evidence") or []:
            start, end, text = ev.get("start"), ev.get("end"), ev.get("text") or ""
            if not isinstance(start, int) or not isinstance(end, int) or (start, end) in seen:
                continue
            if note_text[start:end] != text or not text.strip():
                notes.append(
                    f"evidence span {start}-{end} for {code.get('code')} does not match the note; left out"
                )
                continue
            seen.add((start, end))
            out.append({"code": code.get("code"), "start": start, "end": end, "text": text})
    return out, notes


# ------------------------------------------------------------------------------------------ drafting


def _template(name: str) -> Template:
    return Template(
        resources.files("cleanclaim.remits").joinpath("templates", name).read_text(encoding="utf-8")
    )




def _money(v: float | None) -> str:
    return f"${(v or 0):,.2f}"


def draft_appeal(
    case: AppealCase,
    note_text: str | None = None,
    policy_dir: Path | str | None = None,
    today: date | None = None,
) -> AppealDraft:
    category = case.category if case.category in TEMPLATE_CATEGORIES else "other"
    notes: list[str] = []
    c_entry = carc_entry(case.carc)
    r_entry = rarc_entry(case.rarc) if case.rarc else None
    policies: list[dict[str, Any]] = []
    criteria_block = ""
    if category == "medical_necessity":
        policies = matching_policies(case, load_policies(policy_dir))
        criteria_block = _criteria_block(case, policies, notes)
    evidence: list[dict[str, Any]] = []
    if note_text:
        evidence, ev_notes = note_evidence(note_text)
        notes.extend(ev_notes)
        billed = {d.replace(".", "").upper() for d in case.diagnoses}
        unbilled = sorted(
            {
                str(ev["code"])
                for ev in evidence
                if ev.get("code") and str(ev["code"]).replace(".", "").upper() not in billed
            }
        )
        if unbilled and case.diagnoses:
            notes.append(
                f"the note supports {', '.join(unbilled)}, which the claim did not bill: a corrected "
                "claim may resolve the denial faster than an appeal"
            )
    evidence_block = _evidence_block(evidence, note_text is not None)
    values = {
        "today": (today or date.today()).strftime("%B %d, %Y").replace(" 0", " "),
        "payer": case.payer,
        "patient": case.patient or "[patient name]",
        "member_id": case.member_id or "[member ID]",
        "claim_id": case.claim_id,
        "payer_claim_control": case.payer_claim_control or "[payer claim number]",
        "service_date": case.service_date or "[date of service]",
        "billed": _money(case.billed),
        "denied_amount": _money(case.denied_amount),
        "denial_code": f"{case.group}-{case.carc}" if case.group else case.carc,
        "denial_reason": c_entry.description if c_entry else "reason code not in the catalogue",
        "remark_line": f"\n    Remark: {case.rarc} - {r_entry.description}"
        if r_entry
        else (f"\n    Remark: {case.rarc}" if case.rarc else ""),
        "remark_text": r_entry.description.lower() if r_entry else "[the item named in the remark code]",
        "criteria_block": criteria_block,
        "evidence_block": evidence_block,
        "provider": case.provider or "[practice name]",
        "diagnoses": ", ".join(dotted(d) for d in case.diagnoses) or "[diagnoses as billed]",
        "lines_block": "\n".join(
            f"  - line {ln['line']}: procedure {ln['procedure']}"
            + (f" (modifiers {' '.join(ln['modifiers'])})" if ln.get("modifiers") else "")
            + f", billed {_money(ln['charge'])}, denied {_money(ln['denied'])} ({', '.join(ln['codes'])})"
            for ln in case.lines
        )
        or "  - the claim as a whole (" + ", ".join(case.procedures or ["[procedure]"]) + ")",
        "enclosures_block": "\n".join(f"  - {e}" for e in _enclosures(category, bool(note_text), policies)),
    }
    body = _template(f"appeal_{category}.txt").safe_substitute(values)
    text = (
        _template("appeal_header.txt").safe_substitute(values)
        + body.rstrip()
        + "\n"
        + _template("appeal_footer.txt").safe_substitute(values)
    )
    text = "\n".join(line.rstrip() for line in text.splitlines()).replace("\n\n\n", "\n\n") + "\n"
    return AppealDraft(
        case.claim_id,
        category,
        text,
        [
            {
                "id": p.get("id"),
                "title": p.get("title"),
                "payer": p.get("payer"),
                "source": p.get("source"),
                "effective_date": str(p.get("effective_date") or ""),
            }
            for p in policies
        ],
        evidence,
        text.count("["),
        notes,
    )


def _criteria_block(case: AppealCase, policies: list[dict[str, Any]], notes: list[str]) -> str:
    if not policies:
        notes.append(
            "no payer policy file covers the denied procedure; cite the payer's LCD/NCD or "
            "medical policy by hand"
        )
        return (
            "[Cite the payer's coverage policy (LCD / NCD / medical policy number) and each criterion it\n"
            "sets, with where the record documents it.]"
        )
    parts = []
    for pol in policies:
        lines = [f"Policy: {pol.get('title') or pol.get('id')}"]
        ref = pol.get("reference") or pol.get("id")
        meta = f"  Reference: {ref}" if ref else ""
        if pol.get("effective_date"):
            meta += f"{';' if meta else ' '} effective {pol['effective_date']}"
        if meta:
            lines.append(meta)
        for i, crit in enumerate(pol.get("criteria") or [], 1):
            lines.append(
                textwrap.fill(
                    " ".join(str(crit).split()),
                    width=96,
                    initial_indent=f"  {i}. ",
                    subsequent_indent="     ",
                )
            )
        covered = _covers_dx(pol, case.diagnoses)
        if covered:
            lines.append(
                "  The claim's diagnosis "
                + ", ".join(dotted(d) for d in covered)
                + " is among the diagnoses this policy covers."
            )
        elif case.diagnoses:
            notes.append(
                f"policy {pol.get('id')}: none of the billed diagnoses is in its covered list; "
                "check the coding (a corrected claim may fit better than an appeal)"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _evidence_block(evidence: list[dict[str, Any]], had_note: bool) -> str:
    if evidence:
        lines = ["The enclosed clinical note documents (verbatim):"]
        for ev in evidence:
            lines.append(f'  - "{ev["text"].strip()}" (supports {ev["code"]})')
        return "\n".join(lines)
    if had_note:
        return "[Quote the passages of the enclosed note that support this request.]"
    return "[Quote the passages of the clinical note that support this request; attach the note.]"


def _enclosures(category: str, note: bool, policies: list[dict[str, Any]]) -> list[str]:
    out = ["copy of the remittance advice (835 / EOB) showing the denial"]
    if note or category in ("medical_necessity", "coding", "bundling", "other"):
        out.append("clinical note for the date of service")
    if policies:
        out.append("the coverage policy cited above")
    extra = {
        "authorization": "authorization record",
        "eligibility": "eligibility response for the date of service",
        "timely_filing": "clearinghouse acceptance report (999 / 277CA)",
        "coordination_of_benefits": "primary payer remittance or no-other-coverage statement",
        "missing_information": "corrected claim",
    }
    if category in extra:
        out.append(extra[category])
    return out
