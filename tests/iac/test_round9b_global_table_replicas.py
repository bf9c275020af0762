"""Round 9b: a DynamoDB global table's replicas copy the pooled table.

``AWS::DynamoDB::GlobalTable`` with ``TableName: saas-orders`` (the catalogue's pooled
orders table) and a replica in another region, or a replica with a
``KinesisStreamSpecification``: DynamoDB writes every item to every replica and
streams a replica's item changes to the stream (CloudFormation template reference,
"AWS::DynamoDB::GlobalTable"). The replica in ``us-east-1`` is a table outside the
model's ARN, governed by no policy of the model; the stream is read by whoever may read
it. ``AWS::DynamoDB::Table``'s ``KinesisStreamSpecification`` was a copy (round 8);
the global table's were read as nothing (exit 0). Terraform: ``aws_dynamodb_table``
``replica`` blocks and ``aws_dynamodb_table_replica``. Now each is a copy: PE115, and
PE091 on the model table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .test_attack8_data_copies import _lint
from .test_deployment import _template

STREAM = {"StreamArn": "arn:aws:kinesis:eu-west-1:111122223333:stream/changes"}


def _global_table(name: str, replicas: Any) -> dict[str, Any]:
    template = _template("basic")
    template["Resources"]["Orders"] = {
        "Type": "AWS::DynamoDB::GlobalTable",
        "Properties": {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "Replicas": replicas,
        },
    }
    return template


def _write(tmp_path: Path, document: dict[str, Any], name: str = "t.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "replicas",
    [
        [{"Region": "eu-west-1"}, {"Region": "us-east-1"}],  # another region
        [{"Region": "eu-west-1", "KinesisStreamSpecification": STREAM}],
        [{"Region": {"Ref": "ReplicaRegion"}}],  # a region not known: may be another
    ],
    ids=["other-region", "kinesis", "unknown-region"],
)
def test_a_global_table_replica_copies_the_pooled_table(tmp_path: Path, replicas: Any) -> None:
    template = _global_table("saas-orders", replicas)
    template["Parameters"] = {"ReplicaRegion": {"Type": "String"}}
    code, findings = _lint(_write(tmp_path, template))
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and "`orders`" in f["message"] for f in findings), findings


def test_twin_one_replica_in_the_stacks_region_is_clean(tmp_path: Path) -> None:
    code, findings = _lint(
        _write(tmp_path, _global_table("saas-orders", [{"Region": "eu-west-1"}]))
    )
    assert code == 0, findings
    assert not [f for f in findings if f["rule"] in ("PE091", "PE115")], findings


def test_twin_another_tables_replica_is_only_said(tmp_path: Path) -> None:
    template = _global_table("app-sessions", [{"Region": "eu-west-1"}, {"Region": "us-east-1"}])
    code, findings = _lint(_write(tmp_path, template))
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]


def _plan(kind: str, after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"module.data[0].{kind}.x", "mode": "managed", "type": kind,
             "name": "x", "change": change}
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "after", "unknown", "copied"),
    [
        ("aws_dynamodb_table", {"name": "saas-orders", "replica": [{"region_name": "us-east-1"}]},
         {}, True),
        ("aws_dynamodb_table", {"name": "saas-orders"}, {"replica": True}, True),
        ("aws_dynamodb_table_replica",
         {"global_table_arn": "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders"},
         {}, True),
        ("aws_dynamodb_table", {"name": "saas-orders", "replica": []}, {}, False),
    ],
)  # fmt: skip
def test_terraform_replicas(
    tmp_path: Path, kind: str, after: dict[str, Any], unknown: dict[str, Any], copied: bool
) -> None:
    code, findings = _lint(_write(tmp_path, _plan(kind, after, unknown), "plan.json"))
    hit = any(f["rule"] == "PE091" and "`orders`" in f["message"] for f in findings)
    assert hit is copied, findings
    assert code == (1 if copied else 0), findings
