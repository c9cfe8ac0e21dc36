"""Rule registry: a rule is a small function plus metadata, registered by the ``@rule`` decorator.

Adding a rule touches one file: drop a module into ``scrub/rules/<family>/`` that decorates its
check function; ``load_rules()`` imports every module below ``scrub/rules`` once.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleanclaim.scrub.context import ClaimContext

# The fixed finding vocabulary of docs/contracts.md: a rule belongs to exactly one.
CATEGORIES: frozenset[str] = frozenset(
    {
        "invalid_code",
        "non_billable_code",
        "missing_7th_character",
        "code_not_valid_on_dos",
        "excludes1_conflict",
        "symptom_with_definitive_dx",
        "external_cause_primary",
        "manifestation_primary",
        "sequencing",
        "age_conflict",
        "sex_conflict",
        "pointer_invalid",
        "npi_invalid",
        "missing_required_field",
        "duplicate_line",
        "charge_mismatch",
        "ncci_ptp",
        "mue_units",
        "modifier",
        "medical_necessity",
        "more_specific_code_documented",
        "code_not_supported_by_documentation",
        "seventh_character_mismatch",
        "documentation_gap",
    }
)
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
_ID = re.compile(r"^[A-Z]{2,5}\d{3}$")


@dataclass(slots=True)
class Hit:
    """What a check yields; the engine adds the rule's metadata to make a Finding."""

    message: str
    codes: tuple[str, ...] | list[str] = ()
    line: int | None = None
    fix: str | None = None  # overrides the rule's default fix when the case needs a precise one


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    category: str
    severity: str
    reference: str
    fix: str
    check: Callable[[ClaimContext], Iterable[Hit]]
    family: str  # folder below scrub/rules: code_set, claim, ncci, necessity, documentation
    doc: str
    needs_notes: bool = False
    config_keys: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> str:
        return self.doc.strip().split("\n", 1)[0].strip() if self.doc else self.name

    @property
    def anti_pattern(self) -> str | None:
        return _example(self.doc, "Anti-pattern")

    @property
    def best_practice(self) -> str | None:
        return _example(self.doc, "Best practice")

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "family": self.family,
            "reference": self.reference,
            "fix": self.fix,
            "summary": self.summary,
            "needs_notes": self.needs_notes,
            "config_keys": list(self.config_keys),
            "anti_pattern": self.anti_pattern,
            "best_practice": self.best_practice,
        }


_RULES: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    name: str,
    category: str,
    severity: str,
    reference: str,
    fix: str,
    needs_notes: bool = False,
    config_keys: tuple[str, ...] = (),
) -> Callable[[Callable[[ClaimContext], Iterable[Hit]]], Callable[[ClaimContext], Iterable[Hit]]]:
    """Register a check function as a rule. Metadata is validated here so a typo fails at import."""
    if not _ID.match(id):
        raise ValueError(f"rule id {id!r} must look like ICD001")
    if category not in CATEGORIES:
        raise ValueError(f"rule {id}: category {category!r} is not in the contract vocabulary")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {id}: severity {severity!r} must be one of {SEVERITIES}")

    def register(fn: Callable[[ClaimContext], Iterable[Hit]]) -> Callable[[ClaimContext], Iterable[Hit]]:
        if id in _RULES and _RULES[id].check is not fn:
            raise ValueError(f"rule id {id} registered twice")
        module = fn.__module__
        family = module.split(".rules.", 1)[1].split(".", 1)[0] if ".rules." in module else "other"
        _RULES[id] = Rule(
            id=id,
            name=name,
            category=category,
            severity=severity,
            reference=reference,
            fix=fix,
            check=fn,
            family=family,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            needs_notes=needs_notes,
            config_keys=config_keys,
        )
        return fn

    return register


_loaded = False


def load_rules() -> list[Rule]:
    """Import every module below scrub/rules (once) and return the rules sorted by id."""
    global _loaded
    if not _loaded:
        import cleanclaim.scrub.rules as pkg

        for mod in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}."):
            importlib.import_module(mod.name)
        _loaded = True
    return sorted(_RULES.values(), key=lambda r: r.id)


def get_rule(rule_id: str) -> Rule | None:
    load_rules()
    return _RULES.get(rule_id.upper())


def _example(doc: str, heading: str) -> str | None:
    """The indented block after ``Heading::`` in a docstring (sqlfluff-style examples)."""
    lines = doc.splitlines()
    for i, text in enumerate(lines):
        if text.strip().lower().startswith(heading.lower()) and text.rstrip().endswith("::"):
            block: list[str] = []
            for nxt in lines[i + 1 :]:
                if nxt.strip() and not nxt.startswith((" ", "\t")):
                    break
                block.append(nxt)
            return inspect.cleandoc("\n".join(block)) or None
    return None
