"""Read a clinical note: medspaCy finds sections, target concepts and ConText assertions; regular
expressions from data/findings.yaml add the attributes a coder needs (laterality, cervical level,
displacement, chronicity), the objective neuro findings, imaging findings, encounter phase, trauma
mechanism, conservative-care duration and the documentation checklist."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from typing import Any

from cleanclaim.notes.model import NON_CURRENT_SECTIONS, Finding, Mention, NoteReading, Span
from cleanclaim.notes.pipeline import SPAN_GROUP, get_pipeline, load_data

# Concepts whose region is judged against other spinal regions (a "lumbar radiculopathy" is not ours).
SPINE_CONCEPTS = frozenset({
    "RADICULOPATHY", "MYELOPATHY", "SPONDYLOSIS", "DISC_HERNIATION", "DISC_DEGENERATION", "DISC_DISORDER",
    "STENOSIS", "OSTEOMYELITIS", "DISCITIS", "ANKYLOSING_SPONDYLITIS", "POSTLAMINECTOMY", "EPIDURAL_ABSCESS",
    "SEGMENTAL_DYSFUNCTION", "SPINAL_CORD_INJURY",
})
# Concepts judged against every other body site (a "wrist fracture" or "low back strain" is not ours).
SITE_CONCEPTS = frozenset({"FRACTURE", "SPRAIN", "STRAIN", "MYALGIA", "METASTASIS", "SEPTIC_ARTHRITIS"})
# Concepts also named for vessels, valves and hollow organs ("pulmonary stenosis" is a heart defect).
ORGAN_CONCEPTS = frozenset({"STENOSIS"})
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10, "twelve": 12, "several": 3, "few": 2, "a": 1}
_ORDINAL_LEVEL = {"first": "C1", "second": "C2", "third": "C3", "fourth": "C4", "fifth": "C5",
                  "sixth": "C6", "seventh": "C7"}
_QUALIFIER = re.compile(
    r"^(left|right|bilateral|left-sided|right-sided|cervical|acute|chronic|subacute|mild|moderate|severe|"
    r"multilevel|multi-level|degenerative|displaced|nondisplaced|non-displaced|traumatic|c[1-8]|t1|"
    r"c[1-7]-c?[1-8]|c7-t1|-|–|/|[1-8]|and|mid|lower|upper|high|posterior|axial|mechanical|recurrent|"
    r"persistent|symptomatic|central|paracentral|foraminal|broad-based|focal|large|small|new|worsening)$",
    re.I)
_NEGATION_BEFORE = re.compile(r"\b(no|not|without|denies|denied|negative for|absence of|absent|never)\b"
                              r"[^;,.]*$", re.I)
_FLAGS = {"NEGATED_EXISTENCE": "negated", "HISTORICAL": "historical", "HYPOTHETICAL": "hypothetical",
          "POSSIBLE_EXISTENCE": "uncertain", "FAMILY": "family"}
_LEVELISH = re.compile(r"^(c[1-8]|t1|c[1-8]-c?[1-8]|c7-t1|[1-8]|-|–|/|and|,)$", re.I)
_STUDY_NOT_DONE = re.compile(r"\b(no|not|without|will|would|plan\w*|order\w*|get|obtain|consider\w*|if|"
                             r"pending|awaiting|scheduled|needs?|recommend\w*)\b[\w\s/-]*$", re.I)
_RADIATION = re.compile(r"\b(c?gy|rt|radiation|radiotherapy|sbrt|srs|fractions?)\b", re.I)


def _radiation_fractions(m: Mention, text: str) -> bool:
    """"20 Gy / 5 fx" counts radiation fractions, not fractures."""
    return (m.concept == "FRACTURE" and m.text.lower() in {"fx", "fxs"}
            and re.search(r"\d\s*$", text[max(0, m.start - 6):m.start]) is not None
            and _RADIATION.search(m.sentence.text) is not None)


_FRACTURE_WORD = re.compile(r"\bfractur\w*|\bfx\b", re.I)
_BONE = re.compile(r"\b(spine|spinal|vertebra\w*|bone|bony|osseous|skeletal|lytic|blastic)\b", re.I)
_CLAUSE_CUT = re.compile(r"[;.]|\bbut\b|\bhowever\b", re.I)


@cache
def _patterns() -> dict[str, Any]:
    data = load_data("findings.yaml")

    def comp(x: Any) -> Any:
        if isinstance(x, str):
            return re.compile(x, re.I)
        if isinstance(x, dict):
            return {k: comp(v) for k, v in x.items() if k not in {"source", "effective_date"}}
        return x

    return comp(data)


# Organ-system subheadings: inside a review of systems they are still the review of systems
# ("MUSCULOSKELETAL: Positive for neck pain." is what the patient reported, not an exam finding).
_SYSTEM_TITLE = re.compile(
    r"^(constitutional|general|eyes|ent|heent|head|neck|cardiovascular|cardiac|cv|respiratory|pulmonary|"
    r"lungs|gi|gastrointestinal|gu|genitourinary|musculoskeletal|msk|neuro|neurologic|neurological|"
    r"psychiatric|psych|endocrine|hematologic|heme|lymphatic|allergic|immunologic|skin|integumentary|"
    r"breast|extremities)\s*:?$", re.I)


def section_categories(doc: Any) -> list[str]:
    """medspaCy's category for each section, except that organ-system subheadings following a
    review of systems stay in it (the sectionizer reads "Musculoskeletal:" as an exam heading)."""
    cats: list[str] = []
    for sec in getattr(doc._, "sections", []) or []:
        cat = sec.category or "none"
        if cats and cats[-1] == "ros" and sec.title_start is not None:
            title = doc[sec.title_start:sec.title_end].text.strip()
            if _SYSTEM_TITLE.match(title):
                cat = "ros"
        cats.append(cat)
    return cats


class _DocIndex:
    """Sentence and section lookups by token index, computed once per note (spaCy's `span.sent` and
    medspaCy's token section getters rescan the document on every call)."""

    __slots__ = ("doc", "sents", "sent_starts", "sent_spans", "sec_starts", "sec_cats", "sec_titles", "texts")

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.sents = list(doc.sents)
        self.sent_starts = [s.start for s in self.sents]
        text = doc.text
        self.sent_spans = [Span(s.start_char, s.end_char, text[s.start_char:s.end_char]) for s in self.sents]
        self.texts = [t.text for t in doc]
        self.sec_starts: list[int] = []
        self.sec_cats: list[str] = []
        self.sec_titles: list[tuple[int, int] | None] = []
        sections = getattr(doc._, "sections", []) or []
        for sec, cat in zip(sections, section_categories(doc), strict=True):
            start = sec.title_start if sec.title_start is not None else sec.body_start
            self.sec_starts.append(start or 0)
            self.sec_cats.append(cat)
            self.sec_titles.append((sec.title_start, sec.title_end) if sec.title_start is not None else None)

    def sentence(self, i: int) -> tuple[Any, Span]:
        k = bisect_right(self.sent_starts, i) - 1
        return self.sents[k], self.sent_spans[k]

    def section(self, i: int) -> str:
        k = bisect_right(self.sec_starts, i) - 1
        return self.sec_cats[k] if k >= 0 else "none"

    def section_title(self, i: int) -> tuple[int, int] | None:
        k = bisect_right(self.sec_starts, i) - 1
        return self.sec_titles[k] if k >= 0 else None


def read_note(text: str) -> NoteReading:
    """All findings in one pass over the note."""
    pats = _patterns()
    nlp = get_pipeline()
    doc = nlp(text)
    idx = _DocIndex(doc)
    reading = NoteReading(text=text)
    for sec, cat in zip(getattr(doc._, "sections", []) or [], idx.sec_cats, strict=True):
        reading.sections.append((cat, doc[sec.title_start].idx if sec.title_start is not None else 0,
                                 _tok_end(doc, sec.body_end)))
    reading.neck_context = bool(pats["region"]["cervical"].search(text))

    # per sentence: the character offset after which mentions are imaging findings
    imaging_sents: dict[int, int] = {}
    for sent in idx.sents:
        section = idx.section(sent.start)
        stext = sent.text
        if section == "imaging":
            imaging_sents[sent.start] = sent.start_char
        elif section not in {"assessment", "plan"}:
            for study in pats["imaging_study"].finditer(stext):
                # "no imaging yet", "will get MRI": a study not done reports nothing
                if _STUDY_NOT_DONE.search(stext[max(0, study.start() - 25):study.start()]):
                    continue
                # the result follows its study closely ("MRI: ...", "CT showed ..."), not a clause later
                result = pats["imaging_result"].search(stext[:study.end() + 60], study.end())
                if result:
                    imaging_sents[sent.start] = sent.start_char + study.start()
                    break

    for ent in sorted(doc.spans.get(SPAN_GROUP, []), key=lambda sp: sp.start):
        mention = _mention(idx, ent, pats, imaging_sents)
        if not _radiation_fractions(mention, text):
            reading.mentions.append(mention)
    reading.imaging = [m for m in reading.mentions if m.imaging and not m.negated and not m.family
                       and m.concept not in {"NECK_PAIN", "NECK_STIFFNESS", "ORGANISM", "PRIMARY_CANCER"}]
    _neuro(idx, reading, pats)
    _phase(text, reading, pats)
    _facts(text, reading, pats)
    return reading


def _tok_end(doc: Any, i: int | None) -> int:
    if i is None or i >= len(doc):
        return len(doc.text)
    return doc[i].idx


def _mention(idx: _DocIndex, ent: Any, pats: dict[str, Any], imaging_sents: dict[int, int]) -> Mention:
    doc, texts = idx.doc, idx.texts
    sent, sent_span = idx.sentence(ent.start)
    section = idx.section(ent.start)
    w_start = max(sent.start, ent.start - 5)
    while w_start - 2 >= sent.start and texts[w_start - 1] in {"-", "–", "/"}:
        w_start -= 2  # keep a level range ("C5-C6") whole
    w_end = min(sent.end, ent.end + 5)
    while w_end < sent.end and _LEVELISH.match(texts[w_end - 1]) and _LEVELISH.match(texts[w_end]):
        w_end += 1  # finish a list of levels ("at C5-C6 and C4-C5")
    window = doc[w_start:w_end].text
    ev_start = ent.start
    while ev_start > sent.start and _QUALIFIER.match(texts[ev_start - 1]):
        ev_start -= 1
    while ev_start < ent.start and texts[ev_start] in {"-", "–", "/", "and"}:
        ev_start += 1
    ev = doc[ev_start:ent.end]
    modifiers = ent._.modifiers
    m = Mention(
        concept=ent.label_, start=ent.start_char, end=ent.end_char, text=ent.text,
        evidence=Span(ev.start_char, ev.end_char, ev.text),
        sentence=sent_span, section=section,
        modifiers=tuple(doc[mod.modifier_span[0]:mod.modifier_span[1]].text for mod in modifiers),
        imaging=sent.start in imaging_sents and ent.start_char >= imaging_sents[sent.start],
    )
    for mod in modifiers:
        first = mod.modifier_span[0]
        if (mod.category == "HISTORICAL" and texts[first].lower() == "old" and first > 0
                and texts[first - 1] in {"-", "year", "years", "yr", "yo"}):
            continue  # "52-year-old" is an age, not an old injury
        flag = _FLAGS.get(mod.category)
        if flag:
            setattr(m, flag, True)
    if section == "family_history":
        # the heading's own sentence is about relatives; later sentences may be back on the patient
        # ("Family hx: brother had myelopathy. Neck pain, no hand clumsiness.") and ConText's family
        # modifier covers a relative named there
        title = idx.section_title(ent.start)
        if title is not None and sent.start <= title[0] < sent.end:
            m.family = True
    elif section in {"pmh", "psh"}:
        m.historical = True
    if m.concept == "METASTASIS":
        # the primary's organ sits beside the word ("lung cancer metastatic to C5"): bone decides
        m.region = "cervical" if (_BONE.search(sent_span.text)
                                  or pats["region"]["cervical"].search(sent_span.text)) else "other"
    else:
        m.region = _region(m.concept, window, sent_span.text, pats)
    m.laterality = _laterality(window, pats)
    m.levels = _levels(window, pats) or (_levels(sent_span.text, pats) if m.concept in SPINE_CONCEPTS
                                          or m.concept == "FRACTURE" else ())
    # a fracture's displacement may sit further along its sentence ("C2 dens (type II), displaced
    # anteriorly") when that sentence names only one fracture
    places = [window]
    if m.concept == "FRACTURE":
        # qualifiers stacked before the word ("nondisplaced type II odontoid (dens) fracture")
        before = sent_span.text[max(0, m.start - sent_span.start - 60):m.end - sent_span.start]
        places.append(_CLAUSE_CUT.split(before)[-1])
    if m.concept == "FRACTURE" and len(_FRACTURE_WORD.findall(sent_span.text)) == 1:
        places.append(sent_span.text)
    for place in places:
        kind = next((k for k in ("nondisplaced", "displaced") if pats["displacement"][k].search(place)), None)
        if kind:
            m.displacement = kind
            break
    for kind in ("chronic", "acute"):
        if pats["chronicity"][kind].search(window):
            m.chronicity = kind
            break
    return m


def _region(concept: str, window: str, sentence: str, pats: dict[str, Any]) -> str:
    region = pats["region"]
    others = [region["other_spine"]] if concept in SPINE_CONCEPTS else (
        [region["other_body"]] if concept in SITE_CONCEPTS else [])
    if concept in ORGAN_CONCEPTS:
        others.append(region["other_organ"])
    for text in (window, sentence):
        if region["cervical"].search(text):
            return "cervical"
        if any(other.search(text) for other in others):
            return "other"
    return "unknown"


def _laterality(text: str, pats: dict[str, Any]) -> str | None:
    lat = pats["laterality"]
    if lat["bilateral"].search(text):
        return "bilateral"
    right, left = bool(lat["right"].search(text)), bool(lat["left"].search(text))
    if right and left:
        return "bilateral"
    return "right" if right else "left" if left else None


def _levels(text: str, pats: dict[str, Any]) -> tuple[str, ...]:
    lv = pats["levels"]
    found: list[str] = []
    for m in lv["disc"].finditer(text):
        if m.group(3):
            found.append(f"C{m.group(3)}-T1")
            continue
        lo, hi = m.group(1), m.group(2).replace(" ", "").upper()
        found.append(f"C{lo}-T1" if hi.startswith("T") else f"C{lo}-C{hi}")
    for m in lv["single"].finditer(text):
        found.append(f"C{m.group(1)}")
    for m in lv["words"].finditer(text):
        found.append(_ORDINAL_LEVEL[m.group(1).lower()])
    for m in lv["atlas_axis"].finditer(text):
        word = m.group(1).lower()
        found.append("C1" if word in {"atlas", "jefferson"} else "C2")
    out: list[str] = []
    for level in found:
        if level not in out:
            out.append(level)
    return tuple(out)


def _neuro(idx: _DocIndex, reading: NoteReading, pats: dict[str, Any]) -> None:
    """Objective findings: each pattern runs once over the note; a match counts in exam-type text (not
    history, family or the patient's own report) unless its clause negates it."""
    text = reading.text
    sent_chars = [s.start_char for s in idx.sents]
    allowed: dict[int, bool] = {}

    def sentence_at(pos: int) -> tuple[Any, str]:
        k = bisect_right(sent_chars, pos) - 1
        sent = idx.sents[max(k, 0)]
        return sent, idx.section(sent.start)

    for m in pats["neuro_exam_documented"].finditer(text):
        _, section = sentence_at(m.start())
        if section not in NON_CURRENT_SECTIONS:
            reading.neuro_exam = True
            break
    for kind, rx in pats["neuro_signs"].items():
        for m in rx.finditer(text):
            sent, section = sentence_at(m.start())
            if section in NON_CURRENT_SECTIONS or section in {"hpi", "chief_complaint"}:
                continue  # what the patient reports is not an objective finding
            allowed[sent.start] = True
            before = text[sent.start_char:m.start()]
            cut = list(_CLAUSE_CUT.finditer(before))
            clause = before[cut[-1].end():] if cut else before
            if _NEGATION_BEFORE.search(clause) and "positive" not in m.group(0).lower():
                continue
            end = min(m.end(), sent.end_char) if m.start() < sent.end_char else m.end()
            reading.neuro_signs.append(Finding(kind, Span(m.start(), end, text[m.start():end]),
                                               _laterality(m.group(0), pats)))


# a phase word inside an alternative the provider set aside ("favored acute fracture over chronic
# non-union", "less likely delayed union") or negated ("no nonunion") says nothing about this encounter
_SET_ASIDE = re.compile(r"(?:\b(?:no|not|without|rather than|instead of|less likely|unlikely|versus|vs\.?|"
                        r"r/o|rule out)\b|"
                        r"\b(?:favou?red|favou?ring|more likely|preferred)\b[^.;,()\n]*\bover\b)"
                        r"[^.;,()\n]*$", re.I)


def _phase(text: str, reading: NoteReading, pats: dict[str, Any]) -> None:
    for phase in ("sequela", "subsequent", "initial"):
        m = next((x for x in pats["phase"][phase].finditer(text)
                  if not _SET_ASIDE.search(text[max(0, x.start() - 80):x.start()])), None)
        if m:
            reading.encounter_phase = phase
            reading.phase_evidence = Span(m.start(), m.end(), m.group(0))
            return


def _weeks(num: str, unit: str) -> int:
    n = int(num) if num.isdigit() else _NUM_WORDS.get(num.lower(), 0)
    return n * 4 if unit.lower().startswith("mo") else n


def _facts(text: str, reading: NoteReading, pats: dict[str, Any]) -> None:
    m = pats["mechanism"].search(text)
    if m:
        reading.mechanism = Span(m.start(), m.end(), m.group(0))
    weeks = [_weeks(x.group(1), x.group(2)) for x in pats["conservative_care"].finditer(text)]
    weeks += [_weeks(x.group(2), x.group(3)) for x in pats["conservative_care_rev"].finditer(text)]
    reading.conservative_care_weeks = max(weeks) if weeks else None
    doc_pats = pats["documentation"]
    checklist: dict[str, bool | None] = {k: bool(rx.search(text)) for k, rx in doc_pats.items()}
    checklist["neuro_exam"] = reading.neuro_exam
    # procedure-diagnosis linkage: a procedure named in a sentence that also says what it is for
    linked: bool | None = None
    for sent in re.split(r"(?<=[.!?\n])", text):
        if pats["procedure"].search(sent):
            ok = bool(pats["procedure_link"].search(sent))
            linked = ok if linked is None else (linked or ok)
    checklist["procedure_linkage"] = linked
    order = ["onset", "duration", "location", "radiation", "severity", "functional_impact", "neuro_exam",
             "workup_plan", "procedure_linkage"]
    reading.documentation = {k: checklist.get(k) for k in order}
