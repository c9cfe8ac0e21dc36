"""Claim scrubbing: a linter for professional claims (rules in ``scrub/rules``, data in ``scrub/data``).

Entry point: ``scrub_files(paths, notes_dir=None, on=None, config=None) -> ScrubReport``.
"""

from __future__ import annotations

from cleanclaim.scrub.config import ScrubConfig, load_config
from cleanclaim.scrub.engine import Scrubber, scrub_claims, scrub_files
from cleanclaim.scrub.findings import ClaimResult, Finding, ScrubReport
from cleanclaim.scrub.registry import Rule, load_rules

__all__ = [
    "ClaimResult",
    "Finding",
    "Rule",
    "ScrubConfig",
    "ScrubReport",
    "Scrubber",
    "load_config",
    "load_rules",
    "scrub_claims",
    "scrub_files",
]
