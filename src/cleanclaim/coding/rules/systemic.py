"""Systemic causes of neck pain: meningitis, metastatic disease (with its primary), ankylosing
spondylitis, vertebral osteomyelitis / discitis / epidural abscess (with the organism). They are
sequenced first; the neck-pain symptom they explain is not coded (OCG I.B.5)."""

from __future__ import annotations

import re

from cleanclaim.coding.codebook import domain, is_billable
from cleanclaim.coding.context import CodingContext
from cleanclaim.notes.model import Mention, Span

RANK = 10


def _first_match(table: list[dict[str, str]], text: str) -> dict[str, str] | None:
    for row in table:
        if re.search(row["words"], text, re.I):
            return row
    return None


def _organisms(ctx: CodingContext) -> list[Mention]:
    return [o for o in ctx.mentions("ORGANISM") if not o.negated and not o.hypothetical and not o.family]


def meningitis(ctx: CodingContext) -> None:
    for m in ctx.established("MENINGITIS"):
        # an organism stated as probable counts only for an inpatient (OCG II.H; outpatient IV.H)
        orgs = [o for o in _organisms(ctx) if ctx.inpatient or not o.uncertain]
        # the words of the diagnosis itself ("aseptic meningitis") outrank the rest of the sentence
        # ("... negative bacterial cultures"); a merely "bacterial" one is refined by its organism
        specific = [r for r in domain()["meningitis"] if r["words"] != "."]
        context = " ".join([m.sentence.text] + [o.text for o in orgs])
        own = _first_match(specific, m.evidence.text)
        if own is not None and own["code"] == "G00.9":
            by_organism = [r for r in specific if r["code"] != "G00.9"]
            own = _first_match(by_organism, " ".join(o.text for o in orgs)) or own
        row = own or _first_match(domain()["meningitis"], context) or {"code": "G03.9"}
        ctx.add(row["code"], [m], "Meningitis is documented as the cause of the presentation; neck pain, "
                "stiffness, fever and headache are integral to it and are not coded separately. Sequenced "
                "first as the condition chiefly responsible for the encounter.", "ICD-10-CM OCG I.B.5; IV.G",
                rank=RANK)
        if row.get("organism"):
            _organism(ctx, m, row["code"])
        return


def septic_arthritis(ctx: CodingContext) -> None:
    found = ctx.established("SEPTIC_ARTHRITIS")
    if not found:
        return
    m = found[0]
    text = " ".join([m.text, m.sentence.text] + [o.text for o in _organisms(ctx)])
    row = _first_match(domain()["septic_arthritis"], text) or {"code": "M00.9"}
    ctx.add(row["code"], found, "Pyogenic (septic) arthritis of a cervical facet joint (vertebrae) is "
            "documented as the cause of the neck pain (integral, not coded); sequenced first.",
            "ICD-10-CM OCG I.B.5; IV.G", rank=RANK)
    if row.get("organism") or row["code"] == "M00.9":
        _organism(ctx, m, row["code"])


def metastatic(ctx: CodingContext) -> None:
    mets = [m for m in ctx.established("METASTASIS")]
    if not mets:
        return
    codes = domain()["simple_codes"]
    ctx.add(codes["BONE_METASTASIS"], mets, "Metastatic disease to the cervical spine (bone) is documented "
            "and explains the neck pain; the secondary site is sequenced first because the encounter is "
            "directed at it.", "ICD-10-CM OCG I.C.2.d; I.B.5", rank=RANK)
    primaries = [p for p in ctx.mentions("PRIMARY_CANCER") if not p.negated and not p.family]
    primaries.sort(key=lambda p: (p.historical, not p.diagnostic, p.start))
    if not primaries and re.search(domain()["unknown_primary"], ctx.reading.text, re.I):
        ctx.add("C80.1", mets, "The primary site is documented as unknown: malignant (primary) neoplasm, "
                "unspecified, reported with the secondary site.", "ICD-10-CM OCG I.C.2.d; I.C.2.l",
                rank=RANK + 1, confidence=0.85)
        return
    if not primaries:
        ctx.query("primary site", "Metastatic disease to the cervical spine is documented without the "
                  "primary malignancy. Please document the primary site and whether it is current or "
                  "treated (personal history).")
        return
    p = primaries[0]
    row = _first_match(domain()["primary_cancers"], p.text)
    if row is None:
        return
    # every mention of the same primary tells its status and side (HPI, assessment, history line)
    same = [q for q in primaries if _first_match(domain()["primary_cancers"], q.text) is row]
    # "metastatic breast cancer" speaks for the primary only in the diagnosis chosen, not in a biopsy line
    # ... unless the note says the primary site is clear ("no evidence of disease in the breast")
    eradicated = _ERADICATED.search(ctx.reading.text) is not None
    active = (bool(_METASTATIC.search(p.sentence.text)) and not eradicated) or any(
        _unnegated(_ACTIVE, q.sentence.text) for q in same)
    treated = not active and any(q.historical or _TREATED.search(q.sentence.text) for q in same)
    if treated and row.get("history"):
        ctx.add(row["history"], [p], "The primary malignancy is documented as excised or eradicated, with "
                "no further treatment directed to its site and no evidence of it: personal history code "
                "with the metastatic site, which is sequenced first.",
                "ICD-10-CM OCG I.C.2.d", rank=RANK, confidence=0.75)
        ctx.query("primary site", "Is the primary malignancy still present or under treatment? The note "
                  "describes it as treated; history code Z85 assumed.")
        return
    sides = [q.laterality for q in same if q.laterality in {"right", "left"}]
    lat = sides[0] if sides and len(set(sides)) == 1 else "unspecified"
    male = (ctx.sex or "").upper().startswith("M")
    code = None
    # a named sub-site (the lobe of a lung) is more specific than the side alone
    said = " ".join(q.sentence.text for q in same)
    said += " " + " ".join(m.group(0) for m in _TUMOUR_SENTENCE.finditer(ctx.reading.text))
    site = next((r for r in row.get("sites", ()) if re.search(r["words"], said, re.I)), None)
    if site is not None and is_billable(site["code"], ctx.on) is not False:
        code, lat = site["code"], "named"
    for key in ((f"male_{lat}", "male_unspecified") if male else ()) + (lat, "unspecified"):
        candidate = row.get(key)
        if code is None and candidate and is_billable(candidate, ctx.on) is not False:
            code = candidate
            break
    if lat == "unspecified" and row.get("left") and row.get("right"):
        ctx.query("primary laterality", f"The side of the primary ({p.text}) is not documented. Please "
                  "document right or left (coded as unspecified side).")
    if code:
        why = "Primary malignancy documented with the metastatic disease; coded after the secondary site " \
              "the encounter is directed at."
        if lat == "named":
            why += " Sub-site documented."
        elif lat != "unspecified":
            why += f" Laterality documented: {lat}."
        ctx.add(code, [p], why, "ICD-10-CM OCG I.C.2.d; I.B.13", rank=RANK + 1)


# a sentence about a tumour ("adenocarcinoma of the RUL dx 01/2026"): where its sub-site is named
_TUMOUR_SENTENCE = re.compile(r"[^.\n]*\b(?:carcinoma|adenoca\w*|cancer|nsclc|sclc|tumou?r|malignan\w*|"
                              r"primary)\b[^.\n]*", re.I)
# the primary is still present or treated now ("on letrozole", "undergoing chemotherapy")
_ACTIVE = re.compile(r"\b(on (?:chemo\w*|immuno\w*|pembrolizumab|osimertinib|\w+mab|\w+nib|\w+zole|hormone|"
                     r"therapy|treatment)|under (?:active )?treatment|receiving|undergoing|current|currently|"
                     r"active|newly diagnosed)\b", re.I)
_METASTATIC = re.compile(r"\bmetastatic\b", re.I)
# excised or eradicated, no further treatment, no evidence of it (OCG I.C.2.d)
_TREATED = re.compile(
    r"\b(history of|hx|h/o|s/p|status post|treated|remission|no evidence of|resected|excised|mastectomy|"
    r"lumpectomy|prostatectomy|nephrectomy|lobectomy|pneumonectomy|thyroidectomy|colectomy|"
    r"no (?:\w+ )?recurrence|no further treatment|completed (?:treatment|therapy|chemo\w*|radiation))\b",
    re.I)
# the primary site said to be clear of disease (OCG I.C.2.d: a history code, not the primary)
_ERADICATED = re.compile(
    r"\bno (?:evidence|sign)s? of (?:\w+ ){0,2}(?:disease|tumou?r|cancer|malignancy|recurrence) (?:in|at) "
    r"(?:the )?(?:\w+ )?(?:breast|prostate|lung|colon|rectum|kidney|thyroid|primary(?: site)?)\b|"
    r"\bno (?:local|locoregional|breast|axillary|primary[- ]site) (?:or \w+ )?recurrence\b", re.I)
_NEGATED_BEFORE = re.compile(r"\b(no|not|without|nor|denies)\b[^.;,]*$", re.I)


def _unnegated(rx: re.Pattern[str], text: str) -> bool:
    """A match not negated in its clause ("no adjuvant or current therapy" is not current therapy)."""
    return any(not _NEGATED_BEFORE.search(text[max(0, m.start() - 40):m.start()]) for m in rx.finditer(text))


COEXISTING_RANK = 60
_NOT_THE_CAUSE = re.compile(
    r"\bnot (?:\w+ ){0,2}(?:myeloma|cancer|malignan\w*|tumou?r|oncologic\w*)[- ]related\b|"
    r"\b(?:not|un)related to (?:the |her |his )?(?:myeloma|cancer|malignancy|tumou?r)\b", re.I)


def hematologic(ctx: CodingContext) -> None:
    """Multiple myeloma / plasmacytoma in the cervical spine is a primary malignancy of bone marrow,
    not a bone metastasis: C90.- (remission status as the 5th character)."""
    found = [m for m in ctx.established("PRIMARY_CANCER") if re.search(r"myeloma|plasmacytoma", m.text, re.I)]
    if not found:
        return
    m = found[0]
    solitary = "plasmacytoma" in m.text.lower()
    status = m.sentence.text.lower()
    if re.search(r"\b(?:in )?relapse|relapsed|refractory\b", status):
        fifth = "2"
    elif re.search(r"(?<!not )\bin (?:complete |partial )?remission\b", status):
        fifth = "1"
    else:
        fifth = "0"
    code = f"C90.{'3' if solitary else '0'}{fifth}"
    if _NOT_THE_CAUSE.search(ctx.reading.text):
        # "neck pain, mechanical - not myeloma related": a coexisting condition, the pain is coded first
        ctx.coexisting.add(code)
        ctx.add(code, found, "Multiple myeloma is documented, but the note says it does not cause the neck "
                "pain: reported as a coexisting condition after it; remission status from the note.",
                "ICD-10-CM OCG I.C.2; IV.J", rank=COEXISTING_RANK)
        return
    ctx.add(code, found, "Multiple myeloma (a primary malignancy of the marrow, not a metastasis) involving "
            "the cervical spine is documented as the cause of the neck pain (integral, not coded); "
            "remission status from the note.", "ICD-10-CM OCG I.C.2; I.B.5", rank=RANK)


def ankylosing_spondylitis(ctx: CodingContext) -> None:
    found = ctx.established("ANKYLOSING_SPONDYLITIS")
    if not found:
        return
    codes = domain()["simple_codes"]
    cervical = any(m.region == "cervical" for m in found) or ctx.reading.neck_context
    code = codes["ANKYLOSING_SPONDYLITIS_CERVICAL" if cervical else "ANKYLOSING_SPONDYLITIS_UNSPECIFIED"]
    ctx.add(code, found, "Ankylosing spondylitis involving the cervical spine is documented as the cause of "
            "the neck pain, which is integral to it (not coded); sequenced first.",
            "ICD-10-CM OCG I.B.5; IV.G", rank=RANK)


def _organism(ctx: CodingContext, infection: Mention, after: str) -> None:
    orgs = _organisms(ctx)
    if not orgs:
        ctx.query("organism", f"{infection.text.capitalize()} is documented without the causative organism. "
                  "If cultures identified one, please document it (code B95-B97 is added).")
        return
    text = " ".join(o.text for o in orgs)
    row = _first_match(domain()["organisms"], text)
    if row is None:
        return
    o = next(x for x in orgs if re.search(row["words"], x.text, re.I))
    a = ctx.add(row["code"], [o], f"'Use additional code (B95-B97) to identify infectious agent' at {after}: "
                "the organism documented is reported after the infection.",
                "ICD-10-CM OCG I.A.12 (use additional code); I.C.1.d", rank=RANK)
    a.position = max(a.position, infection.start + 1)


def spinal_infection(ctx: CodingContext) -> None:
    codes = domain()["simple_codes"]
    for concept, key, label in (("OSTEOMYELITIS", "OSTEOMYELITIS_CERVICAL", "vertebral osteomyelitis"),
                                ("EPIDURAL_ABSCESS", "EPIDURAL_ABSCESS", "spinal epidural abscess")):
        found = ctx.established(concept)
        if found:
            ctx.add(codes[key], found, f"Cervical {label} is documented as the cause of the neck pain "
                    "(integral, "
                    "not coded); sequenced first.", "ICD-10-CM OCG I.B.5; IV.G", rank=RANK)
            _organism(ctx, found[0], codes[key])
    found = ctx.established("DISCITIS")
    if found:
        infective = any(re.search(r"\b(?:pyogenic|septic|infect\w*|bacterial)\b",
                                  m.text + " " + m.sentence.text, re.I)
                        for m in found) or bool(ctx.mentions("ORGANISM"))
        code = codes["DISCITIS_INFECTIVE_CERVICAL" if infective else "DISCITIS_CERVICAL"]
        ctx.add(code, found, "Cervical discitis is documented as the cause of the neck pain (integral, not "
                "coded); sequenced first."
                + (" Infective (pyogenic) disc infection per the note." if infective
                                              else ""), "ICD-10-CM OCG I.B.5; IV.G", rank=RANK)
        _organism(ctx, found[0], code)


# an encounter solely for radiation therapy or chemotherapy (OCG I.C.2.e.2): Z51.- first
_THERAPY_VISIT = (
    ("Z51.0", re.compile(r"\b(?:fraction \d+ of \d+|on[- ]treatment visit|here for (?:\w+ ){0,4}(?:rt|"
                         r"radiation|radiotherapy)\b|(?:rt|radiation) fraction \d+)", re.I)),
    ("Z51.11", re.compile(r"\bhere for (?:\w+ ){0,3}(?:cycle \d+ of )?(?:chemo\w*|c\d+d\d+)\b|"
                          r"\bcycle \d+,? day \d+ of (?:\w+ )?chemo\w*", re.I)),
)


def therapy_encounter(ctx: CodingContext) -> None:
    if not any(c.code[:1] == "C" for c in ctx.codes):
        return
    for code, rx in _THERAPY_VISIT:
        found = rx.search(ctx.reading.text)
        if found:
            therapy = "radiation therapy" if code == "Z51.0" else "chemotherapy"
            ctx.add(code, [], f"The encounter is for {therapy} ('{found.group(0)}'): that code is listed "
                    "first, then the malignancy treated (OCG I.C.2.e.2).", "ICD-10-CM OCG I.C.2.e.2",
                    rank=RANK - 5,
                    extra_evidence=[Span(found.start(), found.end(), found.group(0))])
            return


def decide(ctx: CodingContext) -> None:
    meningitis(ctx)
    septic_arthritis(ctx)
    hematologic(ctx)
    metastatic(ctx)
    therapy_encounter(ctx)
    ankylosing_spondylitis(ctx)
    spinal_infection(ctx)
