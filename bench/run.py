"""Run the benchmarks: ``python -m bench.run [NAME ...]`` (default: all).

Prints one line per figure: the median, the peer measured in the same run and the
ratio (peer / ours), and the target where the project has one.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

from bench._harness import BENCHMARKS

# The Lambda runtime's boto3 has no awscrt (policy-engine's layer never bundles it):
# sign as it does, with botocore's own SigV4, whatever this environment installed.
os.environ.setdefault("BOTO_DISABLE_CRT", "true")


def main(argv: list[str]) -> int:
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("bench_"):
            importlib.import_module(f"bench.{info.name}")
    names = argv or sorted(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(BENCHMARKS))}",
            file=sys.stderr,
        )
        return 2
    print(f"# python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} cores")
    print(f"# {_commit()}, started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# load average at start {_load()}")
    for name in names:
        print(f"== {name}", flush=True)
        for result in BENCHMARKS[name]():
            print(result.line(), flush=True)
    print(f"# load average at end {_load()}")
    return 0


def _load() -> str:
    """The 1/5/15-minute load averages (other work on the machine skews every figure)."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _commit() -> str:
    """The commit measured (``git describe``), or that it is unknown."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "commit unknown"
    return f"commit {out.stdout.strip()}"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
