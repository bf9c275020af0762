from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.errors import PolicyParseError
from policy_engine.evaluate import Evaluator, InvalidRequest, Request, compile_policy, evaluate
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


# -- principals, resource policies, cross-account (issue 14) -----------------------------

ACCOUNT = "111122223333"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/tenant-role/acme"
OBJECT = "arn:aws:s3:::docs/acme/a.txt"


def grant(principal: Any, **extra: Any) -> Any:
    return p(
        {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::docs/*",
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("principal", "kind", "account"),
    [
        (SESSION, "session", ACCOUNT),
        (f"arn:aws:sts::{ACCOUNT}:federated-user/carol", "federated", ACCOUNT),
        (f"arn:aws:iam::{ACCOUNT}:user/division/alice", "user", ACCOUNT),
        (f"arn:aws:iam::{ACCOUNT}:root", "root", ACCOUNT),
        ("sqs.amazonaws.com", "service", None),
    ],
)
def test_caller_kinds(principal: str, kind: str, account: str | None) -> None:
    caller = Request("s3:GetObject", OBJECT, principal=principal).caller
    assert (caller.kind, caller.account) == (kind, account)


@pytest.mark.parametrize(
    ("principal", "fragment"),
    [
        (f"arn:aws:iam::{ACCOUNT}:role/tenant-role", "give the ARN of its session"),
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/tenant-role/*", "is not a caller"),
        ("alice", "is not a caller"),
    ],
)
def test_requests_from_non_callers_are_refused(principal: str, fragment: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        Request("s3:GetObject", OBJECT, principal=principal)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_resource_account_must_be_an_account_id() -> None:
    with pytest.raises(InvalidRequest, match="12-digit"):
        Request("s3:GetObject", OBJECT, resource_account="acme")


def test_deciding_from_parts_refuses_what_a_request_refuses() -> None:
    evaluator = Evaluator.of(identity=[p({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})])
    with pytest.raises(InvalidRequest, match="12-digit"):
        evaluator.decide("s3:GetObject", OBJECT, principal=SESSION, resource_account="acme")
    with pytest.raises(InvalidRequest, match="is not a caller"):
        evaluator.decide("s3:GetObject", OBJECT, principal="alice")
    root = f"arn:aws:iam::{ACCOUNT}:root"
    with pytest.raises(InvalidRequest, match="no identity policies"):
        evaluator.decide("s3:GetObject", OBJECT, principal=root)
    # and decides what evaluate decides, context and account included
    context = {"aws:RequestTag/team": ["a", "b"], "s3:max-keys": 5}
    for account in (None, "444455556666"):
        by_parts = evaluator.decide("s3:GetObject", OBJECT, context, SESSION, account)
        request = Request("s3:GetObject", OBJECT, context, SESSION, account)
        assert by_parts == evaluator.evaluate(request) == evaluator.evaluate_uncached(request)
    assert not evaluator.decide("s3:GetObject", OBJECT, {}, SESSION, "444455556666").allowed


def test_policies_a_caller_cannot_have_are_refused() -> None:
    anything = p({"Effect": "Allow", "Action": "*", "Resource": "*"})
    user = Request("s3:GetObject", OBJECT, principal=f"arn:aws:iam::{ACCOUNT}:user/alice")
    with pytest.raises(InvalidRequest, match="session policies apply only"):
        evaluate(user, identity=[anything], session=[anything])
    root = Request("s3:GetObject", OBJECT, principal=f"arn:aws:iam::{ACCOUNT}:root")
    with pytest.raises(InvalidRequest, match="no identity policies"):
        evaluate(root, identity=[anything])


def test_default_request_stays_same_account_for_existing_callers() -> None:
    """Callers that never pass a resource account keep the same-account evaluation,
    even for ARNs of another account (guard, isolation, vend rely on it)."""
    request = Request("sqs:SendMessage", "arn:aws:sqs:eu-west-1:999999999999:q")
    assert request.same_account
    identity = p({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    assert evaluate(request, identity=[identity]).allowed


def test_resource_account_is_part_of_the_memo_key() -> None:
    evaluator = Evaluator.of(identity=[p({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})])
    same = Request("s3:GetObject", OBJECT, principal=SESSION)
    cross = Request("s3:GetObject", OBJECT, principal=SESSION, resource_account="444455556666")
    assert evaluator.evaluate(same).allowed
    assert evaluator.evaluate(cross).decision == "implicit_deny"
    assert "cross-account" in evaluator.evaluate(cross).reason


def test_direct_grant_names_its_statement_and_reason() -> None:
    decision = evaluate(
        Request("s3:GetObject", OBJECT, principal=SESSION),
        session=[p({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})],
        resource=[("bucket", grant({"AWS": SESSION}, Sid="Own"))],
    )
    assert decision.allowed
    assert [str(m) for m in decision.matched] == ["bucket:Own"]
    assert "principal itself" in decision.reason


def test_partial_wildcard_in_a_deny_principal_fences_nobody() -> None:
    deny = p(
        {
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/tenant-*"},
            "Action": "s3:*",
            "Resource": "*",
        }
    )
    identity = p({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    request = Request("s3:GetObject", OBJECT, principal=SESSION)
    assert evaluate(request, identity=[identity], resource=[deny]).allowed


@pytest.mark.parametrize(
    ("operator", "denied"),
    [
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("StringNotEqualsIgnoreCase", True),
        ("ArnNotEquals", True),
        ("ArnNotLike", True),
        ("StringEquals", False),
        ("StringLike", False),
        ("ArnEquals", False),
        ("ArnLike", False),
    ],
)
def test_unresolved_variable_matches_only_negated_operators(operator: str, denied: bool) -> None:
    """IAM User Guide, "Policy variables with no value": positive operators do not
    match a null value, negated ones do."""
    value = "${aws:PrincipalTag/Team}"
    if operator.startswith("Arn"):
        value = f"arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/Team}}"
    policy = p(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {operator: {"aws:PrincipalArn": value}},
        },
    )
    request = Request(
        "s3:GetObject", OBJECT, {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/tenant-role"}
    )
    decision = evaluate(request, identity=[policy]).decision
    assert decision == ("explicit_deny" if denied else "allow")


def test_a_long_stream_of_distinct_requests_keeps_every_cache_at_its_bound() -> None:
    from policy_engine import _glob

    module = importlib.import_module("policy_engine.evaluate")

    # Eight independent conditions on s3:GetObject: up to 256 outcomes for one plan.
    flags = [
        {
            "Sid": f"Flag{j}",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {f"k:c{j}": "y"}},
        }
        for j in range(8)
    ]
    identity = p(
        *flags,
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/${aws:username}/*"},
        {"Effect": "Deny", "NotAction": "s3:*", "Resource": "arn:aws:sqs:*:*:q-*"},
    )
    bucket = p(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/r"},
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    evaluator = Evaluator.of(identity=[identity], resource=[bucket])
    stream = 3 * module.PLAN_CACHE_SIZE
    assert stream > module.SERVICE_PLAN_CACHE_SIZE
    assert module.OUTCOME_CACHE_SIZE < 2**8
    largest = dict.fromkeys(evaluator.cache_sizes(), 0)
    for i in range(stream):
        request = Request(
            # a new action, service, principal, resource or context every time
            f"svc{i}:Op{i}" if i % 3 == 0 else ("s3:GetObject" if i % 3 == 1 else f"s3:Op{i}"),
            f"arn:aws:s3:::b/u{i}/o{i}",
            {f"k:c{j}": "y" for j in range(8) if i >> j & 1}
            | {"aws:username": f"u{i % 7}", f"k:Fresh{i}": "x"},
            # one principal for s3:GetObject, so that one plan meets every outcome
            principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s{i if i % 3 != 1 else 0}",
        )
        assert evaluator.evaluate(request) == evaluator.evaluate_uncached(request)
        if i % 61 == 0 or i == stream - 1:
            for name, (size, bound) in evaluator.cache_sizes().items():
                assert size <= bound, name
                largest[name] = max(largest[name], size)
            # the per-process memos read inline by Request (callers, lower-case keys)
            assert 0 < len(module._CALLERS) <= module.CALLER_CACHE_SIZE
            assert 0 < len(module._LOWER) <= module.CONTEXT_KEY_CACHE_SIZE
    # Each cache filled up to near its bound (the stream was long enough to overflow it).
    for name, size in largest.items():
        assert size > evaluator.cache_sizes()[name][1] // 2, (name, size)
    for cached in (
        module.parse_caller,
        module._compile_policy,
        _glob.tokenize,
        _glob._compile,
    ):
        info = cached.cache_info()
        assert info.maxsize is not None
        assert info.currsize <= info.maxsize


def test_a_request_is_a_frozen_dataclass_that_copies_and_pickles() -> None:
    import copy
    import dataclasses
    import pickle

    request = Request("s3:GetObject", OBJECT, {"k:v": ["a"]}, principal=SESSION)
    assert type(request) is Request
    assert [f.name for f in dataclasses.fields(request)][:5] == [
        "action",
        "resource",
        "context",
        "principal",
        "resource_account",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.action = "s3:PutObject"  # type: ignore[misc]
    for twin in (copy.copy(request), copy.deepcopy(request), pickle.loads(pickle.dumps(request))):
        assert twin == request
        assert twin.normalised == request.normalised
        assert twin.caller == request.caller
    assert request != Request("s3:GetObject", OBJECT, {"k:v": ["b"]}, principal=SESSION)
    assert repr(request).startswith("Request(action='s3:GetObject', resource=")

    class Tagged(Request):
        __slots__ = ("tag",)

    tagged = Tagged("s3:GetObject", OBJECT, principal=SESSION)
    assert isinstance(tagged, Request)
    assert tagged.caller.kind == "session"
