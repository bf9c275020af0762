"""Policies in resources the readers do not read are reported (PE114), never passed
over in silence; S3 access point policies are read, linted, and a model bucket they
open makes the deployed isolation unknown (PE091)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.iac import read_template, read_template_text, shown
from policy_engine.lint._iac import lint_template

BUCKET = "saas-documents-111122223333"  # the bundled catalogue's pooled documents bucket

UNREAD = """Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AccessPolicies:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {AWS: "*"}, Action: "es:*", Resource: "*"}
  Logs:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: !Sub '{"Version":"2012-10-17","Statement":[]}'
  Joined:
    Type: AWS::Some::FutureType
    Properties:
      Nested:
        - Config:
            Doc: !Join ["", ['{"Statement": [', '{"Effect": "Allow"}', "]}"]]
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        ResourcePolicy:
          CustomStatements: [{Effect: Allow, Principal: "*", Action: "execute-api:Invoke"}]
  Plain:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: no-policy-here
      DisplayName: a Statement word in prose is no policy
"""


def _unread(text: str, name: str = "t.yaml") -> dict[str, tuple[str, int | None]]:
    template = read_template_text(text, name)
    return {
        p.owner or "": (p.message, p.line)
        for p in template.problems
        if p.rule == "PE114" and p.severity == "warning"
    }


def test_every_policy_document_of_an_unread_resource_is_reported_where_it_is() -> None:
    found = _unread("Transform: AWS::Serverless-2016-10-31\n" + UNREAD)
    assert set(found) == {"Search", "Logs", "Joined", "Api"}
    message, line = found["Search"]
    assert "`Properties.AccessPolicies`" in message
    assert "AWS::OpenSearchService::Domain" in message
    assert line == 6  # the AccessPolicies key (after the Transform line)
    assert "`Properties.Nested[0].Config.Doc`" in found["Joined"][0]
    assert "`Properties.Auth.ResourcePolicy`" in found["Api"][0]
    assert "`Properties.PolicyDocument`" in found["Logs"][0]


def test_an_unread_policy_of_a_resource_not_deployed_is_not_reported() -> None:
    text = UNREAD.replace(
        "  Search:\n    Type: AWS::OpenSearchService::Domain\n",
        "  Search:\n    Type: AWS::OpenSearchService::Domain\n    Condition: Never\n",
    )
    text += "Conditions:\n  Never: !Equals [a, b]\n"
    assert "Search" not in _unread(text)
    assert "Logs" in _unread(text)


def _access_point(policy: dict[str, Any], bucket: str = BUCKET) -> str:
    return json.dumps(
        {
            "Resources": {
                "Docs": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}},
                "DocsPoint": {
                    "Type": "AWS::S3::AccessPoint",
                    "Properties": {"Bucket": {"Ref": "Docs"}, "Name": "docs", "Policy": policy},
                },
            }
        },
        indent=2,
    )


def _policy(effect: str, principal: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": effect,
                "Principal": principal,
                "Action": "s3:GetObject",
                "Resource": {
                    "Fn::Sub": "arn:${AWS::Partition}:s3:${AWS::Region}:${AWS::AccountId}"
                    ":accesspoint/docs/object/*"
                },
            }
        ],
    }


def test_an_access_point_policy_is_read_with_its_access_point_and_bucket() -> None:
    template = read_template_text(_access_point(_policy("Allow", "*")), "t.json")
    (policy,) = template.policies
    assert policy.kind == "resource"
    assert policy.owner == "DocsPoint"
    assert policy.targets == (
        "arn:aws:s3:stack-region:000000000000:accesspoint/docs",
        "arn:aws:s3:stack-region:000000000000:accesspoint/docs/object/*",
    )
    assert policy.through == (f"arn:aws:s3:::{BUCKET}",)
    rules = {f.rule for f in lint_template(template)}
    assert "PE130" in rules  # principal * with no narrowing condition, as on a bucket
    assert "PE114" not in rules


def _lint_deployed(path: Path) -> list[dict[str, Any]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    run(argv, out, io.StringIO())
    findings: list[dict[str, Any]] = json.loads(out.getvalue())["findings"]
    return findings


@pytest.mark.parametrize(
    ("bucket", "effect", "unknown"),
    [
        (BUCKET, "Allow", True),  # the model's pooled bucket, opened through the point
        (BUCKET, "Deny", False),  # a policy that only takes away opens nothing
        ("another-bucket", "Allow", False),  # a bucket outside the model
    ],
)
def test_an_access_point_that_opens_a_model_bucket_makes_isolation_unknown(
    tmp_path: Path, bucket: str, effect: str, unknown: bool
) -> None:
    principal = {"AWS": "arn:aws:iam::111122223333:role/saas-tenant-basic"}
    path = tmp_path / "t.json"
    path.write_text(_access_point(_policy(effect, principal), bucket), encoding="utf-8")
    found = [f for f in _lint_deployed(path) if f["rule"] == "PE091"]
    if not unknown:
        assert found == []
        return
    assert found, "an access point policy on the pooled bucket must not pass"
    assert all(f["severity"] == "error" for f in found)
    assert any("`documents`" in f["message"] and "DocsPoint" in f["message"] for f in found)


def _plan(resource_type: str, after: dict[str, Any]) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f"{resource_type}.x",
                "mode": "managed",
                "type": resource_type,
                "name": "x",
                "change": {"actions": ["create"], "after": after, "after_unknown": {}},
            }
        ],
    }


def test_terraform_access_point_policy_is_read_and_unread_types_are_reported(
    tmp_path: Path,
) -> None:
    doc = json.dumps(_policy("Allow", "*") | {"Statement": [{"Effect": "Allow"}]})
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(_plan("aws_s3_access_point", {"name": "docs", "bucket": BUCKET, "policy": doc})),
        encoding="utf-8",
    )
    (policy,) = read_template(path).policies
    # the plan does not spell the partition: the deployment's (the catalogue's)
    assert [shown(t) for t in policy.through] == [f"arn:<partition>:s3:::{BUCKET}"]
    assert policy.targets[0].endswith(":accesspoint/docs")
    path.write_text(
        json.dumps(_plan("aws_efs_file_system_policy", {"policy": doc, "file_system_id": "fs"})),
        encoding="utf-8",
    )
    template = read_template(path)
    assert template.policies == []
    (problem,) = template.problems
    assert problem.rule == "PE114"
    assert "`policy`" in problem.message
    assert problem.owner == "aws_efs_file_system_policy.x"
