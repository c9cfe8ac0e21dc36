"""Errors that reach the user as one line and exit code 2 (see docs/contracts.md)."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be read: missing file, malformed X12/JSON, unsupported transaction.

    The message is the single line the user sees; it names the file and, for X12,
    the segment number and segment id.
    """

    def __init__(self, message: str, *, file: str | None = None, segment_number: int | None = None,
                 segment_id: str | None = None) -> None:
        self.file = file
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.segment_number is not None:
            seg = f"segment {self.segment_number}"
            if self.segment_id:
                seg += f" ({self.segment_id})"
            where.append(seg)
        return ": ".join([*where, self.detail]) if where else self.detail


class UnsupportedTransaction(InputError):
    """An X12 transaction cleanclaim does not read (837I, 4010, dental ...)."""
