"""CLM003: a field payers require that is absent from the claim."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.scrub.context import ClaimContext
from cleanclaim.scrub.registry import Hit, rule


@rule(
    id="CLM003",
    name="required-field-missing",
    category="missing_required_field",
    severity="error",
    reference="837P 005010X222A1 required elements (CLM01, NM109, DMG02/03, HI, SV1, DTP*472, CLM05)",
    fix="Fill in the field from the registration or charge record before submitting.",
)
def required_field_missing(ctx: ClaimContext) -> Iterator[Hit]:
    """Claim without a field every payer requires.

    Checked: claim id, billing provider NPI, member id, payer id, patient birth date and sex,
    at least one diagnosis and one service line, a place of service, and each line's date of
    service and charge.

    Anti-pattern::

        unset birth_date
        dx M54.2
        line 99213

    Best practice::

        patient 1970-06-15 F
        dx M54.2
        line 99213
    """
    c = ctx.claim
    missing = []
    if not c.claim_id:
        missing.append("claim id (CLM01)")
    if not c.billing_provider.identifier:
        missing.append("billing provider NPI (2010AA NM109)")
    if not c.patient.member_id and not (c.subscriber and c.subscriber.member_id):
        missing.append("member id (2010BA NM109)")
    if not c.payer.identifier:
        missing.append("payer id (2010BB NM109)")
    # the subscriber's DMG stands in only when the patient is the subscriber (relationship 18 / unknown)
    self_pay = c.subscriber is not None and c.patient.relationship in (None, "", "18")
    if not (c.patient.birth_date or (self_pay and c.subscriber.birth_date)):  # type: ignore[union-attr]
        missing.append("patient birth date (DMG02)")
    if not (c.patient.sex or (self_pay and c.subscriber.sex)):  # type: ignore[union-attr]
        missing.append("patient sex (DMG03)")
    if not c.diagnoses:
        missing.append("diagnosis (HI)")
    if not c.lines:
        missing.append("service line (SV1)")
    if not c.place_of_service and any(not lf.line.place_of_service for lf in ctx.lines):
        missing.append("place of service (CLM05-1)")
    for name in missing:
        yield Hit(f"Missing {name}.", ())
    for lf in ctx.lines:
        if lf.dos is None:
            yield Hit(
                f"Line {lf.number} ({lf.procedure}) has no date of service (DTP*472).",
                (lf.procedure,),
                lf.number,
            )
        if lf.line.charge is None or lf.line.charge <= 0:
            yield Hit(f"Line {lf.number} ({lf.procedure}) has no charge.", (lf.procedure,), lf.number)
