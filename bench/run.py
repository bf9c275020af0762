"""Run the benchmarks: ``python -m bench.run [NAME ...]`` (default: all).

Prints one line per figure: the median, the peer measured in the same run and the
ratio (peer / ours), and the target where the project has one.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench._harness import BENCHMARKS


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
    print(f"python {sys.version.split()[0]} on {sys.platform}")
    for name in names:
        print(f"== {name}")
        for result in BENCHMARKS[name]():
            print(result.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
