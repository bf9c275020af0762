"""Whole processes from the shell, beside the peers doing the same job
(``python -m bench.run process``).

- ``policy-engine --version`` [target <= 150 ms];
- ``policy-engine lint FILE`` (one typical 2-statement policy file) beside
  ``parliament --files FILE`` (the ``bench`` extra) [target: peer / ours >= 1.5];
  and the same file with a misspelt action (PE060's "did you mean" reads every known
  name of the service, policyuniverse's included, read from the action index);
- ``policy-engine simulate --cases FILE`` (16 requests on the bundled basic tier's
  session policy) beside one node process running iam-simulate over the same 16
  requests (tests/oracle/oracle.mjs, installed by ``scripts/setup-oracle.sh``)
  [target: peer / ours >= 1.5]; the cases' expected decisions are iam-simulate's, so
  "16 passed" also says both agree.

Each figure is the median of ``BENCH_PROCESS_RUNS`` (default 11) runs, the commands
interleaved round by round so that the machine's load falls on all of them alike;
the bare interpreter's start (``python -c pass``) is timed beside them, for scale.
Our package is byte-compiled first, as ``pip install`` leaves it (and the peers).

Then import guards, measured and printed, not asserted (they are benchmarks, not
unit tests): for each of our commands, what ``python -X importtime`` says it
imported of the modules it should not need, its total import time, and how many of
the action data's services the lint decoded.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench._harness import Result, benchmark

ROOT = Path(__file__).resolve().parents[1]
ORACLE = ROOT / "tests" / "oracle"
RUNS = int(os.environ.get("BENCH_PROCESS_RUNS", "11"))
BIN = Path(sys.executable).parent

#: what a plain-file lint or a cases run must not import (catalogue, templates,
#: readers, the reference validator, policyuniverse, importlib.metadata)
NOT_NEEDED = (
    "jsonschema",
    "policyuniverse",
    "yaml",
    "jinja2",
    "tomllib",
    "importlib.metadata",
    "policy_engine.catalog",
    "policy_engine.render",
    "policy_engine.isolation",
    "policy_engine.iac._nodes",
)

#: decided in-process after `policy-engine lint FILE`: the services it decoded
DECODED = """
import io, sys
from policy_engine.cli import run
run(sys.argv[1:], io.StringIO(), io.StringIO())
from policy_engine._iamdata import iam_data
data = iam_data()
print(len(data._loaded), len(data.services))
"""


def _ours(*args: str) -> list[str]:
    script = BIN / "policy-engine"
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-m", "policy_engine", *args]


def _parliament(file: Path) -> list[str] | None:
    script = BIN / "parliament"
    return [str(script), "--files", str(file)] if script.is_file() else None


def _node() -> list[str] | None:
    node = shutil.which("node")
    installed = (ORACLE / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir()
    return [node, str(ORACLE / "oracle.mjs")] if node and installed else None


def _compile() -> None:
    import compileall

    compileall.compile_dir(str(ROOT / "policy_engine"), quiet=1)


def _run(cmd: Sequence[str], stdin: bytes | None = None) -> tuple[float, Any]:
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    return time.perf_counter() - start, proc


def _typical_policy() -> dict[str, Any]:
    from bench.bench_lint import TYPICAL

    return TYPICAL


def _requests() -> list[dict[str, Any]]:
    """16 requests: the evaluate bench's 8 for two tenants, each against that tenant's
    basic-tier session policy."""
    from bench.bench_evaluate import SESSION, _requests
    from policy_engine.catalog import default_catalog
    from policy_engine.model import policy_to_obj
    from policy_engine.render import Renderer

    renderer = Renderer(default_catalog())
    out = []
    for tenant in ("acme-corp", "globex"):
        doc = policy_to_obj(renderer.render_tier(tenant, "basic"))
        principal = SESSION.replace("acme-corp", tenant)
        for action, resource, context in _requests():
            out.append(
                {
                    "identity": doc,
                    "principal": principal,
                    "action": action,
                    "resource": resource,
                    "context": context,
                }
            )
    return out


def _oracle_lines(requests: list[dict[str, Any]]) -> bytes:
    lines = [
        json.dumps(
            {
                "identity": [r["identity"]],
                "action": r["action"],
                "resource_arn": r["resource"],
                "principal": r["principal"],
                "context": r["context"],
            }
        )
        for r in requests
    ]
    return ("\n".join(lines) + "\n").encode()


def _expected(requests: list[dict[str, Any]], node: list[str] | None, lines: bytes) -> list[bool]:
    """iam-simulate's decisions when node is there, else our evaluator's."""
    if node is not None:
        _, proc = _run(node, lines)
        answers = [json.loads(x) for x in proc.stdout.decode().splitlines() if x.strip()]
        complete = len(answers) == len(requests) and all("decision" in a for a in answers)
        if proc.returncode == 0 and complete:
            return [a["decision"] == "allow" for a in answers]
        print(f"iam-simulate failed: {proc.stderr.decode()[-400:]}")
    from policy_engine.simulate import run_case

    return [run_case({**r, "expected": True}, i).ok for i, r in enumerate(requests)]


def _imports(args: Sequence[str]) -> tuple[list[str], float]:
    """The not-needed modules a command imported and its total import time (ms)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "policy_engine", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    found: set[str] = set()
    total = 0.0
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        cumulative, raw = parts[1].strip(), parts[2]
        if not cumulative.isdigit():
            continue  # the header line
        name = raw.strip()
        if not raw.startswith("  "):  # nesting is shown by indentation: a top-level import
            total += int(cumulative) / 1000
        for bad in NOT_NEEDED:
            if name == bad or name.startswith(bad + "."):
                found.add(bad)
    return sorted(found), total


@benchmark("process")
def process_bench() -> list[Result]:
    _compile()
    node = _node()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        policy = folder / "policy.json"
        policy.write_text(json.dumps(_typical_policy(), indent=2), encoding="utf-8")
        # The same policy with a misspelt action: PE060's "did you mean" reads every
        # known name of the service, policyuniverse's too (from the action index: the
        # import guard below checks that policyuniverse is not imported).
        typo = folder / "typo.json"
        typo.write_text(
            json.dumps(_typical_policy(), indent=2).replace("s3:GetObject", "s3:GetObjekt"),
            encoding="utf-8",
        )
        requests = _requests()
        lines = _oracle_lines(requests)
        expected = _expected(requests, node, lines)
        cases = folder / "cases.json"
        cases.write_text(
            json.dumps(
                [
                    {**r, "label": f"{r['action']} {r['resource']}", "expected": e}
                    for r, e in zip(requests, expected, strict=True)
                ]
            ),
            encoding="utf-8",
        )
        commands: dict[str, tuple[list[str], bytes | None]] = {
            "python": ([sys.executable, "-c", "pass"], None),
            "version": (_ours("--version"), None),
            "lint": (_ours("lint", str(policy)), None),
            "lint-typo": (_ours("lint", str(typo)), None),
            "simulate": (_ours("simulate", "--cases", str(cases)), None),
        }
        parliament = _parliament(policy)
        if parliament is not None:
            commands["parliament"] = (parliament, None)
            commands["parliament-typo"] = (_parliament(typo) or [], None)
        if node is not None:
            commands["node"] = (node, lines)
        names = list(commands)
        samples: dict[str, list[float]] = {name: [] for name in names}
        last: dict[str, Any] = {}
        for round_ in range(RUNS):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                cmd, stdin = commands[name]
                seconds, last[name] = _run(cmd, stdin)
                samples[name].append(seconds * 1000)
        for name, code in (("version", 0), ("lint", 0), ("lint-typo", 1), ("simulate", 0)):
            if last[name].returncode != code:
                raise RuntimeError(f"`{name}` failed: {last[name].stderr.decode()[-400:]}")
        if "did you mean `s3:getobject`?" not in last["lint-typo"].stdout.decode().lower():
            raise RuntimeError("`lint typo.json` did not report the misspelt action")
        simulate_out = last["simulate"].stdout.decode().strip().splitlines()[-1]
        median = {name: statistics.median(values) for name, values in samples.items()}
        results = [
            Result("`python -c pass` (the bare interpreter, for scale)", median["python"], "ms"),
            Result(
                "`policy-engine --version`, whole process", median["version"], "ms", "<= 150 ms"
            ),
        ]
        if parliament is None:
            print("parliament is not installed (pip install -e .[bench]): no lint peer")
        results.append(
            Result(
                "`policy-engine lint FILE` (one policy), whole process",
                median["lint"],
                "ms",
                "peer / ours >= 1.5",
                "parliament --files FILE",
                median.get("parliament"),
            )
        )
        results.append(
            Result(
                "`policy-engine lint FILE`, a misspelt action (PE060)",
                median["lint-typo"],
                "ms",
                "",
                "parliament --files FILE",
                median.get("parliament-typo"),
            )
        )
        if node is None:
            print(
                "node or iam-simulate is not installed (bash scripts/setup-oracle.sh): "
                "no simulate peer"
            )
        results.append(
            Result(
                f"`policy-engine simulate --cases FILE` ({len(requests)} requests)",
                median["simulate"],
                "ms",
                "peer / ours >= 1.5",
                "node iam-simulate",
                median.get("node"),
            )
        )
        agree = "agree with iam-simulate" if node is not None else "(no iam-simulate)"
        print(f"simulate --cases: `{simulate_out}` (expected decisions {agree})")
        for label, args in (
            ("--version", ["--version"]),
            ("lint FILE", ["lint", str(policy)]),
            ("lint FILE, a misspelt action", ["lint", str(typo)]),
            ("simulate --cases", ["simulate", "--cases", str(cases)]),
        ):
            found, total = _imports(args)
            print(f"imports of `{label}`: not needed but imported: {', '.join(found) or 'none'}")
            results.append(Result(f"  import time of `{label}` (-X importtime)", total, "ms"))
            results.append(
                Result(f"  modules it should not need, imported ({label})", len(found), "", "0")
            )
        decoded = subprocess.run(
            [sys.executable, "-c", DECODED, "lint", str(policy)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.split()
        results.append(
            Result(
                f"  action data services decoded by `lint FILE` (of {decoded[1]})",
                float(decoded[0]),
                "",
            )
        )
    return results
