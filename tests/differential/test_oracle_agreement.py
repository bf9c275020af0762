"""Differential testing: our evaluator against @cloud-copilot/iam-simulate."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from policy_engine.evaluate import Request, evaluate
from policy_engine.parse import parse_policy

from .cases import SESSION_ARN, iam_cases
from .exceptions import for_oracle
from .oracle import Oracle

EXAMPLES = 2500 if os.environ.get("CI") == "true" else 300


def ours(case: dict[str, Any]) -> str:
    request = Request(
        case["action"],
        case["resource_arn"],
        case["context"],
        principal=case["principal"],
        resource_account=case.get("resource_account"),
    )
    return evaluate(
        request,
        identity=[parse_policy(p, kind="identity") for p in case["identity"]],
        session=[parse_policy(case["session"], kind="session")] if case["session"] else [],
        boundary=[parse_policy(p, kind="boundary") for p in case["boundary"]],
        resource=[parse_policy(case["resource"], kind="resource")] if case["resource"] else [],
    ).decision


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None)
@given(case=iam_cases())
def test_evaluator_agrees_with_oracle(oracle: Oracle, case: dict[str, Any]) -> None:
    mine = ours(case)
    # Documented oracle deviations: the oracle decides a rewritten case whose answer
    # must equal ours on the original (see exceptions.py).
    case, _deviations = for_oracle(case)
    answer = oracle.decide(case)
    assert "error" not in answer, f"the oracle refused a generated case: {answer['error']}"
    assert mine == answer["decision"], (
        f"evaluator says {mine}, oracle says {answer['decision']} for:\n"
        + json.dumps(case, indent=1)
    )


DOCUMENTED = json.loads(
    (Path(__file__).parents[1] / "cases" / "aws_documented.json").read_text(encoding="utf-8")
)


def as_oracle_case(case: dict[str, Any]) -> dict[str, Any]:
    raw = case.get("identity") or []
    identity = raw if isinstance(raw, list) else [raw]
    principal = case.get("principal", SESSION_ARN)
    arn_account = case["resource"].split(":")[4] if case["resource"].count(":") >= 5 else ""
    caller_account = principal.split(":")[4] if principal.startswith("arn:") else None
    return {
        "identity": identity,
        "session": case.get("session"),
        "boundary": [case["boundary"]] if case.get("boundary") else [],
        "resource": case.get("resource_policy"),
        "action": case["action"],
        "resource_arn": case["resource"],
        "principal": principal,
        "resource_account": case.get("resource_account") or arn_account or caller_account,
        "context": case.get("context", {}),
    }


@pytest.mark.slow
@pytest.mark.parametrize("case", DOCUMENTED, ids=[c["label"] for c in DOCUMENTED])
def test_documented_cases_agree_with_oracle(oracle: Oracle, case: dict[str, Any]) -> None:
    expected = "allow" if case["expected"] else "deny"
    oracle_case, deviations = for_oracle(as_oracle_case(case))
    answer = oracle.decide(oracle_case)
    assert "error" not in answer, f"the oracle refused {case['label']}: {answer['error']}"
    got = "allow" if answer["decision"] == "allow" else "deny"
    assert got == expected, f"{case['label']} ({case['source']}); deviations: {deviations}"
