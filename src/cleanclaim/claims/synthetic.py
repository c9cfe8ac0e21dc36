"""Synthetic neck-pain professional claims for tests, demos and benchmarks (no real patient data).

Scenarios follow how cervical-spine care is billed in practice: a new-patient visit with X-rays,
follow-up visits with therapy, MRI for radiculopathy, epidural steroid and facet injections, trigger
points, chiropractic manipulation, and whiplash after a car accident. Procedure codes appear as
numbers only. Deterministic for a given seed.

Like real traffic, the mix is not all clean: some diagnosis alternatives carry coding errors that are
common in neck-pain billing (M54.12 radiculopathy beside M50.12x disc disorder with radiculopathy,
an Excludes1 pair; M54.2 cervicalgia beside M47.812 spondylosis, a symptom integral to it), so
about a quarter of the claims give the scrubber something to find. Other tests and the workbench
demo rely on that; envelopes, NPIs, pointers and charges are always consistent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cleanclaim.claims.model import Claim, Diagnosis, Party, Patient, ServiceLine, SourceRef
from cleanclaim.claims.x12_837p import normalize_dx

__all__ = ["generate_claims", "make_npi", "npi_is_valid"]


def _luhn_check_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:       # doubling starts at the rightmost digit of the payload
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def make_npi(rng: random.Random) -> str:
    """A random NPI with a valid check digit (Luhn over the 80840 prefix + 9 digits)."""
    body = str(rng.choice((1, 2))) + "".join(str(rng.randrange(10)) for _ in range(8))
    return body + str(_luhn_check_digit("80840" + body))


def npi_is_valid(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and _luhn_check_digit("80840" + npi[:9]) == int(npi[9])


@dataclass(frozen=True, slots=True)
class _Service:
    procedure: str
    charge: str
    modifiers: tuple[str, ...] = ()
    units: int = 1


@dataclass(frozen=True, slots=True)
class _Scenario:
    name: str
    diagnoses: tuple[tuple[str, ...], ...]      # alternatives, each in reporting order
    services: tuple[_Service, ...]
    place_of_service: tuple[str, ...] = ("11",)
    prior_auth: bool = False
    accident: bool = False
    weight: int = 1


_SCENARIOS = (
    _Scenario("new patient neck pain with X-rays",
              (("M54.2",), ("M47.812", "M54.2"), ("M50.30",)),
              (_Service("99203", "185.00"), _Service("72040", "95.00")), weight=4),
    _Scenario("follow-up with therapy",
              (("M54.2",), ("M50.121",), ("M47.812",), ("M54.12", "M50.121")),
              (_Service("99213", "120.00", ("25",)), _Service("97110", "45.00", ("GP",), 2),
               _Service("97140", "42.00", ("GP",))), weight=4),
    _Scenario("radiculopathy work-up with MRI",
              (("M54.12",), ("M50.121", "M54.12"), ("M50.120",)),
              (_Service("99214", "165.00"), _Service("72141", "650.00")), ("11", "22"), weight=3),
    _Scenario("cervical epidural steroid injection",
              (("M54.12",), ("M50.121",), ("M50.122", "M54.12")),
              (_Service("62321", "780.00"),), ("11", "22", "24"), prior_auth=True, weight=2),
    _Scenario("cervical facet injections",
              (("M47.812",), ("M47.812", "M54.2")),
              (_Service("64490", "520.00"), _Service("64491", "260.00")), ("11", "24"), prior_auth=True,
              weight=2),
    _Scenario("trigger point injections",
              (("M62.830", "M54.2"), ("M79.18",)),
              (_Service("99213", "120.00", ("25",)), _Service("20552", "110.00")), weight=2),
    _Scenario("chiropractic manipulation",
              (("M99.01", "M54.2"), ("M99.01", "M47.812")),
              (_Service("98940", "65.00", ("AT",)), _Service("97140", "42.00", ("59", "GP"))), weight=2),
    _Scenario("whiplash after a car accident",
              (("S13.4XXA", "V43.52XA"), ("S16.1XXA", "S13.4XXA")),
              (_Service("99203", "185.00"), _Service("72050", "140.00")), ("11", "23"), accident=True,
              weight=2),
    _Scenario("MRI with and without contrast",
              (("M50.121", "M54.12"), ("M48.02",)),
              (_Service("72156", "1150.00"),), ("11", "22"), prior_auth=True, weight=1),
)
_WEIGHTS = [s.weight for s in _SCENARIOS]

_FIRST = ("ALEX", "JORDAN", "MARIA", "WEI", "AISHA", "SAM", "PRIYA", "LUCAS", "ELENA", "OMAR",
          "GRACE", "NOAH", "HANA", "DIEGO", "IRIS", "MILES")
_LAST = ("RIVERA", "CHEN", "OKAFOR", "NOVAK", "PATEL", "SILVA", "KOWALSKI", "NGUYEN", "LARSEN",
         "HASSAN", "MORENO", "TANAKA", "BAKER", "FISCHER")
_PAYERS = (
    ("MEDICARE PART B", "04412", "MB"),
    ("MIDWEST HEALTH PLAN", "60054", "CI"),
    ("STATE MEDICAID", "77027", "MC"),
    ("BLUE PLAN OF ILLINOIS", "00621", "BL"),
    ("UNITED COMMERCIAL", "87726", "CI"),
)
_PRACTICES = ("SPINE AND PAIN ASSOCIATES", "NORTHSIDE ORTHOPEDICS", "LAKEVIEW FAMILY MEDICINE",
              "CITY CHIROPRACTIC")


def generate_claims(n: int, seed: int = 0) -> list[Claim]:
    """``n`` realistic, internally consistent neck-pain claims (same seed, same claims)."""
    rng = random.Random(seed)
    practices = [Party(name, make_npi(rng), "XX") for name in _PRACTICES]
    clinicians = [Party(f"{rng.choice(_LAST)}, {rng.choice(_FIRST)}", make_npi(rng), "XX") for _ in range(12)]
    base = date(2025, 10, 1)
    claims = []
    for i in range(n):
        sc = rng.choices(_SCENARIOS, _WEIGHTS)[0]
        dx_codes = rng.choice(sc.diagnoses)
        # As an 837P carries them: no dot (raw == normalised).
        diagnoses = [Diagnosis(normalize_dx(c), normalize_dx(c), "ABK" if pos == 1 else "ABF", pos)
                     for pos, c in enumerate(dx_codes, start=1)]
        dos = base + timedelta(days=rng.randrange(365))
        pos_code = rng.choice(sc.place_of_service)
        lines = []
        for num, svc in enumerate(sc.services, start=1):
            units = Decimal(svc.units)
            lines.append(ServiceLine(
                number=num, procedure=svc.procedure, modifiers=list(svc.modifiers),
                charge=Decimal(svc.charge) * units, units=units, date_of_service=dos,
                pointers=list(range(1, min(len(diagnoses), 4) + 1)), source=None))
        payer_name, payer_id, filing = rng.choice(_PAYERS)
        subscriber = Patient(
            first_name=rng.choice(_FIRST), last_name=rng.choice(_LAST),
            birth_date=date(rng.randrange(1945, 2004), rng.randrange(1, 13), rng.randrange(1, 29)),
            sex=rng.choice("MF"), member_id=f"W{rng.randrange(10**9):09d}")
        if filing != "MB" and rng.random() < 0.2:
            # a dependent: the subscriber's spouse or child is the patient
            rel = rng.choice(("01", "19"))
            year = rng.randrange(1950, 2000) if rel == "01" else rng.randrange(2004, 2012)
            patient = Patient(first_name=rng.choice(_FIRST), last_name=subscriber.last_name,
                              birth_date=date(year, rng.randrange(1, 13), rng.randrange(1, 29)),
                              sex=rng.choice("MF"), relationship=rel)
        else:
            subscriber.relationship = "18"
            patient = subscriber
        total = sum((ln.charge for ln in lines), Decimal("0"))
        # Imaging and injections are usually ordered by another clinician.
        referred = sc.prior_auth or sc.name.endswith("MRI")
        referring = rng.choice(clinicians) if referred and rng.random() < 0.7 else None
        claim = Claim(
            claim_id=f"NP{seed:03d}{i + 1:07d}", total_charge=total, place_of_service=pos_code,
            frequency_code="1", patient=patient, subscriber=subscriber,
            payer=Party(payer_name, payer_id, "PI"), claim_filing_indicator=filing,
            billing_provider=rng.choice(practices), rendering_provider=rng.choice(clinicians),
            referring_provider=referring,
            diagnoses=diagnoses, lines=lines,
            prior_authorization=f"PA{rng.randrange(10**7):07d}" if sc.prior_auth else None,
            onset_date=dos - timedelta(days=rng.randrange(7, 120)),
            accident_related=sc.accident, source=SourceRef(),
        )
        claims.append(claim)
    return claims
