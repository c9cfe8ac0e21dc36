"""NCCI001: a procedure pair NCCI bundles, billed without a modifier that the edit allows."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.codes.modifiers import ncci_modifiers
from cleanclaim.scrub.context import ClaimContext, LineFact
from cleanclaim.scrub.registry import Hit, rule

# NCCI-associated modifiers (NCCI Policy Manual ch. I.E): 25/57 bypass only an E/M column-2 code,
# the others (59, X{EPSU}, anatomic, 24/27/58/78/79/91) only a non-E/M one.
_EM_BYPASS = frozenset({"25", "57"})
_PROCEDURE_BYPASS = frozenset(ncci_modifiers()) - _EM_BYPASS


def _bypassed(ctx: ClaimContext, col1: LineFact, col2: LineFact) -> bool:
    if ctx.is_em(col2.procedure):
        return bool(_EM_BYPASS.intersection(col2.modifiers))
    return bool(
        _PROCEDURE_BYPASS.intersection(col1.modifiers) or _PROCEDURE_BYPASS.intersection(col2.modifiers)
    )


@rule(
    id="NCCI001",
    name="ncci-ptp-pair",
    category="ncci_ptp",
    severity="error",
    reference="NCCI procedure-to-procedure (PTP) edits, practitioner; "
    "curated subset in scrub/data/ncci_ptp.tsv",
    fix="Drop the column-2 code, or, when the service really was separate (other site, session or "
    "encounter), document it and add the modifier the edit allows (25 on an E/M, 59/X{EPSU} otherwise).",
)
def ncci_ptp_pair(ctx: ClaimContext) -> Iterator[Hit]:
    """Two procedures on the same date that an NCCI PTP edit pairs, without an allowed modifier.

    Indicator ``0``: never paid together, no modifier helps. Indicator ``1``: paid together only
    with an NCCI-associated modifier (E/M column-2 codes need 25 or 57; others 59, X{EPSU} or an
    anatomic modifier). An office E/M on the day of a facet injection is bundled unless it was a
    significant, separately identifiable service billed with 25.

    Anti-pattern::

        dx M47.812
        line 64490 ptr 1
        line 99214 ptr 1

    Best practice::

        dx M47.812
        line 64490 ptr 1
        line 99214 mod 25 ptr 1
    """
    if ctx.procedures.isdisjoint(ctx.tables.ptp_codes) or len(ctx.procedures) < 2:
        return
    by_code = ctx.tables.ptp_by_code
    ptp = ctx.tables.ptp
    lines = ctx.lines
    for a in lines:
        if a.procedure not in by_code:
            continue
        for b in lines:
            if b is a or b.procedure == a.procedure:
                continue
            edits = ptp.get((a.procedure, b.procedure))
            if not edits or (a.dos and b.dos and a.dos != b.dos):
                continue
            on = a.dos or ctx.on
            for edit in edits:
                caveat = (
                    ""
                    if edit.confidence == "high"
                    else f" (curated edit, confidence {edit.confidence}: verify)"
                )
                if not edit.in_force(on) or edit.modifier_indicator == "9":
                    continue
                if edit.modifier_indicator == "0":
                    yield Hit(
                        f"{b.procedure} (line {b.number}) is bundled into {a.procedure} (line {a.number}) "
                        f"and never paid with it (NCCI modifier indicator 0; {edit.rationale}){caveat}.",
                        (a.procedure, b.procedure),
                        b.number,
                        fix=f"Remove {b.procedure}; no modifier bypasses this edit.",
                    )
                elif not _bypassed(ctx, a, b):
                    need = "25 on the E/M line" if ctx.is_em(b.procedure) else "59 or X{EPSU}"
                    yield Hit(
                        f"{b.procedure} (line {b.number}) is bundled into {a.procedure} (line {a.number}) "
                        f"unless a modifier shows a separate service (NCCI modifier indicator 1; "
                        f"{edit.rationale}){caveat}.",
                        (a.procedure, b.procedure),
                        b.number,
                        fix=f"Remove {b.procedure}, or document a separate service and append {need}.",
                    )
                break
