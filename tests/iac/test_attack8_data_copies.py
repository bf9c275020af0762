"""Round 8: pooled data copied out of the model's resources.

Template (CloudFormation)::

    Docs:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: saas-documents-111122223333
        VersioningConfiguration: {Status: Enabled}
        ReplicationConfiguration:
          Role: arn:aws:iam::111122223333:role/replication
          Rules:
            - Status: Enabled
              Destination: {Bucket: arn:aws:s3:::partner-archive, Account: "444455556666"}

(also an ``InventoryConfigurations`` entry, a DynamoDB table's
``KinesisStreamSpecification``, and Terraform's ``aws_s3_bucket_replication_configuration``,
``aws_s3_bucket_inventory``, ``aws_dynamodb_kinesis_streaming_destination``).

Deployed effect: S3 replicates every new object of every tenant to the destination
bucket, here another account's (CloudFormation template reference, "AWS::S3::Bucket
ReplicationConfiguration"); an inventory lists every tenant's keys into another bucket;
a Kinesis destination streams every item change to a stream. Whoever may read the
destination reads every tenant's data, and no policy of the model governs it.

Why the lint must not pass it: none of these holds a policy document, so the reader
skipped them and `lint --catalog` said 0 errors. Now each is PE115 and, on a model
resource, PE091: where its data goes, the proof does not reach.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template

BUCKET = "saas-documents-111122223333"


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


REPLICATION = {
    "Role": "arn:aws:iam::111122223333:role/replication",
    "Rules": [{"Status": "Enabled",
               "Destination": {"Bucket": "arn:aws:s3:::partner-archive",
                               "Account": "444455556666"}}],
}  # fmt: skip
ARCHIVE = {"BucketArn": "arn:aws:s3:::partner-archive", "Format": "CSV"}
INVENTORY = [{"Id": "all", "Enabled": True, "IncludedObjectVersions": "Current",
              "ScheduleFrequency": "Daily", "Destination": ARCHIVE}]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "props", "model"),
    [
        ("AWS::S3::Bucket", {"BucketName": BUCKET, "ReplicationConfiguration": REPLICATION},
         "documents"),
        ("AWS::S3::Bucket", {"BucketName": BUCKET, "InventoryConfigurations": INVENTORY},
         "documents"),
        ("AWS::DynamoDB::Table",
         {"TableName": "saas-orders", "BillingMode": "PAY_PER_REQUEST",
          "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
          "KinesisStreamSpecification": {
              "StreamArn": "arn:aws:kinesis:eu-west-1:111122223333:stream/changes"}},
         "orders"),
    ],
    ids=["replication", "inventory", "kinesis"],
)  # fmt: skip
def test_a_copy_of_pooled_data_out_of_the_model_is_not_passed(
    tmp_path: Path, kind: str, props: dict[str, Any], model: str
) -> None:
    template = _template("basic")
    template["Resources"]["Data"] = {"Type": kind, "Properties": props}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and f"`{model}`" in f["message"] for f in findings), findings


@pytest.mark.parametrize(
    ("kind", "after", "model"),
    [
        ("aws_s3_bucket_replication_configuration", {"bucket": BUCKET}, "documents"),
        ("aws_s3_bucket_inventory", {"bucket": BUCKET}, "documents"),
        ("aws_dynamodb_kinesis_streaming_destination", {"table_name": "saas-orders"}, "orders"),
    ],
)
def test_a_terraform_copy_of_pooled_data_is_not_passed(
    tmp_path: Path, kind: str, after: dict[str, Any], model: str
) -> None:
    change = {"actions": ["create"], "after": after, "after_unknown": {}}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x",
             "change": change}
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and f"`{model}`" in f["message"] for f in findings), findings


def test_twin_copies_of_other_data_are_only_said(tmp_path: Path) -> None:
    """Replication of the app's own log bucket: PE115 (not read), no error; the pooled
    bucket with versioning alone: clean."""
    template = _template("basic")
    template["Resources"]["Logs"] = {
        "Type": "AWS::S3::Bucket",
        "Properties": {"BucketName": "app-logs-111122223333",
                       "ReplicationConfiguration": REPLICATION},
    }  # fmt: skip
    template["Resources"]["Docs"] = {
        "Type": "AWS::S3::Bucket",
        "Properties": {"BucketName": "app-docs", "VersioningConfiguration": {"Status": "Enabled"}},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]
