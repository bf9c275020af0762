"""A resource deployed only under a condition the lint cannot decide (it depends on a
parameter given no value) may be deployed or not: its Allows are read as deployed, and
its Denies, which may be missing, fence nothing in the deployed proof. A bucket policy
whose tenant fence is a Deny in it was proved on the Deny even when the stack might
deploy without it."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.isolation import resource_documents
from policy_engine.lint._iac import _without_denies

from .test_deployment import _template

BUCKET = "arn:aws:s3:::saas-documents-111122223333"


def _deployment(condition: str | None) -> dict[str, Any]:
    template = _template("basic")
    template["Parameters"] = {"Fence": {"Type": "String"}}
    template["Conditions"] = {"WithFence": {"Fn::Equals": [{"Ref": "Fence"}, "yes"]}}
    doc = copy.deepcopy(dict(resource_documents(load_catalog())["documents"]))
    doc["Statement"] = [
        *doc["Statement"],
        {  # same account, to anyone: no session policy narrows it
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"{BUCKET}/*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
        },
        {  # the tenant fence
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:GetObject",
            "NotResource": f"{BUCKET}/${{aws:PrincipalTag/TenantId}}/*",
        },
    ]
    policy: dict[str, Any] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": "saas-documents-111122223333", "PolicyDocument": doc},
    }
    if condition is not None:
        policy["Condition"] = condition
    template["Resources"]["DocsPolicy"] = policy
    return template


def _basic_status(tmp_path: Path, template: dict[str, Any], *params: str) -> str:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    for p in params:
        argv += ["--parameter", p]
    out = io.StringIO()
    run(argv, out, io.StringIO())
    tiers = json.loads(out.getvalue())["summary"]["deployed"][0]["tiers"]
    status: str = {t["tier"]: t["status"] for t in tiers}["basic"]
    return status


@pytest.mark.parametrize(
    ("condition", "params", "expected"),
    [
        ("WithFence", (), "violation"),  # undecided: the fence may be missing
        (None, (), "proved"),  # always deployed: the fence holds
        ("WithFence", ("Fence=yes",), "proved"),  # decided true: deployed with it
    ],
)
def test_denies_under_an_undecided_condition_fence_nothing(
    tmp_path: Path, condition: str | None, params: tuple[str, ...], expected: str
) -> None:
    assert _basic_status(tmp_path, _deployment(condition), *params) == expected


def test_statements_left_keep_their_lines() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
        ],
    }
    lines = {
        "$": 1,
        "$.Statement[0]": 3,
        "$.Statement[1]": 4,
        "$.Statement[1].Resource": 5,
        "$.Statement[2]": 6,
        "$.Statement[3]": 7,
    }
    kept, moved = _without_denies(document, lines)
    assert [s["Action"] for s in kept["Statement"]] == ["s3:GetObject", "s3:PutObject"]
    assert moved == {"$": 1, "$.Statement[0]": 4, "$.Statement[0].Resource": 5, "$.Statement[1]": 7}
