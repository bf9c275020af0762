"""Round 9: a plan that forgets a resource (``removed { lifecycle { destroy = false } }``).

Plan (``terraform show -json``)::

    {"address": "aws_s3_bucket_policy.docs", "type": "aws_s3_bucket_policy",
     "change": {"actions": ["forget"],
                "before": {"bucket": "saas-documents-111122223333", "policy": "{...}"},
                "after": null}}

Deployed effect: Terraform removes the object from its state and leaves it in AWS
(Terraform docs, "Remove a resource from state": a ``removed`` block with
``destroy = false``). The bucket policy, here one that lets anyone read every
tenant's documents, stays on the bucket after apply.

Why the lint must not pass it: the reader skipped only ``["delete"]`` and read
``after``, which is null for a forgotten object: the policy that stays deployed was
not read at all (every tier proved). Now a forgotten object is read from ``before``,
as what stays deployed.
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

BUCKET = "saas-documents-111122223333"
OPEN = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    ],
}  # fmt: skip


def _plan(actions: list[str], after: Any) -> dict[str, Any]:
    before = {"bucket": BUCKET, "policy": json.dumps(OPEN)}
    change = {"actions": actions, "before": before, "after": after, "after_unknown": {}}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_s3_bucket_policy.docs", "mode": "managed",
             "type": "aws_s3_bucket_policy", "name": "docs", "change": change}
        ],
    }  # fmt: skip


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def test_a_forgotten_bucket_policy_stays_deployed_and_is_read(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(["forget"], None)), encoding="utf-8")
    (policy,) = read_template(path).policies
    assert policy.document == OPEN
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE124" and "`documents`" in f["message"] for f in findings), findings


@pytest.mark.parametrize("actions", [["delete"], ["delete", "create"]])
def test_twin_a_deleted_or_replaced_object_is_not_read_from_before(
    tmp_path: Path, actions: list[str]
) -> None:
    """Destroyed (or replaced by ``after``): ``before`` is gone after apply."""
    after = None if actions == ["delete"] else {"bucket": "app-logs", "policy": None}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(actions, after)), encoding="utf-8")
    assert read_template(path).policies == []
