"""Search ICD-10-CM the way a coder uses the Alphabetic Index: words in, ranked codes out.

Three kinds of text are searched, in order of trust:

1. the curated domain index (`data/domain_index.tsv`): lay terms and Index main terms for the neck
   and cervical spine. An exact term scores 1.0, the same words in another order just below; other
   terms by how much of the query they explain and how much of the term the query names;
2. the ICD-10-CM tabular: every code's description and inclusion terms, and the CMS External Cause
   Index and Neoplasm Table rows (`index_xml`). Scored by weighted word overlap;
3. a query that is itself a code returns that code (and its children) first.

Words are normalised the same way on both sides: case, accents, possessives, plurals, spinal levels
("C5-6", "c5/c6" -> one token), abbreviations (DDD, MVC, c-spine), a few lay synonyms folded into
the Index's word (slipped / bulging / ruptured disc -> displacement), stop words dropped, and words
after "without" marked negative so "with radiculopathy" never matches "without ... radiculopathy".

Codes that need a 7th character are searched by their base description and returned as the
initial-encounter code (S13.4 -> S13.4XXA) unless the query names another encounter (subsequent,
sequela, nonunion ...). The compiled index is pickled in the cache folder, so a search costs
milliseconds once it is loaded.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import os
import pickle
import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

from cleanclaim.codes import domain_index, index_xml
from cleanclaim.codes.spelling import dotted

SEARCH_VERSION = "1"  # bump when tokenising or index layout changes (invalidates the pickled index)

# ---------------------------------------------------------------------------------------------
# Normalisation


class EntryLike(Protocol):
    """What search needs from a code-set entry (cleanclaim.codes' CodeSet.iter_entries() items)."""

    code: str
    description: str
    billable: bool
    inclusion_terms: Sequence[str]


@dataclass(frozen=True, slots=True)
class TabularEntry:
    """A plain entry, for callers (and tests) that build an index from their own list."""

    code: str
    description: str
    billable: bool
    inclusion_terms: tuple[str, ...] = ()


STOP_WORDS = frozenset({
    "a", "an", "and", "the", "of", "in", "on", "at", "to", "for", "by", "or", "my", "his", "her",
    "their", "its", "is", "are", "was", "from", "as", "into", "nos", "me", "i", "im", "has", "have",
    "had", "patient", "pt",
})

# Abbreviations and multi-word spellings, expanded before anything else.
PHRASES: dict[str, tuple[str, ...]] = {
    "mvc": ("motor", "vehicle", "accident"),
    "mva": ("motor", "vehicle", "accident"),
    "ddd": ("degenerative", "disc", "disease"),
    "djd": ("degenerative", "joint", "disease"),
    "sci": ("spinal", "cord", "injury"),
    "hnp": ("herniated", "disc"),
    "oa": ("osteoarthritis",),
    "dish": ("diffuse", "idiopathic", "skeletal", "hyperostosis"),
    "opll": ("ossification", "posterior", "longitudinal", "ligament"),
    "tos": ("thoracic", "outlet", "syndrome"),
    "tb": ("tuberculosis",),
    "fx": ("fracture",),
    "bp": ("blood", "pressure"),
}

# Lay words and inflections folded into the word the Index and tabular use (both sides).
CANONICAL: dict[str, str] = {
    "disk": "disc",
    "herniated": "displacement", "herniation": "displacement", "slipped": "displacement",
    "bulging": "displacement", "bulge": "displacement", "bulged": "displacement",
    "ruptured": "displacement", "rupture": "displacement", "protruding": "displacement",
    "protrusion": "displacement", "prolapsed": "displacement", "prolapse": "displacement",
    "extruded": "displacement", "extrusion": "displacement",
    "broken": "fracture", "fractured": "fracture", "break": "fracture",
    "sprained": "sprain", "strained": "strain", "pulled": "strain",
    "dislocated": "dislocation", "subluxed": "subluxation",
    "injured": "injury", "bruise": "contusion", "bruised": "contusion", "bruising": "contusion",
    "radicular": "radiculopathy", "radiculitis": "radiculopathy",
    "spondylotic": "spondylosis", "stenotic": "stenosis", "myelopathic": "myelopathy",
    "degenerative": "degeneration", "degenerated": "degeneration", "arthritic": "arthritis",
    "metastatic": "metastasis", "metastases": "metastasis", "mets": "metastasis",
    "ache": "pain", "aching": "pain", "achy": "pain", "hurt": "pain", "hurts": "pain",
    "hurting": "pain", "painful": "pain", "sore": "pain", "soreness": "pain",
    "stiff": "stiffness", "swollen": "swelling", "lump": "mass",
    "osteoporotic": "osteoporosis", "congenitally": "congenital",
    "narrowing": "stenosis", "narrowed": "stenosis", "narrow": "stenosis",
    "cancer": "malignant", "malignancy": "malignant", "tumour": "tumor", "neoplastic": "neoplasm",
    "spread": "metastasis", "metastasized": "metastasis", "metastasised": "metastasis",
    "infected": "infection", "gland": "node",
    "wryneck": "wry",  # "wryneck" and "wry neck" are one term
}

# Query-side alternatives: a query word also matches these (at ALT_WEIGHT).
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "neck": ("cervical",),
    "cervical": ("neck", "cervix"),
    "spine": ("vertebra", "spinal", "vertebral", "column"),
    "spinal": ("spine", "vertebral"),
    "vertebra": ("spine", "vertebral"),
    "vertebral": ("vertebra", "spine"),
    "metastasis": ("secondary",),
    "secondary": ("metastasis",),
    "compression": ("myelopathy",),
    "newborn": ("congenital", "birth"), "infant": ("congenital", "birth"), "baby": ("congenital", "birth"),
    "disc": ("intervertebral",),
    "tingling": ("paresthesia",),
    "numbness": ("anesthesia",),
    "tumor": ("neoplasm",),
    "dental": ("tooth",), "teeth": ("tooth",),
    "c1": ("first", "atlas"), "c2": ("second", "axis"), "c3": ("third",), "c4": ("fourth",),
    "c5": ("fifth",), "c6": ("sixth",), "c7": ("seventh",),
    "atlas": ("first",), "axis": ("second",),
}
ALT_WEIGHT = 0.85
CAUSE_SCORE = 0.93  # a documented cause named after "due to" / "from": below exact terms only
# Words the tabular uses to fill out a description; they say little about the condition.
FILLER_WORDS = frozenset({"unspecified", "other", "specified", "not", "site", "elsewhere", "classified",
                          "nec", "part", "region"})
FILLER_WEIGHT = 0.25
CANDIDATES = 150  # texts scored in full per query, by matched query weight (domain texts always)

# Words that pick the 7th character rather than the condition.
ENCOUNTER_WORDS = frozenset({"initial", "subsequent", "encounter", "sequela", "nonunion", "malunion",
                             "delayed", "healing", "routine", "late", "effect"})
SEVENTH_BY_WORD = (("sequela", "S"), ("late", "S"), ("nonunion", "K"), ("malunion", "P"),
                   ("delayed", "G"), ("subsequent", "D"))

_LEVEL = re.compile(r"\b([ctls])\s?(\d{1,2})\s*(?:-|/|\u2013|to)\s*([ctls])?\s?(\d{1,2})\b")
_LEVEL_SPACED = re.compile(r"\b([ctls])(\d{1,2}) ([ctls])(\d{1,2})\b")  # "c5 c6": both letters needed
_LEVEL_REGION = {"c": "cervical", "t": "thoracic", "l": "lumbar", "s": "sacral"}
_C_SPINE = re.compile(r"\bc[\s-]?spine\b")
# Prefixes written both joined and apart ("post laminectomy", "post-laminectomy", "postlaminectomy").
_PREFIX = re.compile(r"\b(post|non|pre)-(?=[a-z]{3})")
_PREFIX_SPACED = re.compile(
    r"\b(post|non) (?=(?:laminectomy|traumatic|procedural|operative|surgical|herpetic|infectious|"
    r"displaced|union|specific|infective)\b)")
# Multi-word lay phrases folded into the Index's single word.
_PHRASE_FOLDS = (
    (re.compile(r"\bnucleus pulposus\b"), "disc"),
    (re.compile(r"\bmuscle (?:pain|ache)s?\b|\bmuscular pain\b"), "myalgia"),
)
# Capitalised abbreviations that are ordinary words in lower case ("AS" vs "as").
_CAPS_ABBREVIATIONS = {"AS": "ankylosing spondylitis", "RA": "rheumatoid arthritis"}
_CAPS = re.compile(r"\b(" + "|".join(_CAPS_ABBREVIATIONS) + r")\b")
_WORD = re.compile(r"[a-z0-9_]+|[,;()\[\]:]")
_CAUSE = re.compile(r"\b(?:due to|from|caused by|secondary to|because of|after)\b", re.IGNORECASE)
_LATERAL = re.compile(r"\b(right|left|bilateral)\b")
# A child that adds nothing the bare term did not say: the Index's default when a note is silent.
_NO_COMPLICATION = re.compile(r"\b(uncomplicated|not intractable|not specified as)\b")
_WITHOUT = re.compile(r"\bwithout\b([^,]*)")
_WITH = re.compile(r"\bwith\b")  # "without" does not match: \b needs a boundary after "with"
# "with" that names no complication: an attribute of the condition itself, or an external cause.
_WITH_NO_COMPLICATION = re.compile(
    r"\bwith or without\b|\b(?:collision|contact) with\b|\bwith unspecified severity\b")


def _sibling_has_what_this_lacks(desc: str, siblings: list[str]) -> bool:
    """True when desc says "without X" and a sibling names X (E11.00 "without ... coma" beside
    E11.01 "with coma"; B27.10 "without complications" beside B27.19 "with other complication")."""
    clause = _WITHOUT.search(desc)
    if clause is None:
        return False
    stems = {w.rstrip("s") for w in re.findall(r"[a-z]{4,}", clause.group(1)) if w != "mention"}
    return any(stem in other for stem in stems for other in siblings)


def _with_clauses(desc: str) -> int:
    """How many "with ..." complications a (lower-cased) description names."""
    return len(_WITH.findall(_WITH_NO_COMPLICATION.sub(" ", desc)))
_CODE_SHAPE = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?$")


def _fold(text: str) -> str:
    # Each rewrite runs only when its trigger is present: this runs for ~80,000 texts per build.
    if "AS" in text or "RA" in text:
        text = _CAPS.sub(lambda m: _CAPS_ABBREVIATIONS[m[1]], text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower()
    if "spine" in text:
        text = _C_SPINE.sub("cervical spine", text)
    if "post" in text or "non" in text or "pre" in text:
        text = _PREFIX.sub(r"\1", text)
        text = _PREFIX_SPACED.sub(r"\1", text)
    if "pulposus" in text or "muscle" in text or "muscular" in text:
        for pattern, word in _PHRASE_FOLDS:
            text = pattern.sub(word, text)
    if any(ch.isdigit() for ch in text):
        text = _LEVEL.sub(lambda m: f" {m[1]}{m[2]}_{m[3] or m[1]}{m[4]} ", text)
        text = _LEVEL_SPACED.sub(lambda m: f" {m[1]}{m[2]}_{m[3]}{m[4]} ", text)
    if "'" in text:
        text = text.replace("'s", "").replace("'", "")
    return text


def _stem(word: str) -> str:
    """Light plural folding: vertebrae -> vertebra, muscles -> muscle, injuries -> injury."""
    if len(word) <= 3 or "_" in word:
        return word
    if word.endswith("ae"):
        return word[:-1]
    if not word.endswith("s") or word.endswith(("ss", "us", "is", "os")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


@lru_cache(maxsize=65536)
def _norm_word(word: str) -> str:
    word = CANONICAL.get(word, word)
    word = _stem(word)
    return CANONICAL.get(word, word)


def tokenize(text: str) -> tuple[list[str], list[str]]:
    """(essential, optional) tokens. Words in parentheses are the Index's nonessential modifiers:
    they may match, but a description is not penalised for leaving them unmatched."""
    essential: list[str] = []
    optional: list[str] = []
    negate = False
    depth = 0
    for m in _WORD.finditer(_fold(text)):
        raw = m.group()
        if raw in "([":
            depth += 1
            continue
        if raw in ")]":
            depth = max(0, depth - 1)
            negate = False
            continue
        if raw in ",;:":
            negate = False
            continue
        if raw == "without":
            negate = True
            continue
        if raw == "with":
            negate = False
            continue
        for word in PHRASES.get(raw, (raw,)):
            if word in STOP_WORDS:
                continue
            token = _norm_word(word)
            if negate:
                token = "no-" + token
            target = optional if depth else essential
            if token not in target:
                target.append(token)
    return essential, optional


def _as_query(text: str) -> tuple[list[str], str | None]:
    """Query tokens for scoring, and the 7th character the query's encounter words ask for."""
    essential, optional = tokenize(text)
    tokens = [t for t in essential + optional if t not in ENCOUNTER_WORDS]
    words = set(essential) | set(optional)
    seventh = next((letter for word, letter in SEVENTH_BY_WORD if word in words), None)
    return tokens, seventh


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(slots=True)
class SearchHit:
    code: str
    description: str
    score: float
    matched: str  # the index term, description or inclusion term that matched
    billable: bool

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "description": self.description, "score": self.score,
                "matched": self.matched}


# Kinds of searchable text, best first.
DOMAIN, TABULAR, INCLUSION, EXTERNAL_CAUSE, NEOPLASM = range(5)
_KIND_OF_SOURCE = {"external_cause": EXTERNAL_CAUSE, "neoplasm": NEOPLASM}


def _strip_dot(code: str) -> str:
    return code.replace(".", "").strip().upper()


def _seventh_base(code: str) -> str | None:
    """For a 7-character code (an extension with its 7th character), the code it extends."""
    bare = _strip_dot(code)
    if len(bare) != 7:
        return None
    base = bare[:6].rstrip("X")
    return base


class _Lines:
    """One-line strings kept as one joined string plus start offsets: a single object to pickle
    and load instead of ~100,000 small ones."""

    __slots__ = ("blob", "starts")

    def __init__(self, items: Iterable[str] = ()) -> None:
        items = list(items)
        self.blob = "\n".join(items) + "\n"
        self.starts = array("I", [0])
        pos = 0
        for item in items:
            pos += len(item) + 1
            self.starts.append(pos)

    def __getitem__(self, i: int) -> str:
        return self.blob[self.starts[i]:self.starts[i + 1] - 1]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getstate__(self) -> tuple[str, array]:
        return self.blob, self.starts

    def __setstate__(self, state: tuple[str, array]) -> None:
        self.blob, self.starts = state


class SearchIndex:
    """Searchable texts, their tokens and an inverted index; immutable once built.

    Stored flat (joined strings, int arrays) so the pickled index loads in a few tens of ms."""

    def __init__(self) -> None:
        self.code_index: dict[str, int] = {}  # bare code -> row in code_desc / code_billable
        self.code_desc: list[str] | _Lines = []
        self.code_billable = bytearray()
        self.default_child: dict[str, str] = {}  # header -> its "unspecified" billable descendant
        self.doc_code: list[str] = []  # bare code each text leads to
        self.doc_text: list[str] | _Lines = []
        self.doc_kind = array("B")
        self.doc_n_essential = array("H")
        self.doc_weight = array("f")  # summed idf of each text's essential tokens
        self.vocab: list[str] = []
        self.doc_flat = array("I")  # token ids of every text, essential first
        self.doc_offset = array("I", [0])
        self.postings: dict[str, array] = {}
        self.idf: dict[str, float] = {}
        self.max_idf = 1.0
        self._pending: list[tuple[str, ...]] = []  # tokens per text while building

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def build(cls, entries: Iterable[EntryLike], domain: Iterable[domain_index.DomainTerm] = (),
              index_terms: Iterable[index_xml.IndexTerm] = ()) -> SearchIndex:
        self = cls()
        rows = [(_strip_dot(e.code), e.description or "", bool(e.billable), tuple(e.inclusion_terms or ()))
                for e in entries]
        for bare, desc, billable, _ in rows:
            self.code_index[bare] = len(self.code_desc)
            self.code_desc.append(" ".join(desc.split()))
            self.code_billable.append(billable)
        for term in domain:
            self._add(term.code, term.term, DOMAIN)
        # A code that needs a 7th character is searched under its base text, answered as "A".
        initial = {}
        for bare, _, _, _ in rows:
            base = _seventh_base(bare)
            if base is not None and bare.endswith("A"):
                initial[base] = bare
        for bare, desc, _, inclusions in rows:
            base = _seventh_base(bare)
            if base is not None:
                if base in initial:
                    continue  # found through its base's text
                target = bare  # 7th characters without an "A" (e.g. stages): each on its own
            else:
                target = initial.get(bare, bare)
            self._add(target, desc, TABULAR)
            for inc in inclusions:
                self._add(target, inc, INCLUSION)
        for term in index_terms:
            bare = _strip_dot(term.code)
            self._add(initial.get(bare, bare), term.text, _KIND_OF_SOURCE.get(term.source, TABULAR))
        self._find_defaults(initial)
        self._finish()
        return self

    def _find_defaults(self, initial: dict[str, str]) -> None:
        """For each header, the billable code a coder lands on when nothing more is documented:
        follow the "unspecified" child down (S12.4 -> S12.40 -> S12.400 -> S12.400A)."""
        children: dict[str, list[str]] = {}
        for bare in self.code_index:
            if len(bare) > 3 and _seventh_base(bare) is None:
                children.setdefault(bare[:-1], []).append(bare)
        for header, row in self.code_index.items():
            if self.code_billable[row] or _seventh_base(header) is not None:
                continue
            current: str | None = header
            while current is not None and not self.code_billable[self.code_index[current]]:
                if current in initial:
                    current = initial[current]
                    break
                current = self._unspecified_child(current, sorted(children.get(current, ())))
            if current is not None and current != header:
                self.default_child[header] = current

    def _add(self, code: str, text: str, kind: int) -> None:
        essential, optional = tokenize(text)
        if not essential and not optional:
            return
        doc = len(self.doc_code)
        self.doc_code.append(_strip_dot(code))
        self.doc_text.append(" ".join(text.split()))
        self.doc_kind.append(kind)
        self._pending.append(tuple(essential + optional))
        self.doc_n_essential.append(len(essential))
        for token in essential + optional:
            posting = self.postings.get(token)
            if posting is None:
                posting = self.postings[token] = array("I")
            posting.append(doc)

    def _unspecified_child(self, header: str, kids: list[str]) -> str | None:
        """The child a coder lands on when the note says no more than the header does.

        In order: a child made for the silent note ("status unknown", S06.0XA); a child that adds
        no "with" clause the header lacks (E11.8 "with unspecified complications" asserts a
        complication nobody documented, so Diabetes, type 2 goes to E11.9 as in the Index); the
        most "unspecified" (F10.929 "with intoxication, unspecified" over F10.920 "uncomplicated",
        again as the Index has it); one that says "without" / "uncomplicated" (J45.909, G43.909);
        no side named; the first on a tie (so "displaced" before "nondisplaced", the guideline's
        default for fractures)."""
        header_withs = _with_clauses(self.code_desc[self.code_index[header]].lower())
        descs = [self.code_desc[self.code_index[kid]].lower() for kid in kids]
        best, best_key = None, None
        for i, (kid, desc) in enumerate(zip(kids, descs, strict=True)):
            status_unknown = "status unknown" in desc
            # "without X" is the silent default only beside a sibling that has X (J85.2 "without
            # pneumonia" beside J85.1 "with pneumonia"); N39.42 "without sensory awareness" is a type
            says_no_more = bool(_NO_COMPLICATION.search(desc)) or _sibling_has_what_this_lacks(
                desc, descs[:i] + descs[i + 1:])
            unspecified = desc.count("unspecified")
            if not unspecified and not says_no_more and not status_unknown:
                continue
            key = (status_unknown, _with_clauses(desc) <= header_withs, unspecified > 0,
                   unspecified, says_no_more, not _LATERAL.search(desc))
            if best_key is None or key > best_key:
                best, best_key = kid, key
        return best

    def _finish(self) -> None:
        self.vocab = list(self.postings)
        token_id = {t: i for i, t in enumerate(self.vocab)}
        self._compute_idf()
        for tokens, n_ess in zip(self._pending, self.doc_n_essential, strict=True):
            self.doc_flat.extend(token_id[t] for t in tokens)
            self.doc_offset.append(len(self.doc_flat))
            self.doc_weight.append(sum(self.idf[t] for t in tokens[:n_ess]))
        self._pending = []
        self.code_desc = _Lines(self.code_desc)
        self.doc_text = _Lines(self.doc_text)

    def _compute_idf(self) -> None:
        n = len(self.doc_code) + 1
        self.idf = {t: (math.log(n / (len(p) + 1)) + 1.0) * (FILLER_WEIGHT if t in FILLER_WORDS else 1.0)
                    for t, p in self.postings.items()}
        self.max_idf = math.log(n) + 1.0

    # -- pickling: joined strings and arrays, not millions of small objects --------------------

    def __getstate__(self) -> dict[str, Any]:
        return {
            "codes": "\n".join(self.code_index), "code_desc": self.code_desc,
            "code_billable": bytes(self.code_billable),
            "default_of": "\n".join(self.default_child),
            "default_child": "\n".join(self.default_child.values()),
            "doc_code": "\n".join(self.doc_code), "doc_text": self.doc_text,
            "doc_kind": self.doc_kind, "doc_n_essential": self.doc_n_essential,
            "doc_weight": self.doc_weight, "vocab": "\n".join(self.vocab),
            "postings": [self.postings[t] for t in self.vocab],
            "doc_flat": self.doc_flat, "doc_offset": self.doc_offset,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        keys = state["codes"].split("\n") if state["codes"] else []
        self.code_index = dict(zip(keys, range(len(keys)), strict=True))
        self.code_desc = state["code_desc"]
        self.code_billable = bytearray(state["code_billable"])
        headers = state["default_of"].split("\n") if state["default_of"] else []
        children = state["default_child"].split("\n") if headers else []
        self.default_child = dict(zip(headers, children, strict=True))
        self.doc_code = state["doc_code"].split("\n")
        self.doc_text = state["doc_text"]
        self.doc_kind = state["doc_kind"]
        self.doc_n_essential = state["doc_n_essential"]
        self.doc_weight = state["doc_weight"]
        self.vocab = state["vocab"].split("\n")
        self.postings = dict(zip(self.vocab, state["postings"], strict=True))
        self.doc_flat = state["doc_flat"]
        self.doc_offset = state["doc_offset"]
        self._pending = []
        self._compute_idf()

    # -- querying -----------------------------------------------------------------------------

    def _weight(self, token: str) -> float:
        return self.idf.get(token, self.max_idf)

    def _tokens(self, doc: int) -> tuple[str, ...]:
        vocab = self.vocab
        return tuple(vocab[i] for i in self.doc_flat[self.doc_offset[doc]:self.doc_offset[doc + 1]])

    def describe(self, code: str) -> tuple[str, str, bool]:
        """(dotted code, description, billable); unknown codes: no description, assumed billable."""
        bare = _strip_dot(code)
        row = self.code_index.get(bare)
        if row is None:
            return (dotted(bare), "", True)
        return (dotted(bare), self.code_desc[row], bool(self.code_billable[row]))

    def _billable(self, bare: str) -> bool:
        row = self.code_index.get(bare)
        return True if row is None else bool(self.code_billable[row])

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        if limit <= 0 or not text.strip():
            return []
        hits: dict[str, tuple[float, str]] = {}  # bare code -> (score, matched text)
        self._code_hits(text.strip(), hits)
        tokens, seventh = _as_query(text)
        if tokens:
            self._text_hits(tokens, hits)
            self._cause_hits(text, hits)
        if seventh:
            hits = self._swap_seventh(hits, seventh)
        _external_causes_after_conditions(hits)
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1][0], not self._billable(kv[0]), kv[0]))
        out = []
        for bare, (score, matched) in ranked[:limit]:
            dotted, desc, billable = self.describe(bare)
            out.append(SearchHit(dotted, desc, round(max(score, 0.0), 4), matched, billable))
        return out

    def _cause_hits(self, text: str, hits: dict[str, tuple[float, str]]) -> None:
        """"Neck pain from meningitis": when the words after "due to" / "from" are exactly a domain
        term, that condition is what gets coded (the symptom is integral to it), so it ranks just
        below exact matches. External causes (V00-Y99) are never promoted: the injury comes first."""
        parts = _CAUSE.split(text, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip():
            return
        cause = set(_as_query(parts[1])[0])
        if not cause:
            return
        for doc in self.postings.get(next(iter(cause)), ()):
            if self.doc_kind[doc] != DOMAIN:
                continue
            tokens = self._tokens(doc)
            code = self.doc_code[doc]
            if set(tokens[:self.doc_n_essential[doc]]) == cause and code[0] not in "VWXY":
                _keep(hits, code, CAUSE_SCORE, self.doc_text[doc])

    def _code_hits(self, text: str, hits: dict[str, tuple[float, str]]) -> None:
        if not _CODE_SHAPE.match(text):
            return
        bare = _strip_dot(text)
        if bare not in self.code_index:
            return
        hits[bare] = (1.0, dotted(bare))
        for child in sorted(c for c in self.code_index if c.startswith(bare) and c != bare)[:25]:
            score = 0.9 - 0.01 * (len(child) - len(bare)) + (0.02 if self._billable(child) else 0.0)
            hits[child] = (score, dotted(child))

    def _text_hits(self, tokens: list[str], hits: dict[str, tuple[float, str]]) -> None:
        # A level's region word counts even when the query also says it ("lumbar ... L4-L5").
        alts = {t: [a for a in _alternatives(t) if "_" in t or a not in tokens] for t in tokens}
        weights = {t: self._weight(t) for t in tokens}
        total = sum(weights.values())
        # Accumulate the matched query weight per text, then score the most promising ones fully.
        acc: dict[int, float] = {}
        get = acc.get
        postings = self.postings
        for t in tokens:
            w = weights[t]
            for doc in postings.get(t, ()):
                acc[doc] = get(doc, 0.0) + w
            w_alt = w * ALT_WEIGHT * 0.999
            for alt in alts[t]:
                for doc in postings.get(alt, ()):
                    acc[doc] = get(doc, 0.0) + w_alt
        if not acc:
            return
        kind = self.doc_kind
        if len(acc) > CANDIDATES:
            best = heapq.nlargest(CANDIDATES, acc.items(), key=itemgetter(1))
            candidates = {d for d, _ in best}
            candidates.update(d for d in acc if kind[d] == DOMAIN)
        else:
            candidates = set(acc)
        for doc in candidates:
            score = self._score(doc, tokens, alts, weights, total)
            if score <= 0.0:
                continue
            code = self.doc_code[doc]
            if not self._billable(code):
                default = self.default_child.get(code)
                if default is not None:  # offer the code a coder would land on, just below
                    _keep(hits, default, score - 0.02, self.doc_text[doc])
                score -= 0.08
            _keep(hits, code, score, self.doc_text[doc])

    def _score(self, doc: int, tokens: list[str], alts: dict[str, list[str]], weights: dict[str, float],
               total: float) -> float:
        doc_tokens = self._tokens(doc)
        n_ess = self.doc_n_essential[doc]
        present = set(doc_tokens)
        got = 0.0
        direct = True
        all_found = True
        level_by_region = False
        used: set[str] = set()
        for t in tokens:
            if t in present:
                got += weights[t]
                used.add(t)
                continue
            alt = next((a for a in alts[t] if a in present), None)
            if alt is not None:
                used.add(alt)
                direct = False
                got += weights[t] * ALT_WEIGHT
                if "_" in t:  # a level matched only by its region word: the text is less specific
                    all_found = False
                    level_by_region = True
            else:
                all_found = False
        if got == 0.0:
            return 0.0
        cov_q = got / total
        essential = doc_tokens[:n_ess]
        idf = self.idf
        cov_t = sum(idf[t] for t in essential if t in used) / (self.doc_weight[doc] or 1.0)
        term_inside = all(t in used for t in essential)
        kind = self.doc_kind[doc]
        if kind == DOMAIN:
            if all_found and term_inside:
                if direct and list(essential) == tokens:
                    return 1.0
                return 0.98 if direct else 0.95
            # How much of the query the term explains, and how much of the term the query names.
            # A term naming only the region of a level the query names yields to level-specific text.
            return 0.30 + 0.60 * cov_q * (0.6 + 0.4 * cov_t) - (0.15 if level_by_region else 0.0)
        # Tabular text, inclusion terms, External Cause Index and Neoplasm Table rows.
        if all_found and term_inside:
            score = 0.90 if direct else 0.78
        elif all_found and direct:  # every query word is in this text
            score = 0.55 + 0.30 * cov_t
        else:
            score = 0.15 + 0.60 * cov_q * (0.55 + 0.45 * cov_t)
        if kind in (EXTERNAL_CAUSE, NEOPLASM):
            score -= 0.02
        if kind == NEOPLASM and "secondary" in present and "secondary" not in used:
            score -= 0.03  # "cancer of X" means the primary site unless spread is said
        return score

    def _swap_seventh(self, hits: dict[str, tuple[float, str]], letter: str) -> dict[str, tuple[float, str]]:
        """The query named an encounter: A codes become that encounter's code where it exists."""
        out: dict[str, tuple[float, str]] = {}
        for bare, (score, matched) in hits.items():
            other = bare[:-1] + letter
            is_initial = bare.endswith("A") and _seventh_base(bare) is not None
            _keep(out, other if is_initial and other in self.code_index else bare, score, matched)
        return out


def _external_causes_after_conditions(hits: dict[str, tuple[float, str]]) -> None:
    """External-cause codes (V00-Y99) are never first-listed: when the query also names a
    condition that matches well, the condition leads ("whiplash after a car accident")."""
    best_condition = max((score for code, (score, _) in hits.items() if code[0] not in "VWXY"), default=0.0)
    if best_condition < 0.5:
        return
    for code, (score, matched) in list(hits.items()):
        if code[0] in "VWXY":
            hits[code] = (score - 0.1, matched)


def _keep(hits: dict[str, tuple[float, str]], code: str, score: float, matched: str) -> None:
    prev = hits.get(code)
    if prev is None or score > prev[0]:
        hits[code] = (score, matched)


def _alternatives(token: str) -> tuple[str, ...]:
    """Query-side alternatives; a spinal level also matches its region's word ("l4_l5" -> lumbar),
    as the tabular names most disc disorders by region."""
    if "_" in token and token[0] in _LEVEL_REGION:
        region = "lumbosacral" if token[0] != token[-2] else _LEVEL_REGION[token[0]]
        return (region,)
    return ALTERNATIVES.get(token, ())




# ---------------------------------------------------------------------------------------------
# The process-wide index


def _codeset_entries() -> tuple[list[Any], str]:
    """(entries, identity) from cleanclaim.codes' code set; ([], "none") while it is unavailable."""
    try:
        from cleanclaim.codes import get_codeset
        from cleanclaim.codes.cache import cache_key
    except ImportError:
        return [], "none"
    try:
        cs = get_codeset()
        return list(cs.iter_entries()), cache_key()
    except (AttributeError, OSError, RuntimeError):
        return [], "none"


def _cache_file(identity: str) -> Path:
    # The module's own source is part of the key: a change to tokenising rebuilds the index.
    source = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]
    key = "|".join((SEARCH_VERSION, source, identity, domain_index.fingerprint(),
                    index_xml.index_fingerprint()))
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    return index_xml.cache_folder() / f"search-{digest}.pickle"


def cache_file() -> Path:
    """Where the index for the code set, domain table and index files in force is kept."""
    try:
        from cleanclaim.codes.cache import cache_key

        return _cache_file(cache_key())
    except ImportError:
        return _cache_file("none")


@lru_cache(maxsize=1)
def default_index() -> SearchIndex:
    """The index over the domain table, the code set and the CMS index files, loaded once."""
    target = cache_file()
    try:
        with target.open("rb") as fh:
            index = pickle.load(fh)
        if isinstance(index, SearchIndex):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass
    entries, identity_now = _codeset_entries()
    index = SearchIndex.build(entries, domain_index.domain_terms(), index_xml.index_terms())
    if entries and _cache_file(identity_now) == target:  # only an index of the code set in force is kept
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as fh:
                pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
            for stale in target.parent.glob("search-*.pickle"):
                if stale != target:  # an index for older sources: never read again
                    stale.unlink(missing_ok=True)
        except OSError:
            tmp.unlink(missing_ok=True)
    return index


def search(text: str, limit: int = 10) -> list[SearchHit]:
    """Ranked ICD-10-CM codes for a term, best first; billable codes preferred over headers."""
    return default_index().search(text, limit)
