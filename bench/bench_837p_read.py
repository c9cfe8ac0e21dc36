"""Benchmark: 837P reading throughput and memory, plus pyx12 validation time.

Generates N synthetic neck-pain claims into an 837P file (default 50,000; also N/5 to show memory
stays flat as the file grows), then times `read_claim_file` over it: claims/s, segments/s (CPU
time), peak traced memory (tracemalloc) and max RSS. Finally times `cleanclaim validate`'s engine (pyx12) on a
smaller file.

    python bench/bench_837p_read.py            # 50k and 10k claims, validate 500
    python bench/bench_837p_read.py --claims 200000 --validate 1000
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def _write(n: int, folder: Path) -> tuple[Path, float]:
    from cleanclaim.claims.synthetic import generate_claims
    from cleanclaim.claims.x12_writer import write_837p

    path = folder / f"bench_{n}.837"
    t = time.perf_counter()
    claims = generate_claims(n, seed=1)
    write_837p(claims, path)
    return path, time.perf_counter() - t


def _read(path: Path, trace: bool) -> dict[str, float]:
    from cleanclaim.claims import Claim, read_claim_file
    from cleanclaim.x12.tokenizer import iter_segments

    # CPU time, not wall time: the figures should not depend on what else the machine is doing.
    t = time.process_time()
    n_seg = sum(1 for _ in iter_segments(path))
    tok_s = time.process_time() - t

    if trace:
        tracemalloc.start()
    t = time.process_time()
    claims = lines = errors = 0
    for item in read_claim_file(path):
        if isinstance(item, Claim):
            claims += 1
            lines += len(item.lines)
        else:
            errors += 1
    read_s = time.process_time() - t
    peak = 0.0
    if trace:
        _, peak_b = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak = peak_b / 2**20
    return {"claims": claims, "lines": lines, "errors": errors, "segments": n_seg, "tok_s": tok_s,
            "read_s": read_s, "peak_mib": peak}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=50_000)
    ap.add_argument("--validate", type=int, default=500, help="claims in the pyx12 validation file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleanclaim-bench-") as d:
        folder = Path(d)
        print("throughput in CPU seconds; peak = tracemalloc peak while reading the whole file")
        print(f"{'claims':>8} {'MB':>7} {'segments':>9} {'tokenize seg/s':>15} {'read claims/s':>14} "
              f"{'read seg/s':>11} {'peak MiB (traced)':>18}")
        for n in sorted({max(args.claims // 5, 1), args.claims}):
            path, _ = _write(n, folder)
            size = os.path.getsize(path) / 1e6
            _read(path, trace=False)                     # warm-up (imports, page cache)
            timed = _read(path, trace=False)
            traced = _read(path, trace=True)             # tracemalloc slows things: memory only
            assert timed["errors"] == 0 and timed["claims"] == n
            print(f"{n:>8} {size:>7.1f} {timed['segments']:>9} {timed['segments'] / timed['tok_s']:>15,.0f} "
                  f"{n / timed['read_s']:>14,.0f} {timed['segments'] / timed['read_s']:>11,.0f} "
                  f"{traced['peak_mib']:>18.2f}")
            path.unlink()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max RSS of this process (includes the generated claim lists): {rss:.0f} MiB")

        from cleanclaim.x12.validate import validate_file

        path, _ = _write(args.validate, folder)
        t = time.process_time()
        result = validate_file(path, want_ack=True)
        dt = time.process_time() - t
        print(f"pyx12 validation: {args.validate} claims, {result.segments} segments in {dt:.2f} s "
              f"({result.segments / dt:,.0f} seg/s, {args.validate / dt:,.0f} claims/s), "
              f"{len(result.issues)} issues, 999 {'written' if result.ack else 'missing'}")


if __name__ == "__main__":
    sys.exit(main())
