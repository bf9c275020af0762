from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.errors import PolicyParseError
from policy_engine.evaluate import Evaluator, Request, compile_policy, evaluate
from policy_engine.model import policy_from_obj
from policy_engine.parse import parse_policy
from policy_engine.simulate import run_cases

CASES = json.loads((Path(__file__).parents[1] / "cases" / "aws_documented.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_documented_behaviour(case: dict[str, Any]) -> None:
    assert case["source"], "every documented case names its source"
    (result,) = run_cases([case])
    assert result.ok, f"{case['label']}: got {result.decision.decision} ({result.decision.reason})"


def p(*statements: dict[str, Any], version: str = "2012-10-17") -> Any:
    return parse_policy({"Version": version, "Statement": list(statements)})


def test_decision_names_the_deciding_statements() -> None:
    identity = p(
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b/secret/*"},
    )
    allowed = evaluate(Request("s3:GetObject", "arn:aws:s3:::b/a"), identity=[("role", identity)])
    assert allowed.decision == "allow"
    assert [str(m) for m in allowed.matched] == ["role:Read"]
    denied = evaluate(
        Request("s3:GetObject", "arn:aws:s3:::b/secret/x"), identity=[("role", identity)]
    )
    assert denied.decision == "explicit_deny"
    assert [str(m) for m in denied.matched] == ["role:#1"]
    assert denied.matched[0].to_json() == {
        "policy": "role",
        "kind": "identity",
        "index": 1,
        "sid": None,
        "effect": "Deny",
    }


def test_implicit_deny_says_which_policy_kind_refused() -> None:
    decision = evaluate(
        Request("s3:GetObject", "arn:aws:s3:::b/a"),
        identity=[p({"Effect": "Allow", "Action": "*", "Resource": "*"})],
        session=[p({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})],
    )
    assert decision.decision == "implicit_deny"
    assert "session policy does not allow" in decision.reason


def test_several_session_policies_are_a_union() -> None:
    decision = evaluate(
        Request("s3:GetObject", "arn:aws:s3:::b/a"),
        identity=[p({"Effect": "Allow", "Action": "*", "Resource": "*"})],
        session=[
            p({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}),
            p({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        ],
    )
    assert decision.allowed


def test_service_index_keeps_not_action_and_wildcards_everywhere() -> None:
    policy = p(
        {"Sid": "S3", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Any", "Effect": "Deny", "NotAction": "s3:*", "Resource": "*"},
        {"Sid": "Star", "Effect": "Allow", "Action": "*", "Resource": "*"},
    )
    compiled = compile_policy(policy, name="p")
    assert [c.ref.sid for c in compiled.candidates("s3")] == ["S3", "Any", "Star"]
    assert [c.ref.sid for c in compiled.candidates("sqs")] == ["Any", "Star"]
    assert compile_policy(policy, name="p") is compiled  # cached
    decision = Evaluator.of(identity=[compiled]).evaluate(
        Request("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q")
    )
    assert decision.decision == "explicit_deny"


@pytest.mark.parametrize(
    ("condition", "fragment"),
    [
        ({"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}, "not a CIDR block"),
        ({"NumericEquals": {"s3:max-keys": "1e400"}}, "not a number"),
        ({"DateLessThan": {"aws:CurrentTime": "2026-13-45"}}, "not an ISO 8601 date"),
        ({"Bool": {"aws:SecureTransport": "maybe"}}, "`true` or `false`"),
        ({"BinaryEquals": {"aws:RequestTag/b": "@@@"}}, "not base64"),
        ({"StringEqualz": {"a:b": "x"}}, "unknown condition operator"),
    ],
)
def test_malformed_condition_values_name_the_path(condition: dict[str, Any], fragment: str) -> None:
    policy = policy_from_obj(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}
            ],
        }
    )
    with pytest.raises(PolicyParseError) as info:
        compile_policy(policy, name="bad")
    assert fragment in str(info.value)
    assert info.value.issues[0].path.startswith("$.Statement[0].Condition.")


@pytest.mark.parametrize(
    "document",
    [
        {"Statement": [{"Effect": "Perhaps", "Action": "*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": 5, "Resource": "*"}]},
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"NumericEquals": {"a:b": "x"}},
                }
            ]
        },
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "host"}},
                }
            ]
        },
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"DateEquals": {"aws:CurrentTime": "soon"}},
                }
            ]
        },
    ],
)
def test_malformed_policies_are_refused_before_evaluation(document: dict[str, Any]) -> None:
    with pytest.raises(PolicyParseError) as info:
        parse_policy(document)
    assert info.value.issues[0].path.startswith("$.Statement[0]")


def test_request_context_normalisation() -> None:
    r = Request("S3:GetObject", "arn:aws:s3:::b/k", {"AWS:SecureTransport": True, "k:v": ["a"]})
    assert r.service == "s3"
    assert r.normalised["aws:securetransport"] == (("true",), False)
    assert r.normalised["k:v"] == (("a",), True)


def test_multivalued_variable_matches_nothing() -> None:
    policy = p(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/TenantId}/*",
        }
    )
    request = Request(
        "s3:GetObject", "arn:aws:s3:::b/acme/k", {"aws:PrincipalTag/TenantId": ["acme"]}
    )
    assert evaluate(request, identity=[policy]).decision == "implicit_deny"
