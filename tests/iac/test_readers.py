"""The readers: line-keeping decoding, CloudFormation tags, intrinsics, opaque parts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.iac import (
    TemplateError,
    detect_format,
    read_template,
    read_template_text,
    widen_policy,
)
from policy_engine.lint._iac import lint_template

CORPUS = Path(__file__).parent / "corpus"
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


# -- SAM Globals ---------------------------------------------------------------------------


def _sam(text: str) -> Any:
    from policy_engine.iac import read_template_text

    return read_template_text(text, "t.yaml")


def test_globals_shape_the_generated_role_as_sam_does() -> None:
    from pathlib import Path

    path = Path(__file__).parent / "corpus" / "sam_globals.yaml"
    t = read_template(path)
    roles = {r.owner: r for r in t.roles}
    assert set(roles) == {"InheritsRole", "OwnTrustRole", "IgnoresAllRole", "IgnoresTrustRole"}
    inherits = roles["InheritsRole"]
    assert inherits.boundary == "arn:aws:iam::000000000000:policy/boundary"
    assert {a for a, _ in inherits.managed} == {
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",  # Tracing: Active, from Globals
    }
    assert inherits.trust is not None
    assert inherits.trust.lines["$.Statement[0]"] == 14
    # a local mapping merges into the global one; the Statement lists concatenate
    own = roles["OwnTrustRole"].trust
    assert own is not None
    principals = [s["Principal"] for s in own.document["Statement"]]
    assert principals == ["*", {"Service": "lambda.amazonaws.com"}]
    assert own.document["Version"] == "2012-10-17"
    assert [own.lines["$.Statement[0]"], own.lines["$.Statement[1]"]] == [14, 33]
    # IgnoreGlobals "*": SAM's own trust for Lambda, no boundary, no X-Ray
    ignores = roles["IgnoresAllRole"]
    assert ignores.boundary is None
    assert len(ignores.managed) == 1
    assert ignores.trust is not None
    assert ignores.trust.document["Statement"][0]["Principal"] == {
        "Service": ["lambda.amazonaws.com"]
    }
    # the dead-letter statement: the function's own SQS one wins over the global SNS one
    dlq = {p.owner: p.document["Statement"][0] for p in t.policies if p.name == "DeadLetterQueue"}
    assert dlq["OwnTrust"]["Action"] == "sqs:SendMessage"
    assert dlq["OwnTrust"]["Resource"] == "arn:aws:sqs:stack-region:000000000000:dlq"
    assert dlq["Inherits"] == {"Action": "sns:Publish", "Resource": "*", "Effect": "Allow"}
    assert "IgnoresAll" not in dlq
    # IgnoreGlobals [AssumeRolePolicyDocument] keeps the other globals
    assert roles["IgnoresTrustRole"].boundary is not None
    assert "IgnoresTrust" in dlq
    owned = [p for p in t.policies if p.owner == "OwnRole"]
    assert owned == []  # Role is set: SAM ignores Policies


def test_globals_sam_refuses_are_an_error_at_their_line() -> None:
    t = _sam(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n"
        "  Function:\n"
        "    Policies: [AWSLambdaBasicExecutionRole]\n"
        "Resources:\n"
        "  F:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Handler: a.b, Runtime: python3.12, CodeUri: .}\n"
    )
    problem = next(p for p in t.problems if p.rule == "PE110")
    assert problem.line == 2
    assert "Policies" in problem.message


def test_ignore_globals_naming_no_global_is_an_error() -> None:
    t = _sam(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n"
        "  Function: {Timeout: 3}\n"
        "Resources:\n"
        "  F:\n"
        "    Type: AWS::Serverless::Function\n"
        "    IgnoreGlobals: [Tracing]\n"
        "    Properties: {Handler: a.b, Runtime: python3.12, CodeUri: .}\n"
    )
    assert any(p.rule == "PE110" and p.owner == "F" and p.line == 6 for p in t.problems)


def test_globals_merge_equals_sam_translator_merge() -> None:
    """Our relined merge is aws-sam-translator's, value for value."""
    import copy

    from samtranslator.plugins.globals.globals import Globals

    from policy_engine.iac._globals import SamGlobals
    from policy_engine.iac._nodes import load_yaml

    text = (
        "Globals:\n"
        "  Function:\n"
        "    Environment: {Variables: {A: '1', B: '2'}}\n"
        "    Layers: [l1]\n"
        "    Architectures: [x86_64]\n"
        "    Tags: {t: '1'}\n"
        "    VpcConfig: {SubnetIds: [s1], SecurityGroupIds: !Ref G}\n"
        "Resources:\n"
        "  F:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Environment: {Variables: {B: '3', C: '4'}}\n"
        "      Layers: [l2]\n"
        "      Architectures: [arm64]\n"
        "      Tags: !Ref T\n"
        "      VpcConfig: {SubnetIds: [s2], SecurityGroupIds: [g]}\n"
    )
    tree = load_yaml(text, "t.yaml")
    resource = tree["Resources"]["F"]
    ours, problem = SamGlobals(tree).merge(
        "AWS::Serverless::Function", "F", resource, resource["Properties"]
    )
    assert problem is None
    plain = json.loads(json.dumps(tree))
    theirs = Globals(copy.deepcopy(plain)).merge(
        "AWS::Serverless::Function", plain["Resources"]["F"]["Properties"], "F"
    )
    assert json.loads(json.dumps(ours)) == theirs
    assert ours.key_lines["Layers"] == 13
    assert ours["Layers"].line == 13


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        (42, "must be a JSON string"),
        ("{nope", "is not JSON: "),
        ("[1]", "must be a JSON object"),
    ],
)
def test_terraform_policy_that_is_no_json_object_is_pe110(
    tmp_path: Path, policy: Any, words: str
) -> None:
    plan = json.loads((CORPUS / "tf_plan.json").read_text(encoding="utf-8"))
    changed = 0

    def spoil(node: Any) -> None:
        nonlocal changed
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "policy" and isinstance(value, str) and value.startswith("{"):
                    node[key] = policy
                    changed += 1
                else:
                    spoil(value)
        elif isinstance(node, list):
            for value in node:
                spoil(value)

    spoil(plan)
    assert changed
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    problems = [p for p in read_template(path).problems if p.rule == "PE110"]
    assert problems
    assert all(p.severity == "error" and words in p.message for p in problems)
    assert all(p.message.startswith("`policy` of `aws_iam_") for p in problems)
    assert all(p.owner is not None and p.owner.startswith("aws_iam_") for p in problems)
