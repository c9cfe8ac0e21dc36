"""X12 syntax validation (levels 1-2: envelope, segments, elements, loops) with pyx12.

pyx12 does the checking; this module covers its gaps so it never sees input it chokes on:
- the file is re-serialised through our tolerant tokenizer into a temp copy, one segment per line
  (no byte-order mark, no indentation, no prose before the ISA), so segment numbers match ours;
- pyx12 ships no X222A2 map: X222A2 transactions are validated against the X222A1 map (GS08/ST03
  rewritten in the temp copy) and a note says so.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from cleanclaim.errors import InputError
from cleanclaim.x12.tokenizer import iter_segments

# Implementation guides pyx12 has no map for -> the closest map it has.
_MAP_SUBSTITUTES = {
    "005010X222": "005010X222A1", "005010X222A2": "005010X222A1",
    "005010X223": "005010X223A2", "005010X223A1": "005010X223A2", "005010X223A3": "005010X223A2",
    "005010X221": "005010X221A1", "005010X231A1": "005010X231",
}


@dataclass(slots=True)
class ValidationIssue:
    segment_number: int | None
    segment_id: str | None
    message: str
    code: str | None = None

    def line(self, file: str) -> str:
        where = f"segment {self.segment_number}" if self.segment_number is not None else "interchange"
        if self.segment_id:
            where += f" ({self.segment_id})"
        return f"{file}: {where}: {self.message}"


@dataclass(slots=True)
class ValidationResult:
    file: str
    issues: list[ValidationIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ack: str | None = None          # the 999 (or 997 for 4010) acknowledgement text
    segments: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


def _normalised_copy(path: str, file: str) -> tuple[str, list[str], list[str]]:
    """Write a clean temp copy; returns (temp path, segment ids by number, notes)."""
    ids: list[str] = [""]
    notes: list[str] = []
    substituted: set[str] = set()
    saw_isa = False
    fd, tmp = tempfile.mkstemp(prefix="cleanclaim-validate-", suffix=".x12")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for seg in iter_segments(path, file):
                if seg.number == 1 and seg.id != "ISA":
                    raise InputError("cannot validate a transaction-set fragment without its ISA/GS "
                                     "envelope", file=file, segment_number=seg.number, segment_id=seg.id)
                ids.append(seg.id)
                elements = seg.elements
                if seg.id == "ISA":
                    saw_isa = True
                elif seg.id in ("GS", "ST"):
                    pos = 8 if seg.id == "GS" else 3
                    version = seg.get(pos)
                    if version in _MAP_SUBSTITUTES:
                        elements = list(elements)
                        elements[pos - 1] = _MAP_SUBSTITUTES[version]
                        substituted.add(version)
                d = seg.delims
                out.write(d.element.join([seg.id, *elements]))
                out.write(d.segment if d.segment != "\n" else "~")
                out.write("\n")
    except BaseException:
        os.unlink(tmp)
        raise
    if not saw_isa:
        os.unlink(tmp)
        raise InputError("no ISA interchange header: nothing to validate", file=file)
    for version in sorted(substituted):
        notes.append(f"pyx12 has no {version} map: validated against {_MAP_SUBSTITUTES[version]} "
                     "(addenda of one guide: they differ only in a few situational rules)")
    return tmp, ids, notes


def _issues_from_json(doc: dict[str, Any], ids: list[str]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []

    def seg_id(line: int | None) -> str | None:
        return ids[line] if line is not None and 0 < line < len(ids) else None

    def add(line: int | None, errors: list[dict[str, Any]], prefix: str = "", sid: str | None = None) -> None:
        for err in errors:
            msg = err.get("err_str") or "error"
            val = err.get("err_val")
            if val and str(val) not in msg:
                msg += f" ({val})"
            issues.append(ValidationIssue(line, sid or seg_id(line), prefix + msg, err.get("err_cde")))

    for isa in doc.get("interchanges", []):
        add(isa.get("cur_line"), isa.get("errors", []), sid="ISA")
        for gs in isa.get("groups", []):
            add(gs.get("cur_line"), gs.get("errors", []), sid="GS")
            for st in gs.get("transactions", []):
                add(st.get("cur_line"), st.get("errors", []))
                for seg in st.get("segments", []):
                    line = seg.get("cur_line")
                    add(line, seg.get("errors", []), sid=seg.get("seg_id"))
                    for ele in seg.get("elements", []):
                        ref = ele.get("ele_ref_num") or ""
                        pos = ele.get("ele_pos")
                        sub = ele.get("subele_pos")
                        label = f"{seg.get('seg_id')}{int(pos):02d}" if pos else ""
                        if label and sub:
                            label += f"-{sub}"
                        prefix = f"{label}{f' (data element {ref})' if ref else ''}: " if label else ""
                        add(line, ele.get("errors", []), prefix, seg.get("seg_id"))
    issues.sort(key=lambda i: (i.segment_number is None, i.segment_number or 0))
    return issues


def validate_file(path: str | os.PathLike[str], want_ack: bool = False) -> ValidationResult:
    """Validate an X12 file with pyx12; InputError when it cannot be read at all."""
    import pyx12.params
    import pyx12.x12n_document

    file = os.fspath(path)
    if not os.path.exists(file):
        raise InputError("file not found", file=file)
    tmp, ids, notes = _normalised_copy(file, file)
    result = ValidationResult(file, notes=notes, segments=len(ids) - 1)
    logger = logging.getLogger("pyx12")
    captured: list[str] = []

    class _Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                captured.append(record.getMessage())

    handler = _Capture()
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False     # pyx12 logs every error to stderr otherwise
    err_json, ack = io.StringIO(), io.StringIO()
    last_line = [0]

    def _progress(seg: Any, src: Any, node: Any, valid: bool) -> None:
        last_line[0] = src.get_cur_line()   # so a pyx12 crash can name the segment it choked on

    try:
        ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), tmp, ack if want_ack else None,
                                               None, None, err_json, callback=_progress)
    except Exception as exc:  # noqa: BLE001 - pyx12 raises many kinds on odd input; report, never crash
        text = " ".join(str(exc).split())
        if "Map not found" in text:
            raise InputError(f"cannot validate: pyx12 has no map for this transaction ({text})",
                             file=file) from None
        at = last_line[0] + 1 if last_line[0] else None
        raise InputError(f"pyx12 failed on this segment ({type(exc).__name__}: {text}); often a composite "
                         "with more components than the guide allows", file=file, segment_number=at,
                         segment_id=ids[at] if at is not None and at < len(ids) else None) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate
        os.unlink(tmp)
    try:
        doc = json.loads(err_json.getvalue() or "{}")
    except json.JSONDecodeError:
        doc = {}
    result.issues = _issues_from_json(doc, ids)
    if not ok and not result.issues:
        # Problems pyx12 only logs (unknown map, unreadable envelope): keep them as issues.
        result.issues = [ValidationIssue(None, None, msg) for msg in captured] or [
            ValidationIssue(None, None, "pyx12 rejected the file without details")]
    if want_ack:
        result.ack = ack.getvalue() or None
    return result
