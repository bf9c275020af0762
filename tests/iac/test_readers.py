"""The readers: line-keeping decoding, CloudFormation tags, intrinsics, opaque parts."""

from __future__ import annotations

import pytest

from policy_engine.iac import (
    TemplateError,
    detect_format,
    read_template_text,
    widen_policy,
)
from policy_engine.lint._iac import lint_template

ROLE = """Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: r
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - !If
                - Prod
                - {Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::b/*}
                - !Ref AWS::NoValue
              - Effect: Allow
                Action: s3:ListBucket
                Resource: !Join [":", ["arn:aws:s3::", !Select [1, !Split [",", "x,b"]]]]
Conditions:
  Prod: !Equals [!Ref Stage, prod]
Parameters:
  Stage: {Type: String, Default: dev}
"""


def test_if_with_no_value_drops_the_statement_and_lines_follow_the_kept_ones() -> None:
    t = read_template_text(ROLE, "r.yaml")
    policy = next(p for p in t.policies if p.kind == "identity")
    assert policy.document["Statement"] == [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
    ]
    assert policy.lines["$.Statement[0]"] == 18
    assert policy.lines["$.Statement[0].Resource"] == 20


def test_parameter_decides_the_condition() -> None:
    t = read_template_text(ROLE, "r.yaml", {"Stage": "prod"})
    policy = next(p for p in t.policies if p.kind == "identity")
    assert len(policy.document["Statement"]) == 2
    assert policy.lines["$.Statement[1]"] == 18


def test_json_template_lines_and_duplicate_keys() -> None:
    text = '{\n "Resources": {\n  "P": {\n   "Type": "AWS::IAM::ManagedPolicy",\n' + (
        '   "Properties": {"PolicyDocument": {"Statement": [\n'
        '     {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}}}'
    )
    t = read_template_text(text, "t.json")
    assert t.policies[0].lines["$.Statement[0]"] == 6
    with pytest.raises(TemplateError, match=r"t.json:1: not valid JSON: duplicate key `a`"):
        read_template_text('{"a": 1, "a": 2}', "t.json")


def test_unknown_tag_and_bad_yaml_are_errors_with_lines() -> None:
    with pytest.raises(TemplateError, match=r"x.yaml:2: .*unknown tag `!Nope`"):
        read_template_text("Resources:\n  A: !Nope x\n", "x.yaml")


def test_sub_without_escape_refuses_an_iam_variable() -> None:
    text = ROLE.replace("arn:aws:s3:::b/*", "!Sub 'arn:aws:s3:::b/${aws:username}/*'")
    t = read_template_text(text, "r.yaml", {"Stage": "prod"})
    assert any(p.rule == "PE110" and "aws:username" in p.message for p in t.problems)


def test_opaque_deny_is_dropped_and_allow_widened() -> None:
    doc = {
        "Statement": [
            {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::\ue000p\ue001/*"},
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/\ue000p\ue001/*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/T": "\ue000q\ue001"}},
            },
        ]
    }
    widened = widen_policy(doc)
    assert widened.document["Statement"] == [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*/*"}
    ]
    assert widened.kept == (1,)
    assert widened.lines({"$.Statement[1]": 9, "$.Statement[0]": 4}) == {"$.Statement[0]": 9}


def test_an_opaque_part_never_scopes_a_resource() -> None:
    """Regression: `bucket/<unknown>/*` read as `bucket/*/*` looked scoped to PE080."""
    text = ROLE.replace("arn:aws:s3:::b/*", "!Sub 'arn:aws:s3:::b/${Prefix}/*'").replace(
        "  Stage: {Type: String, Default: dev}",
        "  Stage: {Type: String, Default: prod}\n  Prefix: {Type: String}",
    )
    findings = lint_template(read_template_text(text, "r.yaml"))
    assert ("PE080", 14) in {(f.rule, f.line) for f in findings}  # the `!If` line


def test_detect_format() -> None:
    assert detect_format('{"Version": "2012-10-17", "Statement": []}', "p.json") == "policy"
    assert detect_format('{"format_version": "1.2", "resource_changes": []}', "p.json") == (
        "terraform"
    )
    assert detect_format("Resources: {}\n", "t.txt") == "cloudformation"
