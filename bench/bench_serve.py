"""Load test for `cleanclaim serve`: concurrent clients POST single-claim 837P files to /v1/scrub.

    python bench/bench_serve.py [--clients 50] [--requests 3000] [--seconds 60] [--workers 1]
                                [--db URL] [--url http://127.0.0.1:PORT --key KEY]

Without --url it starts its own `cleanclaim serve` on a free loopback port with a fresh SQLite
file (or --db) and stops it afterwards. Traffic goes to 127.0.0.1 only; the run is bounded by
--requests and --seconds, whichever comes first. Each client keeps one HTTP/1.1 connection and
sends the next request when the answer arrives (closed loop), written with asyncio streams so the
load generator costs little CPU next to the server on a small machine.

Prints requests/s, latency p50 / p90 / p99 / max, status counts, and the server's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))


def claim_bodies(n: int) -> list[bytes]:
    """n distinct one-claim 837P files (synthetic)."""
    from cleanclaim.claims.synthetic import generate_claims
    from cleanclaim.claims.x12_writer import to_837p_text

    return [to_837p_text([c]).encode() for c in generate_claims(n, seed=42)]


async def client(host: str, port: int, key: str, bodies: list[bytes], offset: int, state: dict) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while state["sent"] < state["limit"] and time.perf_counter() < state["deadline"]:
            state["sent"] += 1
            body = bodies[i % len(bodies)]
            i += 1
            head = (f"POST /v1/scrub HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {key}\r\n"
                    f"Content-Type: application/edi-x12\r\nContent-Length: {len(body)}\r\n\r\n").encode()
            t0 = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            elapsed = time.perf_counter() - t0
            status = int(status_line.split()[1]) if status_line else 0
            state["status"][status] = state["status"].get(status, 0) + 1
            if state["measuring"]:
                state["latencies"].append(elapsed)
    finally:
        writer.close()


async def run_load(url: str, key: str, clients: int, requests: int, seconds: float, bodies: list[bytes],
                   measuring: bool = True) -> dict:
    u = urlparse(url)
    state = {"sent": 0, "limit": requests, "deadline": time.perf_counter() + seconds, "status": {},
             "latencies": [], "measuring": measuring}
    t0 = time.perf_counter()
    await asyncio.gather(*(client(u.hostname, u.port, key, bodies, k * 7, state) for k in range(clients)))
    state["wall"] = time.perf_counter() - t0
    return state


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def peak_rss_mb(pid: int) -> float:
    """Peak RSS of the server and its worker processes (VmHWM), in MB."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(p) for p in out]
    except FileNotFoundError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000, help="stop after this many requests")
    ap.add_argument("--seconds", type=float, default=60.0, help="stop after this many seconds")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes (own server only)")
    ap.add_argument("--db", help="database URL for the own server (default: a fresh SQLite file)")
    ap.add_argument("--url", help="an already running server (loopback only)")
    ap.add_argument("--key", help="API key for --url")
    args = ap.parse_args()
    bodies = claim_bodies(200)

    if args.url:
        host = urlparse(args.url).hostname or ""
        if not (host == "localhost" or host.startswith("127.") or host == "::1"):
            sys.exit("bench_serve: only loopback addresses are allowed")
        state = asyncio.run(run_load(args.url, args.key, args.clients, args.requests, args.seconds, bodies))
        report(args, state, None)
        return

    from live_server import CLI, free_port

    with tempfile.TemporaryDirectory(prefix="cleanclaim-bench-") as tmp:
        env = {**os.environ, "CLEANCLAIM_DB": args.db or str(Path(tmp) / "bench.db")}
        key = subprocess.run([*CLI, "keys", "create", "--role", "biller"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        port = free_port()
        proc = subprocess.Popen([*CLI, "serve", "--port", str(port), "--workers", str(args.workers)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            import urllib.request

            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{url}/health", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.2)
            # warm-up: every worker loads its caches
            asyncio.run(run_load(url, key, min(args.clients, 8), 200, 30, bodies, measuring=False))
            state = asyncio.run(run_load(url, key, args.clients, args.requests, args.seconds, bodies))
            report(args, state, peak_rss_mb(proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def report(args: argparse.Namespace, state: dict, rss: float | None) -> None:
    lat = state["latencies"]
    if not lat:
        sys.exit("bench_serve: no request completed")
    ms = [x * 1000 for x in lat]
    print(f"clients={args.clients} workers={args.workers} requests={len(lat)} wall={state['wall']:.1f}s")
    print(f"throughput: {len(lat) / state['wall']:.0f} requests/s (single-claim 837P scrub, stored)")
    print(f"latency ms: p50={percentile(ms, 50):.1f} p90={percentile(ms, 90):.1f} "
          f"p99={percentile(ms, 99):.1f} max={max(ms):.1f} mean={statistics.fmean(ms):.1f}")
    print(f"status: {dict(sorted(state['status'].items()))}")
    if rss is not None:
        print(f"server peak RSS: {rss:.0f} MB (all processes)")


if __name__ == "__main__":
    main()
