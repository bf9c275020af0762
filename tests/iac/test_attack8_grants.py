"""Round 8: KMS grants and S3 Access Grants locations on model resources.

1. Terraform ``aws_kms_grant`` on the pooled tenant key::

       aws_kms_grant.reader:
         key_id: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0     # the model's tenant_key
         grantee_principal: arn:aws:iam::111122223333:role/reporting
         operations: [Decrypt]                            # no constraints

   Deployed effect: a grant lets its grantee principal use the key for the granted
   operations beside the key policy (AWS KMS Developer Guide, "Grants in AWS KMS"), so
   ``reporting`` decrypts every tenant's data encrypted under the shared key, with any
   tenant's encryption context: the key policy's per-tenant condition is bypassed.

2. CloudFormation ``AWS::S3::AccessGrantsLocation`` with
   ``LocationScope: s3://saas-documents-111122223333`` (Terraform:
   ``aws_s3control_access_grants_location``). Deployed effect: S3 Access Grants assumes
   the location's role and vends temporary credentials for the pooled bucket to the
   grantees of the location's grants (CloudFormation template reference,
   "AWS::S3::AccessGrantsLocation").

Why the lint must not pass them: neither holds a policy document, so the readers
skipped them and `lint --catalog` said 0 errors. Now each is PE115, and PE091 when it
opens a model resource: the proof reads policies only.
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

KEY_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _plan(kind: str, after: dict[str, Any]) -> dict[str, Any]:
    change = {"actions": ["create"], "after": after, "after_unknown": {}}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x", "change": change}
        ],
    }


@pytest.mark.parametrize(
    ("kind", "after", "model"),
    [
        ("aws_kms_grant", {"key_id": KEY_ID, "operations": ["Decrypt"],
                           "grantee_principal": "arn:aws:iam::111122223333:role/reporting"},
         "tenant_key"),
        ("aws_kms_grant", {"key_id": f"arn:aws:kms:eu-west-1:111122223333:key/{KEY_ID}",
                           "operations": ["Decrypt"],
                           "grantee_principal": "arn:aws:iam::111122223333:role/reporting"},
         "tenant_key"),
        ("aws_s3control_access_grants_location",
         {"location_scope": "s3://saas-documents-111122223333",
          "iam_role_arn": "arn:aws:iam::111122223333:role/grants"}, "documents"),
    ],
    ids=["kms-key-id", "kms-key-arn", "access-grants-location"],
)  # fmt: skip
def test_a_terraform_grant_on_a_model_resource_is_not_passed(
    tmp_path: Path, kind: str, after: dict[str, Any], model: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(kind, after)), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and f"`{model}`" in f["message"] for f in findings), findings


def _location(scope: str) -> dict[str, Any]:
    template = _template("basic")
    template["Resources"]["Location"] = {
        "Type": "AWS::S3::AccessGrantsLocation",
        "Properties": {
            "LocationScope": scope,
            "IamRoleArn": "arn:aws:iam::111122223333:role/grants",
        },
    }
    return template


@pytest.mark.parametrize("scope", ["s3://saas-documents-111122223333/acme", "s3://"])
def test_an_access_grants_location_on_the_pooled_bucket_is_not_passed(
    tmp_path: Path, scope: str
) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_location(scope), indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and "`documents`" in f["message"] for f in findings)


def test_twin_grants_outside_the_model_are_only_said(tmp_path: Path) -> None:
    """A location on the app's own bucket and a KMS grant on another key: PE115
    warnings (not read), no error."""
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_location("s3://app-exports/reports"), indent=2),
                    encoding="utf-8")  # fmt: skip
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]
    other = {"key_id": "11111111-2222-3333-4444-555555555555", "operations": ["Decrypt"],
             "grantee_principal": "arn:aws:iam::111122223333:role/reporting"}  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan("aws_kms_grant", other)), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]
