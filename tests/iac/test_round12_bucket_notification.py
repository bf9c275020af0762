"""Round 12: a function fed by the notifications of a bucket anyone may write.

Catalogue ``catalogs/abac``. Template: the clean deployment and ``reports-api``
(reading every report, ``saas-reports/*``, with its own role) notified of the objects
written to another bucket, ``uploads``, whose bucket policy lets ``*``
``s3:PutObject``: through a SAM ``S3`` event (SAM writes the bucket's
``NotificationConfiguration`` and S3's invoke permission), an ``AWS::S3::Bucket``
``NotificationConfiguration.LambdaConfigurations`` entry, or a plan's
``aws_s3_bucket_notification`` ``lambda_function`` block.

Deployed effect: S3 invokes the function with each event record, the object's key
(``s3.object.key``) and bucket, which the writer chose ("Event notification
content", S3 User Guide, "Event message structure"); anyone writes an object whose key
or body names any tenant, and the function reads with its own role whatever tenant the
record names (a confused deputy, as a queue anyone may write: round 11).

Why the lint must not pass it: round 11 read queues and topics as public triggers
(``sqs:SendMessage``, ``sns:Publish``); a bucket's notification was read only as a copy
of a model bucket's keys (PE115). S3's permission is a service's, and every tier
`proved`. The twins: no bucket policy (only the account's principals write), a bucket
policy for one role, a function reading another bucket.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round11_public_deputy import OTHER, READ_ALL, _plan, _sam

ANYONE_PUTS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                   "Resource": "arn:aws:s3:::uploads/*"}],
}  # fmt: skip
OWNER_PUTS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow",
                   "Principal": {"AWS": "arn:aws:iam::111122223333:role/ingest"},
                   "Action": "s3:PutObject", "Resource": "arn:aws:s3:::uploads/*"}],
}  # fmt: skip


def _notified(
    policy: dict[str, Any] | None, sam: bool = True, reads: dict[str, Any] = READ_ALL
) -> dict[str, Any]:
    if sam:
        template = _sam({"Events": {"Up": {"Type": "S3", "Properties": {
            "Bucket": {"Ref": "Uploads"}, "Events": "s3:ObjectCreated:*"}}}}, reads)  # fmt: skip
        bucket: dict[str, Any] = {"BucketName": "uploads"}
    else:
        template = _sam({}, reads)
        bucket = {"BucketName": "uploads", "NotificationConfiguration": {
            "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*",
                                      "Function": {"Fn::GetAtt": ["Api", "Arn"]}}]}}  # fmt: skip
    template["Resources"]["Uploads"] = {"Type": "AWS::S3::Bucket", "Properties": bucket}
    if policy is not None:
        template["Resources"]["UploadsPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "Uploads"}, "PolicyDocument": policy}}  # fmt: skip
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_notified(ANYONE_PUTS), "unknown"),
        (_notified(ANYONE_PUTS, sam=False), "unknown"),
        # twins: no policy, a policy for one role, a function reading another bucket
        (_notified(None), "proved"),
        (_notified(None, sam=False), "proved"),
        (_notified(OWNER_PUTS), "proved"),
        (_notified(ANYONE_PUTS, reads=OTHER), "proved"),
    ],
)  # fmt: skip
def test_a_function_notified_by_a_bucket_anyone_may_write(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def _tf(policy: dict[str, Any] | None) -> dict[str, Any]:
    plan = _plan("s3.amazonaws.com")
    plan["resource_changes"] = [c for c in plan["resource_changes"]
                                if c["type"] != "aws_lambda_function_url"]  # fmt: skip

    def change(kind: str, after: dict[str, Any]) -> dict[str, Any]:
        return {"address": f"{kind}.up", "mode": "managed", "type": kind, "name": "up",
                "change": {"actions": ["create"], "before": None, "after": after,
                           "after_unknown": {}}}  # fmt: skip

    fn = "arn:aws:lambda:eu-west-1:111122223333:function:reports-api"
    plan["resource_changes"].append(change("aws_s3_bucket_notification", {
        "bucket": "uploads",
        "lambda_function": [{"events": ["s3:ObjectCreated:*"], "lambda_function_arn": fn}],
    }))  # fmt: skip
    if policy is not None:
        after = {"bucket": "uploads", "policy": json.dumps(policy)}
        plan["resource_changes"].append(change("aws_s3_bucket_policy", after))
    return plan


@pytest.mark.parametrize(("policy", "expected"), [(ANYONE_PUTS, True), (OWNER_PUTS, False),
                                                  (None, False)])  # fmt: skip
def test_the_terraform_form(tmp_path: Path, policy: dict[str, Any] | None, expected: bool) -> None:
    doc = lint(tmp_path, _tf(policy))
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "reports-" in f["message"]]
    assert bool(hit) == expected, doc["findings"]
