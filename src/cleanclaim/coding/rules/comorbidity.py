"""Combination codes the classification presumes between coexisting conditions: hypertension with
chronic kidney disease is hypertensive CKD, I12.- (OCG I.C.9.a.2; with heart failure too, I13.-,
I.C.9.a.3), and diabetes with CKD is diabetic CKD, E1x.22 (OCG I.C.4.a, the "with" convention I.A.15),
each with the CKD stage from N18.- beside it. Applied to the out-of-domain conditions the assessment
names, so the results stay marked for review."""

from __future__ import annotations

import re

from cleanclaim.coding.context import CodingContext
from cleanclaim.coding.rules.review import assessment_spans
from cleanclaim.notes.model import Span

RANK = 91
_CKD = re.compile(
    r"\b(?:ckd|chronic kidney disease|chronic renal (?:disease|insufficiency|failure))\b"
    r"(?:[^.;\n]{0,15}?\bstage\s*(?P<stage>[1-5][ab]?|iii[ab]?|iv|v|ii|i)\b|\s*(?P<bare>[1-5][ab]?)\b)?"
    r"|\b(?P<esrd>esrd|end[- ]stage renal disease|end[- ]stage kidney disease)\b", re.I)
_NOT_CURRENT = re.compile(r"\b(no|not|without|denies|negative for|family|fhx|fh|mother|father|sister|"
                          r"brother|rule out|r/o|risk of)\b[^.;\n]{0,30}$", re.I)
_NOT_RELATED = re.compile(r"\bnot (?:\w+ ){0,2}(?:due to|related to|from|caused by|secondary to) "
                          r"(?:the |his |her )?(?:hypertension|htn|diabetes|dm)\b", re.I)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iiia": "3a", "iiib": "3b", "iv": "4", "v": "5"}
_STAGE_CODE = {"1": "N18.1", "2": "N18.2", "3": "N18.30", "3a": "N18.31", "3b": "N18.32", "4": "N18.4",
               "5": "N18.5", "esrd": "N18.6", None: "N18.9"}


def _current(text: str, m: re.Match[str]) -> bool:
    """Not negated, ruled out or a relative's (in the 40 characters before it)."""
    return not _NOT_CURRENT.search(text[max(0, m.start() - 40):m.start()])


def _ckd(text: str, spans: list[tuple[int, int]]) -> tuple[str, Span] | None:
    """The CKD stage code and where the assessment states it: the most specific current statement
    (a staged one over "CKD" alone), the first on a tie."""
    best, best_key = None, None
    for a, b in spans:
        for m in _CKD.finditer(text, a, b):
            if not _current(text, m):
                continue
            stage = "esrd" if m.group("esrd") else (m.group("stage") or m.group("bare") or "").lower() or None
            code = _STAGE_CODE.get(_ROMAN.get(stage, stage) if stage else None, "N18.9")
            key = (code != "N18.9", len(code))
            if best_key is None or key > best_key:
                best, best_key = (code, Span(m.start(), m.end(), m.group(0))), key
    return best


_HYPERTENSION = re.compile(r"\b(htn|hypertension|hypertensive)\b", re.I)
_HEART_FAILURE = re.compile(r"\b(heart failure|chf|hf|hfpef|hfref|hfmref|cardiac failure)\b", re.I)
_DIABETES = re.compile(r"\b(?P<type1>type (?:1|i) (?:dm|diabetes)\w*|t1dm|dm1|iddm)\b|"
                       r"\b(t2dm|dm2|dm|niddm|diabetes|diabetic)\b", re.I)


def _stated(rx: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> re.Match[str] | None:
    """A current statement of the condition inside the assessment."""
    return next((m for a, b in spans for m in rx.finditer(text, a, b) if _current(text, m)), None)


def _combine(ctx: CodingContext, replaces: re.Pattern[str], new: str, why: str, guideline: str,
             spans: list[Span]) -> None:
    """Add the combination code in place of the single-condition codes it replaces."""
    for c in [c for c in ctx.codes if replaces.fullmatch(c.code)]:
        ctx.codes.remove(c)
        ctx.reject(c.code, f"combined into {new}: {why} ({guideline})")
        spans = [*c.evidence, *spans]
    ctx.add(new, [], f"{why} ({guideline}).", f"ICD-10-CM {guideline}", rank=RANK, needs_review=True,
            confidence=0.75, extra_evidence=spans)


def decide(ctx: CodingContext) -> None:
    text = ctx.reading.text
    spans = assessment_spans(ctx.reading)
    found = _ckd(text, spans)
    if found is None:
        return
    stage, span = found
    esrd = stage in {"N18.5", "N18.6"}
    touched = False
    htn = _stated(_HYPERTENSION, text, spans)
    if htn and not _NOT_RELATED.search(text):
        hf = _stated(_HEART_FAILURE, text, spans)
        if hf:  # hypertension with heart failure and CKD: I13.- (OCG I.C.9.a.3), the HF type beside it
            _combine(ctx, re.compile(r"I10|I11\.[09]|I12\.[09]|I13\.[0-2]"), "I13.2" if esrd else "I13.0",
                     "hypertension with heart failure and chronic kidney disease is hypertensive heart and "
                     "CKD, the links presumed", "OCG I.C.9.a.3",
                     [span, Span(hf.start(), hf.end(), hf.group(0))])
        else:
            _combine(ctx, re.compile(r"I10|I12\.[09]"), "I12.0" if esrd else "I12.9",
                     "hypertension with chronic kidney disease is hypertensive CKD, the link presumed",
                     "OCG I.C.9.a.2", [span, Span(htn.start(), htn.end(), htn.group(0))])
        touched = True
    dm = _stated(_DIABETES, text, spans)
    if dm:
        category = "E10" if dm.group("type1") else next(
            (c.code[:3] for c in ctx.codes if re.match(r"E(?:08|09|11|13)\.", c.code)), "E11")
        _combine(ctx, re.compile(rf"{category}\.(?:9|22)"), f"{category}.22",
                 "diabetes with chronic kidney disease is diabetic CKD, 'with' presuming the link",
                 "OCG I.A.15, I.C.4.a", [span, Span(dm.start(), dm.end(), dm.group(0))])
        touched = True
    if touched:
        for c in [c for c in ctx.codes if c.code.startswith("N18")]:
            ctx.codes.remove(c)  # one stage code, the most specific stated
        ctx.add(stage, [], "The stage of the chronic kidney disease, reported with the combination code "
                "(use additional code to identify the stage).", "ICD-10-CM OCG I.C.9.a.2; I.C.14.a",
                rank=RANK + 1, needs_review=True, confidence=0.7, extra_evidence=[span])

