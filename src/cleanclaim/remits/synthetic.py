"""Synthetic, balanced remittances (and the 837 claims they answer) for tests, examples and benchmarks.

Entirely made up: names, ids and NPIs are generated; no real patient data. The denial scenarios are
the patterns a spine / neck-pain practice meets (imaging without policy criteria, bundled manual
therapy, missing diagnosis, no authorization ...), weighted so that most claims pay normally.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cleanclaim.remits.model import Adjustment, ClaimPayment, Party, Remittance, ServicePayment

__all__ = ["Scenario", "SCENARIOS", "PAYERS", "synthetic_remits", "synthetic_batch"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    weight: int
    procedure: str
    diagnosis: str
    group: str | None = None  # None: paid normally
    carc: str | None = None
    rarc: str | None = None
    claim_level: bool = False  # whole claim denied (status 4) rather than the line
    payers: tuple[str, ...] = ()  # the payers that mostly deny this way (empty: any payer)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("paid office visit", 120, "99213", "M5412"),
    Scenario("paid office visit (established, moderate)", 60, "99214", "M542"),
    Scenario("paid manipulation", 40, "98940", "M9901"),
    Scenario("paid therapeutic exercise", 40, "97110", "M542"),
    Scenario(
        "MRI cervical spine for neck pain alone",
        6,
        "72141",
        "M542",
        "CO",
        "50",
        "N115",
        True,
        payers=("MEDICARE PART B", "ACME HEALTH PLAN"),
    ),
    Scenario(
        "MRI without prior authorization",
        3,
        "72141",
        "M5412",
        "CO",
        "197",
        None,
        True,
        payers=("ACME HEALTH PLAN", "LAKESIDE PPO"),
    ),
    Scenario(
        "diagnosis does not support trigger point injection",
        3,
        "20552",
        "M542",
        "CO",
        "11",
        payers=("MEDICARE PART B",),
    ),
    Scenario(
        "manual therapy bundled with manipulation",
        5,
        "97140",
        "M9901",
        "CO",
        "97",
        "M15",
        payers=("STATE MEDICAID", "MEDICARE PART B"),
    ),
    Scenario("missing or invalid diagnosis", 3, "99213", "M54", "CO", "16", "M76", True),
    Scenario("patient not covered on the date of service", 2, "99214", "M5412", "CO", "27", None, True),
    Scenario("duplicate submission", 2, "99213", "M542", "OA", "18", None, True),
    Scenario("filed after the deadline", 1, "97110", "M542", "CO", "29", None, True),
    Scenario(
        "acupuncture not in the benefit plan",
        2,
        "97810",
        "M542",
        "PR",
        "204",
        "N130",
        payers=("BLUE RIVER MUTUAL",),
    ),
    Scenario("modifier missing on manual therapy", 2, "97140", "M5412", "CO", "4", None, False),
    Scenario("other payer primary", 1, "99213", "S134XXA", "CO", "22", "MA04", True),
    Scenario(
        "therapy frequency above limit", 2, "97110", "M5412", "CO", "151", "N362", payers=("STATE MEDICAID",)
    ),
)

PAYERS: tuple[tuple[str, str], ...] = (
    ("ACME HEALTH PLAN", "60054"),
    ("BLUE RIVER MUTUAL", "00123"),
    ("STATE MEDICAID", "77027"),
    ("MEDICARE PART B", "04412"),
    ("LAKESIDE PPO", "38217"),
)
PROVIDERS: tuple[tuple[str, str], ...] = (
    ("NORTHSIDE SPINE CLINIC", "1234567893"),
    ("RIVERBEND CHIROPRACTIC", "1497758544"),
    ("CEDAR PHYSICAL THERAPY", "1326042953"),
)


def _npi(base9: str) -> str:
    """A made-up NPI with a valid check digit (Luhn over the 80840 prefix)."""
    digits = [int(c) for c in "80840" + base9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return base9 + str((10 - total % 10) % 10)


RENDERING: tuple[tuple[str, str, str], ...] = (
    ("RIVERA", "SAM", _npi("123450001")),
    ("CHEN", "ROBIN", _npi("123450002")),
    ("OKAFOR", "JO", _npi("123450003")),
    ("LINDQVIST", "PAT", _npi("123450004")),
)
FEES = {
    "99213": Decimal("120"),
    "99214": Decimal("175"),
    "98940": Decimal("60"),
    "97110": Decimal("45"),
    "97140": Decimal("50"),
    "72141": Decimal("1200"),
    "20552": Decimal("150"),
    "97810": Decimal("85"),
}
FILING = {
    "ACME HEALTH PLAN": "CI",
    "BLUE RIVER MUTUAL": "12",
    "STATE MEDICAID": "MC",
    "MEDICARE PART B": "MB",
    "LAKESIDE PPO": "12",
}


def _pick(rng: random.Random, payer: str) -> Scenario:
    total = sum(s.weight for s in SCENARIOS)
    x = rng.uniform(0, total)
    chosen = SCENARIOS[0]
    for s in SCENARIOS:
        x -= s.weight
        if x <= 0:
            chosen = s
            break
    if chosen.payers and payer not in chosen.payers and rng.random() < 0.8:
        return SCENARIOS[rng.randrange(4)]  # this payer usually pays it: one of the paid scenarios
    return chosen


def _claim(rng: random.Random, n: int, sc: Scenario, payer: str, dos: date) -> ClaimPayment:
    charge = FEES.get(sc.procedure, Decimal("100"))
    extra = rng.random() < 0.3 and sc.procedure != "99213"
    lines = [(sc.procedure, charge, sc)] + ([("99213", FEES["99213"], None)] if extra else [])
    claim_id = f"PCN{n:07d}"
    cp = ClaimPayment(
        claim_id=claim_id,
        status="1",
        charge=Decimal(0),
        paid=Decimal(0),
        filing_indicator=FILING.get(payer, "CI"),
        payer_claim_control=f"{rng.randrange(10**13):013d}",
        facility_code="11",
        frequency_code="1",
        patient=Party(f"PATIENT{n % 9973:04d}, TEST", f"MBR{n % 99991:06d}", "MI"),
    )
    if rng.random() < 0.7:
        last, first, npi = RENDERING[rng.randrange(len(RENDERING))]
        cp.rendering_provider = Party(f"{last}, {first}", npi, "XX")
    denied_claim = sc.group is not None and sc.claim_level
    for i, (proc, fee, line_sc) in enumerate(lines, 1):
        sv = ServicePayment(
            number=i, procedure=proc, charge=fee, service_date=dos, control_number=f"{claim_id}-{i}"
        )
        if denied_claim:
            sv.adjustments.append(Adjustment(sc.group, sc.carc, fee, None, i))
            if sc.rarc:
                sv.remarks.append(sc.rarc)
        elif line_sc is not None and line_sc.group is not None:
            sv.adjustments.append(Adjustment(line_sc.group, line_sc.carc, fee, None, i))
            if line_sc.rarc:
                sv.remarks.append(line_sc.rarc)
        else:
            allowed = (fee * Decimal(rng.choice(("0.62", "0.7", "0.8", "0.85")))).quantize(CENT)
            sv.adjustments.append(Adjustment("CO", "45", fee - allowed, None, i))
            share = rng.random()
            if share < 0.25:
                pr = min(allowed, Decimal(rng.choice(("20", "25", "30"))))
                sv.adjustments.append(Adjustment("PR", "3", pr, None, i))
            elif share < 0.45:
                pr = (allowed * Decimal("0.2")).quantize(CENT)
                sv.adjustments.append(Adjustment("PR", "2", pr, None, i))
            elif share < 0.55:
                pr = allowed
                sv.adjustments.append(Adjustment("PR", "1", pr, None, i))
            else:
                pr = Decimal(0)
            sv.amounts["B6"] = allowed
            sv.paid = allowed - pr
        cp.services.append(sv)
    cp.charge = sum((s.charge for s in cp.services), Decimal(0))
    cp.paid = sum((s.paid for s in cp.services), Decimal(0))
    cp.patient_responsibility = sum(
        (a.amount for s in cp.services for a in s.adjustments if a.group == "PR"), Decimal(0)
    )
    if denied_claim and cp.paid == 0:
        cp.status = "4"
    cp.received = dos + timedelta(days=rng.randrange(2, 20))
    return cp


def synthetic_remits(
    n_claims: int, seed: int = 7, claims_per_remit: int = 50, start: date = date(2025, 1, 1), days: int = 365
) -> list[Remittance]:
    """``n_claims`` balanced claim payments spread over payers, payees and a year of service dates."""
    return synthetic_batch(n_claims, seed, claims_per_remit, start, days, with_claims=False)[0]


def synthetic_batch(
    n_claims: int,
    seed: int = 7,
    claims_per_remit: int = 50,
    start: date = date(2025, 1, 1),
    days: int = 365,
    with_claims: bool = True,
) -> tuple[list[Remittance], list]:
    """Remittances plus (when ``with_claims``) the 837P claims they answer, linked on claim id."""
    rng = random.Random(seed)
    out: list[Remittance] = []
    claims: list = []
    made = 0
    tx = 0
    while made < n_claims:
        tx += 1
        payer, payer_id = PAYERS[rng.randrange(len(PAYERS))]
        payee, npi = PROVIDERS[rng.randrange(len(PROVIDERS))]
        pay_date = start + timedelta(days=rng.randrange(days))
        rm = Remittance(
            file="",
            control_number=f"{tx:04d}",
            handling_code="I",
            payment_method="ACH",
            payment_date=pay_date,
            trace_number=f"EFT{seed:03d}{tx:07d}",
            production_date=pay_date,
            payer=Party(payer, payer_id, "XV"),
            payee=Party(payee, npi, "XX"),
        )
        for _ in range(min(claims_per_remit, n_claims - made)):
            made += 1
            sc = _pick(rng, payer)
            dos = pay_date - timedelta(days=rng.randrange(14, 45))
            cl = _claim(rng, made, sc, payer, dos)
            cl.remit = rm
            rm.claims.append(cl)
            if with_claims:
                claims.append(_billed_claim(rng, cl, rm, sc))
        rm.payment_amount = sum((c.paid for c in rm.claims), Decimal(0))
        out.append(rm)
    return out, claims


def _billed_claim(rng: random.Random, cp: ClaimPayment, rm: Remittance, sc: Scenario):
    """The 837P claim (cleanclaim claim model) this payment answers."""
    from cleanclaim.claims.model import Claim, Diagnosis, Patient, ServiceLine
    from cleanclaim.claims.model import Party as ClaimParty

    diagnoses = [Diagnosis(sc.diagnosis, sc.diagnosis, "ABK", 1)]
    if rng.random() < 0.4:
        diagnoses.append(Diagnosis("M6283", "M62.83", "ABF", 2))
    lines = [
        ServiceLine(
            number=sv.number,
            procedure=sv.procedure,
            charge=sv.charge,
            date_of_service=sv.service_date,
            pointers=[1],
        )
        for sv in cp.services
    ]
    return Claim(
        claim_id=cp.claim_id,
        total_charge=cp.charge,
        place_of_service="11",
        patient=Patient(last_name=(cp.patient.name or "").split(",")[0], member_id=cp.patient.identifier),
        payer=ClaimParty(rm.payer.name, rm.payer.identifier, "PI"),
        billing_provider=ClaimParty(rm.payee.name, rm.payee.identifier, "XX"),
        diagnoses=diagnoses,
        lines=lines,
    )
