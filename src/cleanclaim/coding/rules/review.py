"""Assessment items outside the neck-pain domain (hypertension, a wrist fracture, lumbar radiculopathy):
candidates from the full code set by index search, always marked needs_review, never auto-coded."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from cleanclaim.coding.context import DIAGNOSIS_CONCEPTS, CodingContext
from cleanclaim.notes.model import NoteReading, Span

RANK = 90
# item boundaries: a new line that starts a list item or follows a finished line, ";", a sentence end,
# a numbered or bulleted marker (hard-wrapped continuation lines stay with their item)
_SPLIT = re.compile(r"(?<=[.;:])\s*\n+|\n+(?=\s*(?:\d{1,2}[.)]|[-*•#]|[A-Z][a-z]+\s*:))|;|(?<=[a-z)])\.\s+|"
                    r"(?<=[.:]),(?=\s*\S)|"  # a line break flattened to a comma: "...exacerbation.,2. ..."
                    r"(?:^|\s)\d{1,2}[.)]\s+|(?:^|\s)#\d*\s*|\n\s*[-*•]\s*")
_NOT_A_DIAGNOSIS = re.compile(r"\b(considered|not diagnosed|not consistent|excluded|ruled out|not suspected|"
                              r"unlikely|negative|resolved|history of|follow[- ]?up)\b", re.I)
_SKIP = re.compile(
    r"^\W*(no|not|without|denies|negative|rule out|r/o|possible|probable|suspected|likely|question|concern|"
    r"history of|h/o|s/p|status post|continue|follow|f/u|start|started|refer|order|ordered|return|"
    r"recommend|discussed|counsel|advised|plan|will|patient|pt|physical therapy|mri|ct|x-?ray|imaging|"
    r"ibuprofen|naproxen|nsaid|acetaminophen|gabapentin|cyclobenzaprine|prescri|rx|take|ice|heat|rest|"
    r"work|activity|home exercise|see|as above|stable|improving|resolved|other|routine|none|n/a|f/up|rtc|"
    r"cervical collar|soft collar|pain control|medication|meds|labs?|we|she|he|they|this|the patient|"
    r"encounter|visit|dispo|disposition|return|discharge\w*|admission|admit\w*|hospital|course|procedure|"
    r"surgery|consult\w*|referral|d/c|sign-?out|same|ditto|as above|see above|unchanged|n/a|exam|"
    r"comorbidit\w*|otherwise|overall|on|upon|in|at|after|during|while|when|if|there|it|i|"
    r"preoperative|postoperative)\b|.*/\s*$",  # the last: a heading cut at its slash ("PROBLEMS/")
    re.I)
# a line opening with an unrecognised heading ("Interval:", "Procedure details:") ends the assessment
_HEADING = re.compile(r"(?:\n|(?<=[.:]),)\s*[A-Z][A-Za-z /&()-]{1,30}\s*:")  # also after a flattened break
_NEWBORN = re.compile(r"\b(newborn|neonat\w*|nicu|\d+[- ](?:day|week)[- ]old|apgars?|gestational age)\b",
                      re.I)
_PREGNANCY = re.compile(r"\b(pregnan\w*|postpartum|post-partum|puerper\w*|gestation\w*|trimester|"
                        r"antepartum|obstetric\w*|g\d+p\d+|\d+ weeks? (?:pregnant|gestation))\b", re.I)
# a problem-oriented note's entries ("#3 Hypothyroidism - TSH 2.1, continue levothyroxine", "2. T2DM - ...")
_PROBLEM_LINE = re.compile(r"(?m)^[ \t]*(?:#\d{1,2}|\d{1,2}[.)])[ \t]+[A-Za-z][^\n]*")
_STOP = frozenset({"with", "without", "and", "the", "of", "for", "due", "other", "unspecified", "type"})
_MIN_SCORE = 0.6
_COVERED = frozenset({"NECK_PAIN", "NECK_STIFFNESS", "ORGANISM", "PRIMARY_CANCER", "FEVER", "HEADACHE",
                      "PARESTHESIA"})


# an assessment item sited in the neck (not the uterine cervix) or named as the pain's cause
_NECK_SITE = re.compile(r"\b(neck|cervical|nuchal|submandibular|sternocleidomastoid|scm|paraspinal|"
                        r"retropharyngeal|parapharyngeal|thyroiditis)\b", re.I)
_NOT_NECK = re.compile(r"\b(cervix|uter\w*|pap|cin\s*\d?|intraepithelial|dysplasia|os)\b|cervical "
                       r"(?:cancer|carcinoma|polyp|insufficiency|ectropion|stenosis of the cervix)", re.I)
_CAUSE = re.compile(r"\b(due to|secondary to|2/2|caused by|from|related to|attributed to|because of|"
                    r"attributable to)\b", re.I)
_INFLAMMATORY = re.compile(r"itis\b|infect|abscess|cellulitis|sepsis", re.I)

_NONESSENTIAL = re.compile(r"^(?:(?:right|left|bilateral|right-sided|left-sided|mild|moderate|severe|"
                           r"positional|postural|deformational|acute on chronic|chronic|acute|subacute)\s+)+",
                           re.I)

# "acute on chronic" is one modifier, not "HTN on lisinopril"
_HEAD_CUT = re.compile(r"\s+[-–—]\s+|[,(:]|\s+(?:(?<!acute\s)on|continue\w*|controlled|uncontrolled|"
                       r"stable|managed|well[- ]controlled|per|followed|treated|since|x\s*\d|-)\b", re.I)


_UNCERTAIN_LEAD = re.compile(r"^((?:\d{1,2}[.)]|[-*•#])?\s*)(?:possible|probable|suspected|likely|"
                             r"questionable|presumed|presumptive)\s+", re.I)
_AXIS_LABEL = re.compile(r"^\s*axis\s+(?:i{1,3}|iv|v)\s*:\s*", re.I)  # DSM multiaxial "Axis I: ..."


def _head(item: str) -> str:
    """The diagnostic phrase of an assessment item: '2. HTN - controlled, continue lisinopril' -> 'HTN'."""
    item = re.sub(r"^\s*(?:\d{1,2}[.)]|[-*•#])\s*", "", item)
    item = _AXIS_LABEL.sub("", item)
    # a parenthesis holds a synonym or an aside: "Subacute (de Quervain) thyroiditis" is about thyroiditis
    item = re.sub(r"\s*\([^()]*\)", "", item)
    return " ".join(_HEAD_CUT.split(item, maxsplit=1)[0].split()).strip(" .;")


def _qualified_head(item: str, head: str) -> str | None:
    """The head with the short comma qualifier that follows it, when there is one: "nicotine
    dependence, cigarettes - counseled" -> "nicotine dependence, cigarettes"."""
    rest = item[item.find(head) + len(head):] if head in item else ""
    m = re.match(r"\s*,\s*([A-Za-z][A-Za-z -]{2,30}?)\s*(?:$|[-–—,;(.])", rest)
    if not m or len(m.group(1).split()) > 3 or _HEAD_CUT.search(f" {m.group(1)}"):
        return None
    return f"{head}, {m.group(1)}"


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    import yaml

    text = resources.files("cleanclaim.coding").joinpath("data", "abbreviations.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return {str(k).lower(): str(v) for k, v in data["abbreviations"].items()}


_SHORTHAND = {"w/": "with", "w/o": "without", "w/out": "without", "s/p": "status post", "h/o": "history of",
              "rvr": ""}  # "AFib w/ RVR": the rate does not change the rhythm's code


def _expand(head: str) -> str:
    """The item as the index reads it: the whole phrase if it is an abbreviation ("htn"), else each
    abbreviation in it ("t2dm w/ hyperglycemia" -> "type 2 diabetes mellitus with hyperglycemia")."""
    table = _abbreviations()
    if head in table:
        return table[head]
    expanded = " ".join(_SHORTHAND.get(w, table.get(w, w)) for w in head.split())
    return re.sub(r"\s+with\s*$", "", " ".join(expanded.split()))


@lru_cache(maxsize=2048)
def _best_hit(head: str, newborn: bool = False, pregnant: bool = False) -> tuple[str, str, float] | None:
    """Best billable, non-external-cause code for a head phrase (cached: comorbidities repeat).
    Perinatal codes (P00-P96) only for a newborn (OCG I.C.16.a), obstetric codes (O00-O9A) only in a
    pregnancy or the puerperium (OCG I.C.15.a)."""
    try:
        from cleanclaim.codes.search import search
    except Exception:  # noqa: BLE001 - without search, out-of-domain items are simply not suggested
        return None
    head = _expand(head)
    # external causes (V00-Y99) describe how, not what: never suggested from an assessment item
    from cleanclaim.coding.codebook import is_billable

    for h in search(head, limit=5):
        if h.code[:1] in {"V", "W", "X", "Y"} or (h.code[:1] == "P" and not newborn) \
                or (h.code[:1] == "O" and not pregnant):
            continue
        if not _names_every_word(head, str(h.matched)):
            continue  # "acute left jaw pain" is not "acute neck pain"
        if getattr(h, "billable", True):
            return h.code, str(h.matched), float(h.score)
        # a category matched by name ("type 2 diabetes mellitus" -> E11): its unspecified (.9) code
        # is what the index gives for the term without further qualification
        nine = f"{h.code}.9" if "." not in h.code else f"{h.code}9"
        if is_billable(nine, None):
            return nine, str(h.matched), float(h.score)
    return None


def assessment_spans(reading: NoteReading) -> list[tuple[int, int]]:
    """Where the provider states the diagnoses: the assessment sections, else a problem-oriented
    note's numbered entries."""
    spans = [(s, e) for cat, s, e in reading.sections if cat == "assessment"]
    return spans or [(m.start(), m.end()) for m in _PROBLEM_LINE.finditer(reading.text)]


def decide(ctx: CodingContext) -> None:
    r = ctx.reading
    sections = assessment_spans(r)
    if not sections:
        return
    newborn = bool(_NEWBORN.search(r.text))
    pregnant = bool(_PREGNANCY.search(r.text))
    explaining = []
    for start, end in sections:
        body = r.text[start:end]
        # skip the title itself
        colon = body.find(":")
        offset = start + (colon + 1 if 0 <= colon < 40 else 0)
        body = r.text[offset:end]
        heading = _HEADING.search(body)
        if heading:
            body = body[:heading.start()]
        pos = 0
        for piece in _SPLIT.split(body):
            if piece is None:
                continue
            idx = body.find(piece, pos)
            if idx < 0:
                continue
            pos = idx + len(piece)
            item = piece.strip(" \t\n\r-*•,.:")
            if ctx.inpatient:  # an uncertain diagnosis at discharge is coded as if established (OCG II.H)
                item = _UNCERTAIN_LEAD.sub(r"\1", item)
            short = len(item) < 4 and item.lower() not in _abbreviations()  # "UTI", "HTN" are items
            if short or not re.search(r"[A-Za-z]{3}", item) or _SKIP.match(item) \
                    or _NOT_A_DIAGNOSIS.search(item):
                continue
            a = offset + idx + piece.find(item)
            b = a + len(item)
            cause = _stated_cause(ctx, a, b)
            if cause is not None:  # "neck pain due to X": X is the item
                a = cause
                item = r.text[a:b]
            cut = _HEAD_CUT.search(item)
            head_end = a + cut.start() if cut else b
            covered = [m for m in r.mentions if a <= m.start < head_end]
            if any((m.concept in DIAGNOSIS_CONCEPTS and ctx.in_domain(m)) or m.concept in _COVERED
                   for m in covered):
                continue
            if any(not m.current or (m.uncertain and not ctx.inpatient) for m in covered):
                continue
            head = _head(item)
            if len(head) < 3 or len(head.split()) > 10 or re.search(r"\d{2,}", head) or _SKIP.match(head):
                continue
            # an Index-style qualifier after a comma can be essential ("nicotine dependence, cigarettes")
            qualified = _qualified_head(item, head)
            hit = _best_hit(qualified.lower(), newborn, pregnant) if qualified else None
            if hit is None or hit[2] < _MIN_SCORE:
                hit = _best_hit(head.lower(), newborn, pregnant)
            if hit is None or hit[2] < _MIN_SCORE:
                # the Index lists the main term; a leading side, severity or positional word is a
                # nonessential modifier ("positional plagiocephaly" -> Plagiocephaly)
                bare = _NONESSENTIAL.sub("", head).strip()
                hit = _best_hit(bare.lower(), newborn, pregnant) if bare and bare != head else None
            if hit is None or hit[2] < _MIN_SCORE:
                continue
            code, matched, score = hit
            if not _shares_a_word(head, matched):
                continue
            if any(c.code == code for c in ctx.codes):
                continue
            a_ = ctx.add(code, [], f"Assessment item outside the neck-pain domain ('{item}'); candidate "
                         f"from the code set by index search (matched '{matched}'). Review before "
                         "reporting.", "ICD-10-CM OCG IV.J (code all documented conditions that coexist)",
                         rank=RANK, needs_review=True, confidence=round(min(0.7, score * 0.7), 2),
                         extra_evidence=[Span(a, b, r.text[a:b])])
            a_.position = a
            # only a definitive diagnosis explains the pain: not a symptom (R) or a status (Z)
            if code[:1] not in {"R", "Z"} and _explains_neck_pain(ctx, item, a, b):
                explaining.append(a_)
    if explaining:
        _drop_integral_symptoms(ctx, explaining)


def _stated_cause(ctx: CodingContext, a: int, b: int) -> int | None:
    """Where the cause starts in an item that names neck pain as due to it ("neck pain 2/2 X")."""
    for m in ctx.mentions("NECK_PAIN"):
        if a <= m.start < b and m.current:
            link = _CAUSE.search(ctx.reading.text, m.end, b)
            if link is not None and link.start() - m.end < 40:
                rest = ctx.reading.text[link.end():b]
                return link.end() + len(rest) - len(rest.lstrip(" :"))
    return None


def _explains_neck_pain(ctx: CodingContext, item: str, a: int, b: int) -> bool:
    """A definitive diagnosis sited in the neck ("acute cervical lymphadenitis") or documented as the
    cause of the neck pain ("neck pain due to X") accounts for the pain."""
    if _NECK_SITE.search(item) and not _NOT_NECK.search(item):
        return True
    for m in ctx.mentions("NECK_PAIN"):
        s = m.sentence
        if not (s.start <= a < s.end) or m.start > a:
            continue
        link = _CAUSE.search(ctx.reading.text, m.end, a + 1)
        if link is not None:
            return True
    return False


def _drop_integral_symptoms(ctx: CodingContext, explaining: list) -> None:
    """Signs and symptoms routinely associated with a definitive diagnosis are not coded (OCG I.B.5);
    the confirmed diagnosis is listed first (OCG IV.G), still marked for review."""
    from cleanclaim.coding.codebook import domain

    names = ", ".join(c.code for c in explaining)
    integral = {domain()["simple_codes"]["NECK_PAIN"]}
    if not any(c.code in integral for c in ctx.codes):
        return  # a domain diagnosis already explains the pain: the item stays a coexisting condition
    if any(_INFLAMMATORY.search(c.description or "") for c in explaining):
        integral.add(domain()["symptom_codes"]["FEVER"])  # fever is part of an infection or inflammation
    for c in explaining:
        c.rank = 15
        c.rationale += " It accounts for the neck pain, so it is listed first (OCG IV.G) and the integral " \
                       "symptoms are not coded (OCG I.B.5)."
    for code in sorted(integral):
        if any(c.code == code for c in ctx.codes):
            ctx.reject(code, f"symptom integral to {names} (OCG I.B.5)")
    ctx.codes[:] = [c for c in ctx.codes if c.code not in integral]


# Words the Index treats as nonessential modifiers of a main term: an entry may leave them out.
_NONESSENTIAL_WORDS = frozenset({"acute", "chronic", "subacute", "left", "right", "bilateral", "mild",
                                 "moderate", "severe", "recurrent", "intermittent", "persistent", "new",
                                 "worsening", "ongoing", "known", "likely", "peripheral"})


_BODY_SITE = re.compile(r"^(head|face|jaw|neck|cervical|shoulders?|arms?|elbows?|forearms?|wrists?|hands?|"
                        r"fingers?|thumbs?|chest|back|abdomen|abdominal|hips?|thighs?|legs?|knees?|ankles?|"
                        r"feet|foot|toes?|skin|limbs?|extremit\w*)$")


_SIDE = re.compile(r"^(left|right|bilateral|unilateral|upper|lower|region|site|part)$")


def _names_every_word(head: str, matched: str) -> bool:
    """Every essential word of the item (as the index folds it: "dental" -> "tooth", "herniated" ->
    "displacement") appears in the entry found, so the entry names the same condition at the same site.
    A site may go unnamed only by an entry that names no site at all ("hand numbness" -> Numbness R20.0;
    never "jaw pain" -> "neck pain")."""
    from cleanclaim.codes.search import ALTERNATIVES, FILLER_WORDS, tokenize

    wanted = [t for t in tokenize(head)[0] if t not in _NONESSENTIAL_WORDS]
    have = set(sum(tokenize(matched), []))
    if not [t for t in wanted if not _BODY_SITE.match(t)]:
        return False  # "Acute" or "left arm" alone names no condition
    stems = {t[:5] for t in have}
    entry_has_site = any(_BODY_SITE.match(t) for t in have)
    named = all(t in have or t[:5] in stems or any(a in have for a in ALTERNATIVES.get(t, ()))
                or (_BODY_SITE.match(t) and not entry_has_site) for t in wanted)
    # nor may the entry assert much the item does not: one extra word ("Decompensated COPD with
    # exacerbation") is wording, two ("radiating neck pain with arm numbness") is another condition
    said = set(tokenize(head)[0]) | {a for t in tokenize(head)[0] for a in ALTERNATIVES.get(t, ())}
    said_stems = {t[:5] for t in said}
    # "without X" (a no- token) asserts nothing, nor does a site or side ("..., left upper limb")
    extra = [t for t in tokenize(matched)[0]
             if t not in said and t[:5] not in said_stems and not t.startswith("no-")
             and not _BODY_SITE.match(t) and not _SIDE.match(t) and t not in FILLER_WORDS]
    return named and len(extra) <= 1


def _shares_a_word(head: str, matched: str) -> bool:
    """The index entry found must share a content word (5-letter stem) with the item or its expansion."""
    text = f"{head} {_expand(head.lower())}".lower()
    words = {w[:5] for w in re.findall(r"[a-z]{4,}", text) if w not in _STOP}
    found = {w[:5] for w in re.findall(r"[a-z]{4,}", matched.lower()) if w not in _STOP}
    return bool(words & found)
