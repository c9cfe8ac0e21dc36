"""A claim written in a few lines, for rule docstrings, docs and tests.

```
payer MB                      # claim filing indicator (SBR09); `payer CI id 60054` adds a payer id
patient 1958-04-02 F          # birth date and sex; `patient age 67 M` computes the birth date
dos 2025-03-10                # date of service for every line without its own
dx M50.121 M54.2              # diagnoses in claim order (pointer 1, 2, ...)
line 62321 ptr 1 charge 850   # procedure [mod 25,59] [units 2] [charge N] [ptr 1,2] [dos D] [pos 11]
total 950                     # CLM02; defaults to the sum of the lines
unset npi                     # blank a required field: npi, birth_date, sex, member_id, payer_id,
                              #   pos, claim_id
note Right C6 radiculopathy ...   # note text (claim-vs-note examples)
```
Everything else gets a plausible clean default (valid NPI, commercial payer, office visit), so a
sketch trips only the rule it is written for. Synthetic by construction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from cleanclaim.claims.model import Claim, Diagnosis, Party, Patient, ServiceLine, SourceRef

DEFAULT_DOS = date(2025, 3, 10)
VALID_NPI = "1234567893"  # the CMS-published example NPI: passes the Luhn check with prefix 80840


def parse_sketch(text: str, claim_id: str = "SKETCH1") -> tuple[Claim, str | None]:
    """Build a Claim (and the note text, if any) from sketch lines."""
    dos = DEFAULT_DOS
    claim = Claim(
        claim_id=claim_id,
        place_of_service="11",
        frequency_code="1",
        patient=Patient("ALEX", "SAMPLE", date(1970, 6, 15), "F", "W000000001", "18"),
        payer=Party("SYNTHETIC HEALTH PLAN", "60054", "PI"),
        claim_filing_indicator="CI",
        billing_provider=Party("SYNTHETIC SPINE CLINIC", VALID_NPI, "XX"),
        source=SourceRef(file="<sketch>"),
    )
    total: Decimal | None = None
    note: list[str] = []
    age: int | None = None
    pending: list[tuple[ServiceLine, bool]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("note") else raw.strip()
        if not line:
            continue
        word, *rest = line.split()
        if word == "payer":
            claim.claim_filing_indicator = rest[0].upper()
            if "id" in rest:
                claim.payer.identifier = rest[rest.index("id") + 1]
        elif word == "patient":
            if rest[0] == "age":
                age = int(rest[1])
                rest = rest[2:]
            else:
                claim.patient.birth_date = date.fromisoformat(rest[0])
                rest = rest[1:]
            if rest:
                claim.patient.sex = rest[0].upper()
        elif word == "dos":
            dos = date.fromisoformat(rest[0])
        elif word == "dx":
            for code in rest:
                pos = len(claim.diagnoses) + 1
                claim.diagnoses.append(
                    Diagnosis(code.upper().replace(".", ""), code, "ABK" if pos == 1 else "ABF", pos)
                )
        elif word == "line":
            pending.append(_line(rest, len(pending) + 1))
        elif word == "total":
            total = Decimal(rest[0])
        elif word == "rendering":
            claim.rendering_provider = Party("SYNTHETIC RENDERING", rest[0], "XX")
        elif word == "npi":
            claim.billing_provider.identifier = rest[0]
        elif word == "unset":
            for name in rest:
                _unset(claim, name)
        elif word == "note":
            note.append(line[4:].strip())
        else:
            raise ValueError(f"sketch: unknown directive {word!r}")
    for sl, explicit_ptr in pending:
        if sl.date_of_service is None:
            sl.date_of_service = dos
        if not explicit_ptr and claim.diagnoses:
            sl.pointers = [1]
        claim.lines.append(sl)
    if age is not None:
        claim.patient.birth_date = date((claim.date_of_service or dos).year - age, 1, 1)
    claim.total_charge = total if total is not None else sum((sl.charge for sl in claim.lines), Decimal("0"))
    return claim, (" ".join(note) if note else None)


def _line(words: list[str], number: int) -> tuple[ServiceLine, bool]:
    sl = ServiceLine(number=number, procedure=words[0], charge=Decimal("100"))
    explicit_ptr = False
    it = iter(words[1:])
    for key in it:
        val = next(it, "")
        if key == "mod":
            sl.modifiers = [m for m in val.split(",") if m]
        elif key == "units":
            sl.units = Decimal(val)
        elif key == "charge":
            sl.charge = Decimal(val)
        elif key == "ptr":
            explicit_ptr = True
            sl.pointers = [int(p) for p in val.split(",") if p and p != "-"]
        elif key == "dos":
            sl.date_of_service = date.fromisoformat(val)
        elif key == "pos":
            sl.place_of_service = val
        elif key == "npi":
            sl.rendering_npi = val
        else:
            raise ValueError(f"sketch: unknown line option {key!r}")
    return sl, explicit_ptr


def _unset(claim: Claim, name: str) -> None:
    if name == "npi":
        claim.billing_provider.identifier = None
    elif name == "birth_date":
        claim.patient.birth_date = None
    elif name == "sex":
        claim.patient.sex = None
    elif name == "member_id":
        claim.patient.member_id = None
    elif name == "payer_id":
        claim.payer.identifier = None
    elif name == "pos":
        claim.place_of_service = None
    elif name == "claim_id":
        claim.claim_id = ""
    else:
        raise ValueError(f"sketch: cannot unset {name!r}")


def scrub_sketch(
    text: str,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: Any = None,
    claim_id: str = "SKETCH1",
) -> list[Any]:
    """Scrub one sketched claim and return its findings (the note, if any, goes to the note coder)."""
    from cleanclaim.scrub.config import ScrubConfig
    from cleanclaim.scrub.engine import scrub_claims

    claim, note = parse_sketch(text, claim_id=claim_id)
    cfg = config or ScrubConfig()
    if select is not None:
        cfg.select = list(select)
    if ignore is not None:
        cfg.ignore = list(ignore)
    report = scrub_claims([claim], config=cfg, notes={claim.claim_id: note} if note else None)
    return report.claims[0].findings
