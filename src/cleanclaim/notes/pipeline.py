"""The note-reading pipeline: a blank spaCy English model with a line-aware sentence splitter and the
three medspaCy components (TargetMatcher, Sectionizer, ConText), each configured from data/*.yaml.

Built once per process (`get_pipeline`): loading costs about a second, a note a few milliseconds.
"""

from __future__ import annotations

import re
import sys
import threading
import types
import warnings
from functools import cache
from importlib import resources
from typing import Any

import yaml

_LOCK = threading.Lock()
_NLP: Any = None

SENTENCE_END = frozenset({".", "!", "?"})
SPAN_GROUP = "medspacy_spans"


@cache
def load_data(name: str) -> dict[str, Any]:
    """A data file from notes/data (YAML with `source` and `effective_date` headers)."""
    text = resources.files("cleanclaim.notes").joinpath("data", name).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)  # noqa: S506 - safe loader
    if not isinstance(data, dict) or "source" not in data or "effective_date" not in data:
        raise ValueError(f"notes/data/{name}: missing source / effective_date header")
    return data


def _import_medspacy() -> None:
    """Import the medspaCy components without QuickUMLS: medspacy.util imports quickumls (and nltk,
    ~0.35 s) only to register a component this pipeline never uses."""
    if "medspacy" in sys.modules or "quickumls" in sys.modules:
        return
    stub = types.ModuleType("quickumls")
    stub.spacy_component = types.ModuleType("quickumls.spacy_component")  # type: ignore[attr-defined]
    sys.modules["quickumls"] = stub
    sys.modules["quickumls.spacy_component"] = stub.spacy_component  # type: ignore[attr-defined]
    try:
        import medspacy.context  # noqa: F401
        import medspacy.section_detection  # noqa: F401
        import medspacy.target_matcher  # noqa: F401
    finally:
        # a later real `import quickumls` must get the real package
        sys.modules.pop("quickumls", None)
        sys.modules.pop("quickumls.spacy_component", None)


LINE_END = frozenset({".", "!", "?", ":", ";"})
_LIST_START = frozenset({"-", "*", "•", "#", "+"})


def _set_sentences(doc: Any) -> Any:
    """Sentence starts after . ! ? and at line breaks that end a line of their own: a blank line, a line
    ending in punctuation, or a next line opening with a capital, digit or bullet (list items,
    headings). A hard-wrapped line continuing in lower case stays in its sentence."""
    import numpy
    from spacy.attrs import SENT_START

    n = len(doc)
    if n == 0:
        return doc
    texts = [t.text for t in doc]
    starts = numpy.full((n, 1), -1, dtype="int64")
    prev_end = True
    last = ""
    for i, text in enumerate(texts):
        if text.isspace():
            if "\n" in text and not prev_end:
                nxt = texts[i + 1] if i + 1 < n else ""
                prev_end = ("\n\n" in text.replace(" ", "") or last[-1:] in LINE_END or nxt[:1].isupper()
                            or nxt[:1].isdigit() or nxt[:1] in _LIST_START)
            continue
        if prev_end:
            starts[i, 0] = 1
        # "?early radiculopathy": a question mark stuck to the next word is a doubt, not a sentence end
        prev_end = text in SENTENCE_END and (text != "?" or i + 1 == n or bool(doc[i].whitespace_))
        last = text
    starts[0, 0] = 1
    # one bulk write: setting Token.is_sent_start one by one re-checks the whole doc each time
    doc.from_array([SENT_START], starts.astype("uint64"))  # spaCy stores -1 as its uint64 bit pattern
    return doc


def _register_sectionizer() -> None:
    """medspaCy's Sectionizer, minus its per-token `token._.section` writes (a Python attribute set on
    every token of every note; the reader looks sections up from `doc._.sections` instead)."""
    from medspacy.section_detection import Sectionizer
    from medspacy.section_detection.section import Section
    from spacy.language import Language

    if "cleanclaim_sectionizer" in Language.factories:
        return

    class SectionsOnly(Sectionizer):
        line_titles: dict[str, Any] = {}  # lower-case title -> its rule, for titles alone on a line

        def __call__(self, doc: Any) -> Any:
            rule_map = self._Sectionizer__matcher.rule_map
            found = [(start, end, rule_map[self.nlp.vocab.strings[match_id]])
                     for match_id, start, end in self._Sectionizer__matcher(doc)]
            found = sorted(found + self._titles_without_colon(doc, found), key=lambda f: f[0])
            sections = []
            if not found or found[0][0] != 0:
                sections.append(Section(None, 0, 0, 0, found[0][0] if found else len(doc)))
            for i, (start, end, rule) in enumerate(found):
                body_end = found[i + 1][0] if i + 1 < len(found) else len(doc)
                sections.append(Section(rule.category, start, end, end, body_end, None, rule))
            doc._.sections = sections
            return doc

        def _titles_without_colon(self, doc: Any, found: list) -> list:
            """Headings written without a colon: a title alone on its line written as a heading
            ("EXAM", "Assessment/Plan"), or a title in capitals opening a line ("IMPRESSION unstable
            Jefferson fracture", the terse ED style)."""
            out = []
            taken = {start for start, _, _ in found}
            for pattern, caps_only in ((_TITLE_LINE, False), (_CAPS_TITLE_OPENING, True)):
                for m in pattern.finditer(doc.text):
                    title = m.group(1)
                    rule = self.line_titles.get(title.lower())
                    if rule is None or not (title.isupper() or (title.istitle() and not caps_only)):
                        continue
                    span = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
                    if span is not None and span.start not in taken:
                        taken.add(span.start)
                        out.append((span.start, span.end, rule))
            return out

    Language.factory("cleanclaim_sectionizer", default_config={
        "rules": None, "span_attrs": None, "input_span_type": None})(
        lambda nlp, name, rules, span_attrs, input_span_type: SectionsOnly(
            nlp, name=name, rules=rules, span_attrs=span_attrs, input_span_type=input_span_type))


_TITLE_LINE = re.compile(r"(?m)^[ \t]*([A-Za-z][A-Za-z /&-]{2,40}?)[ \t]*$")
# the longest run of capital words opening a line, then text ("HPI 19 yo M", "PLAN NSGY at bedside")
_CAPS_TITLE_OPENING = re.compile(r"(?m)^[ \t]*([A-Z][A-Z/&]+(?: [A-Z][A-Z/&]+){0,3})(?= +[^\s:])")


def _expand_level(pattern: list[Any], level_token: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(level_token) if tok == "LEVEL" else tok for tok in pattern]


def _split_flattened_line_breaks(nlp: Any) -> None:
    """Notes exported through a one-line field come with each line break turned into a comma
    ("...syncope.,REVIEW OF SYSTEMS:,CONSTITUTIONAL:"). spaCy keeps ",REVIEW" and "SYSTEMS:,CONSTITUTIONAL"
    as single tokens, which hides the section titles; a comma straight after . : ; ! ? is split off."""
    from spacy.util import compile_infix_regex

    infixes = [*nlp.Defaults.infixes, r"(?<=[.:;!?]),", r"(?<=[A-Za-z0-9]):(?=,)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def build_pipeline() -> Any:
    # the sectionizer's token Matcher is empty by design (titles are phrases): spaCy warns on every call
    warnings.filterwarnings("ignore", message=r"\[W036\]")
    _import_medspacy()
    import spacy
    from medspacy.context import ConTextRule
    from medspacy.section_detection import SectionRule
    from medspacy.target_matcher import TargetRule
    from spacy.language import Language

    if "cleanclaim_sentences" not in Language.factories:
        Language.component("cleanclaim_sentences")(_set_sentences)

    nlp = spacy.blank("en")
    _split_flattened_line_breaks(nlp)
    nlp.add_pipe("cleanclaim_sentences")
    # targets go to a span group in one write (doc.ents += span per match is quadratic in long notes)
    matcher = nlp.add_pipe("medspacy_target_matcher", config={"result_type": "group",
                                                              "span_group_name": SPAN_GROUP})
    targets = load_data("targets.yaml")
    rules = []
    for concept, spec in targets["concepts"].items():
        for phrase in spec.get("phrases", []):
            rules.append(TargetRule(str(phrase), concept))
        for i, pattern in enumerate(spec.get("patterns", [])):
            rules.append(TargetRule(f"{concept.lower()} pattern {i}", concept,
                                    pattern=_expand_level(pattern, targets["level_token"])))

    sections = load_data("sections.yaml")
    _register_sectionizer()
    sectionizer = nlp.add_pipe("cleanclaim_sectionizer", config={"rules": None, "span_attrs": None,
                                                                 "input_span_type": None})
    sec_rules = []
    sectionizer.line_titles = {}
    for category, titles in sections["sections"].items():
        for title in titles:
            rule = SectionRule(f"{title}:", category)
            sec_rules.append(rule)
            if len(title) >= 3:  # "A", "P", "S" alone on a line are too often something else
                sectionizer.line_titles[title.lower()] = rule
    # one token pattern that never matches keeps spaCy from warning (W036) on every note
    sec_rules.append(SectionRule("cleanclaim-unmatchable", "other", pattern=[{"ORTH": "\x00"}]))

    context = nlp.add_pipe("medspacy_context", config={"rules": None, "input_span_type": "group",
                                                        "span_group_name": SPAN_GROUP})
    # medspaCy tokenizes each phrase literal with the whole pipeline: add rules with the pipes off
    with nlp.select_pipes(disable=nlp.pipe_names):
        context.add(_context_rules(context.DEFAULT_RULES_FILEPATH, ConTextRule))
        matcher.add(rules)
        sectionizer.add(sec_rules)
    return nlp


def _phrases(pattern: Any, limit: int = 64) -> list[str] | None:
    """A token pattern made only of plain or optional LOWER / LOWER-IN tokens, as the phrases it matches.
    Phrases go to spaCy's PhraseMatcher, far cheaper per token than the rule-based Matcher."""
    if not isinstance(pattern, list):
        return None
    options: list[list[str]] = [[]]
    for tok in pattern:
        if not isinstance(tok, dict) or set(tok) - {"LOWER", "OP"} or tok.get("OP") not in (None, "?"):
            return None
        value = tok["LOWER"]
        words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
        if not words or (isinstance(value, dict) and set(value) != {"IN"}):
            return None
        nxt = [o + [str(w)] for o in options for w in words]
        if tok.get("OP") == "?":
            nxt += options
        options = nxt
        if len(options) > limit:
            return None
    phrases = sorted({" ".join(o) for o in options if o})
    return phrases or None


def _context_rules(default_path: str, rule_cls: Any) -> list[Any]:
    """medspaCy's default ConText rules minus the ones the domain file removes, plus the domain rules."""
    data = load_data("context_rules.yaml")
    removed = {str(x).lower() for x in data.get("remove", [])}
    removed |= {str(spec["literal"]).lower() for spec in data["rules"]}  # a domain rule replaces its namesake
    specs: list[dict[str, Any]] = []
    for r in rule_cls.from_json(default_path):
        if r.literal.lower() not in removed:
            specs.append({"literal": r.literal, "category": r.category, "pattern": r.pattern,
                          "direction": r.direction, "max_scope": r.max_scope})
    specs += data["rules"]
    out = []
    for spec in specs:
        pattern = spec.get("pattern")
        phrases = _phrases(pattern) if pattern is not None else None
        common = {"category": spec["category"], "direction": spec.get("direction") or "BIDIRECTIONAL",
                  "max_scope": spec.get("max_scope")}
        if phrases:
            out.extend(rule_cls(literal=p, pattern=None, **common) for p in phrases)
        else:
            out.append(rule_cls(literal=spec["literal"], pattern=pattern, **common))
    return out


def get_pipeline() -> Any:
    """The process-wide pipeline (built on first use, thread-safe)."""
    global _NLP
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                _NLP = build_pipeline()
    return _NLP
