"""Injuries of the neck: injury of the cervical spinal cord (S14.0-S14.1, listed before the fracture,
as the S12 note says "code first any associated cervical spinal cord injury"), fractures of cervical
vertebrae (S12), sprain of cervical ligaments (S13.4), strain of neck muscles (S16.1). 7th characters by
encounter phase (OCG I.C.19.a); fractures not stated as displaced are coded displaced, not stated open
are coded closed (OCG I.C.19.c.1); for a sequela the residual condition is reported first and the
injury with 7th character S (OCG I.C.19.a, I.B.10)."""

from __future__ import annotations

import re

from cleanclaim.coding.codebook import domain
from cleanclaim.coding.context import CodingContext
from cleanclaim.notes.model import Mention, Span

RANK = 30
SEQUELA_RANK = 25
_PHASE_TEXT = {
    "A": "initial encounter: the patient is receiving active treatment (evaluation and treatment of the "
         "injury)",
    "B": "initial encounter for an open fracture under active treatment",
    "D": "subsequent encounter: active treatment is complete and the patient is seen during routine healing "
         "or recovery",
    "G": "subsequent encounter with delayed healing",
    "K": "subsequent encounter for nonunion",
    "S": "sequela: a residual condition of the healed injury is being treated",
}


# negated, or an alternative the physician set aside ("favored acute fracture over chronic non-union")
_NEGATED_BEFORE = re.compile(r"\b(no|not|without|denies|negative for|absence of|never|rather than|if|should|"
                             r"in case of|watch for|risk of|concern for|possibility of|"
                             r"(?:favou?red|favou?ring|more likely|preferred)\b[^.;]*\bover|instead of|"
                             r"less likely|unlikely|versus|vs\.?|r/o|rule out)\b[^.;]*$", re.I)


_OLD_INJURY = re.compile(r"\b\d+\s*(?:weeks?|months?|wks?|mos?)\s+ago\b|\bmonths? (?:out|after|post)\b", re.I)
_OPEN_FRACTURE = re.compile(r"\bopen(?: \w+){0,2} (?:fracture|fx)\b|\bcompound fracture\b|\bopen fx\b", re.I)


def _healing_character(scopes: tuple[str, ...]) -> str | None:
    """K for a nonunion, G for delayed healing, from the first scope that affirms either."""
    for scope in scopes:
        if _affirmed(r"\bnon-?union\b", scope):
            return "K"
        if _affirmed(r"\bdelayed (?:healing|union)\b", scope):
            return "G"
    return None


def _affirmed(pattern: str, text: str) -> bool:
    """A phrase present and not negated in its clause ("no sign of delayed union, nonunion")."""
    for m in re.finditer(pattern, text, re.I):
        if not _NEGATED_BEFORE.search(text[max(0, m.start() - 60):m.start()]):
            return True
    return False


def seventh(ctx: CodingContext, fracture: bool, mentions: list[Mention]) -> str:
    phase = ctx.reading.encounter_phase
    if phase is None and not ctx.inpatient and ctx.setting != "ED":
        ctx.query("encounter phase", "The note does not say whether the injury is still in active treatment "
                  "(7th character A: initial evaluation, surgery, a new treating provider's plan) or in "
                  "routine healing (D: follow-up, medication or collar adjustment). Coded A; please document "
                  "the date of injury and the phase of care.")
    text = " ".join(m.sentence.text for m in mentions) + " " + ctx.reading.text
    if phase == "sequela":
        return "S"
    if ctx.inpatient:
        # an admission for the injury is active treatment (OCG I.C.19.a); a planned clinic follow-up
        # does not make this stay a subsequent encounter. Only a nonunion or delayed healing stated in
        # the diagnosis itself does.
        own = " ".join(m.sentence.text for m in mentions if m.diagnostic)
        # an admission months after the injury (for surgery of a fracture that is not healing) reads
        # the whole note: "neurosurgery documents delayed healing (not yet nonunion)"
        scopes = (own, text) if _OLD_INJURY.search(ctx.reading.text) else (own,)
        healing = _healing_character(scopes) if fracture else None
        if healing:
            return healing
        phase = "initial"
    if phase == "subsequent":
        # the diagnosis itself speaks first ("dens fx w/ DELAYED HEALING ... if nonunion, fusion")
        own = " ".join(m.sentence.text for m in mentions if m.diagnostic)
        return (_healing_character((own, text)) if fracture else None) or "D"
    if fracture and any(_OPEN_FRACTURE.search(m.sentence.text) for m in mentions):
        return "B"
    return "A"


def _injury_mentions(ctx: CodingContext, concept: str) -> list[Mention]:
    if ctx.reading.encounter_phase != "sequela":
        return ctx.established(concept)
    # a sequela names the old injury as history ("due to an old C5 fracture"): accept it as the cause
    out = []
    for m in ctx.mentions(concept):
        if m.negated or m.hypothetical or m.family or not ctx.in_domain(m):
            continue
        if m.uncertain and not ctx.inpatient:
            continue
        if m.diagnostic or not ctx.assessment_scope:
            out.append(m)
    return out


def _fracture_type(text: str, vertebra: str) -> str:
    words = domain()["fracture_type_words"]
    types = domain()["fracture_types"]
    for ftype, rx in words.items():
        if re.search(rx, text, re.I) and (vertebra in types[ftype] or "any" in types[ftype]):
            return ftype
    return "unspecified"


def fracture_code(vertebra: str, ftype: str, displaced: bool, char7: str, text: str = "") -> str:
    """The S12 code; `text` (the fracture's own words) tells a posterior from an anterior displacement
    where the classification separates them (type II dens: S12.110 anterior, S12.111 posterior)."""
    data = domain()
    v = data["fracture_vertebra"][vertebra]
    stems = data["fracture_types"][ftype]
    stem = stems.get(vertebra) or stems["any"]
    stem = stem.replace("{v}", v)
    if stem.endswith("X"):
        return f"{stem}{char7}"
    if ftype == "dens_type2":
        posterior = re.search(r"\bposterior(?:ly)?\b(?: \w+){0,2} displace|displace\w* posterior", text, re.I)
        return f"{stem}{('1' if posterior else '0') if displaced else '2'}{char7}"
    return f"{stem}{'0' if displaced else '1'}{char7}"


_PATHOLOGIC = re.compile(r"\b(pathologic\w*|osteoporotic|insufficiency|fragility)\b", re.I)


def _local(m: Mention, width: int = 45) -> str:
    """The words right around a mention (its own clause, not the whole sentence)."""
    s = m.sentence
    a = max(0, m.start - s.start - width)
    b = min(len(s.text), m.end - s.start + width)
    return s.text[a:b]


def pathological_fractures(ctx: CodingContext, found: list[Mention]) -> None:
    """A pathological fracture of a cervical vertebra (OCG I.C.13.c; due to a neoplasm, I.C.2: the
    fracture is sequenced first when it is the reason for the encounter, then the neoplasm)."""
    if not found:
        return
    m = found[0]
    row = next(r for r in domain()["pathological_fracture"] if re.search(r["words"], m.sentence.text, re.I))
    char7 = seventh(ctx, True, found)
    if char7 == "B":
        char7 = "A"
    ctx.add(f"{row['code']}{char7}", found, "Pathological fracture of a cervical vertebra documented (not a "
            "traumatic S12 fracture); reported first as the reason for the encounter, with the underlying "
            f"disease after it. 7th character {char7} (OCG I.C.13.c).", "ICD-10-CM OCG I.C.13.c; I.C.2",
            rank=RANK - 21)


def fractures(ctx: CodingContext) -> None:
    candidates = _injury_mentions(ctx, "FRACTURE")
    pathological_fractures(ctx, [m for m in candidates if _PATHOLOGIC.search(m.sentence.text)])
    found = [m for m in candidates if not _PATHOLOGIC.search(m.sentence.text)]
    if not found:
        return
    # every current fracture mention in the note describes the same injury (HPI, imaging, assessment)
    described = [m for m in ctx.mentions("FRACTURE") if not m.negated and not m.family and not m.hypothetical
                 and ctx.in_domain(m)]
    by_vertebra: dict[str, list[Mention]] = {}
    for m in found:
        singles = [lv for lv in m.levels if "-" not in lv and lv in domain()["fracture_vertebra"]]
        for lv in singles or ["?"]:
            by_vertebra.setdefault(lv, []).append(m)
    if "?" in by_vertebra and len(by_vertebra) > 1:
        del by_vertebra["?"]  # the unspecified mention is one of the named vertebrae
    if list(by_vertebra) == ["?"]:
        named = {lv for m in described for lv in m.levels if lv in domain()["fracture_vertebra"]}
        if len(named) == 1:
            by_vertebra = {named.pop(): by_vertebra["?"]}
    sequela = ctx.reading.encounter_phase == "sequela"
    for vertebra, ms in by_vertebra.items():
        char7 = seventh(ctx, True, ms)
        phase_note = f"7th character {char7}: {_PHASE_TEXT[char7]} (OCG I.C.19.a)."
        if vertebra == "?":
            code = f"S12.9XX{char7}"
            ctx.add(code, ms, "Cervical fracture documented without the vertebra. " + phase_note,
                    "ICD-10-CM OCG I.C.19.a", confidence=0.7, rank=SEQUELA_RANK if sequela else RANK)
            ctx.query("fracture level", "A cervical fracture is documented without the vertebral level. "
                      "Please document which vertebra (C1-C7) and whether it is displaced.")
            continue
        same = ms + [d for d in described if vertebra in d.levels and d not in ms]
        text = " ".join(m.evidence.text + " " + _local(m) for m in same)
        ftype = _fracture_type(text, vertebra)
        stated = next((m.displacement for m in same if m.displacement), None)
        displaced = stated != "nondisplaced"
        if len({m.displacement for m in same if m.displacement}) > 1:
            ctx.query("fracture displacement", f"The {vertebra} fracture is described both as displaced and "
                      f"as nondisplaced ({'; '.join(dict.fromkeys(m.evidence.text for m in same))}). Please "
                      f"confirm which applies; coded as the assessment states ({stated}).")
        code = fracture_code(vertebra, ftype, displaced, char7, text)
        why = f"Fracture of {vertebra} documented"
        why += f" ({ftype.replace('_', ' ')} type)." if ftype != "unspecified" else "."
        conf = 0.9
        if stated is None:
            why += " Displacement not stated: coded displaced and closed (OCG I.C.19.c.1)."
            conf = 0.75
            ctx.query("fracture displacement", f"The {vertebra} fracture is not described as displaced or "
                      "nondisplaced. Please document the displacement (coded displaced by default).")
        else:
            why += f" Documented as {stated}."
        if sequela:
            why += " The residual condition is reported first and the fracture with 7th character S."
        ctx.add(code, same, f"{why} {phase_note}", "ICD-10-CM OCG I.C.19.a; I.C.19.c.1",
                confidence=conf, rank=SEQUELA_RANK if sequela else RANK)


def soft_tissue_injuries(ctx: CodingContext) -> None:
    stems = domain()["injury_codes"]
    sequela = ctx.reading.encounter_phase == "sequela"
    labels = {"SPRAIN": "Sprain of the cervical ligaments (including whiplash)",
              "STRAIN": "Strain of the neck muscles, fascia and tendons"}
    for concept in ("SPRAIN", "STRAIN"):
        found = _injury_mentions(ctx, concept)
        if not found:
            continue
        char7 = seventh(ctx, False, found)
        why = f"{labels[concept]} documented. 7th character {char7}: {_PHASE_TEXT[char7]} (OCG I.C.19.a)."
        if sequela:
            why += " The residual condition is reported first (OCG I.C.19.a sequela)."
        ctx.add(f"{stems[concept]}{char7}", found, why, "ICD-10-CM OCG I.C.19.a; I.B.5",
                rank=SEQUELA_RANK if sequela else RANK)


# kind of cord lesion -> 5th character of S14.1- (checked in order: "incomplete" before "complete")
_CORD_KIND = (("2", re.compile(r"central cord", re.I)), ("3", re.compile(r"anterior cord", re.I)),
              ("4", re.compile(r"brown[- ]?s[eé]quard", re.I)), ("5", re.compile(r"\bincomplete\b", re.I)),
              ("1", re.compile(r"\bcomplete\b", re.I)))
_CORD_CONCUSSION = re.compile(r"\b(concussion|contusion|edema)\b", re.I)
_CORD_LEVEL = re.compile(r"\bc\s?([1-8])\b", re.I)


def cord_injuries(ctx: CodingContext) -> None:
    found = _injury_mentions(ctx, "SPINAL_CORD_INJURY")
    if not found:
        return
    char7 = seventh(ctx, False, found)
    texts = [m.evidence.text + " " + _local(m) for m in found]
    if all(_CORD_CONCUSSION.search(t) and not any(rx.search(t) for _, rx in _CORD_KIND) for t in texts):
        code = f"S14.0XX{char7}"
        what = "Concussion or edema of the cervical spinal cord"
    else:
        kind = next((k for k, rx in _CORD_KIND if any(rx.search(t) for t in texts)), "0")
        levels = [lv for m in found for lv in m.levels]
        levels += [f"C{d}" for t in texts for d in _CORD_LEVEL.findall(t)]
        level = next((lv[1] for lv in levels if lv[:1].upper() == "C" and lv[1:2].isdigit()), "9")
        code = f"S14.1{kind}{level}{char7}"
        what = "Injury of the cervical spinal cord" + (f" at C{level}" if level != "9" else
                                                        ", level not stated")
        if level == "9":
            ctx.query("cord injury level", "The cervical spinal cord injury is documented without its level. "
                      "Please document the neurological level (C1-C8).")
    if char7 == "S":
        _residual_paralysis(ctx, found, code[5] if code.startswith("S14.1") else "9")
    ctx.add(code, found, f"{what} documented; listed before any cervical fracture (S12 note: code first any "
            f"associated cervical spinal cord injury). 7th character {char7}: {_PHASE_TEXT[char7]}.",
            "ICD-10-CM Tabular S12 (code first S14.0, S14.1-); OCG I.C.19.a",
            rank=SEQUELA_RANK if char7 == "S" else RANK - 5)


_PARALYSIS = re.compile(r"\b(?P<extent>in)?complete\s+(?P<kind>quadripleg|tetrapleg|parapleg)\w*|"
                        r"\b(?P<kind2>quadripleg|tetrapleg|parapleg)\w*(?P<extent2>[^.;\n]{0,40}?\bincomplete)?",
                        re.I)


def _residual_paralysis(ctx: CodingContext, found: list[Mention], level: str) -> None:
    """The late effect of a cord injury (quadriplegia G82.5-, paraplegia G82.2-) is the residual coded
    first, the injury after it with 7th character S (OCG I.C.19.a sequela, I.B.10)."""
    m = _PARALYSIS.search(ctx.reading.text)
    if m is None:
        return
    kind = (m.group("kind") or m.group("kind2")).lower()
    words = m.group(0).lower()
    incomplete = "incomplete" in words
    complete = not incomplete and re.search(r"\bcomplete\b", words) is not None
    if kind.startswith("parapleg"):
        code = "G82.22" if incomplete else "G82.21" if complete else "G82.20"
    else:
        # the level of the residual: C1-C4 or C5-C7 (the cord injury's level, or the one written by it)
        near = _CORD_LEVEL.findall(ctx.reading.text[m.start():m.end() + 25])
        lv = int(near[0]) if near else int(level) if level.isdigit() and level != "9" else 0
        upper = {True: "2", False: "1"} if 1 <= lv <= 4 else {True: "4", False: "3"} if lv >= 5 else None
        code = f"G82.5{upper[incomplete]}" if upper and (incomplete or complete) else "G82.50"
    ctx.add(code, found, f"Residual {kind}ia of an old cervical cord injury: the late effect is reported "
            "first, the injury after it with 7th character S.", "ICD-10-CM OCG I.C.19.a; I.B.10",
            rank=SEQUELA_RANK - 5, extra_evidence=[Span(m.start(), m.end(), m.group(0))])


def decide(ctx: CodingContext) -> None:
    cord_injuries(ctx)
    fractures(ctx)
    soft_tissue_injuries(ctx)
