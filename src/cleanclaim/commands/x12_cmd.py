"""`cleanclaim validate`: X12 syntax validation (pyx12, levels 1-2) with an optional 999."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cleanclaim.cli import app


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="X12 file (837P, 837I, 835, 999 ... any pyx12 map)")],
    ack_out: Annotated[Path | None, typer.Option("--999", help="write a 999 acknowledgement here")] = None,
) -> None:
    """Check X12 syntax: envelope, segments, elements and loops. One line per error.

    Exit 0 when clean, 1 when errors were found, 2 when the file cannot be read.
    """
    from cleanclaim.x12.validate import validate_file

    result = validate_file(file, want_ack=ack_out is not None)
    for note in result.notes:
        print(f"{result.file}: note: {note}", file=sys.stderr)
    for issue in result.issues:
        print(issue.line(result.file))
    if ack_out is not None:
        if result.ack:
            ack_out.write_text(result.ack, encoding="utf-8")
        else:
            print(f"{result.file}: note: pyx12 produced no acknowledgement", file=sys.stderr)
    if result.issues:
        print(f"{result.file}: {len(result.issues)} error(s) in {result.segments} segments", file=sys.stderr)
        raise typer.Exit(1)
    print(f"{result.file}: valid ({result.segments} segments)", file=sys.stderr)


@app.command("segments", hidden=True)
def segments(
    file: Annotated[Path, typer.Argument(help="X12 file")],
    limit: Annotated[int, typer.Option(help="stop after N segments (0 = all)")] = 0,
) -> None:
    """Print an X12 file one segment per line with its number, as the tokenizer sees it."""
    from cleanclaim.x12.tokenizer import iter_segments

    for seg in iter_segments(file):
        print(f"{seg.number:>7}  {seg}")
        if limit and seg.number >= limit:
            break
