"""Refresh the README's first-screen demo output from a real `policy-engine lint` run
(tests/cli/test_lint_cli.py checks that they agree, timings aside)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from policy_engine.cli import run


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    out, err = io.StringIO(), io.StringIO()
    code = run(["lint"], out, err)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split("```text\n", 1)
    _, tail = rest.split("```", 1)
    readme.write_text(head + "```text\n" + out.getvalue() + "```" + tail, encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
