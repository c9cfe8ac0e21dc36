"""The scrub engine: claims in, findings out, one pass per claim.

Readers yield ``Claim | ClaimReadError``; every readable claim gets one ``ClaimContext`` (shared facts)
and the rules selected for its payer; an unreadable claim is reported and counted, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from cleanclaim.claims.model import Claim, ClaimReadError
from cleanclaim.errors import InputError
from cleanclaim.scrub.config import PayerPack, ScrubConfig, load_config
from cleanclaim.scrub.context import ClaimContext, CodeFactsCache, build_context
from cleanclaim.scrub.findings import ClaimResult, FileResult, Finding, ScrubReport, UnreadableClaim
from cleanclaim.scrub.registry import Rule, load_rules
from cleanclaim.scrub.tables import Policy, Tables, load_tables

_RANK = {"error": 0, "warning": 1, "info": 2}


def selector_matches(rule: Rule, selector: str) -> bool:
    """Upper case names rules (ALL, an id ``ICD005`` or an id prefix ``NCCI``, ruff-style); lower case
    names a category (``sex_conflict``) or a rule family (``ncci``, ``code_set``)."""
    sel = selector.strip()
    if sel.isupper():
        return (
            sel == "ALL"
            or sel == rule.id
            or (sel.isalpha() and rule.id.startswith(sel) and rule.id[len(sel) :].isdigit())
        )
    return sel in (rule.category, rule.family)


def select_rules(
    rules: Iterable[Rule],
    select: list[str],
    ignore: list[str],
    extra_select: Iterable[str] = (),
    extra_ignore: Iterable[str] = (),
) -> list[Rule]:
    """Global select minus ignore, then a payer pack's own select (added) and ignore (removed)."""
    chosen = []
    for r in rules:
        on = any(selector_matches(r, s) for s in select) and not any(selector_matches(r, s) for s in ignore)
        if any(selector_matches(r, s) for s in extra_select):
            on = True
        if any(selector_matches(r, s) for s in extra_ignore):
            on = False
        if on:
            chosen.append(r)
    return chosen


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    rules = load_rules()
    return [s for s in selectors if not any(selector_matches(r, s) for r in rules)]


class Scrubber:
    """Holds what is shared across claims: rules per payer pack, tables, code-set memo, note coder."""

    def __init__(
        self,
        config: ScrubConfig | None = None,
        *,
        on: date | None = None,
        notes_dir: str | Path | None = None,
        notes: Mapping[str, str] | None = None,
        codeset: Any = None,
    ) -> None:
        from cleanclaim.codes import get_codeset

        self.config = config or ScrubConfig()
        self.on = on
        self.tables: Tables = load_tables()
        self.codes = CodeFactsCache(codeset or get_codeset())
        self.rules = load_rules()
        self.notes_dir = Path(notes_dir) if notes_dir else None
        if self.notes_dir is not None and not self.notes_dir.is_dir():
            raise InputError("notes folder not found", file=str(self.notes_dir))
        self.notes = notes  # claim id -> note text, for callers that hold notes in memory
        self._code_note = _note_coder() if self.notes_dir is not None or notes is not None else None
        self._packs: dict[str | None, tuple[list[Rule], list[Policy], bool]] = {}
        self.note_errors: dict[str, str] = {}
        self._by_payer: dict[tuple[str | None, str | None], tuple[Any, ...]] = {}

    # -- configuration resolved once per payer pack ---------------------------------------------
    def _for_pack(self, pack: PayerPack | None) -> tuple[list[Rule], list[Policy], bool]:
        key = pack.key if pack else None
        hit = self._packs.get(key)
        if hit is None:
            cfg = self.config
            rules = select_rules(
                self.rules, cfg.select, cfg.ignore, pack.select if pack else [], pack.ignore if pack else []
            )
            if self._code_note is None:
                rules = [r for r in rules if not r.needs_notes]
            policies = [
                p
                for p in self.tables.policies
                if pack
                and any(
                    s.upper() == "ALL" or s.lower() in (p.id.lower(), p.payer.lower()) for s in pack.policies
                )
            ]
            sex = cfg.sex_edits if pack is None or pack.sex_edits is None else pack.sex_edits
            hit = self._packs[key] = (rules, policies, sex)
        return hit

    def _load_note(self, ctx: ClaimContext) -> Any:
        assert self._code_note is not None
        cid = ctx.claim.claim_id
        text = self.notes.get(cid) if self.notes is not None else None
        # a claim id is data from the file: never let it name a path outside the notes folder
        safe = bool(cid) and "/" not in cid and "\\" not in cid and cid not in (".", "..")
        path = self.notes_dir / f"{cid}.txt" if self.notes_dir is not None and safe else None
        if text is None and path is not None and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
        if not text:
            return None
        try:
            return self._code_note(
                text, setting="outpatient", on=ctx.on, age=ctx.age, sex=ctx.sex, note_id=ctx.claim.claim_id
            )
        except InputError as exc:
            self.note_errors[ctx.claim.claim_id] = str(exc)
            return None

    # -- one claim -------------------------------------------------------------------------------
    def scrub_claim(self, claim: Claim, file: str | None = None) -> ClaimResult:
        key = (claim.payer.identifier, claim.claim_filing_indicator)
        setup = self._by_payer.get(key)
        if setup is None:
            pack = self.config.pack_for(*key)
            setup = self._by_payer[key] = (pack, *self._for_pack(pack))
        pack, rules, policies, sex = setup
        ctx = build_context(claim, on=self.on, tables=self.tables, codes=self.codes, policies=policies,
                            sex_edits=sex, note_loader=self._load_note if self._code_note else None)
        findings: list[Finding] = []
        add = findings.append
        for r in rules:
            for hit in r.check(ctx):
                add(Finding(r.id, r.category, r.severity, hit.message, list(hit.codes), hit.line,
                            hit.fix or r.fix, r.reference))
        if len(findings) > 1:
            findings.sort(key=lambda f: (f.line or 0, _RANK[f.severity], f.rule))
        note = None
        if ctx._note_loaded and ctx._note is not None:
            note = str(self.notes_dir / f"{claim.claim_id}.txt") if self.notes_dir else "<in memory>"
        return ClaimResult(
            claim.claim_id,
            file or claim.source.file,
            claim.claim_id,
            float(claim.total_charge),
            findings,
            payer=pack.key if pack else (claim.claim_filing_indicator or None),
            note=note,
        )

    # -- files, streamed ---------------------------------------------------------------------------
    def iter_file(self, path: str | Path) -> Iterator[ClaimResult | UnreadableClaim | FileResult]:
        """Results for one file as they are produced, then its FileResult (memory stays flat)."""
        from cleanclaim.claims import read_claim_file

        name = str(path)
        fr = FileResult(name)
        try:
            for item in read_claim_file(path):
                fr.claims += 1
                if isinstance(item, ClaimReadError):
                    fr.unreadable += 1
                    yield UnreadableClaim(
                        item.file or name, item.message, item.claim_id, item.segment_number, item.segment_id
                    )
                else:
                    yield self.scrub_claim(item, name)
        except InputError as exc:
            fr.error = str(exc)
        yield fr

    def iter_files(self, paths: Iterable[str | Path]) -> Iterator[ClaimResult | UnreadableClaim | FileResult]:
        for path in paths:
            yield from self.iter_file(path)


def _note_coder() -> Any:
    try:
        from cleanclaim.coding import code_note
    except ImportError as exc:
        raise InputError(
            f"--notes needs the note coder (cleanclaim.coding), which is not available: {exc}"
        ) from None
    return code_note


def collect(
    events: Iterable[ClaimResult | UnreadableClaim | FileResult],
    report: ScrubReport | None = None,
    keep_claims: bool = True,
) -> ScrubReport:
    """Fold streamed results into a report; with keep_claims=False only the counts are kept."""
    report = report or ScrubReport()
    s = report.summary
    for ev in events:
        if isinstance(ev, ClaimResult):
            s.count(ev)
            if keep_claims:
                report.claims.append(ev)
        elif isinstance(ev, UnreadableClaim):
            s.claims += 1
            s.unreadable += 1
            report.unreadable.append(ev)
        else:
            s.files += 1
            if ev.error:
                s.unreadable_files += 1
            report.files.append(ev)
    return report


def scrub_files(
    paths: Iterable[str | Path],
    notes_dir: str | Path | None = None,
    on: date | None = None,
    config: ScrubConfig | None = None,
) -> ScrubReport:
    """Engine entry point (docs/architecture.md): scrub every claim in every file."""
    scrubber = Scrubber(config if config is not None else load_config(), on=on, notes_dir=notes_dir)
    return collect(scrubber.iter_files(paths))


def scrub_claims(
    claims: Iterable[Claim],
    *,
    config: ScrubConfig | None = None,
    on: date | None = None,
    notes_dir: str | Path | None = None,
    notes: Mapping[str, str] | None = None,
    codeset: Any = None,
) -> ScrubReport:
    """Scrub claim objects built in memory (tests, the web layer); ``notes`` maps claim id to note text."""
    scrubber = Scrubber(config or ScrubConfig(), on=on, notes_dir=notes_dir, notes=notes, codeset=codeset)
    return collect(scrubber.scrub_claim(c) for c in claims)
