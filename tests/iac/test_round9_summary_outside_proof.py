"""Round 9: the run summary said every tier proved beside a PE091 on the deployment.

Template: the tier roles exactly as the catalogue has them (the tier proof passes),
and beside them one of what the deployed proof does not read: a tenant queue's
redrive to another tenant's queue, an invoke permission that lets anyone invoke the
credential vendor's function, or a policy the reader cannot read (PE110).

Deployed effect: one tenant's data reaches another (the redrive moves acme's jobs to
globex's queue; the invoker names any tenant to the vendor).

Why the lint must not pass it: the lint reported the PE091 (exit 1), yet its summary
(text "every tier proved isolated (3 of 3)", JSON ``every_tier_proved: true``) took
only the tier roles' proof into account; a CI gate on the summary passed. Now a
deployment-level PE090/PE091 (or an unreadable policy) makes each tier it concerns
``unknown`` in the summary.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import VENDOR, _template


def _summary(path: Path) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())


REDRIVE = {
    "Type": "AWS::SQS::Queue",
    "Properties": {
        "QueueName": "saas-jobs-acme",
        "RedrivePolicy": {
            "deadLetterTargetArn": "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-globex",
            "maxReceiveCount": 1,
        },
    },
}
FUNCTION = {
    "Type": "AWS::Lambda::Function",
    "Properties": {"Role": VENDOR, "Runtime": "python3.12", "Handler": "app.handler",
                   "Code": {"ZipFile": "def handler(e, c): pass"}},
}  # fmt: skip
INVOKE = {
    "Type": "AWS::Lambda::Permission",
    "Properties": {"FunctionName": {"Ref": "Orders"}, "Action": "lambda:InvokeFunction",
                   "Principal": "*"},
}  # fmt: skip
UNREADABLE = {
    "Type": "AWS::S3::BucketPolicy",
    "Properties": {"Bucket": "saas-documents-111122223333",
                   "PolicyDocument": '{"Statement": [{"Effect": "Allow", "Effect": "Deny"}]}'},
}  # fmt: skip


@pytest.mark.parametrize(
    "extra",
    [{"Jobs": REDRIVE}, {"Orders": FUNCTION, "Invoke": INVOKE}, {"Docs": UNREADABLE}],
    ids=["redrive", "vendor-invoke", "unreadable"],
)
def test_the_summary_is_not_proved_beside_an_unknown(tmp_path: Path, extra: dict[str, Any]) -> None:
    template = _template("basic")
    template["Resources"].update(extra)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, report = _summary(path)
    assert code == 1
    assert report["summary"]["every_tier_proved"] is False, report["summary"]
    (deployed,) = report["summary"]["deployed"]
    basic = next(t for t in deployed["tiers"] if t["tier"] == "basic")
    assert basic["status"] == "unknown", deployed


def test_twin_the_catalogue_roles_alone_are_proved(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_template("basic"), indent=2), encoding="utf-8")
    code, report = _summary(path)
    assert code == 0
    (deployed,) = report["summary"]["deployed"]
    basic = next(t for t in deployed["tiers"] if t["tier"] == "basic")
    assert basic["status"] == "proved", deployed
