from __future__ import annotations

import json
from typing import Any

import pytest

from policy_engine.errors import PolicyParseError
from policy_engine.model import (
    Condition,
    dumps,
    json_path,
    policy_from_obj,
    policy_to_obj,
)

DOCS: list[dict[str, Any]] = [
    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}},
    {
        "Version": "2012-10-17",
        "Id": "p1",
        "Statement": [
            {
                "Sid": "A1",
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:AssumeRole"],
                "NotResource": "arn:aws:s3:::b/*",
                "Condition": {
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["t1", "t2"]},
                    "Bool": {"aws:SecureTransport": False},
                    "NumericLessThan": {"s3:max-keys": 10},
                    "StringEquals": {"aws:PrincipalTag/cost center": "a b  c"},
                },
            }
        ],
    },
    {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": ["arn:aws:iam::111122223333:root"],
                    "Service": "x.amazonaws.com",
                },
                "Action": "sqs:SendMessage",
                "Resource": ["arn:aws:sqs:eu-west-1:111122223333:q"],
            },
            {"Effect": "Deny", "NotPrincipal": "*", "Action": "*", "Resource": "*"},
        ]
    },
]


@pytest.mark.parametrize("doc", DOCS)
def test_round_trip_is_lossless(doc: dict[str, Any]) -> None:
    policy = policy_from_obj(doc)
    assert policy_to_obj(policy) == doc
    assert policy_from_obj(json.loads(dumps(policy))) == policy
    assert policy_from_obj(json.loads(dumps(policy, minify=True))) == policy


def test_normalises_strings_to_tuples() -> None:
    s = policy_from_obj(DOCS[0]).statements[0]
    assert s.action == ("s3:*",)
    assert s.resource == ("*",)
    assert s.not_action is None
    assert "Action" in s.scalar_fields


def test_condition_properties() -> None:
    s = policy_from_obj(DOCS[1]).statements[0]
    first = s.conditions[0]
    assert first == Condition(
        "ForAllValues:StringLike", "dynamodb:LeadingKeys", ("t1", "t2"), scalar=False
    )
    assert first.set_operator == "ForAllValues"
    assert first.base_operator == "StringLike"
    assert not first.if_exists
    ie = Condition("StringLikeIfExists", "s3:prefix", ("a",))
    assert ie.if_exists
    assert ie.base_operator == "StringLike"
    assert ie.set_operator is None
    assert Condition("Null", "k:x", (True,)).base_operator == "Null"


def test_principal_forms() -> None:
    p = policy_from_obj(DOCS[2])
    assert p.statements[0].principal is not None
    assert p.statements[0].principal.values("Service") == ("x.amazonaws.com",)
    assert p.statements[0].principal.values("Federated") == ()
    assert p.statements[1].not_principal is not None
    assert p.statements[1].not_principal.wildcard


def test_minify_keeps_whitespace_inside_strings() -> None:
    text = dumps(policy_from_obj(DOCS[1]), minify=True)
    assert "a b  c" in text
    assert "cost center" in text
    assert ": " not in text.replace("a b  c", "")


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ([], "$"),
        ({"Statement": 3}, "$.Statement"),
        (
            {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]},
            "$.Statement[0].Effect",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": 3, "Resource": "*"}]},
            "$.Statement[0].Action",
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"a:b": {}}},
                    }
                ]
            },
            '$.Statement[0].Condition.StringEquals["a:b"]',
        ),
    ],
)
def test_structural_errors_name_the_path(doc: Any, path: str) -> None:
    with pytest.raises(PolicyParseError) as info:
        policy_from_obj(doc)
    assert info.value.issues[0].path == path


def test_json_path_quotes_odd_keys() -> None:
    assert json_path(["Statement", 1, "Condition", "StringEquals", "aws:x"]) == (
        '$.Statement[1].Condition.StringEquals["aws:x"]'
    )
