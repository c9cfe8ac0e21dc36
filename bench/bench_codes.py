"""Code-set speed: CLI start-up, peak memory, in-process validity and Excludes1 checks.

    python bench/bench_codes.py            # uses the existing cache
    python bench/bench_codes.py --build    # also times compiling the cache from the sources
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date


def run_child(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one fresh `cleanclaim` process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cleanclaim", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"cleanclaim {' '.join(args)} failed")
    return wall, usage.ru_maxrss // 1024


def per_call_us(fn, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", action="store_true", help="time a cache build into a temp dir")
    ap.add_argument("--runs", type=int, default=9)
    a = ap.parse_args()

    from cleanclaim.codes import get_codeset

    cs = get_codeset()  # make sure the cache exists before timing start-up
    for label, args in (("lookup M54.2 (rich)", ["lookup", "M54.2"]),
                        ("lookup --json M54.2", ["lookup", "--json", "M54.2"])):
        runs = [run_child(args) for _ in range(a.runs)]
        walls = sorted(w for w, _ in runs)
        print(f"{label:28s} start-up median {statistics.median(walls) * 1000:6.0f} ms  "
              f"min {walls[0] * 1000:5.0f} ms  peak RSS {max(m for _, m in runs)} MB")

    on = date(2026, 1, 15)
    cs.is_billable("M5412", on)  # loads the validity masks once
    codes = ["M5412", "M542", "S129XXA", "M47812", "M50122", "Z0000", "C7951", "M545"]
    n = 200_000
    t0 = time.perf_counter()
    for i in range(n):
        cs.is_billable(codes[i & 7], on)
    norm_us = (time.perf_counter() - t0) / n * 1e6
    raw_us = per_call_us(lambda: cs.is_billable("m54.12", on), n)
    ex_us = per_call_us(lambda: cs.excludes1_conflict("M54.12", "M50.121"), 50_000)
    print(f"is_billable (normalised code)   {norm_us:.2f} µs/check")
    print(f"is_billable (as typed 'm54.12') {raw_us:.2f} µs/check")
    print(f"excludes1_conflict (cached)     {ex_us:.2f} µs/pair")
    t0 = time.perf_counter()
    for c in codes:
        cs.lookup(c, on)
    print(f"full lookup                     {(time.perf_counter() - t0) / len(codes) * 1000:.2f} ms/code")

    if a.build:
        from cleanclaim.codes.build import build

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            path = build(__import__("pathlib").Path(tmp) / "codes.sqlite")
            print(f"cache build                     {time.perf_counter() - t0:.1f} s, "
                  f"{path.stat().st_size / 1e6:.1f} MB on disk")


if __name__ == "__main__":
    main()
