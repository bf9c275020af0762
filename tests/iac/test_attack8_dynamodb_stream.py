"""Round 8: a DynamoDB stream's resource policy on the pooled orders table.

Template (CloudFormation)::

    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: saas-orders                      # the model's pooled table
        StreamSpecification:
          StreamViewType: NEW_AND_OLD_IMAGES
          ResourcePolicy:
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: "*"
                  Action: [dynamodb:GetRecords, dynamodb:GetShardIterator, ...]
                  Resource: "*"
                  Condition: {StringEquals: {aws:PrincipalAccount: "111122223333"}}

(the same from a global table replica's ``ReplicaStreamSpecification`` and from a
Terraform ``aws_dynamodb_resource_policy`` whose ``resource_arn`` is the stream's).

Deployed effect: the stream carries every item written to the table, every tenant's
(CloudFormation template reference, "AWS::DynamoDB::Table StreamSpecification":
``ResourcePolicy`` "contains the permissions for DynamoDB resources, such as a table's
streams"). ``*`` narrowed by ``aws:PrincipalAccount`` is not public, so DynamoDB's
block public access accepts it (DynamoDB developer guide, "Blocking public access with
resource-based policies"), and a ``*`` grant is not limited by session policies: every
tenant's session reads every tenant's orders from the stream.

Why the lint must not pass it: the reader read only the table's ``ResourcePolicy``
(and, for types with a reader, never looked for policies elsewhere), and the stream's
ARN (``table/saas-orders/stream/...``) is not the model table's, so neither drift nor
the deployed proof saw it: `lint --catalog` said 0 errors. Now a stream policy that
allows anything on a model table is PE091 (its requests reach the table's data by
another ARN, as an access point's do), and any policy document a reader does not read
in a type it reads is PE114, never passed over in silence.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.iac import read_template

from .test_deployment import _template

STREAM_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": [
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:DescribeStream",
            ],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
        }
    ],
}


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _table(stream: dict[str, Any] | None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "TableName": "saas-orders",
        "AttributeDefinitions": [{"AttributeName": "tenant", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "tenant", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream is not None:
        props["StreamSpecification"] = stream
    return {"Type": "AWS::DynamoDB::Table", "Properties": props}


def _global_table(stream_policy: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::GlobalTable",
        "Properties": {
            "TableName": "saas-orders",
            "AttributeDefinitions": [{"AttributeName": "tenant", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "tenant", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "Replicas": [
                {
                    "Region": "eu-west-1",
                    "ReplicaStreamSpecification": {
                        "ResourcePolicy": {"PolicyDocument": stream_policy}
                    },
                }
            ],
        },
    }


def _with(resource: dict[str, Any]) -> dict[str, Any]:
    template = _template("basic")
    template["Resources"]["Orders"] = resource
    return template


@pytest.mark.parametrize(
    "resource",
    [
        _table(
            {
                "StreamViewType": "NEW_AND_OLD_IMAGES",
                "ResourcePolicy": {"PolicyDocument": copy.deepcopy(STREAM_READ)},
            }
        ),
        _global_table(copy.deepcopy(STREAM_READ)),
    ],
    ids=["table", "global-table-replica"],
)
def test_a_stream_policy_on_the_pooled_table_is_not_passed(
    tmp_path: Path, resource: dict[str, Any]
) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_with(resource), indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    unknown = [f for f in findings if f["rule"] == "PE091" and f["severity"] == "error"]
    assert unknown, findings
    assert any("`orders`" in f["message"] and "DynamoDB stream" in f["message"] for f in unknown)


def test_terraform_stream_policy_on_the_pooled_table_is_not_passed(tmp_path: Path) -> None:
    arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders/stream/2024-02-12T18:57:26.492"
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_dynamodb_resource_policy.stream",
                "mode": "managed",
                "type": "aws_dynamodb_resource_policy",
                "name": "stream",
                "change": {
                    "actions": ["create"],
                    "after": {"resource_arn": arn, "policy": json.dumps(STREAM_READ)},
                    "after_unknown": {},
                },
            }
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and "`orders`" in f["message"] for f in findings), findings


def test_a_policy_elsewhere_in_a_read_type_is_reported(tmp_path: Path) -> None:
    """A SAM function's Api event with ``Auth.ResourcePolicy``: the function type has a
    reader, which reads its ``Policies``; the event's policy is not read, so PE114."""
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "CodeUri": "src/",
                    "Events": {
                        "Get": {
                            "Type": "Api",
                            "Properties": {
                                "Path": "/x",
                                "Method": "GET",
                                "Auth": {"ResourcePolicy": {"IpRangeWhitelist": ["10.0.0.0/8"]}},
                            },
                        }
                    },
                },
            }
        },
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    problems = read_template(path).problems
    assert [p.rule for p in problems] == ["PE114"], problems
    assert "Events.Get.Properties.Auth.ResourcePolicy" in problems[0].message


def test_twin_a_stream_without_a_policy_stays_clean(tmp_path: Path) -> None:
    """The ordinary template: the pooled table with a stream (for a function that reads
    it with its own role) and no stream policy: clean, and the table's own ResourcePolicy
    is still read as before."""
    resource = _table({"StreamViewType": "NEW_AND_OLD_IMAGES"})
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_with(resource), indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
    assert [p.name for p in read_template(path).policies if p.kind == "resource"] == []
