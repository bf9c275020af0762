"""A long-lived node process running the test-only oracle (tests/oracle/oracle.mjs).

The oracle, @cloud-copilot/iam-simulate, is AGPL: it is installed with npm into
tests/oracle/ by scripts/setup-oracle.sh, run as a separate process, and never imported
or shipped by the package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

ORACLE_DIR = Path(__file__).resolve().parents[1] / "oracle"


def unavailable_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (scripts/setup-oracle.sh installs the oracle with npm)"
    if not (ORACLE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        return "the oracle is not installed: run scripts/setup-oracle.sh (npm ci in tests/oracle)"
    return None


class Oracle:
    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            ["node", str(ORACLE_DIR / "oracle.mjs")],
            cwd=ORACLE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        self._lock = threading.Lock()
        self.calls = 0

    def decide(self, case: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        with self._lock:
            self._proc.stdin.write(json.dumps(case) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
            self.calls += 1
        if not line:
            err = self._proc.stderr.read() if self._proc.stderr else ""
            raise RuntimeError(f"the oracle process ended: {err[-2000:]}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
