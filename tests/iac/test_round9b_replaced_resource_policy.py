"""Round 9b: two resource policies of the templates on one bucket.

S3 keeps one bucket policy per bucket: ``PutBucketPolicy`` replaces the one there (S3
API Reference), so with two ``AWS::S3::BucketPolicy`` resources (or a template's and a
plan's) on the pooled bucket, the one written last is deployed. Here one holds the
tenant fence (a Deny), the other an Allow to every principal of the account without
it. The lint reported the clash (PE124) but proved the union: the first policy's Deny
fenced the second's Allow, and the summary said ``proved``. With the second's bucket a
parameter given no value (or an ``Fn::If``) there was no clash reported at all. Now the
Denies of contested policies fence nothing in the deployed proof (as under an undecided
condition): the tier is a violation.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_undecided_denies import BUCKET, _deployment

NAME = BUCKET.rsplit(":", 1)[1]


def _split(second_bucket: Any) -> dict[str, Any]:
    """The fenced policy and, on ``second_bucket``, the same without the fence and
    with the open Allow (only the second is open; only the first is fenced)."""
    template = _deployment(None)
    policy = template["Resources"]["DocsPolicy"]
    *catalogue, allow, fence = policy["Properties"]["PolicyDocument"]["Statement"]
    fenced = copy.deepcopy(policy)
    fenced["Properties"]["PolicyDocument"]["Statement"] = [*catalogue, fence]
    opened = copy.deepcopy(policy)
    opened["Properties"]["PolicyDocument"]["Statement"] = [*catalogue, allow]
    opened["Properties"]["Bucket"] = second_bucket
    template["Resources"]["DocsPolicy"] = fenced
    template["Resources"]["OpenPolicy"] = opened
    return template


def _status(tmp_path: Path, *documents: dict[str, Any]) -> str:
    paths = []
    for i, document in enumerate(documents):
        path = tmp_path / f"t{i}.json"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        paths.append(str(path))
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), *paths]
    out = io.StringIO()
    run(argv, out, io.StringIO())
    tiers = json.loads(out.getvalue())["summary"]["deployed"][0]["tiers"]
    status: str = {t["tier"]: t["status"] for t in tiers}["basic"]
    return status


@pytest.mark.parametrize(
    "second_bucket",
    [
        NAME,  # the same bucket, literally
        {"Ref": "Fence"},  # a parameter given no value: maybe the same
        {"Fn::If": ["WithFence", NAME, "app-other"]},  # undecided: maybe the same
    ],
)
def test_contested_bucket_policy_denies_fence_nothing(tmp_path: Path, second_bucket: Any) -> None:
    assert _status(tmp_path, _split(second_bucket)) == "violation"


def test_contested_across_a_template_and_a_plan(tmp_path: Path) -> None:
    template = _split(NAME)
    opened = template["Resources"].pop("OpenPolicy")
    change = {
        "actions": ["create"],
        "before": None,
        "after": {"bucket": NAME, "policy": json.dumps(opened["Properties"]["PolicyDocument"])},
        "after_unknown": {},
    }
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_s3_bucket_policy.docs", "mode": "managed",
             "type": "aws_s3_bucket_policy", "name": "docs", "change": change}
        ],
    }  # fmt: skip
    assert _status(tmp_path, template, plan) == "violation"


def test_twin_one_fenced_policy_is_proved(tmp_path: Path) -> None:
    template = _split(NAME)
    del template["Resources"]["OpenPolicy"]
    assert _status(tmp_path, template) == "proved"
    template = _split("app-other")  # the second on another bucket: not contested
    assert _status(tmp_path, template) == "proved"
