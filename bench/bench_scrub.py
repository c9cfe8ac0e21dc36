"""Scrub throughput: 837P bytes -> claims -> findings, one core, code-level and claim-level rules, no notes.

    python bench/bench_scrub.py                      # 20,000 and 100,000 synthetic claims
    python bench/bench_scrub.py --sizes 5000 --pyx12 5000

For each size a synthetic 837P file is written (cleanclaim.claims.synthetic), then a fresh child
process scrubs it, so the peak RSS it reports belongs to that size alone: flat memory means the peak
barely moves as the file grows. The same file (at the --pyx12 size) is also validated with pyx12
(cleanclaim.x12.validate), for comparison: syntax validation only, no claim-level rules.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK = 5_000   # claims per interchange written: the generator holds one chunk at a time


def write_file(path: Path, n: int) -> None:
    from cleanclaim.claims.synthetic import generate_claims
    from cleanclaim.claims.x12_writer import write_837p

    with path.open("w", encoding="utf-8", newline="\n") as fh:
        done = 0
        control = 1
        while done < n:
            k = min(CHUNK, n - done)
            write_837p(generate_claims(k, seed=control), fh, control=control)
            done += k
            control += 1


def child_scrub(path: str) -> dict[str, float]:
    """Runs in a fresh process: warm up (code set, tables, rules), then time the whole file."""
    from cleanclaim.scrub.config import ScrubConfig
    from cleanclaim.scrub.engine import Scrubber, collect

    t0 = time.perf_counter()
    scrubber = Scrubber(ScrubConfig())
    startup = time.perf_counter() - t0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0, t1 = time.process_time(), time.perf_counter()
    report = collect(scrubber.iter_file(path), keep_claims=False)
    wall, cpu = time.perf_counter() - t1, time.process_time() - cpu0
    s = report.summary
    return {"claims": s.claims, "findings": s.findings, "unreadable": s.unreadable, "seconds": wall,
            "cpu_seconds": cpu, "claims_per_s": s.claims / wall if wall else 0.0, "startup_s": startup,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_after_warmup_mb": rss_before / 1024, "bytes": os.path.getsize(path)}


def child_pyx12(path: str) -> dict[str, float]:
    from cleanclaim.x12.validate import validate_file

    t0, c0 = time.perf_counter(), time.process_time()
    result = validate_file(path)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    ok = getattr(result, "valid", getattr(result, "ok", None))
    return {"seconds": wall, "cpu_seconds": cpu, "valid": ok,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(mode: str, path: Path) -> dict[str, float]:
    # pin to one core where the OS allows it: the target is single-core throughput
    cmd = [sys.executable, __file__, f"--child-{mode}", str(path)]
    if sys.platform.startswith("linux") and os.path.exists("/usr/bin/taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    ap.add_argument("--pyx12", type=int, default=20_000, help="size to validate with pyx12 (0: skip)")
    ap.add_argument("--child-scrub")
    ap.add_argument("--child-pyx12")
    args = ap.parse_args()
    if args.child_scrub:
        print(json.dumps(child_scrub(args.child_scrub)))
        return
    if args.child_pyx12:
        print(json.dumps(child_pyx12(args.child_pyx12)))
        return

    with tempfile.TemporaryDirectory(prefix="cleanclaim-bench-") as tmp:
        for n in sorted(set(args.sizes) | ({args.pyx12} if args.pyx12 else set())):
            path = Path(tmp) / f"synthetic-{n}.837"
            write_file(path, n)
            if n in args.sizes:
                r = run_child("scrub", path)
                print(f"scrub  {n:>8,} claims  {r['bytes'] / 1e6:6.1f} MB  "
                      f"{n / r['cpu_seconds']:7,.0f} claims/s per CPU-second "
                      f"({r['cpu_seconds']:.2f} s CPU; "
                      f"wall {r['seconds']:.2f} s = {r['claims_per_s']:,.0f}/s)  {r['findings']:,} findings  "
                      f"peak RSS {r['peak_rss_mb']:.0f} MB "
                      f"(after warm-up {r['rss_after_warmup_mb']:.0f} MB)  "
                      f"start-up {r['startup_s']:.2f} s")
            if n == args.pyx12:
                r = run_child("pyx12", path)
                cpu = r.get("cpu_seconds") or r["seconds"]
                print(f"pyx12  {n:>8,} claims  validation {cpu:.2f} s CPU "
                      f"({n / cpu:,.0f} claims/s per CPU-second; wall {r['seconds']:.2f} s)  "
                      f"peak RSS {r['peak_rss_mb']:.0f} MB  valid={r['valid']}")


if __name__ == "__main__":
    main()
