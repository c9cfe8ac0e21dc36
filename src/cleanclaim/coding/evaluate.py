"""Score `code_note` against a gold file (docs/contracts.md, "Gold file for note-coding evaluation")."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any


def _forms(code: str) -> tuple[str, str]:
    c = code.strip().upper()
    return c, c.replace(".", "")


def code_matches(code: str, pattern: str) -> bool:
    """`pattern` may be a code (with or without the dot) or a shell-style glob like M50.*"""
    dotted, bare = _forms(code)
    p_dotted, p_bare = _forms(pattern)
    return fnmatchcase(dotted, p_dotted) or fnmatchcase(bare, p_bare)


def any_match(code: str, alternatives: str) -> bool:
    return any(code_matches(code, alt) for alt in alternatives.split("|") if alt.strip())


@dataclass(slots=True)
class NoteScore:
    id: str
    predicted: list[str]
    primary_ok: bool
    missing: list[str]
    forbidden: list[str]
    extra: list[str]
    query_ok: bool
    required: int
    found: int
    relevant: int                  # predicted codes in required / allowed

    @property
    def exact(self) -> bool:
        return (self.primary_ok and not self.missing and not self.forbidden and not self.extra
                and self.query_ok)


@dataclass(slots=True)
class EvalReport:
    notes: list[NoteScore] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        n = len(self.notes)
        req = sum(s.required for s in self.notes)
        pred = sum(len(s.predicted) for s in self.notes)
        return {
            "notes": n,
            "exact_note_rate": round(sum(s.exact for s in self.notes) / n, 4) if n else 0.0,
            "primary_accuracy": round(sum(s.primary_ok for s in self.notes) / n, 4) if n else 0.0,
            "recall": round(sum(s.found for s in self.notes) / req, 4) if req else 1.0,
            "precision": round(sum(s.relevant for s in self.notes) / pred, 4) if pred else 1.0,
            "forbidden_codes": sum(len(s.forbidden) for s in self.notes),
            "extra_codes": sum(len(s.extra) for s in self.notes),
            "query_rate": round(sum(s.query_ok for s in self.notes) / n, 4) if n else 0.0,
            "errors": len(self.errors),
            "notes_per_second": round(n / self.seconds, 1) if self.seconds else None,
        }

    def misses(self) -> list[NoteScore]:
        return [s for s in self.notes if not s.exact]

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(),
                "misses": [{"id": s.id, "predicted": s.predicted, "primary_ok": s.primary_ok,
                            "missing": s.missing, "forbidden": s.forbidden, "extra": s.extra,
                            "query_ok": s.query_ok} for s in self.misses()],
                "errors": self.errors}


def score(gold: dict[str, Any], result: Any) -> NoteScore:
    predicted = [c.code for c in result.codes]
    required = [str(r) for r in gold.get("required") or []]
    allowed = [str(a) for a in gold.get("allowed") or []]
    forbidden_globs = [str(f) for f in gold.get("forbidden") or []]
    primary = str(gold.get("primary") or "")
    primary_ok = bool(predicted) and any_match(predicted[0], primary) if primary else not predicted
    missing = [r for r in required if not any(any_match(p, r) for p in predicted)]
    forbidden = [p for p in predicted if any(code_matches(p, f) for f in forbidden_globs)]
    ok = required + allowed + ([primary] if primary else [])
    relevant = [p for p in predicted if any(any_match(p, a) for a in ok)]
    extra = [p for p in predicted if p not in relevant and p not in forbidden]
    topic = gold.get("query")
    query_ok = True
    if topic:
        t = str(topic).lower()
        query_ok = any(t in q.topic.lower() or t in q.message.lower() for q in result.queries)
    return NoteScore(id=str(gold.get("id")), predicted=predicted, primary_ok=primary_ok, missing=missing,
                     forbidden=forbidden, extra=extra, query_ok=query_ok, required=len(required),
                     found=len(required) - len(missing), relevant=len(relevant))


def iter_gold(path: Path) -> Iterable[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, gold object or None, error message or None) for each non-blank line."""
    raw = path.read_bytes().decode("utf-8-sig", errors="replace")
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, None, f"line {n}: malformed JSON ({exc.msg})"
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield n, None, f"line {n}: expected an object with a 'text' string"
            continue
        yield n, obj, None


def evaluate(path: Path) -> EvalReport:
    import time

    from cleanclaim.coding import code_note

    report = EvalReport()
    code_note("Assessment: neck pain.")  # load the pipeline and code set outside the timing
    t0 = time.perf_counter()
    for n, gold, err in iter_gold(path):
        if gold is None:
            report.errors.append(f"{path}: {err}")
            continue
        try:
            result = code_note(gold["text"], setting=gold.get("setting") or "outpatient",
                               note_id=str(gold.get("id", n)), age=gold.get("age"), sex=gold.get("sex"))
        except ValueError as exc:
            report.errors.append(f"{path}: line {n}: {exc}")
            continue
        report.notes.append(score(gold, result))
    report.seconds = time.perf_counter() - t0
    return report
