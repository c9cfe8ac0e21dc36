"""Structural cervical spine conditions: radiculopathy, myelopathy, spondylosis, disc disorders and
stenosis. Combination codes follow the classification's "with" convention (OCG I.A.15, I.B.9): a disc
disorder with radiculopathy is M50.1-, spondylosis with myelopathy M47.1-; the neck pain they cause is
integral (OCG I.B.5) and Excludes1 pairs (M54.1 / M50.1, M54.1 / M47.2, M54.2 / M50) never appear."""

from __future__ import annotations

from cleanclaim.coding.codebook import domain
from cleanclaim.coding.context import CodingContext
from cleanclaim.notes.model import Mention

RANK = 30
DISC = ("DISC_HERNIATION", "DISC_DEGENERATION", "DISC_DISORDER")
_LEVEL_ORDER = ["C1", "C2", "C2-C3", "C3", "C3-C4", "C4", "C4-C5", "C5", "C5-C6", "C6", "C6-C7", "C7",
                "C7-T1", "C8"]


def region(levels: list[str]) -> str:
    """ICD-10-CM spine region from the documented levels (unknown levels: cervical)."""
    if not levels:
        return "cervical"
    if all(lv in {"C1", "C2", "C1-C2"} for lv in levels):
        return "occipito_atlanto_axial"
    if all(lv in {"C8", "C7-T1", "T1"} for lv in levels):
        return "cervicothoracic"
    return "cervical"


def _levels(mentions: list[Mention]) -> list[str]:
    out: list[str] = []
    for m in mentions:
        for lv in m.levels:
            if lv not in out:
                out.append(lv)
    return out


def disc_code(kind: str, disc_levels: list[str]) -> tuple[str, str]:
    """M50 code for a disc disorder of `kind` at the documented disc levels; the tabular note at M50 says
    to code to the most superior level."""
    data = domain()
    k = data["disc_kinds"][kind]
    table = data["disc_levels"]
    levels = [lv for lv in disc_levels if lv in table]
    if not levels:
        return f"M50.{k}{table['unspecified']}", "no disc level documented: unspecified cervical region"
    top = min(levels, key=_LEVEL_ORDER.index)
    note = f"level {top}" + (" (most superior of " + ", ".join(levels) + ", per the M50 tabular note)"
                             if len(levels) > 1 else "")
    return f"M50.{k}{table[top]}", note


def _disc_levels(ctx: CodingContext, discs: list[Mention]) -> list[str]:
    levels = [lv for lv in _levels(discs) if "-" in lv]
    if levels:
        return levels
    # the level the imaging report gives for the same disc condition documented in the assessment
    concepts = {m.concept for m in discs}
    return [lv for lv in _levels([m for m in ctx.reading.imaging if m.concept in concepts]) if "-" in lv]


def decide(ctx: CodingContext) -> None:
    codes = domain()["regions"]
    radic = ctx.established("RADICULOPATHY")
    myelo = ctx.established("MYELOPATHY")
    spond = ctx.established("SPONDYLOSIS")
    discs = ctx.established(*DISC)
    stenosis = ctx.established("STENOSIS")
    # "spondylotic myelopathy" / "CSM" name both conditions in one phrase
    spond += [m for m in myelo if "spondyl" in m.text.lower() or m.text.lower() == "csm"]

    if discs:
        to_spondylosis = _radic_to_spondylosis(radic, spond)
        kind = "myelopathy" if myelo else "radiculopathy" if radic and not to_spondylosis else None
        if kind:
            levels = _disc_levels(ctx, discs)
            code, where = disc_code(kind, levels)
            linked = myelo if kind == "myelopathy" else radic
            ctx.add(code, discs + linked, f"Cervical disc disorder documented with {kind} ({where}); "
                    f"combination code per the 'with' convention, so M54.1-/M54.2 are not added "
                    "(Excludes1 at M54.1 and M54.2).", "ICD-10-CM OCG I.A.15; I.B.5; I.A.12.a",
                    confidence=0.9 if levels else 0.8, rank=RANK)
            if not levels:
                ctx.query("disc level", "The disc disorder is documented without the level (e.g. C5-C6). "
                          "Please document the level for the most specific M50 code.")
            if kind == "myelopathy":
                myelo = []
            else:
                radic = []
        else:
            for concept, k in (("DISC_HERNIATION", "displacement"), ("DISC_DEGENERATION", "degeneration"),
                               ("DISC_DISORDER", "unspecified")):
                ms = [m for m in discs if m.concept == concept]
                if not ms:
                    continue
                if k == "unspecified" and any(d.concept != "DISC_DISORDER" for d in discs):
                    continue
                levels = _disc_levels(ctx, ms)
                code, where = disc_code(k, levels)
                ctx.add(code, ms, f"Cervical disc {k if k != 'unspecified' else 'disorder'} documented "
                        f"({where}); it explains the neck pain, which is integral (OCG I.B.5) and "
                        "Excludes1 at M54.2.", "ICD-10-CM OCG I.B.5; I.A.12.a",
                        confidence=0.9 if levels else 0.8, rank=RANK)
                if not levels:
                    ctx.query("disc level", "The disc condition is documented without the level (e.g. "
                              "C5-C6). Please document the level for the most specific M50 code.")

    if spond:
        reg = region(_levels(spond + myelo + radic))
        if myelo:
            table, with_ = "spondylosis_myelopathy", "with myelopathy"
            linked = myelo
            myelo = []
        elif radic:
            table, with_ = "spondylosis_radiculopathy", "with radiculopathy"
            linked = radic
            radic = []
        else:
            table, with_, linked = "spondylosis", "without myelopathy or radiculopathy", []
        ctx.add(codes[table][reg], spond + linked, f"Cervical spondylosis {with_} documented; "
                "combination code per the 'with' convention; the neck pain it causes is integral.",
                "ICD-10-CM OCG I.A.15; I.B.5", rank=RANK)

    if stenosis:
        reg = region(_levels(stenosis))
        ctx.add(codes["stenosis"][reg], stenosis, "Cervical spinal stenosis documented.",
                "ICD-10-CM OCG I.B.5", rank=RANK, confidence=0.85)

    if radic:
        reg = region([lv for lv in _levels(radic)])
        ctx.add(codes["radiculopathy"][reg], radic, "Cervical radiculopathy documented by the provider "
                f"({'with' if ctx.reading.radicular_signs else 'without'} objective radicular findings on "
                "exam); the neck pain is integral to it and not coded.", "ICD-10-CM OCG I.B.5",
                rank=RANK, confidence=0.93 if ctx.reading.radicular_signs else 0.85,
                extra_evidence=[f.span for f in ctx.reading.radicular_signs[:3]])

    if myelo:
        ctx.add(domain()["simple_codes"]["MYELOPATHY_NOS"], myelo, "Myelopathy documented without a disc "
                "disorder or spondylosis named as its cause: outside the domain's combination codes, "
                "review the index entry.", "ICD-10-CM OCG I.A.15", rank=RANK, needs_review=True,
                confidence=0.6)
        ctx.query("myelopathy", "Myelopathy is documented without its cause. Please document whether it is "
                  "due to spondylosis, a disc disorder or stenosis.")


def _radic_to_spondylosis(radic: list[Mention], spond: list[Mention]) -> bool:
    """Radiculopathy explicitly attributed to spondylosis / foraminal arthropathy rather than a disc."""
    for r in radic:
        sent = r.sentence.text.lower()
        same_sentence = any(s.sentence.start == r.sentence.start for s in spond)
        if same_sentence and "disc" not in sent and "disk" not in sent:
            return True
    return False
