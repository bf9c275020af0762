"""Round 9: the queue policy SAM writes for an SNS event's ``SqsSubscription``.

Template (SAM)::

    Worker:
      Type: AWS::Serverless::Function
      Properties:
        ...
        Events:
          FromTopic:
            Type: SNS
            Properties:
              Topic: !Ref Topic
              SqsSubscription:
                QueueArn: arn:aws:sqs:eu-west-1:111122223333:saas-jobs-acme
                QueueUrl: https://sqs.eu-west-1.amazonaws.com/111122223333/saas-jobs-acme

Deployed effect: SAM subscribes the queue to the topic and writes an
``AWS::SQS::QueuePolicy`` on it (aws-sam-translator, SNS event source "SNS -> SQS
(existing) -> Lambda"): ``Principal: "*"`` may ``sqs:SendMessage`` to the queue when
``aws:SourceArn`` is the topic. Whoever may publish to the topic writes into acme's
jobs queue, and the policy replaces the queue's own (one policy per queue).

Why the lint must not pass it: the event holds no policy document, so the reader
skipped it; the queue policy SAM deploys was neither linted nor in the drift check or
the deployed proof (every tier proved, 0 errors). Now it is read as SAM writes it: a
resource policy on the queue, at the event's line.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.iac import read_template

from .test_deployment import _template

pytest.importorskip("samtranslator")

QUEUE = "saas-jobs-acme"


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _write(tmp_path: Path, queue: str, *, role: bool = False) -> Path:
    template = _template("basic")
    template["Transform"] = "AWS::Serverless-2016-10-31"
    resources = template["Resources"]
    resources["Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "orders"}}
    subscription = {
        "QueueArn": f"arn:aws:sqs:eu-west-1:111122223333:{queue}",
        "QueueUrl": f"https://sqs.eu-west-1.amazonaws.com/111122223333/{queue}",
    }
    props: dict[str, Any] = {
        "Runtime": "python3.12",
        "Handler": "app.handler",
        "InlineCode": "def handler(event, context): pass",
        "Events": {
            "FromTopic": {
                "Type": "SNS",
                "Properties": {"Topic": {"Ref": "Topic"}, "SqsSubscription": subscription},
            }
        },
    }
    if role:  # SAM writes the queue policy whatever role the function has
        props["Role"] = "arn:aws:iam::111122223333:role/worker"
    resources["Worker"] = {"Type": "AWS::Serverless::Function", "Properties": props}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize("role", [False, True], ids=["generated-role", "own-role"])
def test_the_queue_policy_sam_writes_on_a_tenant_queue_is_not_passed(
    tmp_path: Path, role: bool
) -> None:
    code, findings = _lint(_write(tmp_path, QUEUE, role=role))
    assert code == 1, findings
    jobs = [f for f in findings if f["rule"] in ("PE124", "PE090", "PE091")
            and "`jobs`" in f["message"] + str(f.get("resource"))]  # fmt: skip
    assert any(f["rule"] == "PE124" for f in jobs), findings


def test_the_generated_queue_policy_is_read_as_sam_writes_it(tmp_path: Path) -> None:
    pseudo = {"AWS::AccountId": "111122223333", "AWS::Region": "eu-west-1"}
    template = read_template(_write(tmp_path, QUEUE), pseudo)
    found = [p for p in template.policies if p.kind == "resource"]
    assert len(found) == 1, found
    (policy,) = found
    assert policy.targets == (f"arn:aws:sqs:eu-west-1:111122223333:{QUEUE}",)
    (statement,) = policy.document["Statement"]
    assert statement["Principal"] == "*"
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:orders"}
    }


def test_twin_subscription_of_another_queue_stays_clean(tmp_path: Path) -> None:
    """A queue of the app (not of the model): its SAM queue policy is linted, no error."""
    code, findings = _lint(_write(tmp_path, "app-work"))
    bad = [f for f in findings if f["severity"] == "error"]
    assert code == 0, bad
