"""Round 8: a queue policy naming a pooled tenant queue by another URL form.

Template (CloudFormation)::

    JobsPolicy:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: ["https://eu-west-1.queue.amazonaws.com/111122223333/saas-jobs-acme"]
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: "*"
              Action: [sqs:ReceiveMessage, sqs:SendMessage]
              Resource: "*"
              Condition: {StringEquals: {aws:PrincipalAccount: "111122223333"}}

(the same with a VPC endpoint URL ``https://vpce-....sqs.eu-west-1.vpce.amazonaws.com/...``,
and a Terraform ``aws_sqs_queue_policy`` with such a ``queue_url``).

Deployed effect: ``REGION.queue.amazonaws.com`` is SQS's legacy endpoint form, the one
botocore's GetQueueUrl returns (Amazon Web Services General Reference, "Amazon Simple
Queue Service endpoints and quotas"; boto/botocore#1418); the URL names queue
``saas-jobs-acme`` of account 111122223333, tenant acme's pooled jobs queue, and the
policy lets every principal of the account, every other tenant's session included (a
``*`` grant is not limited by session policies), read and write acme's jobs.

Why the lint must not pass it: the reader took the region from the host's second label
(``queue``, ``sqs``), so the queue was ``arn:aws:sqs:queue:...``, no model queue: no
drift, no proof, 0 errors. Now the region is read only from host forms known to name it
(and is any region otherwise), so the policy is on the model's queue and checked.
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

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["sqs:ReceiveMessage", "sqs:SendMessage"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
        }
    ],
}
URLS = [
    "https://eu-west-1.queue.amazonaws.com/111122223333/saas-jobs-acme",
    "https://vpce-0a1b2c-3d4e5f.sqs.eu-west-1.vpce.amazonaws.com/111122223333/saas-jobs-acme",
    "https://queue.amazonaws.com/111122223333/saas-jobs-acme",
]


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _cfn(tmp_path: Path, url: str, policy: dict[str, Any]) -> Path:
    template = _template("basic")
    template["Resources"]["JobsPolicy"] = {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {"Queues": [url], "PolicyDocument": policy},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


def _tf(tmp_path: Path, url: str, policy: dict[str, Any]) -> Path:
    after = {"queue_url": url, "policy": json.dumps(policy)}
    change = {"actions": ["create"], "after": after, "after_unknown": {}}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_sqs_queue_policy.jobs", "mode": "managed",
             "type": "aws_sqs_queue_policy", "name": "jobs", "change": change}
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("write", [_cfn, _tf], ids=["cloudformation", "terraform"])
def test_a_queue_policy_by_another_url_form_is_checked(
    tmp_path: Path, url: str, write: Any
) -> None:
    code, findings = _lint(write(tmp_path, url, POLICY))
    assert code == 1, findings
    drift = [f for f in findings if f["rule"] == "PE124"]
    assert drift, findings
    assert "`jobs`" in drift[0]["message"]


@pytest.mark.parametrize("write", [_cfn, _tf], ids=["cloudformation", "terraform"])
def test_twin_a_queue_policy_on_a_queue_outside_the_model_stays_clean(
    tmp_path: Path, write: Any
) -> None:
    """An ordinary queue policy (SNS may send to the app's own queue) on a queue that
    is no model queue, by the standard and the legacy URL forms: clean."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": "*",
                "Condition": {
                    "ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:t"}
                },
            }
        ],
    }
    for url in ("https://sqs.eu-west-1.amazonaws.com/111122223333/app-events",
                "https://eu-west-1.queue.amazonaws.com/111122223333/app-events"):  # fmt: skip
        code, findings = _lint(write(tmp_path, url, policy))
        assert code == 0, findings
        assert [f for f in findings if f["severity"] != "info"] == []
