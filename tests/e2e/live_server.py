"""A real `cleanclaim serve` on a free loopback port, for the browser tests and screenshots."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]

CLI = [sys.executable, "-c", "from cleanclaim.cli import main; main()"]

RADICULOPATHY_NOTE = """OFFICE VISIT
CC: Neck pain radiating into the right arm for 7 weeks.
HPI: 49-year-old with neck pain after lifting boxes, now shooting down the right arm to the thumb with
tingling. Six weeks of physical therapy and naproxen have not helped. Pain 7/10, worse at night; she
cannot work at her computer for more than an hour.
EXAM: Spurling test positive on the right. Decreased pinprick in the right C6 dermatome. Right biceps
reflex 1+ (left 2+). Right wrist extension 4/5.
ASSESSMENT: Right C6 cervical radiculopathy.
PLAN: MRI cervical spine without contrast; gabapentin 300 mg at night; return in 3 weeks.
"""


def sample_note() -> str:
    return RADICULOPATHY_NOTE


def sample_835(folder: Path, n: int = 80, seed: int = 3) -> Path:
    from cleanclaim.remits.synthetic import synthetic_remits
    from cleanclaim.remits.writer import write_835

    buf = io.StringIO()
    write_835(synthetic_remits(n, seed=seed), buf)
    path = folder / "remittance.835"
    path.write_text(buf.getvalue())
    return path


def sample_837(folder: Path) -> Path:
    from cleanclaim.claims.synthetic import generate_claims
    from cleanclaim.claims.x12_writer import to_837p_text

    path = folder / "claims.837"
    path.write_text(to_837p_text(generate_claims(6, seed=11)))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    key: str
    tmp: Path
    process: subprocess.Popen


@contextmanager
def live_server(db_url: str | None = None) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="cleanclaim-e2e-") as tmp:
        folder = Path(tmp)
        db = db_url or str(folder / "workbench.db")
        env = {**os.environ, "CLEANCLAIM_DB": db}
        key = subprocess.run([*CLI, "keys", "create", "--role", "admin", "--name", "e2e"], env=env,
                             check=True, capture_output=True, text=True, timeout=120).stdout.strip()
        port = free_port()
        log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240   # a first run compiles the code-set cache
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log_text = (folder / "server.log").read_text()
                    raise RuntimeError("cleanclaim serve did not start:\n" + log_text)
                time.sleep(0.3)
            yield Server(url, key, folder, proc)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
