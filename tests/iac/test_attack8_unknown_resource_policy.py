"""Round 8: a resource policy of a model resource known only after apply (Terraform).

Plan (``terraform show -json``)::

    aws_s3_bucket_policy.docs:
      bucket: saas-documents-111122223333     # the model's pooled bucket (not created here)
      policy: (known after apply)             # e.g. jsonencode() of another resource's ARN

Deployed effect: the pooled bucket gets a policy nobody has read; it may grant ``*``
(every tenant's session, unlimited by session policies) every tenant's documents.

Why the lint must not pass it: the reader said PE113 (a warning) and read nothing, so
no policy was attached to the model bucket, and (the bucket not being created in the
plan) the drift check and the deployed proof took the catalogue's bucket policy in its
place: 0 errors. A resource policy nobody can read is on its resource all the same:
now it is PE091 on a model resource (what it grants is unknown).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.isolation import resource_documents


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _plan(tmp_path: Path, kind: str, after: dict[str, Any], unknown: dict[str, Any]) -> Path:
    change = {"actions": ["create"], "after": after, "after_unknown": unknown}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x",
             "change": change}
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "after", "model"),
    [
        ("aws_s3_bucket_policy", {"bucket": "saas-documents-111122223333"}, "documents"),
        ("aws_sqs_queue_policy",
         {"queue_url": "https://sqs.eu-west-1.amazonaws.com/111122223333/saas-jobs-acme"},
         "jobs"),
        ("aws_kms_key_policy", {"key_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"},
         "tenant_key"),
    ],
)  # fmt: skip
def test_a_model_resource_policy_known_after_apply_is_not_passed(
    tmp_path: Path, kind: str, after: dict[str, Any], model: str
) -> None:
    code, findings = _lint(_plan(tmp_path, kind, after, {"policy": True}))
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and f"`{model}`" in f["message"] for f in findings), findings


def test_twin_the_catalogues_policy_known_in_the_plan_stays_clean(tmp_path: Path) -> None:
    document = resource_documents(load_catalog())["documents"]
    after = {"bucket": "saas-documents-111122223333", "policy": json.dumps(document)}
    code, findings = _lint(_plan(tmp_path, "aws_s3_bucket_policy", after, {}))
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
