"""The CLI on a closed pipe (`policy-engine lint --rules | head -5`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_closed_stdout_is_no_traceback() -> None:
    """`policy-engine lint --rules | head -5` (the README pipes the CLI's output into
    `jq` and others) printed a `BrokenPipeError` traceback on stderr once the reader
    had gone. A reader that stops early is normal use: exit quietly (found adopting,
    branch h11-adopt)."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first write
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "policy_engine", "lint", "--rules"],
            stdout=write,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        os.close(write)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 141, (proc.returncode, proc.stderr)
