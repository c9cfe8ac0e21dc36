"""MUE001: units above the Medically Unlikely Edit for the code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule

_MAI = {
    "1": "line edit",
    "2": "date-of-service edit, policy: not appealable",
    "3": "date-of-service edit, clinical: payable on appeal with documentation",
}


@rule(
    id="MUE001",
    name="mue-units-exceeded",
    category="mue_units",
    severity="error",
    reference="CMS NCCI Medically Unlikely Edits (practitioner), MUE adjudication indicator (MAI); "
    "curated subset in scrub/data/mue.tsv",
    fix="Bill the units actually documented; bilateral services take modifier 50 with 1 unit.",
)
def mue_units_exceeded(ctx: ClaimContext) -> Iterator[Hit]:
    """Units of service above the MUE: per line (MAI 1) or per day summed across lines (MAI 2/3).

    One cervical facet injection level (``64490``) per day: a second level is ``64491``, a third
    ``64492``; both sides take modifier 50 with 1 unit.

    Anti-pattern::

        dx M47.812
        line 64490 units 2

    Best practice::

        dx M47.812
        line 64490 mod 50 units 1
    """
    if ctx.procedures.isdisjoint(ctx.tables.mue_codes):
        return
    mue = ctx.tables.mue
    per_day: dict[tuple[str, date | None], tuple[float, int]] = {}
    for lf in ctx.lines:
        edit = mue.get(lf.procedure)
        if edit is None or edit.effective > (lf.dos or ctx.on):
            continue
        if edit.mai == "1":
            if lf.units > edit.units:
                yield Hit(
                    f"{lf.procedure} line {lf.number}: {lf.units:g} units, MUE is {edit.units} "
                    f"(MAI 1, {_MAI['1']}).",
                    (lf.procedure,),
                    lf.number,
                )
        else:
            key = (lf.procedure, lf.dos)
            units, first = per_day.get(key, (0.0, lf.number))
            per_day[key] = (units + lf.units, first)
    for (code, dos), (units, line) in per_day.items():
        edit = mue[code]
        if units > edit.units:
            day = dos.isoformat() if dos else "the date of service"
            yield Hit(
                f"{code}: {units:g} units on {day}, MUE is {edit.units} (MAI {edit.mai}, "
                f"{_MAI.get(edit.mai, 'date-of-service edit')}).",
                (code,),
                line,
            )
