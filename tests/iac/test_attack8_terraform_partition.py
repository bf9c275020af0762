"""Round 8: a Terraform plan for a catalogue outside the ``aws`` partition.

Plan (``terraform show -json``), for a catalogue whose ``partition`` is
``aws-us-gov``::

    aws_s3_bucket_policy.docs:
      bucket: saas-documents-111122223333          # the model's pooled bucket
      policy: {"Statement": [{"Effect": "Allow", "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws-us-gov:s3:::saas-documents-111122223333/*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}]}

Deployed effect: in GovCloud the bucket's ARN is ``arn:aws-us-gov:s3:::...`` (ARNs
carry the partition: IAM User Guide, "IAM identifiers", ARN format), so this is the
policy of the pooled bucket, and it lets every principal of the account, every
tenant's session (a ``*`` grant is not limited by session policies), read every
tenant's documents.

Why the lint must not pass it: the plan reader built the ARNs of what a policy is
attached to with a fixed ``arn:aws:``, so the policy was on ``arn:aws:s3:::...``, no
model resource of a GovCloud catalogue: no drift, no proof, 0 errors. The plan does
not spell its partition; it is the deployment's, the catalogue's: now it is matched
so, and the policy is checked against the catalogue's.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

BUCKET = "saas-documents-111122223333"


def _catalog(tmp_path: Path, partition: str) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(load_catalog().root, root)
    manifest = root / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('partition = "aws"', f'partition = "{partition}"', 1),
                        encoding="utf-8")  # fmt: skip
    return root


def _plan(partition: str, statement: dict[str, Any]) -> dict[str, Any]:
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    after = {"bucket": BUCKET, "policy": json.dumps(policy)}
    change = {"actions": ["create"], "after": after, "after_unknown": {}}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_s3_bucket_policy.docs",
                "mode": "managed",
                "type": "aws_s3_bucket_policy",
                "name": "docs",
                "change": change,
            }
        ],
    }


def _lint(catalog: Path, path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    code = run(["lint", "--format", "json", "--catalog", str(catalog), str(path)], out,
               io.StringIO())  # fmt: skip
    return code, json.loads(out.getvalue())["findings"]


@pytest.mark.parametrize("partition", ["aws-us-gov", "aws-cn"])
def test_a_plan_policy_on_the_pooled_bucket_outside_aws_is_checked(
    tmp_path: Path, partition: str
) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:{partition}:s3:::{BUCKET}/*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(partition, statement)), encoding="utf-8")
    code, findings = _lint(_catalog(tmp_path, partition), path)
    assert code == 1, findings
    drift = [f for f in findings if f["rule"] == "PE124"]
    assert [f["message"].split("`")[1] for f in drift] == ["documents"], findings


def test_twin_the_catalogues_bucket_policy_in_its_partition_stays_clean(tmp_path: Path) -> None:
    """The catalogue's own documents bucket policy, deployed by Terraform in GovCloud,
    equals the catalogue's: clean, and attached to no other model resource."""
    catalog = _catalog(tmp_path, "aws-us-gov")
    from policy_engine.isolation import resource_documents

    document = resource_documents(load_catalog(catalog))["documents"]
    plan = _plan("aws-us-gov", {})
    plan["resource_changes"][0]["change"]["after"]["policy"] = json.dumps(document)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, findings = _lint(catalog, path)
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
