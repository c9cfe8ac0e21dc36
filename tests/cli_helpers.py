"""Run the real `cleanclaim` entry point in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, input_text: str | None = None, cwd: str | None = None, timeout: int = 300) -> Result:
    proc = subprocess.run([sys.executable, "-m", "cleanclaim", *args], capture_output=True, text=True,
                          input=input_text, cwd=cwd, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)
