from __future__ import annotations

from typing import Any

import pytest

from policy_engine.errors import PolicyParseError
from policy_engine.parse import parse_policy
from policy_engine.schema import is_valid_policy, iter_schema_errors, validate_policy


def stmt(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def doc(*statements: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements), **top}


VALID = [
    ("identity", doc(stmt())),
    ("identity", {"Statement": stmt()}),
    ("identity", doc(stmt(Action=None, NotAction=["iam:*"], Resource=None, NotResource="*"))),
    (
        "identity",
        doc(
            stmt(
                Condition={
                    "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]},
                    "NumericGreaterThanEquals": {"s3:max-keys": "10"},
                    "DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
                    "DateGreaterThan": {"aws:EpochTime": 1700000000},
                    "Bool": {"aws:SecureTransport": "true"},
                    "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                    "BinaryEquals": {"x:y": "QmluYXJ5"},
                    "ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"},
                    "Null": {"aws:PrincipalTag/TenantId": "false"},
                }
            )
        ),
    ),
    ("resource", doc(stmt(Principal={"AWS": "arn:aws:iam::111122223333:root"}))),
    ("resource", doc(stmt(Effect="Deny", Principal=None, NotPrincipal={"AWS": "*"}))),
    (
        "trust",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
    ),
]


@pytest.mark.parametrize(("kind", "document"), VALID)
def test_valid_policies(kind: Any, document: dict[str, Any]) -> None:
    assert list(iter_schema_errors(document, kind=kind)) == []
    assert is_valid_policy(document, kind=kind)
    validate_policy(document, kind=kind)
    parse_policy(document, kind=kind)


INVALID = [
    ("identity", doc(stmt(Effect="Permit")), "$.Statement[0].Effect", "`Allow` or `Deny`"),
    ("identity", doc(stmt(Sid="has-dash")), "$.Statement[0].Sid", "letters and digits"),
    (
        "identity",
        doc(stmt(Action=None)),
        "$.Statement[0]",
        "exactly one of `Action` or `NotAction`",
    ),
    (
        "identity",
        doc(stmt(NotAction="s3:*")),
        "$.Statement[0]",
        "exactly one of `Action` or `NotAction`",
    ),
    ("identity", doc(stmt(NotResource="*")), "$.Statement[0]", "both `Resource` and `NotResource`"),
    ("identity", doc(stmt(Resource=None)), "$.Statement[0]", "one of `Resource` or `NotResource`"),
    ("identity", doc(stmt(Principal="*")), "$.Statement[0]", "may not hold `Principal`"),
    ("resource", doc(stmt()), "$.Statement[0]", "needs `Principal` or `NotPrincipal`"),
    ("any", doc(stmt(NotPrincipal="*")), "$.Statement[0].Effect", "only with"),
    ("any", doc(stmt(Principal={"Humans": "x"})), "$.Statement[0].Principal.Humans", "principal"),
    ("trust", doc(stmt(Principal="*")), "$.Statement[0]", "may not hold `Resource`"),
    ("any", doc(stmt(Action="s3 GetObject")), "$.Statement[0].Action", "`service:Name`"),
    ("any", doc(stmt(Resource="bucket/*")), "$.Statement[0].Resource", "ARN"),
    ("any", doc(stmt(Extra=1)), "$.Statement[0]", "may hold only"),
    ("any", doc(stmt(), Version="2020-01-01"), "$.Version", "2012-10-17"),
    ("any", {"Version": "2012-10-17"}, "$", "needs `Statement`"),
    ("any", {"Statement": [], "Version": "2012-10-17"}, "$.Statement", "non-empty"),
    ("any", {"Statement": stmt(), "Foo": 1}, "$.Foo", "only `Version`, `Id` and `Statement`"),
    (
        "any",
        doc(stmt(Condition={"StringEqualz": {"a:b": "c"}})),
        "$.Statement[0].Condition.StringEqualz",
        "unknown condition operator",
    ),
    (
        "any",
        doc(stmt(Condition={"NumericEquals": {"s3:max-keys": "ten"}})),
        '$.Statement[0].Condition.NumericEquals["s3:max-keys"]',
        "numeric",
    ),
    (
        "any",
        doc(stmt(Condition={"DateLessThan": {"aws:CurrentTime": "yesterday"}})),
        '$.Statement[0].Condition.DateLessThan["aws:CurrentTime"]',
        "ISO 8601",
    ),
    (
        "any",
        doc(stmt(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "not-an-ip"]}})),
        '$.Statement[0].Condition.IpAddress["aws:SourceIp"][1]',
        "CIDR",
    ),
    (
        "any",
        doc(stmt(Condition={"Bool": {"aws:SecureTransport": "yes"}})),
        '$.Statement[0].Condition.Bool["aws:SecureTransport"]',
        "`true` or `false`",
    ),
    (
        "any",
        doc(stmt(Condition={"ForAllValues:Null": {"a:b": "true"}})),
        '$.Statement[0].Condition["ForAllValues:Null"]',
        "unknown condition operator",
    ),
    (
        "any",
        doc(stmt(Condition={"StringEquals": {"nokey": "x"}})),
        "$.Statement[0].Condition.StringEquals.nokey",
        "prefix:name",
    ),
]


@pytest.mark.parametrize(("kind", "document", "path", "fragment"), INVALID)
def test_invalid_policies_name_path_and_problem(
    kind: Any, document: Any, path: str, fragment: str
) -> None:
    issues = list(iter_schema_errors(document, kind=kind))
    assert issues, "expected at least one schema issue"
    matching = [i for i in issues if i.path == path]
    assert matching, f"no issue at {path}: {issues}"
    assert any(fragment in i.message for i in matching), matching
    assert not is_valid_policy(document, kind=kind)
    with pytest.raises(PolicyParseError) as info:
        validate_policy(document, kind=kind)
    assert info.value.issues == tuple(issues)
    assert str(info.value).startswith(issues[0].path)


def test_every_problem_is_reported() -> None:
    document = doc(stmt(Effect="Permit"), stmt(Sid="x-y"), stmt(Resource="nope"))
    paths = {i.path for i in iter_schema_errors(document)}
    assert {"$.Statement[0].Effect", "$.Statement[1].Sid", "$.Statement[2].Resource"} <= paths


def test_parse_reports_json_line_and_column() -> None:
    with pytest.raises(PolicyParseError) as info:
        parse_policy('{\n  "Statement": [,]\n}', source="p.json")
    message = str(info.value)
    assert message.startswith("p.json: $: invalid JSON at line 2, column")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown policy kind"):
        list(iter_schema_errors({}, kind="nope"))  # type: ignore[arg-type]
