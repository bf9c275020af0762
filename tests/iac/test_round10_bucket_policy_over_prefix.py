"""Round 10: a bucket policy over a model resource at a key prefix of the bucket.

Catalogue: ``catalogs/abac`` with the reports modelled at a key prefix of a bucket the
catalogue does not otherwise model (``arn:aws:s3:::shared-bucket/reports``, partitions
``shared-bucket/reports/{tenant}/*``). Template: both tier roles as the catalogue has
them, and::

    Open:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: shared-bucket
        PolicyDocument:
          Statement:
            - {Effect: Allow, Principal: "*", Action: s3:GetObject,
               Resource: arn:aws:s3:::shared-bucket/*}

Deployed effect: a bucket has one policy, evaluated for every key of the bucket (S3
User Guide, bucket policies): anyone reads every tenant's reports.

Why the lint must not pass it: a resource policy was matched to a model resource by
its own ARN (`arn:aws:s3:::shared-bucket` against `.../shared-bucket/reports`: no
overlap), so the bucket's policy was on no model resource and every tier was `proved`
with no drift finding. Now an S3 bucket's policy (and a bucket the templates create)
governs every model resource in the bucket.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run

from ._abac import CATALOG, clean, statuses

PREFIX = "shared-bucket/reports"


def _catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG, folder)
    for path in folder.iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace("saas-reports", PREFIX), "utf-8")
    return folder


def _template(bucket: str, statement: dict[str, Any]) -> dict[str, Any]:
    template = json.loads(json.dumps(clean()).replace("saas-reports", PREFIX))
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    template["Resources"]["Open"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": bucket, "PolicyDocument": policy},
    }
    return template


OPEN = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::shared-bucket/*"}  # fmt: skip
TLS_ONLY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": "arn:aws:s3:::shared-bucket/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip


@pytest.mark.parametrize(
    ("bucket", "statement", "expected"),
    [
        ("shared-bucket", OPEN, "violation"),
        ("other-bucket", {**OPEN, "Resource": "arn:aws:s3:::other-bucket/*"}, "proved"),
        ("shared-bucket", TLS_ONLY, "proved"),
    ],
)
def test_a_bucket_policy_governs_a_model_resource_at_a_key_prefix(
    tmp_path: Path, bucket: str, statement: dict[str, Any], expected: str
) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_template(bucket, statement)), encoding="utf-8")
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(_catalog(tmp_path)), str(path)]
    run(argv, out, io.StringIO())
    doc = json.loads(out.getvalue())
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
