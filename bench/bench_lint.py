"""Lint: the project's corpus through our rules and through parliament, and the time
per policy (``python -m bench.run lint``; parliament from ``pip install -e .[bench]``).

Prints a table (case, the rule IDs we must report, what we report, what parliament
reports with community auditors off and on), then the median time per policy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._harness import Result, benchmark, median_us

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "cases" / "lint_corpus.json"

#: A typical two-statement tenant policy (the size parliament's 0.7 ms figure is for).
TYPICAL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OwnOrders",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["acme"]},
                "Null": {"dynamodb:LeadingKeys": "false"},
            },
        },
        {
            "Sid": "OwnDocuments",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::saas-documents/acme/*",
        },
    ],
}


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if c.get("kind", "identity") == "identity"]  # parliament's kind


def _ours(text: str) -> list[str]:
    from policy_engine.lint import lint_text

    return sorted({f.rule for f in lint_text(text, kind="identity")})


def _parliament(text: str, community: bool) -> list[str] | None:
    try:
        from parliament import analyze_policy_string
    except ImportError:
        return None
    try:
        analyzed = analyze_policy_string(text, include_community_auditors=community)
    except Exception as exc:  # parliament raises on some inputs
        return [f"raised {type(exc).__name__}"]
    return sorted({f.issue for f in analyzed.findings})


def table() -> list[str]:
    rows = ["case | expected | policy-engine | parliament | parliament+community", "---"]
    agree = 0
    cases = _cases()
    for case in cases:
        text = json.dumps(case["policy"], indent=2)
        ours = _ours(text)
        agree += ours == case["expected"]
        core = _parliament(text, community=False)
        community = _parliament(text, community=True)
        rows.append(
            " | ".join(
                [
                    case["name"],
                    ",".join(case["expected"]) or "-",
                    ",".join(ours) or "-",
                    "n/a" if core is None else ",".join(core) or "-",
                    "n/a" if community is None else ",".join(community) or "-",
                ]
            )
        )
    rows.append(f"policy-engine matches the expected rule IDs on {agree}/{len(cases)} cases")
    return rows


def _shell_seconds() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "policy_engine", "lint"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _typical_texts(n: int) -> list[str]:
    """``n`` distinct typical policies (one tenant each), so no cache keyed by a
    resource or a document helps either tool."""
    text = json.dumps(TYPICAL)
    return [text.replace("acme", f"tenant-{i:05d}") for i in range(n)]


def _cold_us(func: Any, texts: list[str], *, batch: int, batches: int) -> float:
    feed = iter(texts)
    return median_us(lambda: func(next(feed)), batch=batch, batches=batches)


@benchmark("lint")
def run() -> list[Result]:
    for row in table():
        print(row)
    from policy_engine.lint import Target, lint_target, lint_text
    from policy_engine.model import policy_from_obj

    texts = _typical_texts(2000)
    ours = _cold_us(lambda t: lint_text(t, kind="identity"), texts, batch=50, batches=15)
    parsed = [
        Target(policy_from_obj(json.loads(t)), {}, "identity", "p.json", source_text=t)
        for t in texts[1000:]
    ]
    rules_only = _cold_us(lambda t: list(lint_target(t)), parsed, batch=50, batches=15)
    results = []
    try:
        from parliament import analyze_policy_string
    except ImportError:
        print("parliament is not installed (pip install -e .[bench]): no peer figures")
        analyze_policy_string = None
    core = full = None
    if analyze_policy_string is not None:
        core = _cold_us(analyze_policy_string, texts, batch=20, batches=15)
        full = _cold_us(
            lambda t: analyze_policy_string(t, include_community_auditors=True),
            texts[1000:],
            batch=20,
            batches=15,
        )
    results.append(
        Result(
            "every rule, parsed typical 2-statement policy",
            rules_only,
            "us",
            ">= 10x parliament core",
            "parliament core",
            core,
        )
    )
    results.append(
        Result(
            "JSON text -> schema (PE001) + every rule, typical policy",
            ours,
            "us",
            "",
            "parliament core",
            core,
        )
    )
    if full is not None:
        results.append(
            Result(
                "JSON text -> schema + every rule, typical policy",
                ours,
                "us",
                "",
                "parliament + community auditors",
                full,
            )
        )
    corpus = [json.dumps(c["policy"]) for c in _cases()]
    per_policy = median_us(
        lambda: [lint_text(t, kind="identity") for t in corpus], batch=2, batches=9
    ) / len(corpus)
    results.append(
        Result(
            f"JSON text -> findings, mean over the {len(corpus)}-policy corpus", per_policy, "us"
        )
    )
    shell = min(_shell_seconds() for _ in range(3))
    results.append(
        Result("`policy-engine lint`, bundled catalogue, from the shell", shell, "s", "<= 2 s")
    )
    return results
