"""Round 9: a tenant's queue whose messages SQS moves to another queue (redrive).

Template (CloudFormation)::

    AcmeJobs:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: saas-jobs-acme
        RedrivePolicy:
          deadLetterTargetArn: arn:aws:sqs:eu-west-1:111122223333:saas-jobs-globex
          maxReceiveCount: 1

(in plans: ``aws_sqs_queue``'s ``redrive_policy``, or an ``aws_sqs_queue_redrive_policy``).

Deployed effect: SQS moves a message that was received ``maxReceiveCount`` times and
not deleted from the source queue to the dead-letter queue (SQS Developer Guide,
"Using dead-letter queues"; CloudFormation template reference, "AWS::SQS::Queue
RedrivePolicy"). Here acme's jobs land in globex's queue, which globex's session
reads; a dead-letter queue named ``saas-jobs-acme-dlq`` is the queue of the tenant
``acme-dlq`` in this model. Anywhere else, acme's jobs leave the model.

Why the lint must not pass it: ``RedrivePolicy`` holds no policy document, so the
reader skipped it and ``lint --catalog`` said every tier proved, 0 errors. Now it is
a copy of the queue's data (PE115; PE091 on a model queue), as S3 replication is.
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

REDRIVE = {
    "deadLetterTargetArn": "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-globex",
    "maxReceiveCount": 1,
}


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _jobs_errors(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == "PE091" and "`jobs`" in f["message"]]


def test_a_redrive_out_of_a_tenant_queue_is_not_passed(tmp_path: Path) -> None:
    template = _template("basic")
    template["Resources"]["AcmeJobs"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": "saas-jobs-acme", "RedrivePolicy": REDRIVE},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert _jobs_errors(findings), findings


def _plan(kind: str, after: dict[str, Any], unknown: dict[str, Any] | None = None) -> Any:
    change = {"actions": ["create"], "after": after, "after_unknown": unknown or {}}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x",
             "change": change}
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "after", "unknown"),
    [
        ("aws_sqs_queue", {"name": "saas-jobs-acme", "redrive_policy": json.dumps(REDRIVE)}, {}),
        ("aws_sqs_queue", {"name": "saas-jobs-acme"}, {"redrive_policy": True}),
        ("aws_sqs_queue_redrive_policy",
         {"queue_url": "https://sqs.eu-west-1.amazonaws.com/111122223333/saas-jobs-acme",
          "redrive_policy": json.dumps(REDRIVE)}, {}),
    ],
    ids=["queue", "queue-after-apply", "redrive-resource"],
)  # fmt: skip
def test_a_terraform_redrive_out_of_a_tenant_queue_is_not_passed(
    tmp_path: Path, kind: str, after: dict[str, Any], unknown: dict[str, Any]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(kind, after, unknown)), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert _jobs_errors(findings), findings


def test_twin_redrive_of_another_queue_is_only_said(tmp_path: Path) -> None:
    """The app's own work queue with a dead-letter queue: PE115 (not read), no error;
    a tenant queue without redrive: clean."""
    template = _template("basic")
    template["Resources"]["Work"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": "app-work", "RedrivePolicy": REDRIVE},
    }
    template["Resources"]["AcmeJobs"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": "saas-jobs-acme", "VisibilityTimeout": 60},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]
