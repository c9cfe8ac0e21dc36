"""835 / FHIR remittance reading, denial categorisation, analytics (DuckDB) and appeal drafts.

Entry point for the CLI and the web layer: ``analyze_files(paths, claims=None) -> DenialReport``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["analyze_files", "read_remit_file", "DenialReport"]

if TYPE_CHECKING:
    from cleanclaim.remits.analysis import DenialReport, analyze_files, read_remit_file


def __getattr__(name: str) -> Any:  # lazy: `import cleanclaim.remits` stays cheap
    if name in __all__:
        from cleanclaim.remits import analysis

        return getattr(analysis, name)
    raise AttributeError(name)
