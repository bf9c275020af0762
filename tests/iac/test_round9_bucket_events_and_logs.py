"""Round 9: every tenant's object keys sent out of a pooled bucket by its event
notifications and server access logs.

Template (CloudFormation)::

    Docs:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: saas-documents-111122223333
        NotificationConfiguration:
          QueueConfigurations:
            - {Event: "s3:ObjectCreated:*",
               Queue: arn:aws:sqs:eu-west-1:111122223333:saas-jobs-globex}
        LoggingConfiguration: {DestinationBucketName: app-logs}

(and an S3 Metadata configuration, ``MetadataConfiguration`` or the V1
``MetadataTableConfiguration``: a table of every object's key and metadata in a table
bucket; in plans: ``aws_s3_bucket_notification``, ``aws_s3_bucket_logging``, and the
older inline ``logging`` block of ``aws_s3_bucket``).

Deployed effect: S3 sends a message for each event to the queue (or topic, function,
EventBridge) with the object's key (S3 User Guide, "Event message structure"), and
writes a server access log record for each request with its key and requester into
the log bucket ("Logging requests with server access logging"). The keys of every
tenant (``acme/contract-2026.pdf``) land in globex's jobs queue here, or in a bucket
the model does not cover; the catalogue treats keys as tenant data (a listing must be
held to the tenant's prefix).

Why the lint must not pass it: neither holds a policy document, so the reader
skipped both (every tier proved, 0 errors), while inventory configurations, which
copy the same keys, were PE091. Now both are copies of the bucket's keys (PE115;
PE091 on a model bucket).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.isolation import resource_documents

from .test_deployment import _with_bucket_policy

BUCKET = "saas-documents-111122223333"
NOTIFY = {
    "QueueConfigurations": [
        {"Event": "s3:ObjectCreated:*",
         "Queue": "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-globex"}
    ]
}  # fmt: skip
LOGS = {"DestinationBucketName": "app-logs", "LogFilePrefix": "docs/"}


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _write(tmp_path: Path, name: str, props: dict[str, Any]) -> Path:
    policy = resource_documents(load_catalog())["documents"]
    template = _with_bucket_policy("basic", list(policy["Statement"]))
    template["Resources"]["Docs"] = {
        "Type": "AWS::S3::Bucket",
        "Properties": {"BucketName": name, **props},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "props",
    [
        {"NotificationConfiguration": NOTIFY},
        {"LoggingConfiguration": LOGS},
        {"MetadataConfiguration": {"Destination": {"TableBucketType": "aws"}}},
        {
            "MetadataTableConfiguration": {
                "S3TablesDestination": {
                    "TableBucketArn": "arn:aws:s3tables:eu-west-1:111122223333:bucket/meta",
                    "TableName": "docs",
                }
            }
        },
    ],
    ids=["notifications", "access-logs", "metadata", "metadata-v1"],
)
def test_keys_sent_out_of_the_pooled_bucket_are_not_passed(
    tmp_path: Path, props: dict[str, Any]
) -> None:
    code, findings = _lint(_write(tmp_path, BUCKET, props))
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and "`documents`" in f["message"] for f in findings), findings


@pytest.mark.parametrize(
    ("kind", "after"),
    [
        ("aws_s3_bucket_notification", {"bucket": BUCKET, "queue": [{"queue_arn": "x"}]}),
        ("aws_s3_bucket_logging", {"bucket": BUCKET, "target_bucket": "app-logs"}),
        ("aws_s3_bucket", {"bucket": BUCKET, "logging": [{"target_bucket": "app-logs"}]}),
    ],
    ids=["notification", "logging", "inline-logging"],
)
def test_terraform_keys_sent_out_of_the_pooled_bucket_are_not_passed(
    tmp_path: Path, kind: str, after: dict[str, Any]
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
    assert any(f["rule"] == "PE091" and "`documents`" in f["message"] for f in findings), findings


def test_twin_another_bucket_notifies_and_logs(tmp_path: Path) -> None:
    """The app's upload bucket with notifications and logs: PE115 (said), no error."""
    path = _write(tmp_path, "app-uploads", {"NotificationConfiguration": NOTIFY,
                                            "LoggingConfiguration": LOGS})  # fmt: skip
    code, findings = _lint(path)
    assert code == 0, findings
    assert {f["rule"] for f in findings if f["severity"] != "info"} == {"PE115"}
