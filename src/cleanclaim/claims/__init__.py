"""Claims: the model every reader produces, and ``read_claim_file`` which picks the reader.

Formats: X12 837P 5010 (X222, X222A1, X222A2), FHIR R4 Claim / Bundle of Claims, and the
cleanclaim claim JSON format (docs/claims.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from cleanclaim.claims.model import (
    Claim,
    ClaimReadError,
    Diagnosis,
    Party,
    Patient,
    ServiceLine,
    SourceRef,
)
from cleanclaim.errors import InputError

__all__ = ["Claim", "ClaimReadError", "Diagnosis", "Party", "Patient", "ServiceLine", "SourceRef",
           "read_claim_file", "sniff_format"]

_SNIFF_BYTES = 64 * 1024


def sniff_format(head: bytes) -> str:
    """"x12", "json" or "unknown" from the first bytes of a file."""
    from cleanclaim.x12.tokenizer import looks_like_x12

    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"[", b'"'):
        return "json"
    if looks_like_x12(head):
        return "x12"
    return "unknown"


def read_claim_file(path: str | os.PathLike[str]) -> Iterator[Claim | ClaimReadError]:
    """Claims in a file (837P, FHIR R4 Claim/Bundle, or cleanclaim claim JSON).

    Raises InputError at once when the file as a whole cannot be read (missing, not a claim format,
    malformed JSON); X12 problems found later in the stream raise InputError while iterating.
    """
    p = Path(path)
    name = os.fspath(path)
    if not p.exists():
        raise InputError("file not found", file=name)
    if p.is_dir():
        raise InputError("is a directory, not a claim file", file=name)
    try:
        with p.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=name) from None
    kind = sniff_format(head)
    if kind == "x12":
        from cleanclaim.claims.x12_837p import read_837p

        return read_837p(p, name)
    if kind == "json":
        return _read_json(p, name)
    if not head.strip():
        raise InputError("empty file", file=name)
    sample = head[:512]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > 8:
        raise InputError("binary data, not a claim file", file=name)
    raise InputError("not a claim file: expected X12 837P (ISA or ST segment), FHIR R4 Claim JSON or "
                     "cleanclaim claim JSON", file=name)


def _read_json(p: Path, name: str) -> Iterator[Claim | ClaimReadError]:
    try:
        with p.open("rb") as fh:
            data = json.loads(fh.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("JSON file is not UTF-8", file=name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
                         file=name) from None
    if isinstance(data, dict) and "resourceType" in data:
        rtype = data["resourceType"]
        if rtype not in ("Claim", "Bundle"):
            raise InputError(f"FHIR {rtype} is not a claim; cleanclaim reads FHIR R4 Claim or a Bundle of "
                             "Claims here", file=name)
        from cleanclaim.claims.fhir import read_fhir

        return read_fhir(data, name)
    if isinstance(data, list) and data and isinstance(data[0], dict) and "resourceType" in data[0]:
        raise InputError("a JSON list of FHIR resources: wrap them in a Bundle", file=name)
    from cleanclaim.claims.json_format import read_claim_json

    return read_claim_json(data, name)
