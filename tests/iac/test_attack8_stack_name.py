"""Round 8: names built from ``AWS::StackName``, which the lint read as a stand-in.

Template (CloudFormation)::

    Docs:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Sub "${AWS::StackName}-documents-${AWS::AccountId}"
    DocsPolicy:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: !Ref Docs
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: "*"
              Action: s3:GetObject
              Resource: !Sub "arn:aws:s3:::${Docs}/*"
              Condition: {StringEquals: {aws:PrincipalAccount: "111122223333"}}

Deployed effect: the stack's name is chosen at each deploy (``--stack-name saas``), so
this bucket is ``saas-documents-111122223333``, the model's pooled documents bucket,
and its policy grants every principal of the account, every tenant's session included
(a ``*`` grant is not limited by session policies), every tenant's documents. Likewise
``RoleName: !Sub "${AWS::StackName}-basic"`` is the basic tier's role when the stack
is called ``saas-tenant``.

Why the lint must not pass it: ``AWS::StackName`` resolved to the fixed stand-in
``stack-name``, so the bucket was ``stack-name-documents-...``, no model resource: no
drift, no deployed proof, 0 errors. The stand-ins keep "this account" equal to itself;
a stack name is no such identity. Now it is opaque unless given: the bucket may be
the model's (drift and the proof run on it, and fail), and a role it names may be a
tier's (PE122 warning: not checked, give --parameter AWS::StackName=...).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template


def _lint(path: Path, *parameters: str) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    for parameter in parameters:
        argv += ["--parameter", parameter]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _bucket_with_policy(name: Any) -> dict[str, Any]:
    template = _template("basic")
    template["Resources"]["Docs"] = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": name}}
    template["Resources"]["DocsPolicy"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": "Docs"},
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": {"Fn::Sub": "arn:aws:s3:::${Docs}/*"},
                        "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
                    }
                ],
            },
        },
    }
    return template


def test_a_bucket_named_from_the_stack_name_may_be_the_pooled_bucket(tmp_path: Path) -> None:
    template = _bucket_with_policy({"Fn::Sub": "${AWS::StackName}-documents-${AWS::AccountId}"})
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    errors = {f["rule"] for f in findings if f["severity"] == "error"}
    assert "PE124" in errors, findings
    assert errors & {"PE090", "PE091"}, findings


def test_a_role_named_from_the_stack_name_may_be_a_tier_role(tmp_path: Path) -> None:
    template = _template("basic")
    role = template["Resources"].pop("TierRole")
    role["Properties"]["RoleName"] = {"Fn::Sub": "${AWS::StackName}-standard"}
    role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] = {
        "AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}
    }
    template["Resources"]["AppRole"] = role
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    _, findings = _lint(path)
    maybe = [f for f in findings if f["rule"] == "PE122" and f["severity"] == "warning"]
    assert maybe, findings
    assert maybe[0]["tier"] == "standard"
    assert "<AWS::StackName>-standard" in maybe[0]["message"]


def test_twin_stack_name_given_or_elsewhere_stays_clean(tmp_path: Path) -> None:
    """Given with --parameter, the name is known (here no model bucket); a log bucket
    named from the stack name with an ordinary policy is no model resource either."""
    path = tmp_path / "t.json"
    template = _bucket_with_policy({"Fn::Sub": "${AWS::StackName}-documents-${AWS::AccountId}"})
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path, "AWS::StackName=billing")
    assert code == 0, [f for f in findings if f["severity"] == "error"]
    template = _bucket_with_policy({"Fn::Sub": "${AWS::StackName}-logs"})
    statement = template["Resources"]["DocsPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    statement["Principal"] = {"Service": "logging.s3.amazonaws.com"}
    statement["Action"] = "s3:PutObject"
    statement["Condition"] = {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, [f for f in findings if f["severity"] == "error"]
    assert [f for f in findings if f["severity"] == "warning"] == [], findings
