"""Tolerant streaming X12 tokenizer shared by the 837P and 835 readers.

One pass over the bytes, chunk by chunk (a 1 GB file never sits in memory): each chunk is split on
the segment terminator with ``bytes.split`` and decoded once, so the per-segment cost is one
``str.split`` plus a small slotted object.

Tolerated, because real clearinghouse traffic has them: UTF-8 byte-order marks (also mid-file,
where files were concatenated), cp1252 bytes (decoded leniently), CR/LF after or instead of the
terminator, leading indentation, prose before the first ISA, several ISA/GS/ST per file (each ISA
may bring its own delimiters), and ST- or GS-only fragments with no ISA (delimiters inferred).

Unrecoverable input raises :class:`cleanclaim.errors.InputError` naming the file, segment number
and segment id.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cleanclaim.errors import InputError

__all__ = ["Delimiters", "Segment", "iter_segments", "looks_like_x12", "is_segment_id", "DEFAULT_DELIMITERS"]

CHUNK_SIZE = 1 << 18          # 256 KiB: amortises the split; peak memory ~10x this (pieces)
_HEAD_SCAN = 64 * 1024        # how far we look for the first ISA/GS/ST past leading prose
_ISA_LEN = 106                # fixed-width ISA including its terminator
_STRIP = " \t\r\n\x00\ufeff"  # whitespace, NULs and stray BOMs around a segment
_BOM = b"\xef\xbb\xbf"

# ISA at the start of a line (after optional indentation / BOM), followed by its element separator.
_ISA_RE = re.compile(rb"(?:^|[\r\n])[ \t]*(?:\xef\xbb\xbf)?(ISA)[^A-Za-z0-9\s]")
# An envelope-less fragment: GS or ST at the start of a line.
_FRAGMENT_RE = re.compile(rb"(?:^|[\r\n~])[ \t]*(?:\xef\xbb\xbf)?(GS|ST)([*|^])")


@dataclass(slots=True, frozen=True)
class Delimiters:
    element: str = "*"
    segment: str = "~"
    component: str = ":"
    repetition: str = "^"     # "" when the interchange has none (4010: ISA11 is a standards id)


DEFAULT_DELIMITERS = Delimiters()


@dataclass(slots=True)
class Segment:
    id: str
    elements: list[str]       # values after the id: elements[0] is XX01
    number: int               # 1-based segment number in the file
    delims: Delimiters

    def get(self, i: int, default: str = "") -> str:
        """Element ``i`` (1-based, ``seg.get(1)`` is XX01); ``default`` when absent or empty."""
        if i < 1:
            return default
        try:
            return self.elements[i - 1] or default
        except IndexError:
            return default

    def components(self, i: int) -> list[str]:
        """Element ``i`` split on the component separator ([] when absent or empty)."""
        value = self.get(i)
        return value.split(self.delims.component) if value else []

    def repetitions(self, i: int) -> list[str]:
        """Element ``i`` split on the repetition separator ([] when absent or empty)."""
        value = self.get(i)
        if not value:
            return []
        rep = self.delims.repetition
        return value.split(rep) if rep else [value]

    def __str__(self) -> str:  # for messages and debugging: the segment as sent, without terminator
        return self.delims.element.join([self.id, *self.elements])


def is_segment_id(seg_id: str) -> bool:
    """Is this a well-formed X12 segment id (2-3 upper-case letters/digits, starting with a letter)?"""
    return 1 < len(seg_id) < 4 and seg_id.isalnum() and seg_id.isascii() and seg_id.isupper() \
        and seg_id[0].isalpha()


def looks_like_x12(head: bytes) -> bool:
    """Does this file head look like X12 (an ISA, or a GS/ST fragment, near the top)?"""
    head = head[:_HEAD_SCAN]
    return bool(_ISA_RE.search(head) or _FRAGMENT_RE.search(head))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 has five undefined bytes; "replace" keeps going rather than failing the file.
        return data.decode("cp1252", errors="replace")


def _isa_delimiters(isa: bytes, file: str, number: int) -> tuple[Delimiters, int]:
    """Delimiters from an ISA starting at isa[0]; returns them and the ISA length including terminator.

    Fixed width is the standard (terminator at byte 105); when the fields are padded wrongly we still
    find ISA16 by counting element separators, since the separators themselves are unambiguous.
    """
    if len(isa) < 4:
        raise InputError("truncated ISA segment", file=file, segment_number=number, segment_id="ISA")
    sep = isa[3:4]
    if sep.isalnum() or sep.isspace():
        raise InputError(f"ISA element separator {sep!r} is not a delimiter character",
                         file=file, segment_number=number, segment_id="ISA")
    if len(isa) >= _ISA_LEN and isa[103:104] == sep and isa.count(sep, 0, 104) == 16:
        pos16 = 103
    else:
        pos16, start = -1, 0
        for _ in range(16):
            pos16 = isa.find(sep, start, 200)
            if pos16 < 0:
                raise InputError("truncated ISA segment: fewer than 16 elements", file=file,
                                 segment_number=number, segment_id="ISA")
            start = pos16 + 1
        if len(isa) < pos16 + 3:
            raise InputError("truncated ISA segment: no component separator / terminator after ISA16",
                             file=file, segment_number=number, segment_id="ISA")
        # The ISA is fixed-width by definition (receivers read delimiters by byte position); a
        # mis-padded one means the envelope was hand-edited and cannot be trusted.
        raise InputError(f"ISA is not fixed-width: ISA16 at character {pos16 + 2}, expected 105 "
                         "(an ISA field is padded wrongly)", file=file, segment_number=number,
                         segment_id="ISA")
    component = isa[pos16 + 1:pos16 + 2]
    terminator = isa[pos16 + 2:pos16 + 3]
    if terminator in (b"\r", b"\n"):
        terminator = b"\n"            # newline-terminated: split on LF, strip the CR
    if component.isalnum() or terminator.isalnum() or terminator == sep or component == sep:
        raise InputError("ISA delimiters are not usable (component or segment separator is "
                         "alphanumeric or repeats the element separator)", file=file,
                         segment_number=number, segment_id="ISA")
    fields = isa[:pos16].split(sep)
    rep = b""
    if len(fields) > 12:
        isa11, isa12 = fields[11], fields[12]
        if isa12 >= b"00501" and len(isa11) == 1 and not isa11.isalnum() and isa11 not in (sep, component,
                                                                                           terminator):
            rep = isa11
    delims = Delimiters(sep.decode("latin-1"), terminator.decode("latin-1"), component.decode("latin-1"),
                        rep.decode("latin-1"))
    return delims, pos16 + 3


def _open(source: str | os.PathLike[str] | BinaryIO | bytes, file_name: str | None):
    if isinstance(source, bytes | bytearray | memoryview):
        import io

        return io.BytesIO(bytes(source)), file_name or "<bytes>", True
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        name = file_name or path
        try:
            return open(path, "rb"), name, True  # noqa: SIM115 - closed by the generator
        except FileNotFoundError:
            raise InputError("file not found", file=name) from None
        except IsADirectoryError:
            raise InputError("is a directory, not a file", file=name) from None
        except OSError as exc:
            raise InputError(f"cannot open: {exc.strerror or exc}", file=name) from None
    name = file_name or str(getattr(source, "name", "") or "<stream>")
    return source, name, False


def iter_segments(source: str | os.PathLike[str] | BinaryIO | bytes,
                  file_name: str | None = None) -> Iterator[Segment]:
    """Yield the segments of an X12 file in order, streaming.

    ``source`` is a path, a binary file object, or (for tests) bytes. ``file_name`` names the file in
    error messages (default: the path or the stream's ``name``). Nothing is read until iteration.
    """
    return _segments(source, file_name)


def _segments(source: str | os.PathLike[str] | BinaryIO | bytes, file_name: str | None) -> Iterator[Segment]:
    # One generator level only: this sits on the hot path of every reader.
    stream, name, owned = _open(source, file_name)
    try:
        read = stream.read
        head = read(CHUNK_SIZE)
        if not head:
            raise InputError("empty file: no X12 content", file=name)
        if head.startswith(_BOM):
            head = head[3:]
        # Make sure the head holds at least a full ISA past any leading prose.
        while len(head) < _HEAD_SCAN:
            more = read(CHUNK_SIZE)
            if not more:
                break
            head += more

        m = _ISA_RE.search(head, 0, _HEAD_SCAN)
        if m:
            start = m.start(1)
            delims, _ = _isa_delimiters(head[start:start + 200], name, 1)
            buf = head[start:]
        else:
            frag = _FRAGMENT_RE.search(head, 0, _HEAD_SCAN)
            if not frag:
                raise InputError(_no_x12_message(head), file=name, segment_number=1,
                                 segment_id=_first_token(head))
            start = frag.start(1)
            if frag.group(1) == b"GS":
                # A transaction-set fragment (ST...SE) is a known export shape; a functional group
                # without its interchange is a broken envelope.
                raise InputError("missing ISA interchange header: file starts at a GS functional group",
                                 file=name, segment_number=1, segment_id="GS")
            buf = head[start:]
            sep = frag.group(2).decode("latin-1")
            # No ISA to tell us: '~' when the fragment uses it, else one segment per line.
            term = "~" if b"~" in buf[:_HEAD_SCAN] else "\n"
            delims = Delimiters(sep, term, ":", "^")

        number = 0
        seg_sep = delims.segment
        term_b = seg_sep.encode("latin-1")
        elem = delims.element
        known_ids: set[str] = set()
        eof = False
        while True:
            if not eof:
                more = read(CHUNK_SIZE)
                if more:
                    buf += more
                else:
                    eof = True
            if eof:
                complete, buf = buf, b""
            else:
                cut = buf.rfind(term_b)
                if cut < 0:
                    if len(buf) > 16 * CHUNK_SIZE:
                        raise InputError(f"no segment terminator {seg_sep!r} in {len(buf)} bytes "
                                         "(binary data or wrong delimiters?)", file=name,
                                         segment_number=number + 1, segment_id=_first_token(buf))
                    continue
                complete, buf = buf[:cut], buf[cut + len(term_b):]
            pieces = _decode(complete).split(seg_sep)
            restart: bytes | None = None
            for idx, raw in enumerate(pieces):
                text = raw.strip(_STRIP)
                if not text:
                    continue
                number += 1
                parts = text.split(elem)
                seg_id = parts[0]
                if seg_id in known_ids:
                    pass  # the common case: an id already seen and checked
                elif seg_id == "ISA" or (len(seg_id) > 3 and text[:3] == "ISA" and not text[3].isalnum()):
                    isa_bytes = text[:200].encode("latin-1", errors="replace")
                    new, _ = _isa_delimiters(isa_bytes + term_b, name, number)
                    if new != delims:
                        # A later interchange with other delimiters: re-split from this ISA onward.
                        number -= 1
                        rest = term_b.join(complete.split(term_b)[idx:])
                        restart = rest.lstrip(b" \t\r\n\x00") + (term_b + buf if buf else b"")
                        delims, seg_sep, elem = new, new.segment, new.element
                        term_b = seg_sep.encode("latin-1")
                        break
                elif not (1 < len(seg_id) < 4 and seg_id.isalnum() and seg_id.isascii()) and not (
                        seg_id and seg_id.isascii() and seg_id.isprintable() and " " not in seg_id):
                    # Odd but printable ids (typos like "PLXX") are left to the readers to judge;
                    # empty ids and control/non-ASCII bytes mean binary junk or a broken file.
                    bad = _clip(seg_id)
                    raise InputError(f"not an X12 segment: bad segment id {bad!r}", file=name,
                                     segment_number=number, segment_id=bad or "<empty>")
                else:
                    known_ids.add(seg_id)
                yield Segment(seg_id, parts[1:], number, delims)
            if restart is not None:
                buf = restart
                if eof:
                    eof = False  # process the rebuilt remainder; read() at EOF just returns b""
                continue
            if eof:
                break
        if number == 0:
            raise InputError("no X12 segments found", file=name)
    finally:
        if owned:
            stream.close()


def _clip(text: str, n: int = 12) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text[:n])
    return text


def _first_token(data: bytes) -> str | None:
    token = data.lstrip()[:12]
    return _clip(_decode(token)) or None


def _no_x12_message(head: bytes) -> str:
    sample = head.lstrip()[:200]
    if sample.count(b"\x00") or sum(b < 9 or 13 < b < 32 for b in sample) > 4:
        return "binary data, not X12 (no ISA or ST segment found)"
    if sample[:1] in (b"{", b"["):
        return "JSON, not X12 (no ISA or ST segment found)"
    return "not X12: no ISA interchange header or ST transaction found"
