"""Other specific neck conditions: torticollis (M43.6, spasmodic G24.3 - an Excludes1 pair; traumatic
torticollis is the sprain S13.4), cervicogenic headache (G44.86), occipital neuralgia (M54.81), myalgia of
neck muscles (M79.12), postlaminectomy syndrome (M96.1) replace M54.2; a segmental dysfunction (M99.01)
is reported with it."""

from __future__ import annotations

import re

from cleanclaim.coding.codebook import domain
from cleanclaim.coding.context import CodingContext
from cleanclaim.coding.rules.injury import seventh

RANK = 30
_WHY = {
    "TORTICOLLIS": "Torticollis (wry neck) documented; the neck pain is integral to it.",
    "SPASMODIC_TORTICOLLIS": "Spasmodic torticollis (cervical dystonia) documented: G24.3, an Excludes1 "
                             "partner of M43.6 so torticollis NOS is not added.",
    "CONGENITAL_TORTICOLLIS": "Congenital (sternomastoid) torticollis documented: Q68.0, Excludes1 at M43.6.",
    "CERVICOGENIC_HEADACHE": "Cervicogenic headache documented; it replaces the neck-pain symptom code.",
    "OCCIPITAL_NEURALGIA": "Occipital neuralgia documented.",
    "MYALGIA": "Myalgia of the neck muscles documented (myalgia of auxiliary muscles, head and neck).",
    "SEGMENTAL_DYSFUNCTION": "Segmental (somatic) dysfunction of the cervical region documented: the "
                             "biomechanical lesion treated by manipulation, listed first; the pain it causes "
                             "is reported with it.",
    "POSTLAMINECTOMY": "Postlaminectomy syndrome documented after cervical spine surgery.",
}


_DYSTONIC = re.compile(r"\b(dystoni\w*|torticollis|oculogyric)\b", re.I)
_ADVERSE = re.compile(r"\b(due to|secondary to|from|after|reaction to|induced|adverse)\b", re.I)


def drug_induced_dystonia(ctx: CodingContext) -> bool:
    """A dystonia or torticollis the note ties to a neuroleptic or antiemetic: G24.02 (acute) / G24.09,
    then the drug's adverse-effect code (OCG I.C.19.e.5.a: the nature of the effect first)."""
    table = domain()["drug_dystonia"]
    for m in ctx.established("TORTICOLLIS", "SPASMODIC_TORTICOLLIS", "DYSTONIC_REACTION"):
        clause = m.sentence.text
        drug = next((row for row in table["drugs"] if re.search(row["words"], clause, re.I)), None)
        if drug is None or not (_ADVERSE.search(clause) and _DYSTONIC.search(clause)):
            continue
        acute = re.search(r"\bacute\b|\breaction\b", clause, re.I) is not None
        code = table["acute" if acute else "other"]
        char7 = seventh(ctx, False, [m])
        ctx.add(code, [m], "Dystonia (torticollis) documented as an adverse effect of a drug properly "
                "given: the effect is coded first (OCG I.C.19.e.5.a); torticollis NOS and cervical "
                "dystonia are not coded beside it.", "ICD-10-CM OCG I.C.19.e.5.a", rank=RANK)
        ctx.add(f"{drug['adverse']}{char7}", [m], "Adverse effect of the drug named, after the effect "
                "(Table of Drugs and Chemicals, adverse-effect column).", "ICD-10-CM OCG I.C.19.e.5.a",
                rank=RANK + 1)
        for other in ("TORTICOLLIS", "SPASMODIC_TORTICOLLIS"):
            ctx.reject(domain()["simple_codes"][other], f"the torticollis is the drug-induced dystonia "
                       f"{code}")
        return True
    return False


def decide(ctx: CodingContext) -> None:
    codes = domain()["simple_codes"]
    drug_induced = drug_induced_dystonia(ctx)
    spasmodic = ctx.established("SPASMODIC_TORTICOLLIS")
    congenital = ctx.established("CONGENITAL_TORTICOLLIS")
    for concept in _WHY:
        if drug_induced and concept in {"TORTICOLLIS", "SPASMODIC_TORTICOLLIS"}:
            continue
        found = ctx.established(concept)
        if concept == "TORTICOLLIS" and (spasmodic or congenital) and found:
            # with cervical dystonia or congenital torticollis documented, "right torticollis" describes
            # that condition's posture, never a second one
            ctx.reject(codes[concept], "torticollis here describes the documented "
                       f"{'cervical dystonia' if spasmodic else 'congenital torticollis'} (M43.6 Excludes1: "
                       "spasmodic torticollis G24.3, congenital sternomastoid torticollis Q68.0)")
            continue
        if not found:
            continue
        if concept == "TORTICOLLIS" and _injury_now(ctx, found):
            ctx.reject(codes[concept], "torticollis from a current injury is coded as the injury (M43.6 "
                       "Excludes1: current injury, see Injury of spine by body region; OCG I.A.12.a)")
            if not any(c.code[:3] in {"S12", "S13", "S16"} for c in ctx.codes):
                # Index: Torticollis, traumatic, current S13.4
                char7 = seventh(ctx, False, found)
                ctx.add(f"{domain()['injury_codes']['SPRAIN']}{char7}", found, "Traumatic torticollis from "
                        "a current injury: the Index sends it to the sprain of the cervical spine "
                        f"(Torticollis, traumatic, current S13.4). 7th character {char7} (OCG I.C.19.a).",
                        "ICD-10-CM Index: Torticollis, traumatic; OCG I.C.19.a", rank=RANK)
            continue
        ctx.add(codes[concept], found, _WHY[concept], "ICD-10-CM OCG I.B.5; I.A.12.a", rank=RANK,
                needs_review=concept == "CONGENITAL_TORTICOLLIS")


def _injury_now(ctx: CodingContext, found: list) -> bool:
    if any(c.code[:3] in {"S12", "S13", "S16"} and not c.code.endswith("S") for c in ctx.codes):
        return True
    return any(re.search(r"(?<![-\w])(?:post-?)?traumatic\b", m.evidence.text + " " + m.sentence.text, re.I)
               for m in found)
